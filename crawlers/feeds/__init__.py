"""Pure reading of what lists the pages to collect: feeds (RSS 0.9x/1.0/2.0, RDF, Atom, JSON Feed,
YouTube), feed autodiscovery, and sitemaps (`sitemap_xml`).

XML feeds take one of two paths. Well-formed UTF-8 RSS 2.0 and Atom 1.0 made only of what the
lxml reader can promise to read as feedparser does are read with lxml (`via_lxml`, ~10x faster);
everything else -- RDF, YouTube, broken or oddly encoded feeds, DTDs, xml:base, HTML the sanitiser
would change, unknown elements that feedparser maps onto a field -- by feedparser
(`via_feedparser`). Both give the same Feed and the same FeedEntry fields except `raw`, the entry
as stored for re-analysis, whose two shapes each module's docstring describes.
"""

from __future__ import annotations

from crawlers.exceptions import PayloadShapeError
from crawlers.feeds.discovery import FEED_TYPES, discover_feeds, looks_like_html, looks_like_json
from crawlers.feeds.json_feed import read_json_feed
from crawlers.feeds.model import Feed, FeedEntry
from crawlers.feeds.via_feedparser import read_with_feedparser
from crawlers.feeds.via_lxml import read_with_lxml

__all__ = [
    "FEED_TYPES",
    "Feed",
    "FeedEntry",
    "discover_feeds",
    "looks_like_html",
    "looks_like_json",
    "parse_feed",
]


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse any supported feed; raises PayloadShapeError when the body is not a feed at all."""
    if not body.strip():
        raise PayloadShapeError("empty feed")
    if looks_like_json(body):
        return read_json_feed(body, url)
    fast = read_with_lxml(body, url, content_type)
    return fast if fast is not None else read_with_feedparser(body, url, content_type)
