"""Bluesky spider: app.bsky.feed.searchPosts with a session, newest first, following `cursor`.

Bluesky has refused anonymous searches since January 2025. The session is opened with the
account's handle and an app password (com.atproto.server.createSession, rate-limited per
account), kept in the source's state, and renewed with its refresh token when the access token
has expired (400 ExpiredToken, com.atproto.server.refreshSession); it is opened again only when
the refresh token is refused.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from scrapy.http import Request, Response

from crawlers.access import missing_credentials_message
from crawlers.exceptions import PayloadShapeError
from crawlers.per_territory import territory_query
from crawlers.social.auth import AccountSession, session_of, xrpc_error
from crawlers.social.posts import PostPage, parse_bluesky_search
from crawlers.spiders.api import ApiSpider, Listing

logger = logging.getLogger(__name__)

SERVICE_URL = "https://bsky.social"
# The public AppView answers searches only with a session opened elsewhere: sign in at bsky.social.
_PUBLIC_APPVIEWS = ("public.api.bsky.app", "api.bsky.app")
_EXPIRED = ("ExpiredToken", "InvalidToken")


class BlueskySpider(ApiSpider):
    """GET {url}/xrpc/app.bsky.feed.searchPosts?q=…&sort=latest, signed in."""

    name = "bluesky"
    source_type: ClassVar[str] = "bluesky"
    page_size: ClassVar[int] = 100
    auth_statuses: ClassVar[tuple[int, ...]] = (400, 401)
    nothing_configured: ClassVar[str] = "no query configured for this Bluesky source"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creds = self.source.credentials
        self.handle = creds.values[0] if creds is not None and creds.complete else ""
        self.account = AccountSession.from_state(self.run.state.extra.get("auth"), self.handle)
        self.tried: set[str] = set()  # "refresh", "create": each at most once per crawl

    @property
    def service(self) -> str:
        url = self.source.url.rstrip("/")
        return SERVICE_URL if (urlsplit(url).hostname or "") in _PUBLIC_APPVIEWS else url

    def listings(self) -> list[Listing]:
        if self.source.per_territory:
            return [Listing(f"{t.id}:search", territory_query(t), t) for t in self.run.territories]
        query = (self.source.query or "").strip()
        return [Listing("search", query)] if query else []

    def search_url(self, query: str, cursor: str | None = None) -> str:
        params: dict[str, Any] = {"q": query, "sort": "latest", "limit": self.page_size}
        if cursor:
            params["cursor"] = cursor
        return f"{self.service}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"

    def first_request(self, listing: Listing) -> Request:
        return self.api_request(self.search_url(listing.query or ""), listing.key, first=True)

    def parse_payload(self, data: Any) -> PostPage:
        return parse_bluesky_search(data)

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        if not page.next_cursor:
            return None
        query = self.listings_by_key[listing].query or ""
        return self.api_request(self.search_url(query, page.next_cursor), listing, first=False)

    # ------------------------------------------------------------------ the session

    def cannot_start(self) -> str | None:
        creds = self.source.credentials
        if creds is None or not creds.complete:
            return missing_credentials_message(self.source)
        return None

    def needs_sign_in(self) -> bool:
        return True

    def signed_in(self) -> bool:
        return self.account is not None

    def authorized(self, request: Request) -> Request:
        if self.account is not None:
            request.headers["Authorization"] = f"Bearer {self.account.access}"
        return request

    def sign_in(self) -> Iterator[Request]:
        """Renew the session with its refresh token, else open one (once each per crawl)."""
        self.signing_in = True
        if self.account is not None and "refresh" not in self.tried:
            self.tried.add("refresh")
            yield self.xrpc("com.atproto.server.refreshSession", self.parse_session,
                            headers={"Authorization": f"Bearer {self.account.refresh}"})
            return
        if "create" in self.tried:
            self.give_up_parked("Bluesky keeps refusing a session opened in this crawl")
            return
        self.tried.add("create")
        creds = self.source.credentials
        assert creds is not None
        body = json.dumps({"identifier": creds.values[0], "password": creds.values[1]})
        yield self.xrpc("com.atproto.server.createSession", self.parse_session, body=body,
                        headers={"Content-Type": "application/json"})

    def xrpc(self, method: str, callback: Any, body: str = "", headers: dict[str, str] | None = None) -> Request:
        return Request(
            f"{self.service}/xrpc/{method}",
            method="POST",
            body=body,
            headers={"Accept": "application/json", **(headers or {})},
            callback=callback,
            errback=self.session_failed,
            meta={"entry": True, "handle_httpstatus_list": [400, 401, 403], "auth": True, "method": method},
            dont_filter=True,
        )

    def parse_session(self, response: Response) -> Iterator[Request]:
        method = response.meta["method"]
        if response.status != 200:
            error, message = xrpc_error(response.body)
            if method.endswith("refreshSession"):
                logger.info("source %s: Bluesky refused the refresh token (%s); signing in again",
                            self.source.id, error or response.status)
                self.account = None
                yield from self.sign_in()
                return
            creds = self.source.credentials
            names = " and ".join(creds.names) if creds else "the credentials"
            self.give_up_parked(
                f"Bluesky refused the handle or app password in {names} (HTTP {response.status}"
                f"{': ' + error if error else ''}{' ' + message if message else ''})"
            )
            return
        try:
            self.account = session_of(json.loads(response.body), self.handle)
        except (ValueError, PayloadShapeError) as exc:
            self.give_up_parked(f"{response.url}: {exc}")
            return
        self.run.state.extra["auth"] = self.account.to_state()
        if method.endswith("createSession"):
            logger.info("source %s: Bluesky session opened for %s", self.source.id, self.handle)
        yield from self.signed_in_now()

    def session_failed(self, failure: Any) -> None:
        self.on_error(failure)
        self.give_up_parked("no Bluesky session: the service could not be reached")

    def refused(self, response: Response) -> Iterator[Request]:
        """A search answered 400/401: an expired access token is renewed, anything else is an error."""
        error, message = xrpc_error(response.body)
        if response.status == 401 or error in _EXPIRED:
            self.park(response.request)
            if not self.signing_in:
                yield from self.sign_in()
            return
        self.run.record_error(
            f"HTTP {response.status} for {response.url}: {error or 'error'} {message}".strip(),
            fatal=bool(response.meta.get("first")),
        )
