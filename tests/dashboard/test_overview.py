"""The overview page, run by streamlit.testing on a store with known mentions."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard import synthetic
from tests.helpers import REPO

APP = str(REPO / "dashboard" / "app.py")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PLACEWATCH_CONFIG", str(synthetic.build(tmp_path)))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    yield at
    at.session_state  # noqa: B018 - keep the session alive until the test ends


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def test_overview_ranks_places_with_counts_and_shares(app: AppTest) -> None:
    _clear_caches()
    app.run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert list(table["place"][:2]) == ["Les Arcs", "Tignes"]
    assert int(table["mentions"].iloc[0]) == 13
    assert int(table["mentions"].iloc[1]) == 6
    assert abs(table["share"].iloc[0] - 13 / 19) < 1e-6
    captions = " ".join(c.value for c in app.caption)
    assert "19 mentions" in captions


def test_overview_shows_group_share_of_voice(app: AppTest) -> None:
    _clear_caches()
    app.run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Les Arcs"] == "68%"
    assert metrics["Tignes"] == "32%"


def test_overview_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_caches()
    monkeypatch.setenv("PLACEWATCH_CONFIG", str(synthetic.build(tmp_path, lang="fr")))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Lieux les plus cités"
