"""Overview page: my territory's tiles, the most talked-about places and what moved."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.ui import current_period, fmt_date, lang
from reports import fmt_number, fmt_percent

config = data.get_config()
ui_lang = lang()
days, since, until = current_period()

st.title(tr("most_talked_about", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))


def territory_tiles() -> None:
    """Mentions, share of voice in its group, net sentiment and reach of [ui] territory."""
    tid = config.ui.territory
    if not tid:
        st.info(tr("no_my_territory", ui_lang))
        return
    t = data.territory_tiles(tid, since, until)
    st.subheader(tr("my_territory", ui_lang, name=data.names().get(tid, tid)))
    a, b, c, d = st.columns(4)
    a.metric(tr("mentions", ui_lang), fmt_number(t["mentions"], ui_lang), f"{t['mentions'] - t['previous']:+,}",
             help=tr("change", ui_lang))
    if t["group"]:
        b.metric(tr("sov_in_group", ui_lang, group=t["group"]), fmt_percent(t["share"], ui_lang),
                 tr("sov_of_total", ui_lang, n=t["mentions"], total=t["group_total"]), delta_color="off",
                 delta_arrow="off")
    else:
        b.metric(tr("share_of_voice", ui_lang), "—", tr("no_group", ui_lang), delta_color="off", delta_arrow="off")
    c.metric(tr("net_sentiment", ui_lang), f"{t['net_sentiment']:+.2f}",
             f"{t['net_sentiment'] - t['previous_net_sentiment']:+.2f}")
    d.metric(tr("reach", ui_lang), fmt_number(t["reach"], ui_lang))


def most_talked_about() -> None:
    watched_only = st.toggle(tr("watched_only", ui_lang), value=False, key="overview_watched")
    ranking = data.ranking(since, until, watched_only=watched_only)
    total = int(ranking.attrs.get("total", 0))
    if ranking.empty:
        st.info(tr("no_data", ui_lang))
        return
    st.caption(tr("mentions_total", ui_lang, total=total, places=len(ranking)))
    st.dataframe(
        ranking[["place", "kind", "watched", "mentions", "share", "change", "net_sentiment", "reach"]],
        hide_index=True,
        width="stretch",
        column_config={
            "place": st.column_config.TextColumn(tr("place", ui_lang)),
            "kind": st.column_config.TextColumn(tr("kind", ui_lang)),
            "watched": st.column_config.CheckboxColumn(tr("watched", ui_lang)),
            "mentions": st.column_config.NumberColumn(tr("mentions", ui_lang)),
            "share": st.column_config.ProgressColumn(
                tr("share", ui_lang), format="percent", min_value=0.0, max_value=1.0
            ),
            "change": st.column_config.NumberColumn(tr("change", ui_lang), format="%+d"),
            "net_sentiment": st.column_config.NumberColumn(tr("net_sentiment", ui_lang), format="%+.2f"),
            "reach": st.column_config.NumberColumn(tr("reach", ui_lang), format="localized"),
        },
    )


def what_moved() -> None:
    st.subheader(tr("what_moved", ui_lang))
    moved = data.movers(since, until)
    if moved.empty:
        st.caption(tr("nothing_moved", ui_lang))
        return
    moved = moved.assign(change_pct=[f"{p:+.0%}" if p is not None and p == p else tr("new", ui_lang)
                                     for p in moved["change_pct"]])
    st.dataframe(
        moved[["place", "mentions", "previous", "change", "change_pct"]],
        hide_index=True,
        width="stretch",
        key="overview_movers",
        column_config={
            "place": st.column_config.TextColumn(tr("place", ui_lang)),
            "mentions": st.column_config.NumberColumn(tr("mentions", ui_lang)),
            "previous": st.column_config.NumberColumn(tr("previous", ui_lang)),
            "change": st.column_config.NumberColumn(tr("change", ui_lang), format="%+d"),
            "change_pct": st.column_config.TextColumn("%"),
        },
    )


territory_tiles()
most_talked_about()
what_moved()
undated = data.undated_documents()
if undated:
    st.caption(tr("undated", ui_lang, n=undated))
