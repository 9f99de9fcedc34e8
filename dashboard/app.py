"""The Streamlit entry point: page setup and navigation (`placewatch dashboard` runs this file)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts only dashboard/ on sys.path; the packages live one level up.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard.data import get_config  # noqa: E402
from dashboard.i18n import tr  # noqa: E402

st.set_page_config(page_title="placewatch", page_icon="📍", layout="wide")

lang = get_config().ui.lang
pages = [
    st.Page("pages/overview.py", title=tr("overview", lang), icon="📊", default=True),
]
st.navigation(pages).run()
