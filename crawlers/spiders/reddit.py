"""Reddit spider: the OAuth API with an app-only token, else the public Atom feeds (limited mode).

With PLACEWATCH_REDDIT_CLIENT_ID and _SECRET (or the source's `token_env`), a bearer token from
`token_url` (client_credentials grant, kept in the source's state until it expires) reads
`{url}/r/{sub}/new`, `{url}/r/{sub}/search?q=…&restrict_sr=1&sort=new` and `{url}/search?q=…`,
following `after`. Without them, the same listings' public Atom feeds under `feed_url`
(`/r/{sub}/new/.rss`, `/r/{sub}/search.rss?q=…`): one page each, no scores or comment counts.
The anonymous `.json` listings are not used: Reddit answers them 403 since May 2026.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

from scrapy.http import Request, Response

from config import Source, Territory
from core.models import utcnow
from crawlers.access import missing_credentials_message, source_access
from crawlers.exceptions import PayloadShapeError
from crawlers.feeds import parse_feed
from crawlers.per_territory import territory_query
from crawlers.social.auth import AppToken, app_token, basic_auth
from crawlers.social.posts import PostPage, parse_reddit_listing, reddit_feed_posts
from crawlers.spiders.api import ApiSpider, Listing

logger = logging.getLogger(__name__)

API_URL = "https://oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
FEED_URL = "https://www.reddit.com"
PERMALINK_BASE = "https://www.reddit.com"
_WEB_HOSTS = ("www.reddit.com", "reddit.com", "old.reddit.com")


def api_url(source: Source) -> str:
    """The API base; a source still naming the website (the anonymous JSON of old) asks the API."""
    host = urlsplit(source.url).hostname or ""
    return API_URL if host in _WEB_HOSTS else source.url.rstrip("/")


def feed_url(source: Source) -> str:
    if source.feed_url:
        return source.feed_url.rstrip("/")
    host = urlsplit(source.url).hostname or ""
    return source.url.rstrip("/") if host in _WEB_HOSTS else FEED_URL


class RedditSpider(ApiSpider):
    """Subreddits' new posts and searches (per territory when asked), newest first."""

    name = "reddit"
    source_type: ClassVar[str] = "reddit"
    page_size: ClassVar[int] = 100
    auth_statuses: ClassVar[tuple[int, ...]] = (401,)
    nothing_configured: ClassVar[str] = "no subreddits or query configured for this Reddit source"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creds = self.source.credentials
        self.client = creds.values[0] if creds is not None and creds.complete else None
        self.token = AppToken.from_state(self.run.state.extra.get("auth"))
        self.retried_token = False
        if self.client is None:
            self.run.report.limited = source_access(self.source).why

    # ------------------------------------------------------------------ listings

    def listings(self) -> list[Listing]:
        subs = [s.removeprefix("r/").strip("/") for s in self.source.subreddits]
        searches: list[tuple[str, str, Territory | None]]
        if self.source.per_territory:
            searches = [(f"{t.id}:", territory_query(t), t) for t in self.run.territories]
        elif (self.source.query or "").strip():
            searches = [("", (self.source.query or "").strip(), None)]
        else:
            return [Listing(f"r/{sub}") for sub in subs]
        found = []
        for prefix, query, territory in searches:
            for sub in subs:
                found.append(Listing(f"{prefix}r/{sub}?q={query}", query, territory))
            if not subs:
                found.append(Listing(f"{prefix}search?q={query}", query, territory))
        return found

    def listing_url(self, listing: Listing, after: str | None = None) -> str:
        sub = listing.key.split("r/", 1)[1].split("?", 1)[0] if "r/" in listing.key else None
        feed = self.client is None
        params: dict[str, Any] = {"limit": self.page_size}
        if listing.query is not None:
            params.update(q=listing.query, sort="new")
            if sub:
                params["restrict_sr"] = "on" if feed else 1
            path = f"/r/{quote(sub)}/search" if sub else "/search"
            path += ".rss" if feed else ""
        else:
            path = f"/r/{quote(sub or '')}/new" + ("/.rss" if feed else "")
        if feed:
            return f"{feed_url(self.source)}{path}?{urlencode(params)}"
        params["raw_json"] = 1
        if after:
            params["after"] = after
        return f"{api_url(self.source)}{path}?{urlencode(params)}"

    def first_request(self, listing: Listing) -> Request:
        headers = {"Accept": "application/atom+xml"} if self.client is None else None
        return self.api_request(self.listing_url(listing), listing.key, first=True, headers=headers)

    def parse_body(self, response: Response) -> PostPage:
        if self.client is None:
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
            return reddit_feed_posts(parse_feed(response.body, response.url, content_type))
        return super().parse_body(response)

    def parse_payload(self, data: Any) -> PostPage:
        return parse_reddit_listing(data, PERMALINK_BASE)

    def next_request(self, response: Response, listing: str, page: PostPage) -> Request | None:
        if not page.next_cursor or self.client is None:
            return None
        url = self.listing_url(self.listings_by_key[listing], page.next_cursor)
        return self.api_request(url, listing, first=False)

    # ------------------------------------------------------------------ the app-only token

    def cannot_start(self) -> str | None:
        creds = self.source.credentials
        if creds is not None and not creds.complete and any(creds.values):
            return missing_credentials_message(self.source)  # half set: surely a mistake
        return None

    def needs_sign_in(self) -> bool:
        return self.client is not None

    def signed_in(self) -> bool:
        return self.token is not None and self.client is not None and self.token.usable(self.client, utcnow())

    def authorized(self, request: Request) -> Request:
        if self.client is None or self.token is None:
            return request
        request.headers["Authorization"] = f"bearer {self.token.token}"
        return request

    def sign_in(self) -> Iterator[Request]:
        creds = self.source.credentials
        assert creds is not None and self.client is not None
        self.signing_in = True
        yield Request(
            self.source.token_url or TOKEN_URL,
            method="POST",
            body=urlencode({"grant_type": "client_credentials"}),
            headers={
                "Authorization": basic_auth(creds.values[0], creds.values[1]),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            callback=self.parse_token,
            errback=self.token_failed,
            meta={"entry": True, "handle_httpstatus_list": [400, 401, 403], "auth": True},
            dont_filter=True,
        )

    def parse_token(self, response: Response) -> Iterator[Request]:
        creds = self.source.credentials
        names = " and ".join(creds.names) if creds else "the credentials"
        if response.status != 200:
            self.give_up_parked(
                f"Reddit refused the app credentials in {names} (HTTP {response.status} from the "
                "token endpoint): check the client id and secret of your Reddit app"
            )
            return
        try:
            self.token = app_token(json.loads(response.body), self.client or "", utcnow())
        except (ValueError, PayloadShapeError) as exc:
            self.give_up_parked(f"{response.url}: {exc}")
            return
        self.run.state.extra["auth"] = self.token.to_state()
        yield from self.signed_in_now()

    def token_failed(self, failure: Any) -> None:
        self.on_error(failure)
        self.give_up_parked("no Reddit token: the token endpoint could not be reached")

    def refused(self, response: Response) -> Iterator[Request]:
        """401 on a listing: the token was revoked; one new token, then give up."""
        if self.client is None:
            self.run.record_error(f"HTTP 401 for {response.url}", fatal=bool(response.meta.get("first")))
            return
        self.park(response.request)
        if self.signing_in:
            return
        if self.retried_token:
            self.give_up_parked(f"HTTP 401 for {response.url} with a fresh token")
            return
        self.retried_token = True
        self.token = None
        yield from self.sign_in()
