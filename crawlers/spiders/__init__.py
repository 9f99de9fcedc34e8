"""One spider per kind of source; `SPIDERS` maps a source type to its spider class."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.rss import FeedSpider
from crawlers.spiders.sitemap import SitemapSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "rss": FeedSpider,
    "sitemap": SitemapSpider,
}

__all__ = ["SPIDERS", "FeedSpider", "SitemapSpider", "SourceSpider"]
