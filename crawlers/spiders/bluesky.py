"""Bluesky spider: app.bsky.feed.searchPosts, newest first, following `cursor`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawlers.social.posts import PostPage, parse_bluesky_search
from crawlers.spiders.api import ApiSpider

logger = logging.getLogger(__name__)


class BlueskySpider(ApiSpider):
    """GET {url}/xrpc/app.bsky.feed.searchPosts?q=…&sort=latest."""

    name = "bluesky"
    source_type: ClassVar[str] = "bluesky"
    page_size: ClassVar[int] = 100

    def search_url(self, cursor: str | None = None) -> str:
        params: dict[str, Any] = {"q": self.source.query, "sort": "latest", "limit": self.page_size}
        if cursor:
            params["cursor"] = cursor
        return f"{self.source.url.rstrip('/')}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"

    def start_requests(self) -> Iterator[Request]:
        if not (self.source.query or "").strip():
            self.run.record_error("no query configured for this Bluesky source", fatal=True)
            return
        yield self.api_request(self.search_url(), "search", first=True)

    def parse_payload(self, data: Any) -> PostPage:
        return parse_bluesky_search(data)

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        if not page.next_cursor:
            return None
        return self.api_request(self.search_url(page.next_cursor), listing, first=False)
