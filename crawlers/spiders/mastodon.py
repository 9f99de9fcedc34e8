"""Mastodon spider: hashtag timelines of an instance, paged with max_id, resumed with since_id.

Most instances answer anonymously; one that asks for a token (401) gets the one in
PLACEWATCH_MASTODON_TOKEN (or the source's `token_env`), and the error says so when it is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from scrapy.http import Request, Response

from crawlers.access import HOW_TO_GET
from crawlers.per_territory import territory_hashtags
from crawlers.social.posts import Post, PostPage, parse_mastodon_statuses
from crawlers.spiders.api import ApiSpider, Listing

logger = logging.getLogger(__name__)


def status_order(status_id: str) -> str:
    """Mastodon ids are growing integers (snowflakes): compare them as zero-padded strings."""
    return status_id.zfill(24) if status_id.isdigit() else status_id


class MastodonSpider(ApiSpider):
    """GET {url}/api/v1/timelines/tag/{hashtag} for each hashtag (configured, or per territory)."""

    name = "mastodon"
    source_type: ClassVar[str] = "mastodon"
    page_size: ClassVar[int] = 40
    auth_statuses: ClassVar[tuple[int, ...]] = (401,)
    nothing_configured: ClassVar[str] = "no hashtags configured for this Mastodon source"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creds = self.source.credentials
        self.token = creds.values[0] if creds is not None and creds.complete else None

    def listings(self) -> list[Listing]:
        tags = dict.fromkeys(self.source.hashtags)
        if self.source.per_territory:
            for territory in self.run.territories:
                tags.update(dict.fromkeys(territory_hashtags(territory)))
        return [Listing(tag) for tag in tags]

    def timeline_url(self, tag: str, max_id: str | None = None) -> str:
        params: dict[str, Any] = {"limit": self.page_size}
        since = self.newest.get(tag)
        if since:
            params["since_id"] = since.lstrip("0") or "0"
        if max_id:
            params["max_id"] = max_id
        base = self.source.url.rstrip("/")
        return f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}?{urlencode(params)}"

    def first_request(self, listing: Listing) -> Request:
        return self.api_request(self.timeline_url(listing.key), listing.key, first=True)

    def authorized(self, request: Request) -> Request:
        if self.token:
            request.headers["Authorization"] = f"Bearer {self.token}"
        return request

    def refused(self, response: Response) -> Iterator[Request]:
        """401: this instance wants a token (or refused the one given)."""
        creds = self.source.credentials
        names = " / ".join(creds.names) if creds else "PLACEWATCH_MASTODON_TOKEN"
        if self.token:
            why = f"the instance refused the access token in {names}"
        else:
            why = f"this instance requires an access token: set {names} ({HOW_TO_GET['mastodon']})"
        if not self.run.report.failed:  # once, not once per hashtag
            self.run.record_error(f"{why} (HTTP 401 for {response.url})", fatal=True)
        return iter(())

    def parse_payload(self, data: Any) -> PostPage:
        return parse_mastodon_statuses(data)

    def sort_key(self, post: Post) -> str:
        return status_order(post.native_id)

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        if len(page.posts) < self.page_size or not page.next_cursor:
            return None
        return self.api_request(self.timeline_url(listing, page.next_cursor), listing, first=False)
