"""Alerts page: territories too new for a spike verdict are named, with the day alerts start."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.dashboard import synthetic
from tests.dashboard.apptest import markdown_text, open_page


def test_alerts_page_says_which_territories_are_still_learning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    config = synthetic.build(tmp_path, now=now)  # Les Arcs and Tignes: first mentions 5 days ago
    with config.open("a", encoding="utf-8") as fh:
        fh.write('\n[[territories]]\nid = "avoriaz"\nname = "Avoriaz"\nkind = "resort"\n')
    monkeypatch.setenv("PLACEWATCH_NOW", now.isoformat())
    text = markdown_text(open_page(config, "alerts", monkeypatch))
    assert "Still learning their usual rhythm" in text
    assert "Les Arcs: first mention 2026-12-01, spike alerts from 2026-12-07" in text
    assert "Avoriaz: no mention yet" in text
