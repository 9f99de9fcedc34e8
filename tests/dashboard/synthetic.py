"""A small store with known mentions, for dashboard tests that must not wait for the NLP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from indexer import SqliteStore
from placewatch.models import (
    Analysis,
    Engagement,
    PlaceMention,
    RawDocument,
    Sentiment,
    document_id,
)

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
