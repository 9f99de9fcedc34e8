"""The Streamlit entry point: page setup, the shared period and navigation (`placewatch dashboard`)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts only dashboard/ on sys.path; the packages live one level up.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard.i18n import tr  # noqa: E402
from dashboard.ui import lang, period_picker  # noqa: E402

st.set_page_config(page_title="placewatch", page_icon=":material/location_on:", layout="wide")

ui_lang = lang()
pages = [
    st.Page("pages/overview.py", title=tr("overview", ui_lang), icon=":material/dashboard:", default=True),
    st.Page("pages/competitors.py", title=tr("competitors", ui_lang), icon=":material/leaderboard:"),
    st.Page("pages/place.py", title=tr("place_page", ui_lang), icon=":material/location_on:"),
    st.Page("pages/mentions.py", title=tr("mentions_page", ui_lang), icon=":material/search:"),
    st.Page("pages/map.py", title=tr("map", ui_lang), icon=":material/map:"),
    st.Page("pages/alerts.py", title=tr("alerts", ui_lang), icon=":material/notifications:"),
    st.Page("pages/sources.py", title=tr("sources", ui_lang), icon=":material/rss_feed:"),
]
page = st.navigation(pages)
period_picker()
page.run()
