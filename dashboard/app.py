"""The Streamlit entry point: page setup, sign-in when required, the shared period and navigation."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts only dashboard/ on sys.path; the packages live one level up.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard.i18n import tr  # noqa: E402
from dashboard.ui import (  # noqa: E402
    lang,
    period_picker,
    report_button,
    sign_in_page,
    sign_out_button,
    signed_in,
)

st.set_page_config(page_title="placewatch", page_icon=":material/location_on:", layout="wide")

ui_lang = lang()
VIEWS = [  # file in views/, title key, icon
    ("overview", "overview", ":material/dashboard:"),
    ("competitors", "competitors", ":material/leaderboard:"),
    ("place", "place_page", ":material/location_on:"),
    ("mentions", "mentions_page", ":material/search:"),
    ("voices", "ambassadors_page", ":material/campaign:"),
    ("map", "map", ":material/map:"),
    ("alerts", "alerts", ":material/notifications:"),
    ("sources", "sources", ":material/rss_feed:"),
]

if not signed_in():
    # Until then every address leads to the sign-in form (and, once signed in, to its page):
    # no page runs, nothing of the data is sent.
    st.navigation(
        [st.Page(sign_in_page, title=tr("sign_in", ui_lang), url_path=name, default=i == 0)
         for i, (name, _, _) in enumerate(VIEWS)],
        position="hidden",
    ).run()
    st.stop()

pages = [
    st.Page(f"views/{name}.py", title=tr(title, ui_lang), icon=icon, default=i == 0)
    for i, (name, title, icon) in enumerate(VIEWS)
]
page = st.navigation(pages)
period_picker()
report_button()
sign_out_button()
page.run()
