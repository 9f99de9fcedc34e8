"""Helpers to run the dashboard with streamlit.testing on a given config."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import REPO

APP = str(REPO / "dashboard" / "app.py")


def clear_caches() -> None:
    """Forget the previous test's config, store and query results."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(config: Path, page: str, monkeypatch: pytest.MonkeyPatch, days: int | None = None) -> AppTest:
    """The app on `config`, switched to `views/<page>.py` and run (with a period in days if given)."""
    monkeypatch.setenv("PLACEWATCH_CONFIG", str(config))
    clear_caches()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if days is not None:
        at.sidebar.selectbox(key="period_days").set_value(days)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_text(at: AppTest) -> str:
    """Every Markdown and caption body on the page (as sent to the browser)."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def frame(at: AppTest, column: str, index: int = 0) -> pd.DataFrame:
    """The `index`-th data table on the page that has `column`."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) > index, f"no table with column {column!r}"
    return found[index]
