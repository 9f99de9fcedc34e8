"""One spider per kind of source; `SPIDERS` maps a source type to its spider class."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.bluesky import BlueskySpider
from crawlers.spiders.mastodon import MastodonSpider
from crawlers.spiders.page import PageSpider
from crawlers.spiders.reddit import RedditSpider
from crawlers.spiders.rss import FeedSpider
from crawlers.spiders.sitemap import SitemapSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "rss": FeedSpider,
    "sitemap": SitemapSpider,
    "page": PageSpider,
    "mastodon": MastodonSpider,
    "reddit": RedditSpider,
    "bluesky": BlueskySpider,
}

__all__ = [
    "SPIDERS",
    "BlueskySpider",
    "FeedSpider",
    "MastodonSpider",
    "PageSpider",
    "RedditSpider",
    "SitemapSpider",
    "SourceSpider",
]
