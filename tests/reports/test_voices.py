"""Ambassadors & critics: a prolific voice's dates come from its own documents, however many."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from config import load_config
from core.models import Analysis, PlaceMention, RawDocument, Sentiment, document_id
from indexer import SqliteStore, open_store
from reports import build_voices

CONFIG = """
[store]
path = "pw.db"

[[territories]]
id = "tignes"
name = "Tignes"
"""


def test_a_voice_with_more_documents_than_the_search_counts_gets_its_true_first_day(tmp_path: Path) -> None:
    """1,200 posts by one account over 60 days among 21,000 about the place: the search counts only
    up to 1,000 at this size, and the first day shown must still be the first post's, not the
    1,000th newest's."""
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    (tmp_path / "placewatch.toml").write_text(CONFIG, encoding="utf-8")
    items = []
    for i in range(21_000):
        mine = i < 1200
        published = now - timedelta(minutes=72 * i if mine else 3 * (i - 1200))  # all within 60 days
        doc = RawDocument(
            id=document_id(f"post{i}"), url=f"https://example.org/{i}", source_id="masto",
            source_type="mastodon", text=f"Tignes under fresh snow, post {i}.", collected=now,
            published=published, author="@skibum@example.social" if mine else f"@guest{i % 40}@example.social",
        )
        place = PlaceMention("Tignes", 0, 6, "Tignes", "tignes", kind="resort", sentiment=0.6)
        items.append((doc, Analysis("en", Sentiment(0.6, "positive"), (place,))))
    with SqliteStore(tmp_path / "pw.db") as store:
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
    config = load_config(tmp_path / "placewatch.toml", env={})
    with open_store(config.store) as store:
        report = build_voices(store, config, now - timedelta(days=90), now + timedelta(hours=1))
    account = next(v for v in report.voices if v.kind == "account")
    assert account.name == "@skibum@example.social" and account.mentions == 1200
    assert account.first_seen == now - timedelta(minutes=72 * 1199)
    assert account.last_seen == now


def test_voices_of_a_period_with_latest_mentions_for_the_first_shown_only(tmp_path: Path) -> None:
    """The corpus every store test knows: Alice (an ambassador on two outlets) leads; only the
    first `latest_for` ambassadors and critics are looked up for their latest mentions."""
    from tests.indexer.store_corpus import PERIOD, corpus

    (tmp_path / "placewatch.toml").write_text(CONFIG + """
[[territories]]
id = "val-thorens"
name = "Val Thorens"

[[territories]]
id = "chamonix"
name = "Chamonix"
""", encoding="utf-8")
    config = load_config(tmp_path / "placewatch.toml", env={})
    with open_store(config.store) as store:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
        report = build_voices(store, config, *PERIOD, latest_for=1)
        alice = report.voices[0]
        assert (alice.kind, alice.name, alice.mentions, alice.weight) == ("account", "Alice", 4, 8000)
        assert alice.territories == ("Val Thorens", "Chamonix")  # the watchlist's order
        assert alice.first_seen == PERIOD[0] + timedelta(days=1, hours=10, minutes=15)
        assert [m.url for m in alice.latest] == ["https://example.org/d3", "https://example.org/d1"]
        assert report.ambassadors[0] is alice and not report.critics
        assert [v.name for v in report.voices if v.latest] == ["Alice"]
        assert not any(v.latest for v in build_voices(store, config, *PERIOD, latest_for=0).voices)
