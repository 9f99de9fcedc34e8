"""The webhook channel: a spike posts one Slack-compatible JSON message to a real HTTP receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from alerts.service import check_alerts
from tests.alerts.test_service import NOW, config, db, free_port, open_store  # noqa: F401 - fixture

Received = list[dict[str, object]]


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    received: Received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            received.append({"type": self.headers.get("Content-Type"),
                             "body": json.loads(self.rfile.read(length))})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/placewatch", received
    server.shutdown()
    server.server_close()


def test_spike_posts_one_webhook_message(db: Path, receiver: tuple[str, Received]) -> None:  # noqa: F811
    url, received = receiver
    base = config(db, free_port())
    cfg = replace(base, alerts=replace(base.alerts, recipients=(), webhook=url, digest=None))
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    again = check_alerts(cfg, store, NOW)
    store.close()
    assert report.sent == 1 and again.sent == 0
    assert len(received) == 1
    message = received[0]
    assert message["type"] == "application/json"
    text = message["body"]["text"]  # type: ignore[index]
    assert "Val Thorens" in text and "expected" in text.lower()
    assert "<" not in text and ">" not in text  # crawled text cannot become Slack markup


def test_slack_markup_in_crawled_text_is_escaped() -> None:
    from alerts.webhook import webhook_payload

    payload = webhook_payload("http://hook", "Tignes <!channel> <https://evil|click> & co")
    assert payload["json"]["text"] == "Tignes &lt;!channel&gt; &lt;https://evil|click&gt; &amp; co"


def test_unreachable_webhook_keeps_the_alert_for_later(db: Path) -> None:  # noqa: F811
    base = config(db, free_port())
    dead = f"http://127.0.0.1:{free_port()}/hook"
    cfg = replace(base, alerts=replace(base.alerts, recipients=(), webhook=dead, digest=None))
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    assert report.sent == 0 and report.failed == 1
    assert store.due_messages(NOW) == []  # backing off, not dropped
    assert store.sent_messages() == []
    store.close()


@pytest.mark.parametrize(("status", "for_good"), [(404, True), (410, True), (503, False), (429, False)])
def test_a_webhook_refused_for_good_is_marked_failed(db: Path, status: int, for_good: bool) -> None:  # noqa: F811
    """A hook that answers 404 (deleted in Slack) will answer 404 tomorrow: failed, with the
    reason; a 503 or a 429 is a passing state: tried again later."""
    from alerts.service import undeliverable

    class Gone(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gone)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = config(db, free_port())
        hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
        cfg = replace(base, alerts=replace(base.alerts, recipients=(), webhook=hook, digest=None))
        store = open_store(db)
        report = check_alerts(cfg, store, NOW)
        failed = undeliverable(store)
        store.close()
    finally:
        server.shutdown()
        server.server_close()
    assert report.failed == 1 and report.sent == 0
    assert bool(failed) is for_good
    if for_good:
        assert str(status) in (failed[0].last_error or "")
