"""Shared machinery of the social API spiders: listings, sign-in before reading, posts to documents.

A source reads one or more listings (a hashtag timeline, a subreddit, a search; per territory
when `per_territory` is set), newest first, each down to what the previous crawl saw. A spider
that signs in first (`needs_sign_in`) reads its first listing alone: once that answers, the
others follow with the same credentials, so an expired session is renewed once, not once per
listing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from scrapy.http import Request, Response

from config import Territory
from core.models import Engagement
from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import known_language
from crawlers.items import DocumentItem
from crawlers.social.posts import Post, PostPage
from crawlers.spiders.base import SourceSpider, dumps
from crawlers.urls import canonicalize_url, is_fetchable
from nlp import detect_language

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listing:
    """One thing a source reads: `key` names its incremental state (per territory when asked so)."""

    key: str
    query: str | None = None
    territory: Territory | None = None


class ApiSpider(SourceSpider):
    """Pages through API listings newest first, stopping at what the previous crawl saw."""

    page_size: ClassVar[int] = 40
    # Statuses the spider reads itself rather than as errors: a sign-in that ran out.
    auth_statuses: ClassVar[tuple[int, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        newest = self.run.state.extra.get("newest")
        self.newest: dict[str, str] = dict(newest) if isinstance(newest, dict) else {}
        self._pending_newest: dict[str, str] = {}
        self._parked: list[Request] = []  # listing requests waiting for a sign-in
        self.listings_by_key: dict[str, Listing] = {}
        self.signing_in = False

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        problem = self.cannot_start()
        if problem:
            self.run.record_error(problem, fatal=True)
            return
        listings = self.listings()[:1] if self.run.probe else self.listings()
        self.listings_by_key = {listing.key: listing for listing in listings}
        if not listings:
            self.run.record_error(f"nothing to read: {self.nothing_configured}", fatal=True)
            return
        requests = [self.first_request(listing) for listing in listings]
        if not self.needs_sign_in():
            yield from requests
            return
        first, self._parked = requests[0], requests[1:]
        if self.signed_in():
            yield self.authorized(first)
        else:
            self._parked.insert(0, first)
            yield from self.sign_in()

    # ------------------------------------------------------------------ what each platform says

    nothing_configured: ClassVar[str] = "no listing configured"

    def cannot_start(self) -> str | None:
        """Why this source cannot be read at all (missing credentials), else None."""
        return None

    def listings(self) -> list[Listing]:
        raise NotImplementedError

    def first_request(self, listing: Listing) -> Request:
        raise NotImplementedError

    def parse_payload(self, data: Any) -> PostPage:
        raise NotImplementedError

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        raise NotImplementedError

    def sort_key(self, post: Post) -> str:
        """Orders posts so the newest has the largest key (ISO date by default)."""
        return post.published.isoformat() if post.published else ""

    # ------------------------------------------------------------------ signing in

    def needs_sign_in(self) -> bool:
        return False

    def signed_in(self) -> bool:
        """True when credentials from an earlier sign-in are at hand."""
        return False

    def sign_in(self) -> Iterator[Request]:
        """The requests that sign in; their callbacks end with `signed_in_now()` or a fatal error."""
        return iter(())

    def authorized(self, request: Request) -> Request:
        """The request with the current credentials."""
        return request

    def refused(self, response: Response) -> Iterator[Request]:
        """A listing answered with one of `auth_statuses`: renew the credentials, or give up."""
        return iter(())

    def signed_in_now(self) -> Iterator[Request]:
        """Credentials renewed: the parked listing requests go out with them."""
        self.signing_in = False
        parked, self._parked = self._parked, []
        for request in parked:
            yield self.authorized(request)

    def park(self, request: Request | None) -> None:
        """Hold a request until the sign-in in progress ends."""
        if request is not None:
            self._parked.append(request.replace(dont_filter=True))

    def give_up_parked(self, message: str) -> None:
        """The sign-in failed: the source cannot be read in this crawl."""
        self.signing_in = False
        self._parked = []
        self.run.record_error(message, fatal=True)

    # ------------------------------------------------------------------ reading

    def api_request(self, url: str, listing: str, first: bool, headers: dict[str, str] | None = None) -> Request:
        meta: dict[str, Any] = {"entry": first, "listing": listing, "first": first}
        if self.auth_statuses:
            meta["handle_httpstatus_list"] = list(self.auth_statuses)
        return self.authorized(
            Request(
                url,
                headers={"Accept": "application/json", **(headers or {})},
                callback=self.parse_page,
                errback=self.on_error,
                meta=meta,
                dont_filter=True,
            )
        )

    def parse_body(self, response: Response) -> PostPage:
        """The page of posts in an answer (JSON by default); raises PayloadShapeError."""
        try:
            data = json.loads(response.body)
        except ValueError as exc:
            raise PayloadShapeError(f"invalid JSON: {exc}") from exc
        return self.parse_payload(data)

    def parse_page(self, response: Response) -> Iterator[Any]:
        if response.status in self.auth_statuses:
            yield from self.refused(response)
            return
        if self._parked and not self.signing_in:
            yield from self.signed_in_now()  # the first listing answered: the others may go
        listing = response.meta["listing"]
        try:
            page = self.parse_body(response)
        except PayloadShapeError as exc:
            self.run.record_error(f"{response.url}: {exc}", fatal=bool(response.meta.get("first")))
            return
        previous = self.newest.get(listing)
        reached_known = False
        self.run.report.listed += len(page.posts)
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
            if not is_fetchable(post.permalink):
                self.run.refuse(post.permalink)
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
