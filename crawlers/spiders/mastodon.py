"""Mastodon spider: public hashtag timelines of an instance, paged with max_id, resumed with since_id."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from scrapy.http import Request, Response

from crawlers.social.posts import Post, PostPage, parse_mastodon_statuses
from crawlers.spiders.api import ApiSpider

logger = logging.getLogger(__name__)


def status_order(status_id: str) -> str:
    """Mastodon ids are growing integers (snowflakes): compare them as zero-padded strings."""
    return status_id.zfill(24) if status_id.isdigit() else status_id


class MastodonSpider(ApiSpider):
    """GET {url}/api/v1/timelines/tag/{hashtag} for each configured hashtag."""

    name = "mastodon"
    source_type: ClassVar[str] = "mastodon"
    page_size: ClassVar[int] = 40

    def timeline_url(self, tag: str, max_id: str | None = None) -> str:
        params: dict[str, Any] = {"limit": self.page_size}
        since = self.newest.get(tag)
        if since:
            params["since_id"] = since.lstrip("0") or "0"
        if max_id:
            params["max_id"] = max_id
        base = self.source.url.rstrip("/")
        return f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}?{urlencode(params)}"

    def start_requests(self) -> Iterator[Request]:
        if not self.source.hashtags:
            self.run.record_error("no hashtags configured for this Mastodon source", fatal=True)
            return
        for tag in self.source.hashtags:
            yield self.api_request(self.timeline_url(tag), tag, first=True)

    def parse_payload(self, data: Any) -> PostPage:
        return parse_mastodon_statuses(data)

    def sort_key(self, post: Post) -> str:
        return status_order(post.native_id)

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        if len(page.posts) < self.page_size or not page.next_cursor:
            return None
        return self.api_request(self.timeline_url(listing, page.next_cursor), listing, first=False)
