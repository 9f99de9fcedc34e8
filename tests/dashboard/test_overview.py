"""The overview page on a store with known counts, and on the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.data import period
from indexer import MentionFilter, SqliteStore
from tests.dashboard import synthetic
from tests.dashboard.apptest import open_page


def test_overview_ranks_places_with_counts_and_shares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(synthetic.build(tmp_path), "overview", monkeypatch)
    table = at.dataframe[0].value
    assert list(table["place"][:2]) == ["Les Arcs", "Tignes"]
    assert list(table["mentions"][:2]) == [13, 6]
    assert abs(table["share"].iloc[0] - 13 / 19) < 1e-6
    assert "19 mentions of 2 places" in " ".join(c.value for c in at.caption)


def test_overview_tiles_for_my_territory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(synthetic.build(tmp_path), "overview", monkeypatch)
    assert at.subheader[0].value == "My territory: Les Arcs"
    metrics = {m.label: m for m in at.metric}
    assert metrics["Mentions"].value == "13"
    sov = metrics["Share of voice in Stations des Alpes"]
    assert sov.value == "68%" and sov.delta == "13 of 19 mentions"
    # followers 100 * i on the twelve Les Arcs stories; a document without followers reaches 1
    assert metrics["Reach"].value == f"{sum(100 * i for i in range(1, 12)) + 1 + 1:,}"


def test_overview_what_moved_on_the_demo(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Les Arcs had its gondola breakdown this week: top of the ranking and the biggest rise."""
    at = open_page(dashboard_config, "overview", monkeypatch, days=7)
    assert at.title[0].value == "Lieux les plus cités"
    ranking = at.dataframe[0].value
    assert ranking["place"].iloc[0] == "Les Arcs"
    since, until = period(7)
    with SqliteStore(dashboard_config.parent / "placewatch.db") as store:
        top = store.ranking(MentionFilter(since=since, until=until), limit=1)[0]
    assert ranking["mentions"].iloc[0] == top.mentions >= 5
    moved = at.dataframe[1].value
    assert moved["place"].iloc[0] == "Les Arcs"
    assert (moved["change"] > 0).all()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Mentions"] == str(ranking["mentions"].iloc[0])


def test_overview_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(synthetic.build(tmp_path, lang="en"), "overview", monkeypatch)
    assert at.title[0].value == "Most talked-about places"
    at_fr = open_page(synthetic.build(tmp_path, lang="fr"), "overview", monkeypatch)
    assert at_fr.title[0].value == "Lieux les plus cités"
