"""Competitors page: a group's share of voice over time and for the period, with sentiment and CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.render import to_csv
from dashboard.ui import chart, current_period, fmt_date, lang
from reports import (
    counts_chart,
    fmt_number,
    fmt_percent,
    sentiment_by_place_chart,
    share_of_voice_chart,
)

config = data.get_config()
ui_lang = lang()
days, since, until = current_period()
bucket = data.bucket_for(days)

st.title(tr("competitors", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))


def period_summary(summary: pd.DataFrame, weighted: bool) -> None:
    total = int(summary.attrs.get("total", 0))
    st.subheader(tr("sov_for_period", ui_lang))
    st.caption(tr("sov_total_reach" if weighted else "sov_total", ui_lang, total=fmt_number(total, ui_lang)))
    cols = st.columns(max(1, len(summary)))
    for col, row in zip(cols, summary.itertuples(), strict=False):
        n = row.reach if weighted else row.mentions
        col.metric(row.place, fmt_percent(row.share, ui_lang), f"{fmt_number(n, ui_lang)} / {fmt_number(total, ui_lang)}",
                   delta_color="off", delta_arrow="off")
    st.dataframe(
        summary[["place", "mentions", "reach", "share", "net_sentiment", "positive", "neutral", "negative"]],
        hide_index=True, width="stretch", key="competitors_summary",
        column_config={
            "place": st.column_config.TextColumn(tr("place", ui_lang)),
            "mentions": st.column_config.NumberColumn(tr("mentions", ui_lang)),
            "reach": st.column_config.NumberColumn(tr("reach", ui_lang), format="localized"),
            "share": st.column_config.ProgressColumn(tr("share_of_voice", ui_lang), format="percent",
                                                     min_value=0.0, max_value=1.0),
            "net_sentiment": st.column_config.NumberColumn(tr("net_sentiment", ui_lang), format="%+.2f"),
            "positive": st.column_config.NumberColumn(tr("positive", ui_lang)),
            "neutral": st.column_config.NumberColumn(tr("neutral", ui_lang)),
            "negative": st.column_config.NumberColumn(tr("negative", ui_lang)),
        },
    )


def sov_chart(series: pd.DataFrame, weighted: bool) -> None:
    st.subheader(tr("sov_over_time", ui_lang))
    chart(share_of_voice_chart(series, ui_lang, bucket, weighted))  # the board report's chart too
    chart(counts_chart(series, ui_lang, bucket, weighted))
    with st.expander(tr("series_table", ui_lang)):
        wide = series.pivot_table(index="bucket", columns="place", values="value", aggfunc="sum", fill_value=0)
        wide[tr("total", ui_lang)] = wide.sum(axis=1)
        st.dataframe(wide.reset_index(), hide_index=True, width="stretch", key="competitors_series")


def sentiment_chart(summary: pd.DataFrame) -> None:
    st.subheader(tr("sentiment_per_place", ui_lang))
    chart(sentiment_by_place_chart(summary, ui_lang))


def csv_export(summary: pd.DataFrame, series: pd.DataFrame, group_id: str) -> None:
    period_rows = summary.assign(bucket="total")[["bucket", "place", "mentions", "reach", "share",
                                                    "net_sentiment"]]
    over_time = series.assign(bucket=series["bucket"].astype(str))[["bucket", "place", "mentions",
                                                                    "reach", "share", "total"]]
    st.download_button(
        tr("download_csv", ui_lang), to_csv(pd.concat([period_rows, over_time], ignore_index=True)),
        file_name=f"share-of-voice-{group_id}-{fmt_date(since)}-{fmt_date(until)}.csv",
        mime="text/csv", on_click="ignore", key="competitors_csv",
    )


groups = [g for g in config.groups if g.territories]
if not groups:
    st.info(tr("no_groups", ui_lang))
else:
    left, right = st.columns([2, 1])
    group = left.selectbox(tr("group", ui_lang), groups, format_func=lambda g: g.name, key="competitors_group",
                           placeholder=tr("choose", ui_lang))
    weighted = right.toggle(tr("weighted", ui_lang), value=False, key="competitors_weighted")
    once = right.toggle(tr("syndicated_once", ui_lang), value=False, key="competitors_once")
    summary = data.group_summary(group.territories, since, until, weighted=weighted, syndicated_once=once)
    series = data.share_of_voice_series(group.territories, since, until, bucket, weighted=weighted,
                                        syndicated_once=once)
    if summary["mentions"].sum() == 0:
        st.info(tr("no_data", ui_lang))
    else:
        period_summary(summary, weighted)
        if not series.empty:
            sov_chart(series, weighted)
        sentiment_chart(summary)
        csv_export(summary, series, group.id)
