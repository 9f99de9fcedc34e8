"""Loopback HTTP servers serving recorded pages and API payloads, and crawl configs pointing at them."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from config.settings import Config, CrawlConfig, Source, StoreConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crawlers"
DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

Reply = tuple[int, dict[str, str], bytes]
Route = Callable[["Hit"], Reply | None]


@dataclass
class Hit:
    """One request the server received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    handler: BaseHTTPRequestHandler | None = field(default=None, repr=False)
    method: str = "GET"
    body: bytes = b""

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class LoopbackSite:
    """A threaded HTTP server on 127.0.0.1 serving fixture files ({base} filled in) and routes."""

    def __init__(self, root: Path = FIXTURES / "site") -> None:
        self.root = root
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.do_GET(self.rfile.read(length) if length else b"")

            def do_GET(self, body: bytes | None = None) -> None:
                parts = urlsplit(self.path)
                hit = Hit(parts.path, parse_qs(parts.query), dict(self.headers.items()), self,
                          "GET" if body is None else "POST", body or b"")
                site.hits.append(hit)
                reply = site.respond(hit)
                if reply is None:  # the route wrote the response itself (resets, slow pages)
                    return
                status, headers, body = reply
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [h.path for h in self.hits if h.path != "/robots.txt"]

    def file_body(self, path: str) -> bytes | None:
        rel = path.lstrip("/") or "index.html"
        if rel.endswith("/"):
            rel = rel.rstrip("/") + ".html"
        gz = rel.endswith(".gz")
        target = self.root / (rel[:-3] if gz else rel)
        if not target.is_file():
            return None
        body = target.read_bytes().replace(b"{base}", self.base.encode())
        return gzip.compress(body) if gz else body

    def respond(self, hit: Hit) -> Reply | None:
        if hit.path in self.routes:
            return self.routes[hit.path](hit)
        if hit.path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        body = self.file_body(hit.path)
        if body is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if hit.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": content_type(hit.path), "ETag": etag}, body


def content_type(path: str) -> str:
    if path.endswith(".json"):
        return "application/json"
    if path.endswith(".gz"):
        return "application/x-gzip"
    if path.endswith(".xml"):
        return "application/xml; charset=utf-8"
    return "text/html; charset=utf-8"


def json_reply(payload: Any, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def load_api(name: str) -> Any:
    return json.loads((FIXTURES / "api" / name).read_text("utf-8"))


SOCIAL_TOKEN = "social-token"  # what the Reddit and Bluesky routes below hand out and want back


def signed_in(hit: Hit) -> bool:
    return (hit.headers.get("Authorization") or "").lower() == f"bearer {SOCIAL_TOKEN}"


def add_social_routes(site: LoopbackSite) -> None:
    """Mastodon, Reddit and Bluesky endpoints answering like the real APIs (paging, since_id),
    Reddit's and Bluesky's only to a client that signed in (see tests/crawlers/platforms.py for
    their sign-in in full)."""

    def mastodon(hit: Hit) -> Reply:
        statuses = load_api("mastodon_tag_valthorens.json")
        since, max_id = hit.param("since_id"), hit.param("max_id")
        limit = int(hit.param("limit") or 20)
        picked = [
            s for s in statuses
            if (since is None or int(s["id"]) > int(since)) and (max_id is None or int(s["id"]) < int(max_id))
        ]
        return json_reply(picked[:limit])

    def token(hit: Hit) -> Reply:
        return json_reply({"access_token": SOCIAL_TOKEN, "token_type": "bearer", "expires_in": 3600})

    def session(hit: Hit) -> Reply:
        return json_reply({"accessJwt": SOCIAL_TOKEN, "refreshJwt": "refresh", "handle": "me.example"})

    def reddit_new(hit: Hit) -> Reply:
        if not signed_in(hit):
            return json_reply({"message": "Forbidden", "error": 403}, 403)
        page = "reddit_new_page2.json" if hit.param("after") == "t3_1h0003" else "reddit_new_page1.json"
        return json_reply(load_api(page))

    def reddit_search(hit: Hit) -> Reply:
        if not signed_in(hit):
            return json_reply({"message": "Forbidden", "error": 403}, 403)
        return json_reply(load_api("reddit_search.json"))

    def bluesky(hit: Hit) -> Reply:
        if not signed_in(hit):
            return json_reply({"error": "Forbidden", "message": "Forbidden"}, 403)
        page = "bluesky_search_page2.json" if hit.param("cursor") == "2" else "bluesky_search_page1.json"
        return json_reply(load_api(page))

    site.routes["/api/v1/timelines/tag/valthorens"] = mastodon
    site.routes["/api/v1/access_token"] = token
    site.routes["/r/skiing/new"] = reddit_new
    site.routes["/search"] = reddit_search
    site.routes["/xrpc/com.atproto.server.createSession"] = session
    site.routes["/xrpc/app.bsky.feed.searchPosts"] = bluesky


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with LoopbackSite() as s:
        add_social_routes(s)
        yield s


def make_config(tmp_path: Path, *sources: Source, **crawl: Any) -> Config:
    """A config with the given sources, a fresh SQLite store, and test-friendly politeness."""
    settings = {"autothrottle": False, "timeout": 5.0, "concurrency_per_domain": 4, **crawl}
    return Config(
        store=StoreConfig(backend="sqlite", path=tmp_path / "placewatch.db"),
        sources=sources,
        crawl=CrawlConfig(**settings),
    )
