"""Reddit spider: public JSON listings (new posts of subreddits, searches), following `after`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from scrapy.http import Request, Response

from crawlers.social.posts import PostPage, parse_reddit_listing
from crawlers.spiders.api import ApiSpider

logger = logging.getLogger(__name__)


class RedditSpider(ApiSpider):
    """`/r/{sub}/new.json`, `/r/{sub}/search.json?q=…&restrict_sr=1` or `/search.json?q=…`."""

    name = "reddit"
    source_type: ClassVar[str] = "reddit"
    page_size: ClassVar[int] = 100

    def listings(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Listing key → (path, query parameters)."""
        query = (self.source.query or "").strip()
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for sub in self.source.subreddits:
            sub = sub.removeprefix("r/").strip("/")
            if query:
                found[f"r/{sub}?q={query}"] = (
                    f"/r/{quote(sub)}/search.json",
                    {"q": query, "restrict_sr": 1, "sort": "new"},
                )
            else:
                found[f"r/{sub}"] = (f"/r/{quote(sub)}/new.json", {})
        if query and not self.source.subreddits:
            found[f"search?q={query}"] = ("/search.json", {"q": query, "sort": "new"})
        return found

    def listing_url(self, listing: str, after: str | None = None) -> str:
        path, params = self.listings()[listing]
        params = {**params, "limit": self.page_size, "raw_json": 1}
        if after:
            params["after"] = after
        return f"{self.source.url.rstrip('/')}{path}?{urlencode(params)}"

    def start_requests(self) -> Iterator[Request]:
        listings = self.listings()
        if not listings:
            self.run.record_error("no subreddits or query configured for this Reddit source", fatal=True)
            return
        for listing in listings:
            yield self.api_request(self.listing_url(listing), listing, first=True)

    def parse_payload(self, data: Any) -> PostPage:
        return parse_reddit_listing(data, "https://www.reddit.com")

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        if not page.next_cursor:
            return None
        return self.api_request(self.listing_url(listing, page.next_cursor), listing, first=False)
