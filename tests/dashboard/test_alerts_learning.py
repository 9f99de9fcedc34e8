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


def test_alerts_page_shows_an_alert_that_failed_for_good(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from alerts.service import NEVER, PERMANENT
    from indexer import OutboxMessage, SqliteStore

    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    config = synthetic.build(tmp_path, now=now)
    store = SqliteStore(tmp_path / "pw.db")
    store.setup()
    store.enqueue([OutboxMessage(key="k", channel="email", created=now,
                                 payload={"to": ["x@example.org"], "subject": "Les Arcs: 40 mentions"})])
    store.mark_failed("k", f"{PERMANENT} SMTPRecipientsRefused: 550 mailbox unavailable", NEVER)
    store.close()
    monkeypatch.setenv("PLACEWATCH_NOW", now.isoformat())
    at = open_page(config, "alerts", monkeypatch)
    failed = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert list(failed["subject"]) == ["Les Arcs: 40 mentions"]
    assert "550 mailbox unavailable" in failed["reason"].iloc[0]
    assert any("could not be sent" in w.value for w in at.warning)
