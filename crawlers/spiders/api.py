"""Shared machinery of the social API spiders: JSON pages, posts to documents, newest markers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, ClassVar

from scrapy.http import Request, Response

from core.models import Engagement
from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import known_language
from crawlers.items import DocumentItem
from crawlers.social.posts import Post, PostPage
from crawlers.spiders.base import SourceSpider, dumps
from crawlers.urls import canonicalize_url
from nlp import detect_language

logger = logging.getLogger(__name__)


class ApiSpider(SourceSpider):
    """Pages through an API listing newest first, stopping at what the previous crawl saw."""

    page_size: ClassVar[int] = 40

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        newest = self.run.state.extra.get("newest")
        self.newest: dict[str, str] = dict(newest) if isinstance(newest, dict) else {}
        self._pending_newest: dict[str, str] = {}

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        raise NotImplementedError

    def api_request(self, url: str, listing: str, first: bool) -> Request:
        return Request(
            url,
            headers={"Accept": "application/json"},
            callback=self.parse_page,
            errback=self.on_error,
            meta={"entry": first, "listing": listing, "first": first},
            dont_filter=True,
        )

    def parse_payload(self, data: Any) -> PostPage:
        raise NotImplementedError

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        raise NotImplementedError

    def sort_key(self, post: Post) -> str:
        """Orders posts so the newest has the largest key (ISO date by default)."""
        return post.published.isoformat() if post.published else ""

    def parse_page(self, response: Response) -> Iterator[Any]:
        listing = response.meta["listing"]
        try:
            try:
                data = json.loads(response.body)
            except ValueError as exc:
                raise PayloadShapeError(f"invalid JSON: {exc}") from exc
            page = self.parse_payload(data)
        except PayloadShapeError as exc:
            self.run.record_error(f"{response.url}: {exc}", fatal=bool(response.meta.get("first")))
            return
        previous = self.newest.get(listing)
        reached_known = False
        self.run.look_up_stored(post.permalink for post in page.posts)
        for post in page.posts:
            key = self.sort_key(post)
            if key and key > self._pending_newest.get(listing, ""):
                self._pending_newest[listing] = key
            if previous is not None and key and key <= previous:
                reached_known = True
                continue
            if self.run.room_left() <= 0:
                break
            if self.run.is_known(post.native_id, post.permalink):
                continue
            self.run.scheduled += 1
            self.run.mark_seen(post.native_id)
            yield self.post_document(post)
        following = None
        if page.posts and not reached_known and self.run.room_left() > 0:
            following = self.next_request(response, listing, page)
        if following is not None:
            yield following
        elif listing in self._pending_newest:
            # The listing was read down to what we had: next crawl starts from here.
            self.newest[listing] = self._pending_newest[listing]
            self.run.state.extra["newest"] = self.newest
            self.run.state.cursor = max(self.newest.values())

    def post_document(self, post: Post) -> DocumentItem:
        lang = post.lang or known_language(detect_language(f"{post.title or ''}\n{post.text}"))
        return self.document(
            canonicalize_url(post.permalink),
            post.text,
            title=post.title,
            published=post.published,
            author=post.author,
            lang=lang,
            engagement=Engagement(
                likes=post.likes, reposts=post.reposts, replies=post.replies, followers=post.followers
            ),
            raw=dumps(post.raw),
            kind="post",
        )
