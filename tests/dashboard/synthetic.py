"""A small store with known mentions, for dashboard tests that must not wait for the NLP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.models import (
    Analysis,
    Engagement,
    PlaceMention,
    RawDocument,
    Sentiment,
    document_id,
)
from indexer import OutboxMessage, SqliteStore

CONFIG = """
[store]
path = "pw.db"

[ui]
lang = "{lang}"
territory = "les-arcs"

[[territories]]
id = "les-arcs"
name = "Les Arcs"
kind = "resort"
groups = ["alps"]

[[territories]]
id = "tignes"
name = "Tignes"
kind = "resort"
groups = ["alps"]

[[groups]]
id = "alps"
name = "Stations des Alpes"
"""

XSS_TITLE = "<script>alert(1)</script> Les Arcs"
XSS_TEXT = 'Les Arcs <img src=x onerror=alert(1)> is lovely. Tignes too.'


def build(tmp: Path, lang: str = "en", now: datetime | None = None) -> Path:
    """Write a config and a store: Les Arcs 12 mentions in 7 days, Tignes 5, one hostile document."""
    now = now or datetime.now(UTC)
    (tmp / "placewatch.toml").write_text(CONFIG.replace("{lang}", lang), encoding="utf-8")
    store = SqliteStore(tmp / "pw.db")
    store.setup()
    items = []
    for i in range(17):
        tid, name = ("les-arcs", "Les Arcs") if i < 12 else ("tignes", "Tignes")
        text = f"{name} was busy this weekend, story {i}."
        doc = RawDocument(
            id=document_id(f"doc{i}"), url=f"https://example.org/{i}", source_id="feed",
            source_type="rss", text=text, title=f"{name} news {i}", collected=now,
            published=now - timedelta(days=i % 6, hours=1), author=f"author{i % 3}",
            engagement=Engagement(likes=i, followers=100 * i),
        )
        score = 0.6 if i % 3 else -0.5
        place = PlaceMention(name, 0, len(name), name, tid, kind="resort", sentiment=score)
        items.append((doc, Analysis("en", Sentiment(score, "positive" if score > 0 else "negative"), (place,))))
    hostile = RawDocument(
        id=document_id("hostile"), url="https://example.org/x", source_id="feed", source_type="rss",
        text=XSS_TEXT, title=XSS_TITLE, collected=now, published=now - timedelta(hours=3),
    )
    places = (
        PlaceMention("Les Arcs", 0, 8, "Les Arcs", "les-arcs", kind="resort", sentiment=0.5),
        PlaceMention("Tignes", XSS_TEXT.index("Tignes"), XSS_TEXT.index("Tignes") + 6, "Tignes",
                     "tignes", kind="resort", sentiment=0.5),
    )
    items.append((hostile, Analysis("en", Sentiment(0.5, "positive"), places)))
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    store.close()
    return tmp / "placewatch.toml"


def hostile_document(now: datetime) -> tuple[RawDocument, Analysis]:
    """A document whose title and text try to run scripts; it mentions Les Arcs and Tignes."""
    doc = RawDocument(
        id=document_id("hostile"), url="https://example.org/x", source_id="hostile-feed",
        source_type="rss", text=XSS_TEXT, title=XSS_TITLE, collected=now,
        published=now - timedelta(hours=3), author="<b>mallory</b>", lang="en",
        engagement=Engagement(likes=3, followers=250),
    )
    tignes = XSS_TEXT.index("Tignes")
    places = (
        PlaceMention("Les Arcs", 0, 8, "Les Arcs", "les-arcs", kind="resort", sentiment=0.95),
        PlaceMention("Tignes", tignes, tignes + 6, "Tignes", "tignes", kind="resort", sentiment=0.9),
    )
    return doc, Analysis("en", Sentiment(0.9, "positive"), places)


def sent_alert(now: datetime) -> OutboxMessage:
    """An alert already delivered, whose explanation quotes the hostile title."""
    text = f"42 mentions against 6 expected; top words: télécabine, panne; top story: {XSS_TITLE}"
    return OutboxMessage(
        key="spike:les-arcs:test", channel="email", created=now - timedelta(hours=2),
        payload={
            "to": ["office@example.org"], "subject": "Spike: Les Arcs", "text": text,
            "html": f"<p>{XSS_TITLE}</p>",  # what a careless mailer might have stored: never rendered
        },
    )


def add_hostile(data_dir: Path, now: datetime | None = None) -> None:
    """Add the hostile document and a sent alert to an existing data dir (e.g. the demo's)."""
    now = now or datetime.now(UTC)
    store = SqliteStore(data_dir / "placewatch.db")
    store.setup()
    doc, analysis = hostile_document(now)
    store.upsert_raw([doc])
    store.save_analyses([(doc, analysis)])
    alert = sent_alert(now)
    store.enqueue([alert])
    store.mark_sent(alert.key, now - timedelta(hours=2))
    store.close()


SPIKE_CONFIG = CONFIG + """
[alerts]
window = "1d"
min_count = 5
"""


def last_noon(now: datetime) -> datetime:
    """The latest UTC noon at or before now: a day's stories, published minutes apart, stay on that day.

    Anchored on now itself, a run in the first hour after midnight split the spike day across two
    daily windows (CI saw 27 mentions where 25 were written)."""
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= now else noon - timedelta(days=1)


def build_spike(tmp: Path, now: datetime | None = None) -> Path:
    """Les Arcs: one or two mentions a day for five weeks, then 25 in one day two days ago."""
    now = last_noon(now or datetime.now(UTC))
    (tmp / "placewatch.toml").write_text(SPIKE_CONFIG.replace("{lang}", "en"), encoding="utf-8")
    store = SqliteStore(tmp / "pw.db")
    store.setup()
    items = []
    days = [d for d in range(3, 40) for _ in range(1 + (d % 3 == 0))] + [2] * 25
    for i, d in enumerate(days):
        spike = d == 2
        title = f"Gondola stopped at Les Arcs, report {i}" if spike else f"Les Arcs daily {i}"
        text = f"Les Arcs {'gondola breakdown, skiers lowered by rope' if spike else 'fresh snow'}."
        doc = RawDocument(
            id=document_id(f"spike{i}"), url=f"https://example.org/s{i}", source_id="news" if spike else "feed",
            source_type="rss", text=text, title=title, collected=now,
            published=now - timedelta(days=d, minutes=i), lang="en",
        )
        score = -0.6 if spike else 0.4
        place = PlaceMention("Les Arcs", 0, 8, "Les Arcs", "les-arcs", kind="resort", sentiment=score)
        items.append((doc, Analysis("en", Sentiment(score, "negative" if spike else "positive"), (place,))))
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    store.close()
    return tmp / "placewatch.toml"


ODD_URLS = (
    "https://example.org/l'arc \"1800\" [photos] (2).html",
    "javascript:alert(1)",
    "ftp://example.org/les-arcs.txt",
    "HTTPS://Example.org/a b<c>d",
)


def add_odd_urls(tmp: Path, now: datetime | None = None) -> None:
    """Spike-day Les Arcs stories whose URLs have quotes, spaces, brackets, or are not http(s)."""
    now = last_noon(now or datetime.now(UTC))
    store = SqliteStore(tmp / "pw.db")
    store.setup()
    items = []
    for i, url in enumerate(ODD_URLS):
        text = f"Les Arcs gondola breakdown, odd link {i}."
        doc = RawDocument(
            id=document_id(f"odd{i}"), url=url, source_id="news", source_type="rss", text=text,
            title=f"Odd link {i} at Les Arcs", collected=now, published=now - timedelta(days=2, minutes=90 + i),
            lang="en",
        )
        place = PlaceMention("Les Arcs", 0, 8, "Les Arcs", "les-arcs", kind="resort", sentiment=-0.6)
        items.append((doc, Analysis("en", Sentiment(-0.6, "negative"), (place,))))
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    store.close()
