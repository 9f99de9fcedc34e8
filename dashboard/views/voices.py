"""Ambassadors & critics page: who carries the territories' image and who hurts it, weighted by reach."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.render import inert, to_csv
from dashboard.ui import current_period, document_card, fmt_date, lang

config = data.get_config()
ui_lang = lang()
days, since, until = current_period()

st.title(tr("ambassadors_page", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))
st.caption(tr("voices_caption", ui_lang))

groups = {g.id: g.name for g in config.groups if g.territories}
group = st.selectbox(tr("group", ui_lang), [None, *groups], key="voices_group",
                     format_func=lambda g: groups[g] if g else tr("all_groups", ui_lang))
table, latest = data.voices(since, until, group)


def shown(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(kind=rows["kind"].map(lambda k: tr(f"kind_{k}", ui_lang)))


COLUMNS = {
    "voice": st.column_config.TextColumn(tr("voice", ui_lang)),
    "kind": st.column_config.TextColumn(tr("voice_kind", ui_lang)),
    "where": st.column_config.TextColumn(tr("where", ui_lang)),
    "mentions": st.column_config.NumberColumn(tr("mentions", ui_lang)),
    "reach": st.column_config.NumberColumn(tr("reach", ui_lang)),
    "weight": st.column_config.NumberColumn(tr("weight", ui_lang)),
    "net_sentiment": st.column_config.NumberColumn(tr("net_sentiment", ui_lang), format="%+.2f"),
    "territories": st.column_config.TextColumn(tr("territories", ui_lang), width="medium"),
    "first_seen": st.column_config.DatetimeColumn(tr("first_seen", ui_lang), format="YYYY-MM-DD"),
    "last_seen": st.column_config.DatetimeColumn(tr("last_seen", ui_lang), format="YYYY-MM-DD"),
}


def voices_table(title: str, rows: pd.DataFrame, key: str) -> None:
    st.subheader(title)
    if rows.empty:
        st.caption(tr("no_voices", ui_lang))
        return
    st.dataframe(shown(rows)[list(COLUMNS)], hide_index=True, width="stretch", key=key, column_config=COLUMNS)
    for row in rows.head(data.VOICES_WITH_LATEST).itertuples():
        found = latest.get(f"{row.kind}:{row.voice}", [])
        label = f"{inert(row.voice)} · {tr('latest_mentions', ui_lang)} ({len(found)})"
        with st.expander(label):
            for m in found:
                document_card(m["title"], inert(m["snippet"]), [fmt_date(m["published"], True)], m["url"])


if table.empty:
    st.info(tr("no_data", ui_lang))
else:
    voices_table(tr("ambassadors", ui_lang), table[table["net_sentiment"] > 0], "voices_ambassadors")
    voices_table(tr("critics", ui_lang), table[table["net_sentiment"] < 0], "voices_critics")
    st.download_button(
        tr("download_csv", ui_lang), to_csv(shown(table)), mime="text/csv", on_click="ignore",
        file_name=f"ambassadors-critics-{group or 'all'}-{fmt_date(since)}-{fmt_date(until)}.csv",
        key="voices_csv",
    )
