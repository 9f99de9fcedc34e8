"""End to end: stored mentions spike → one explained email over real SMTP; outages delay, never lose."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from alerts.service import check_alerts, send_digest
from config.settings import AlertsConfig, Config, Group, SmtpConfig, StoreConfig, Territory
from core.models import Analysis, Engagement, PlaceMention, RawDocument, Sentiment
from indexer.sqlite import SqliteStore

NOW = datetime(2026, 1, 22, 12, 5, tzinfo=UTC)
SPIKE = datetime(2026, 1, 22, 11, 0, tzinfo=UTC)


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def handle_message(self, message: Message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp(port: int) -> Iterator[Inbox]:
    controller, inbox = start_smtp(port)
    yield inbox
    controller.stop()


def config(db: Path, port: int) -> Config:
    return Config(
        store=StoreConfig(path=db),
        territories=(
            Territory(id="val-thorens", name="Val Thorens", kind="resort", groups=("alps",)),
            Territory(id="tignes", name="Tignes", kind="resort", groups=("alps",)),
        ),
        groups=(Group(id="alps", name="Alps", territories=("val-thorens", "tignes")),),
        alerts=AlertsConfig(
            recipients=("office@example.org",),
            digest="daily",
            dashboard_url="http://127.0.0.1:8501",
        ),
        smtp=SmtpConfig(host="127.0.0.1", port=port, sender="placewatch@example.org", timeout=5),
    )


def doc(
    i: int,
    published: datetime,
    text: str,
    territory: str,
    name: str,
    reposts: int = 0,
    lang: str = "fr",
) -> tuple[RawDocument, Analysis]:
    d = RawDocument(
        id=f"d{i}",
        url=f"https://news.example.org/{i}",
        source_id="example-feed" if i % 2 else "mastodon-ski",
        source_type="rss",
        text=text,
        collected=published,
        title=f"Story {i}",
        published=published,
        lang=lang,
        engagement=Engagement(likes=reposts, reposts=reposts),
    )
    start = text.index(name)
    places = [
        PlaceMention(
            text=name,
            start=start,
            end=start + len(name),
            name=name,
            territory=territory,
            kind="resort",
        )
    ]
    if "Méribel" in text:  # a gazetteer place, not watched: co-occurs, never alerts
        s2 = text.index("Méribel")
        places.append(
            PlaceMention(
                text="Méribel",
                start=s2,
                end=s2 + 7,
                name="Méribel",
                geonames_id=2994580,
                kind="resort",
            )
        )
    return d, Analysis(lang=lang, sentiment=Sentiment(), places=tuple(places))


def fill(store: SqliteStore) -> None:
    """Three weeks of a daily cycle (busy afternoons) for two resorts, then a spike at 11:00."""
    items = []
    i = 0
    start = SPIKE - timedelta(days=21)
    t = start
    while t < SPIKE + timedelta(hours=1):
        per_hour = 3 if 8 <= t.hour < 20 else 1
        if t.weekday() >= 5:
            per_hour += 1
        for k in range(per_hour):
            for tid, name in (("val-thorens", "Val Thorens"), ("tignes", "Tignes")):
                i += 1
                items.append(
                    doc(i, t + timedelta(minutes=7 * k), f"Ski à {name} ce matin.", tid, name)
                )
        t += timedelta(hours=1)
    for k in range(40):
        i += 1
        text = (
            "Avalanche warning: <script>alert('x')</script> Val Thorens closes the "
            f"Cime Caron lift, Méribel open. #{k}"
        )
        items.append(
            doc(
                i,
                SPIKE + timedelta(minutes=k),
                text,
                "val-thorens",
                "Val Thorens",
                reposts=k,
                lang="en" if k % 4 else "fr",
            )
        )
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "placewatch.db"
    store = SqliteStore(path)
    store.setup()
    fill(store)
    store.close()
    return path


def open_store(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.setup()
    return store


def html_part(message: Message) -> str:
    parsed = message_from_bytes(message.as_bytes())
    for part in parsed.walk():
        if part.get_content_type() == "text/html":
            return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    raise AssertionError("no HTML part")


def text_part(message: Message) -> str:
    parsed = message_from_bytes(message.as_bytes())
    for part in parsed.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    raise AssertionError("no text part")


def test_spike_sends_exactly_one_explained_email(db: Path, port: int, smtp: Inbox) -> None:
    store = open_store(db)
    report = check_alerts(config(db, port), store, NOW)
    assert report.sent == 1, report
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert "Val Thorens" in msg["Subject"]
    assert msg["To"] == "office@example.org"
    text = text_part(msg)
    assert "expected" in text and "43 mentions" in text  # 40 in the spike, 3 usual
    assert "example-feed" in text and "mastodon-ski" in text  # top sources
    assert "Méribel" in text  # co-occurring place
    assert "https://news.example.org/" in text  # most-shared links
    assert "Languages: fr 13, en 30" in text
    body = html_part(msg)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert 'href="http://127.0.0.1:8501/place?place=val-thorens&amp;spike=2026-01-22T11' in body
    # Checking again (the scheduler runs every 15 minutes) sends nothing new.
    again = check_alerts(config(db, port), store, NOW + timedelta(minutes=15))
    assert again.sent == 0 and again.queued == 0
    assert len(smtp.messages) == 1
    store.close()


def test_smtp_outage_delays_then_delivers_once_and_survives_restart(db: Path, port: int) -> None:
    cfg = config(db, port)
    store = open_store(db)
    down = check_alerts(cfg, store, NOW)  # nothing listens on the port yet
    assert down.queued == 1 and down.sent == 0 and down.failed == 1
    store.close()

    controller, inbox = start_smtp(port)
    try:
        store = open_store(db)  # a restart: a new store object on the same file
        early = check_alerts(cfg, store, NOW + timedelta(seconds=30))  # back-off not over yet
        assert early.sent == 0 and inbox.messages == []
        back = check_alerts(cfg, store, NOW + timedelta(minutes=5))
        assert back.sent == 1 and len(inbox.messages) == 1
        store.close()

        store = open_store(db)  # another restart: never sent twice
        later = check_alerts(cfg, store, NOW + timedelta(minutes=20))
        assert later.sent == 0 and later.queued == 0
        assert len(inbox.messages) == 1
        store.close()
    finally:
        controller.stop()


def test_daily_digest_arrives_once(db: Path, port: int, smtp: Inbox) -> None:
    store = open_store(db)
    report = send_digest(config(db, port), store, NOW)
    assert report.sent == 1
    again = send_digest(config(db, port), store, NOW + timedelta(hours=1))
    assert again.sent == 0
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert "digest" in msg["Subject"].lower()
    text = text_part(msg)
    assert "Val Thorens" in text and "Tignes" in text
    assert "Share of voice — Alps" in text
    body = html_part(msg)
    assert "<script>" not in body
    store.close()


def test_without_smtp_or_recipients_the_alert_is_kept_then_sent_once_configured(
    db: Path, port: int
) -> None:
    """No [smtp] and nobody to tell: the spike is kept (held, not failed), with its explanation;
    once recipients and a mail server are configured, the next check emails it, once."""
    from dataclasses import replace

    from alerts import HOLD_NO_RECIPIENTS, HOLD_NO_SMTP

    configured = config(db, port)
    bare = replace(
        configured,
        alerts=replace(configured.alerts, recipients=(), digest=None),
        smtp=replace(configured.smtp, configured=False),
    )
    store = open_store(db)
    first = check_alerts(bare, store, NOW)
    assert first.queued == 1 and first.sent == 0 and first.failed == 0, first
    assert first.held == {HOLD_NO_SMTP: 1}
    kept = store.due_messages(NOW)
    assert len(kept) == 1 and kept[0].attempts == 0 and kept[0].last_error is None
    alert = kept[0].payload["alert"]
    assert alert["territory"] == "val-thorens" and alert["observed"] == 43
    assert alert["expected"] < 10 and alert["sources"] and alert["mentions"]

    smtp_only = replace(bare, smtp=configured.smtp)
    assert check_alerts(smtp_only, store, NOW + timedelta(minutes=15)).held == {HOLD_NO_RECIPIENTS: 1}

    controller, inbox = start_smtp(port)
    try:
        later = replace(configured, alerts=replace(configured.alerts, digest=None))
        sent = check_alerts(later, store, NOW + timedelta(minutes=30))
        again = check_alerts(later, store, NOW + timedelta(minutes=45))
    finally:
        controller.stop()
        store.close()
    assert sent.sent == 1 and sent.queued == 0 and not sent.held
    assert again.sent == 0 and again.queued == 0
    assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == "office@example.org"
    assert "Val Thorens" in inbox.messages[0]["Subject"]


def test_a_config_file_without_smtp_says_so() -> None:
    from config.settings import parse_config

    assert not parse_config({}, None, {}).smtp.configured
    assert parse_config({"smtp": {"host": "mail.example.org"}}, None, {}).smtp.configured


def test_a_territory_two_days_old_gets_no_alert(tmp_path: Path, port: int, smtp: Inbox) -> None:
    """Added two days ago, then 30 stories in one hour: no verdict before its baseline means something."""
    db = tmp_path / "new.db"
    store = open_store(db)
    items = []
    t = NOW - timedelta(days=2)
    i = 0
    while t < SPIKE:
        i += 1
        items.append(doc(i, t, "Ski à Tignes ce matin.", "tignes", "Tignes"))
        t += timedelta(hours=1)
    for k in range(30):
        i += 1
        items.append(doc(i, SPIKE + timedelta(minutes=k), "Tignes ouvre la saison.", "tignes", "Tignes"))
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    report = check_alerts(config(db, port), store, NOW)
    assert report.alerts == [] and smtp.messages == []
    from alerts import territories_learning

    learning = {x.territory.id: x for x in territories_learning(config(db, port), store, NOW)}
    assert learning["tignes"].ready == datetime(2026, 1, 26, tzinfo=UTC)
    assert learning["val-thorens"].since is None
    store.close()
