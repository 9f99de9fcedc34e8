"""Faults: each is a logged, counted error for its source (visible in its state); the crawl goes on."""

from __future__ import annotations

import gzip
import socket
import time

import pytest

from config.settings import Source
from crawlers import crawl_in_subprocess
from indexer import open_store

from .conftest import Hit, LoopbackSite, Reply, json_reply, make_config

pytestmark = pytest.mark.slow

GOOD = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{body} Les remontées mécaniques de la station ont accueilli des milliers de skieurs ce week-end,"
    " sous un grand soleil et avec une neige abondante sur tout le domaine skiable.</p>"
    "<p>Les commerçants se disent satisfaits et les réservations pour les vacances sont en hausse.</p>"
    "</article></body></html>"
)
FAULTS = [
    "404", "410", "500", "timeout", "reset", "loop", "gzip", "big", "stream", "binary", "latin1",
    "slow429", "good",
]


def html(body: bytes, status: int = 200, **headers: str) -> Reply:
    return status, {"Content-Type": "text/html; charset=utf-8", **headers}, body


def add_fault_routes(site: LoopbackSite) -> None:
    items = "".join(
        f"<item><title>Fault {f}</title><link>{site.base}/f/{f}</link>"
        f"<pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate></item>"
        for f in FAULTS
    )
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>{items}</channel></rss>"
    calls: dict[str, int] = {}

    def count(name: str) -> int:
        calls[name] = calls.get(name, 0) + 1
        return calls[name]

    def reset(hit: Hit) -> None:
        assert hit.handler is not None
        hit.handler.connection.shutdown(socket.SHUT_RDWR)
        hit.handler.close_connection = True

    def timeout(hit: Hit) -> Reply:
        time.sleep(3)
        return html(b"<html>too late</html>")

    def truncated_gzip(hit: Hit) -> Reply:
        body = gzip.compress(GOOD.format(title="gz", body="gzip").encode())
        return html(body[: len(body) // 2], **{"Content-Encoding": "gzip"})

    def big(hit: Hit) -> None:
        assert hit.handler is not None
        h = hit.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(50 * 1024 * 1024))
        h.end_headers()
        try:
            for _ in range(64):
                h.wfile.write(b"<p>" + b"x" * 32_000 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True

    def stream(hit: Hit) -> None:
        """50 MB with no Content-Length: only counting the bytes as they arrive can stop it."""
        assert hit.handler is not None
        h = hit.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        chunk = b"<p>" + b"y" * 65_000 + b"</p>"
        try:
            for _ in range(50 * 1024 * 1024 // len(chunk)):
                h.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def slow429(hit: Hit) -> Reply:
        if count("slow429") == 1:
            return html(b"slow down", 429, **{"Retry-After": "1"})
        return html(GOOD.format(title="Après attente", body="Val Thorens, après un 429.").encode())

    latin1 = GOOD.format(title="Télécabine à l’arrêt", body="Les Arcs : télécabine à l’arrêt.")
    routes = {
        "/faults.xml": lambda hit: (200, {"Content-Type": "application/rss+xml"}, feed.encode()),
        "/f/404": lambda hit: html(b"gone", 404),
        "/f/410": lambda hit: html(b"gone for good", 410),
        "/f/500": lambda hit: html(b"oops", 500),
        "/f/timeout": timeout,
        "/f/reset": reset,
        "/f/loop": lambda hit: html(b"", 302, Location="/f/loop"),
        "/f/gzip": truncated_gzip,
        "/f/big": big,
        "/f/stream": stream,
        "/f/binary": lambda hit: html(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
        "/f/latin1": lambda hit: html(latin1.encode("cp1252")),
        "/f/slow429": slow429,
        "/f/good": lambda hit: html(GOOD.format(title="Tignes", body="Tignes ouvre.").encode()),
        "/bad.xml": lambda hit: (200, {"Content-Type": "application/xml"}, b"<<<this is not xml>>> \x00"),
        "/api/v1/timelines/tag/oops": lambda hit: json_reply({"error": "This action is not allowed"}),
        "/api/v1/timelines/tag/busy": lambda hit: (
            429, {"Retry-After": "3600", "Content-Type": "application/json"}, b'{"error":"Too many requests"}'
        ),
    }
    site.routes.update(routes)


def test_every_fault_is_counted_and_the_crawl_goes_on(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with LoopbackSite() as site:
        add_fault_routes(site)
        b = site.base
        config = make_config(
            tmp_path,
            Source("faults", "rss", f"{b}/faults.xml"),
            Source("bad-xml", "rss", f"{b}/bad.xml"),
            Source("down", "rss", f"{b}/f/500"),
            Source("wrong-json", "mastodon", b, hashtags=("oops",)),
            Source("rate-limited", "mastodon", b, hashtags=("busy",)),
            timeout=1.5,
            max_page_bytes=1024 * 1024,
        )
        started = time.monotonic()
        report = crawl_in_subprocess(config, timeout=120)
        elapsed = time.monotonic() - started
    store = open_store(config.store)
    try:
        states = {s.source_id: s for s in store.source_states()}
        docs = {d.url.rsplit("/", 1)[-1]: d for d in store.raw_documents()}
    finally:
        store.close()
    assert elapsed < 60
    faults = report.sources["faults"]
    messages = "\n".join(faults.error_messages)
    for needle in ("HTTP 404", "HTTP 410", "HTTP 500", "timeout", "connection lost", "/f/loop",
                   "/f/gzip", "/f/big", "/f/stream", "binary", "cp1252"):
        assert needle in messages, f"{needle!r} not reported:\n{messages}"
    for page in ("big", "stream"):  # declared too big, or counted too big while it streamed in
        assert f"/f/{page}: page larger than the configured maximum" in messages, messages
    assert faults.errors >= 10 and not faults.failed
    assert states["faults"].errors == faults.errors and states["faults"].last_error
    assert states["faults"].consecutive_errors == 0  # the feed itself was read
    assert "Tignes ouvre" in docs["good"].text
    assert "Les Arcs : télécabine à l’arrêt" in docs["latin1"].text  # recovered, and reported
    assert "après un 429" in docs["slow429"].text  # waited for Retry-After, then collected
    assert docs["410"].title == "Fault 410"  # gone for good: the feed item is what remains
    assert "timeout" not in docs and "500" not in docs  # transient: retried next crawl

    for source_id in ("bad-xml", "down", "wrong-json", "rate-limited"):
        state = states[source_id]
        assert report.sources[source_id].failed or source_id == "rate-limited", source_id
        assert state.errors >= 1 and state.last_error, source_id
        assert state.next_attempt is not None, source_id
    assert states["down"].consecutive_errors == 1 and states["down"].last_success is None
    assert "not a JSON array" in (states["wrong-json"].last_error or "")
    assert "429" in (states["rate-limited"].last_error or "")
    assert not report.ok

    # Backed-off sources are skipped by the next scheduled crawl, and say why.
    again = crawl_in_subprocess(config, ["down"], timeout=60)
    assert again.sources["down"].skipped and "backing off" in again.sources["down"].skipped
