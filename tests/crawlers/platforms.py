"""Loopback servers that answer like today's platforms: Reddit, Bluesky, Mastodon and a news search.

Each behaves as its public documentation and issue tracker say it does now: Reddit refuses the
anonymous `.json` listings (403) but serves public Atom feeds, and its OAuth API wants an app-only
bearer token from the token endpoint; Bluesky refuses anonymous searches (403), opens sessions
whose access token expires (400 ExpiredToken) and renews them with the refresh token; a Mastodon
instance may answer 401 without a token; a news search links its items to redirect pages. Every
request is kept in `hits`, so a test can say which were anonymous.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from .conftest import Hit, LoopbackSite, Reply, json_reply

NOW = datetime.now(UTC).replace(microsecond=0)


def matches(query: str, text: str) -> bool:
    """True when a text holds one of the quoted phrases of `"A" OR "B"` (or the bare words)."""
    phrases = re.findall(r'"([^"]+)"', query) or [query]
    folded = text.casefold()
    return any(p.casefold() in folded for p in phrases)


def bearer(hit: Hit) -> str | None:
    value = hit.headers.get("Authorization") or hit.headers.get("authorization") or ""
    kind, _, token = value.partition(" ")
    return token if kind.lower() == "bearer" and token else None


@dataclass
class RedditPost:
    id: str
    sub: str
    title: str
    text: str
    author: str
    minutes_ago: int
    score: int = 10
    comments: int = 2

    @property
    def created(self) -> datetime:
        return NOW - timedelta(minutes=self.minutes_ago)

    @property
    def permalink(self) -> str:
        slug = re.sub(r"\W+", "_", self.title.lower())[:30].strip("_")
        return f"/r/{self.sub}/comments/{self.id}/{slug}/"


class FakeReddit(LoopbackSite):
    """www.reddit.com (token endpoint, public feeds, closed .json) and oauth.reddit.com in one."""

    def __init__(self, posts: list[RedditPost], client_id: str, secret: str) -> None:
        super().__init__()
        self.posts = posts
        self.client_id, self.secret = client_id, secret
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.rate_limit_first: float | None = None  # answer the first API call 429 with this reset
        self.remaining_zero_reset: float | None = None  # say "no request left" for this long

    def respond(self, hit: Hit) -> Reply | None:
        if hit.path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if hit.path == "/api/v1/access_token":
            return self.token(hit)
        if hit.path.endswith(".json"):
            return json_reply({"message": "Forbidden", "error": 403}, 403)
        if hit.path.endswith(".rss"):
            return self.feed(hit)
        return self.api(hit)

    def token(self, hit: Hit) -> Reply:
        self.token_requests += 1
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        form = parse_qs(hit.body.decode())
        if hit.method != "POST" or hit.headers.get("Authorization") != expected:
            return json_reply({"message": "Unauthorized", "error": 401}, 401)
        if form.get("grant_type") != ["client_credentials"]:
            return json_reply({"error": "unsupported_grant_type"}, 400)
        token = f"rt-{len(self.tokens) + 1}-secret"
        self.tokens.add(token)
        return json_reply({"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": "*"})

    def selected(self, hit: Hit, path: str) -> list[RedditPost]:
        parts = path.strip("/").split("/")
        sub = parts[1] if parts[0] == "r" else None
        query = hit.param("q")
        found = [p for p in self.posts if sub is None or p.sub == sub]
        if query is not None:
            found = [p for p in found if matches(query, f"{p.title} {p.text}")]
        return sorted(found, key=lambda p: p.minutes_ago)

    def api(self, hit: Hit) -> Reply:
        token = bearer(hit)
        if token is None:
            return json_reply({"message": "Forbidden", "error": 403}, 403)
        if token not in self.tokens:
            return json_reply({"message": "Unauthorized", "error": 401}, 401)
        headers = {"Content-Type": "application/json", "x-ratelimit-used": "1",
                   "x-ratelimit-remaining": "99", "x-ratelimit-reset": "300"}
        if self.rate_limit_first is not None:
            reset, self.rate_limit_first = self.rate_limit_first, None
            return 429, {**headers, "x-ratelimit-remaining": "0", "x-ratelimit-reset": f"{reset:g}"}, b"{}"
        if self.remaining_zero_reset is not None:
            headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": f"{self.remaining_zero_reset:g}"})
        children = [
            {"kind": "t3", "data": {
                "id": p.id, "name": f"t3_{p.id}", "title": p.title, "selftext": p.text,
                "author": p.author, "created_utc": p.created.timestamp(), "permalink": p.permalink,
                "score": p.score, "num_comments": p.comments, "num_crossposts": 0, "subreddit": p.sub,
            }}
            for p in self.selected(hit, hit.path)
        ]
        body = {"kind": "Listing", "data": {"after": None, "children": children}}
        return 200, headers, json.dumps(body).encode()

    def feed(self, hit: Hit) -> Reply:
        path = hit.path.removesuffix(".rss").removesuffix("/")
        entries = "".join(
            f"<entry><author><name>/u/{escape(p.author)}</name><uri>https://www.reddit.com/user/{p.author}</uri></author>"
            f"<category term=\"{p.sub}\" label=\"r/{p.sub}\"/>"
            f"<content type=\"html\">{escape(self.feed_content(p))}</content>"
            f"<id>t3_{p.id}</id><link href=\"https://www.reddit.com{p.permalink}\"/>"
            f"<updated>{p.created.isoformat()}</updated><published>{p.created.isoformat()}</published>"
            f"<title>{escape(p.title)}</title></entry>"
            for p in self.selected(hit, path.removesuffix("/new").removesuffix("/search"))
        )
        body = (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>reddit</title><id>{path}</id><updated>{NOW.isoformat()}</updated>{entries}</feed>")
        return 200, {"Content-Type": "application/atom+xml; charset=UTF-8"}, body.encode()

    @staticmethod
    def feed_content(p: RedditPost) -> str:
        return (f'<!-- SC_OFF --><div class="md"><p>{escape(p.text)}</p></div><!-- SC_ON --> &#32; '
                f'submitted by &#32; <a href="https://www.reddit.com/user/{p.author}"> /u/{p.author} </a>'
                f' <br/> <span><a href="https://www.reddit.com{p.permalink}">[link]</a></span> &#32; '
                f'<span><a href="https://www.reddit.com{p.permalink}">[comments]</a></span>')


@dataclass
class SkyPost:
    rkey: str
    handle: str
    text: str
    minutes_ago: int
    likes: int = 3


@dataclass
class FakeBluesky(LoopbackSite):
    """A PDS that opens and refreshes sessions, and answers searches only with a live access token."""

    posts: list[SkyPost] = field(default_factory=list)
    handle: str = "office.example.org"
    app_password: str = "abcd-efgh-ijkl-mnop"
    access_ttl: float = 3600.0

    def __post_init__(self) -> None:
        super().__init__()
        self.access: dict[str, float] = {}  # token -> when it expires (monotonic)
        self.refresh: set[str] = set()
        self.created = 0
        self.refreshed = 0
        self.lock = threading.Lock()

    def respond(self, hit: Hit) -> Reply | None:
        if hit.path == "/robots.txt":
            return 404, {"Content-Type": "text/plain"}, b""
        if hit.path.endswith("com.atproto.server.createSession"):
            return self.create(hit)
        if hit.path.endswith("com.atproto.server.refreshSession"):
            return self.renew(hit)
        if hit.path.endswith("app.bsky.feed.searchPosts"):
            return self.search(hit)
        return json_reply({"error": "MethodNotImplemented"}, 501)

    def issue(self) -> Reply:
        n = self.created + self.refreshed
        access, refresh = f"acc-{n}-secret", f"ref-{n}-secret"
        self.access[access] = time.monotonic() + self.access_ttl
        self.refresh.add(refresh)
        return json_reply({"accessJwt": access, "refreshJwt": refresh, "handle": self.handle,
                           "did": "did:plc:office", "active": True})

    def create(self, hit: Hit) -> Reply:
        try:
            sent = json.loads(hit.body)
        except ValueError:
            sent = {}
        if sent.get("identifier") != self.handle or sent.get("password") != self.app_password:
            return json_reply({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
        with self.lock:
            self.created += 1
            return self.issue()

    def renew(self, hit: Hit) -> Reply:
        token = bearer(hit)
        with self.lock:
            if token not in self.refresh:
                return json_reply({"error": "ExpiredToken", "message": "Token has been revoked"}, 400)
            self.refresh.discard(token)  # a refresh token is used once
            self.refreshed += 1
            return self.issue()

    def search(self, hit: Hit) -> Reply:
        token = bearer(hit)
        if token is None:
            return json_reply({"error": "Forbidden", "message": "Forbidden"}, 403)
        expires = self.access.get(token)
        if expires is None:
            return json_reply({"error": "InvalidToken", "message": "Bad token"}, 401)
        if time.monotonic() > expires:
            return json_reply({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        query = hit.param("q") or ""
        found = sorted((p for p in self.posts if matches(query, p.text)), key=lambda p: p.minutes_ago)
        views = [
            {"uri": f"at://did:plc:{p.handle.split('.')[0]}/app.bsky.feed.post/{p.rkey}",
             "author": {"handle": p.handle, "displayName": p.handle.split(".")[0].title()},
             "record": {"text": p.text, "createdAt": (NOW - timedelta(minutes=p.minutes_ago)).isoformat(),
                        "langs": ["fr"]},
             "likeCount": p.likes, "repostCount": 0, "replyCount": 0, "quoteCount": 0,
             "indexedAt": (NOW - timedelta(minutes=p.minutes_ago)).isoformat()}
            for p in found
        ]
        return json_reply({"posts": views})


@dataclass
class Toot:
    id: int
    tags: tuple[str, ...]
    text: str
    acct: str = "guide@alpes.social"


@dataclass
class FakeMastodon(LoopbackSite):
    """An instance whose hashtag timelines want a token (401 without), or not."""

    toots: list[Toot] = field(default_factory=list)
    token: str = "masto-secret-token"
    require_token: bool = True

    def __post_init__(self) -> None:
        super().__init__()

    def respond(self, hit: Hit) -> Reply | None:
        if hit.path == "/robots.txt":
            return 404, {"Content-Type": "text/plain"}, b""
        if not hit.path.startswith("/api/v1/timelines/tag/"):
            return json_reply({"error": "Record not found"}, 404)
        if self.require_token and bearer(hit) != self.token:
            return json_reply({"error": "This method requires an authenticated user"}, 401)
        tag = hit.path.rsplit("/", 1)[1].lower()
        since = int(hit.param("since_id") or 0)
        found = sorted((t for t in self.toots if tag in t.tags and t.id > since), key=lambda t: -t.id)
        statuses = [
            {"id": str(t.id), "url": f"https://alpes.social/@guide/{t.id}", "uri": f"https://alpes.social/users/guide/statuses/{t.id}",
             "content": f"<p>{escape(t.text)}</p>", "created_at": (NOW - timedelta(minutes=t.id % 50)).isoformat(),
             "language": "fr", "account": {"acct": t.acct, "display_name": "Guide", "followers_count": 10},
             "favourites_count": 1, "reblogs_count": 0, "replies_count": 0, "spoiler_text": ""}
            for t in found
        ]
        return json_reply(statuses)


@dataclass
class NewsItem:
    id: str
    title: str
    publisher: str
    publisher_url: str
    minutes_ago: int


@dataclass
class FakeNewsSearch(LoopbackSite):
    """A news search's RSS: items link to the search's own redirect pages, <source> names the publisher."""

    items: list[NewsItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def respond(self, hit: Hit) -> Reply | None:
        if hit.path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if hit.path.startswith("/rss/articles/"):
            # A redirect page made for browsers: a crawler that follows it gets no article.
            return 200, {"Content-Type": "text/html"}, b"<html><script>location='x'</script></html>"
        if hit.path != "/rss/search":
            return 404, {"Content-Type": "text/plain"}, b"not found"
        query = hit.param("q") or ""
        rows = "".join(
            f"<item><title>{escape(i.title)} - {escape(i.publisher)}</title>"
            f"<link>{self.base}/rss/articles/{i.id}?oc=5</link><guid isPermaLink=\"false\">{i.id}</guid>"
            f"<pubDate>{format_datetime(NOW - timedelta(minutes=i.minutes_ago), usegmt=True)}</pubDate>"
            f"<description>{escape(self.description(i))}</description>"
            f"<source url=\"{i.publisher_url}\">{escape(i.publisher)}</source></item>"
            for i in self.items if matches(query, i.title)
        )
        body = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0"><channel>'
                f"<title>{escape(query)} - News</title><link>{self.base}/search</link><language>fr</language>"
                f"{rows}</channel></rss>")
        return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, body.encode()

    def description(self, i: NewsItem) -> str:
        return (f'<a href="{self.base}/rss/articles/{i.id}?oc=5" target="_blank">{escape(i.title)}</a>'
                f'&nbsp;&nbsp;<font color="#6f6f6f">{escape(i.publisher)}</font>')
