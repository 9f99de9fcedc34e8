"""Overview page: the most talked-about places and a competitor group's share of voice over time."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data
from dashboard.i18n import tr

config = data.get_config()
lang = config.ui.lang

st.title(tr("most_talked_about", lang))

PERIODS = (7, 30, 90, 365)
left, right = st.columns([2, 1])
days = left.selectbox(
    tr("period", lang), PERIODS, index=0, format_func=lambda n: tr("last_n_days", lang, n=n),
    key="overview_period",
)
watched_only = right.toggle(tr("watched_only", lang), value=False, key="overview_watched")
since, until = data.period(days)

ranking = data.ranking(since, until, watched_only=watched_only)
total = int(ranking.attrs.get("total", 0))
if ranking.empty:
    st.info(tr("no_data", lang))
else:
    st.caption(tr("mentions_total", lang, total=total, places=len(ranking)))
    st.dataframe(
        ranking[["place", "kind", "watched", "mentions", "share", "change", "net_sentiment"]],
        hide_index=True,
        width="stretch",
        column_config={
            "place": st.column_config.TextColumn(tr("place", lang)),
            "kind": st.column_config.TextColumn(tr("kind", lang)),
            "watched": st.column_config.CheckboxColumn(tr("watched", lang)),
            "mentions": st.column_config.NumberColumn(tr("mentions", lang)),
            "share": st.column_config.ProgressColumn(
                tr("share", lang), format="percent", min_value=0.0, max_value=1.0
            ),
            "change": st.column_config.NumberColumn(tr("change", lang), format="%+d"),
            "net_sentiment": st.column_config.NumberColumn(tr("net_sentiment", lang), format="%+.2f"),
        },
    )

st.header(tr("share_of_voice", lang))
groups = [g for g in config.groups if g.territories]
if not groups:
    st.info(tr("no_groups", lang))
else:
    group = st.selectbox(
        tr("group", lang), groups, format_func=lambda g: g.name, key="overview_group"
    )
    names = {t.id: t.name for t in config.territories}
    group_total, counts = data.share_of_voice(group.territories, since, until)
    st.caption(tr("sov_total", lang, total=group_total))
    cols = st.columns(len(group.territories))
    for col, tid in zip(cols, sorted(group.territories, key=lambda t: -counts.get(t, 0)), strict=True):
        n = counts.get(tid, 0)
        col.metric(names.get(tid, tid), f"{(n / group_total if group_total else 0):.0%}", f"{n} {tr('mentions', lang).lower()}", delta_color="off")
    bucket = "day" if days <= 90 else "week"
    series = data.share_of_voice_series(group.territories, since, until, bucket)
    if series.empty:
        st.info(tr("no_data", lang))
    else:
        series = series.assign(place=series["key"].map(lambda k: names.get(k, k)))
        chart = (
            alt.Chart(series)
            .mark_area()
            .encode(
                x=alt.X("bucket:T", title=tr(bucket, lang)),
                y=alt.Y("mentions:Q", stack="normalize", title=tr("share_of_voice", lang),
                        axis=alt.Axis(format="%")),
                color=alt.Color("place:N", title=tr("place", lang)),
                tooltip=[
                    alt.Tooltip("bucket:T", title=tr(bucket, lang)),
                    alt.Tooltip("place:N", title=tr("place", lang)),
                    alt.Tooltip("mentions:Q", title=tr("mentions", lang)),
                    alt.Tooltip("total:Q", title="Total"),
                    alt.Tooltip("share:Q", title=tr("share", lang), format=".0%"),
                ],
            )
            .properties(title=tr("sov_over_time", lang), height=320)
        )
        st.altair_chart(chart, width="stretch")

undated = data.undated_documents()
if undated:
    st.caption(tr("undated", lang, n=undated))
