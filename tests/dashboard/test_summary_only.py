"""A news-search item kept as its title, summary and publisher says so on the Mentions page and in exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.models import (
    Analysis,
    EnrichedDocument,
    PlaceMention,
    RawDocument,
    Sentiment,
    document_id,
    summary_only_raw,
)
from indexer import SqliteStore

from . import synthetic
from .apptest import markdown_text, open_page


def news_item(now: datetime) -> tuple[RawDocument, Analysis]:
    doc = RawDocument(
        id=document_id("news:CBMi001"), url="https://news.example/rss/articles/CBMi001", source_id="news",
        source_type="rss", text="Tignes : le glacier rouvre  Le Dauphiné", title="Tignes : le glacier rouvre",
        collected=now, published=now - timedelta(hours=2), author="Le Dauphiné",
        raw=summary_only_raw({"guid": "CBMi001", "source": "Le Dauphiné"}),
    )
    place = PlaceMention("Tignes", 0, 6, "Tignes", "tignes", kind="resort", sentiment=0.1)
    return doc, Analysis("fr", Sentiment(0.1, "neutral"), (place,))


def test_the_mentions_page_says_a_document_is_only_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = synthetic.build(tmp_path)
    store = SqliteStore(tmp_path / "pw.db")
    doc, analysis = news_item(datetime.now(UTC))
    store.upsert_raw([doc])
    store.save_analyses([(doc, analysis)])
    store.close()
    at = open_page(config, "mentions", monkeypatch)
    at.text_input(key="mentions_query").input("glacier").run()
    assert not at.exception
    text = markdown_text(at)
    assert "summary only &#40;news search&#41;" in text and "Le Dauphiné" in text
    at.text_input(key="mentions_query").input("weekend").run()
    assert "summary only" not in markdown_text(at)  # articles read in full say nothing


def test_summary_only_survives_export_and_import() -> None:
    doc, analysis = news_item(datetime(2026, 11, 20, 8, tzinfo=UTC))
    line = EnrichedDocument(doc, analysis).to_dict()
    assert line["summary_only"] is True
    again = EnrichedDocument.from_dict(json.loads(json.dumps(line)))
    assert again.doc.summary_only
    plain = EnrichedDocument(RawDocument(id="a", url="https://x.example/a", source_id="s", source_type="rss",
                                         text="t", collected=doc.collected), analysis).to_dict()
    assert "summary_only" not in plain  # other documents' export lines are unchanged
