"""Small UI helpers shared by the pages: sign-in, the chosen period, the interface language, safe text blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.auth import check_password, current_password
from dashboard.i18n import tr
from dashboard.render import inert, safe_url

PERIODS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


def lang() -> str:
    return data.get_config().ui.lang


def _oidc() -> bool:
    """Whether Streamlit's OpenID Connect sign-in is configured ([auth] in its secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answer "no"
        return False


def signed_in() -> bool:
    """May this browser session see the data? Open unless a password or OIDC sign-in is set."""
    if _oidc():
        return bool(st.user.get("is_logged_in", False))  # absent when no identity provider answered
    if current_password() is None:
        return True
    return st.session_state.get("signed_in") is True


def sign_in_page() -> None:
    """The only page before sign-in: a password form (or the OIDC button), nothing of the data."""
    st.title("placewatch")
    if _oidc():
        st.button(tr("sign_in_oidc", lang()), on_click=st.login, key="sign_in_oidc")
        return
    expected = current_password() or ""
    with st.form("sign_in", enter_to_submit=True):
        given = st.text_input(tr("password", lang()), type="password", key="sign_in_password")
        submitted = st.form_submit_button(tr("sign_in", lang()))
    if submitted:
        if check_password(given, expected):
            st.session_state["signed_in"] = True
            st.rerun()
        st.error(tr("wrong_password", lang()))


def sign_out_button() -> None:
    """A way out in the sidebar, when there was a way in."""
    if _oidc():
        st.sidebar.button(tr("sign_out", lang()), on_click=st.logout, key="sign_out")
    elif current_password() is not None and st.sidebar.button(tr("sign_out", lang()), key="sign_out"):
        st.session_state["signed_in"] = False
        st.rerun()


def period_picker() -> None:
    """The sidebar period choice, shared by every page (rendered by app.py before the page)."""
    st.sidebar.selectbox(
        tr("period", lang()), PERIODS, index=PERIODS.index(DEFAULT_DAYS), key="period_days",
        format_func=lambda n: tr("last_n_days", lang(), n=n),
    )


def report_button() -> None:
    """The board report of the chosen period, in the interface's language, from the sidebar."""
    _, since, until = current_period()
    ui_lang = lang()
    st.sidebar.download_button(
        tr("download_report", ui_lang), lambda: data.report_pdf(since, until, None, ui_lang),
        file_name=f"placewatch-{since:%Y-%m-%d}-{until:%Y-%m-%d}.pdf", mime="application/pdf",
        on_click="ignore", key="report_pdf", icon=":material/picture_as_pdf:",
        help=tr("download_report_help", ui_lang),
    )


def chart(spec: Any) -> None:
    """An Altair chart with dates and numbers in the interface's language."""
    from reports import localized

    st.altair_chart(localized(spec, lang()), width="stretch")


def current_period() -> tuple[int, datetime, datetime]:
    """(days, since, until) of the period chosen in the sidebar."""
    days = int(st.session_state.get("period_days", DEFAULT_DAYS))
    since, until = data.period(days)
    return days, since, until


def fmt_date(value: Any, with_time: bool = False) -> str:
    """A date as 2026-12-03 (14:05); 'no date' for None and pandas' NaT alike."""
    if value is None or not hasattr(value, "strftime") or pd.isna(value):
        return tr("no_date", lang())
    return str(value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d"))


def fmt_duration(value: timedelta) -> str:
    """'15 min', '1 h', '1 d', '2 w': how the config file writes durations."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def document_card(title: object, body_html: str, meta: Sequence[object], url: object) -> None:
    """One document: inert title, an already-escaped body with <mark>s, escaped meta and a link.

    Values come from data frames, where a missing one is a float NaN: anything but text is left out.
    """
    with st.container(border=True):
        if isinstance(title, str) and title:
            st.markdown(f"**{inert(title)}**")
        st.markdown(body_html, unsafe_allow_html=True)
        line = " · ".join(inert(m) for m in meta if isinstance(m, str) and m)
        link = safe_url(url)
        if link:
            line += f" · [{tr('open', lang())} ↗]({inert(link)})"
        st.caption(line)
