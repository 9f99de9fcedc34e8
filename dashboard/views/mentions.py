"""Mentions page: boolean full-text search with filters, highlighted snippets, paging and CSV export."""

from __future__ import annotations

import math

import streamlit as st

from core.errors import QuerySyntaxError, StoreError
from dashboard import data
from dashboard.i18n import tr
from dashboard.render import highlight_snippet, inert
from dashboard.ui import current_period, document_card, fmt_date, lang
from indexer import MentionFilter

PAGE_SIZE = 20
config = data.get_config()
ui_lang = lang()
days, since, until = current_period()

st.title(tr("mentions_page", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))


def filters() -> tuple[str, MentionFilter]:
    query = st.text_input(tr("query", ui_lang), key="mentions_query", help=tr("query_help", ui_lang),
                          placeholder=tr("query_placeholder", ui_lang))
    values = data.filter_values()
    place_names = dict(data.place_choices(since, until))
    a, b, c, d, e = st.columns(5)
    places = a.multiselect(tr("place", ui_lang), list(place_names), format_func=lambda k: place_names[k],
                           key="mentions_places", placeholder=tr("choose", ui_lang))
    group_names = {g.id: g.name for g in config.groups}
    groups = b.multiselect(tr("group", ui_lang), list(group_names), format_func=lambda g: group_names[g],
                           key="mentions_groups", placeholder=tr("choose", ui_lang))
    types = c.multiselect(tr("source_type", ui_lang), values["source_types"], key="mentions_types",
                          placeholder=tr("choose", ui_lang))
    langs = d.multiselect(tr("language", ui_lang), values["langs"], key="mentions_langs",
                          placeholder=tr("choose", ui_lang))
    sentiment = e.selectbox(tr("sentiment", ui_lang), [None, *data.LABELS], key="mentions_sentiment",
                            format_func=lambda s: tr(s, ui_lang) if s else tr("all", ui_lang))
    f = data.mention_filter(since, until, places, groups, types, langs, sentiment)
    return query.strip(), f


def results(query: str, f: MentionFilter) -> None:
    page = int(st.session_state.get("mentions_page", 1))
    try:
        total, more, hits = data.search(query, f, page, PAGE_SIZE)
    except QuerySyntaxError as exc:  # one sentence from the parser: what is wrong, and where
        st.error(tr("query_error", ui_lang, error=inert(str(exc))))
        return
    except StoreError as exc:
        st.error(tr("search_failed", ui_lang, error=inert(str(exc))))
        return
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if total == 0:
        st.info(tr("no_results", ui_lang))
        return
    top, right = st.columns([3, 1])
    shown = f"{total:,}+" if more else f"{total:,}"  # counting stops past a thousand: it says so
    top.caption(tr("results", ui_lang, total=shown, page=min(page, pages), pages=pages))
    right.download_button(
        tr("download_csv", ui_lang), lambda: data.search_csv(query, f), mime="text/csv",
        file_name=f"mentions-{fmt_date(since)}-{fmt_date(until)}.csv", on_click="ignore", key="mentions_csv",
    )
    for row in hits.itertuples():
        meta = [fmt_date(row.published, True), row.source, row.type, row.lang, row.author,
                row.places, tr(row.sentiment, ui_lang) if row.sentiment else "",
                tr("summary_only", ui_lang) if row.summary_only else ""]
        document_card(row.title, highlight_snippet(row.snippet), meta, row.url)
    if pages > 1:
        if page > pages:
            st.session_state["mentions_page"] = pages
        st.number_input(tr("page", ui_lang), min_value=1, max_value=pages, step=1, key="mentions_page")


query, f = filters()
results(query, f)
