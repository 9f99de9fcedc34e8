"""The Altair charts the dashboard shows and the board report prints (via vl-convert, no browser)."""

from __future__ import annotations

import logging
from typing import Any

import altair as alt
import pandas as pd

from reports.locale import vega_locale
from reports.text import say

logger = logging.getLogger(__name__)

SENTIMENT_COLOURS = ("#2ca02c", "#bbbbbb", "#d62728")


def localized(chart: Any, lang: str) -> Any:
    """The chart with its dates and numbers in the language's format (Vega's locale config)."""
    return chart.configure(locale=vega_locale(lang))


def share_of_voice_chart(series: pd.DataFrame, lang: str, bucket: str, weighted: bool = False,
                         height: int = 300) -> alt.Chart:
    """Each place's share of its group per bucket, as 100 % stacked bars (series: bucket, place, value, total, share)."""
    measure = say("reach" if weighted else "mentions", lang)
    tooltip = [
        alt.Tooltip("bucket:T", title=say(bucket, lang)),
        alt.Tooltip("place:N", title=say("place", lang)),
        alt.Tooltip("value:Q", title=measure, format=","),
        alt.Tooltip("total:Q", title=say("total", lang), format=","),
        alt.Tooltip("share:Q", title=say("share", lang), format=".0%"),
    ]
    return alt.Chart(series).mark_bar().encode(
        x=alt.X("bucket:T", title=say(bucket, lang)),
        y=alt.Y("value:Q", stack="normalize", title=say("share_of_voice", lang), axis=alt.Axis(format="%")),
        color=alt.Color("place:N", title=say("place", lang)),
        tooltip=tooltip,
    ).properties(height=height)


def counts_chart(series: pd.DataFrame, lang: str, bucket: str, weighted: bool = False) -> alt.Chart:
    """The same bars in counts, so shares are never read without what they are shares of."""
    measure = say("reach" if weighted else "mentions", lang)
    return alt.Chart(series).mark_bar().encode(
        x=alt.X("bucket:T", title=say(bucket, lang)),
        y=alt.Y("value:Q", stack="zero", title=measure),
        color=alt.Color("place:N", title=say("place", lang)),
        tooltip=[alt.Tooltip("bucket:T", title=say(bucket, lang)),
                 alt.Tooltip("place:N", title=say("place", lang)),
                 alt.Tooltip("value:Q", title=measure, format=",")],
    ).properties(height=220, title=say("counts_over_time", lang))


def sentiment_by_place_chart(summary: pd.DataFrame, lang: str) -> alt.Chart:
    """Net sentiment per place, red to green (summary: place, net_sentiment, mentions, positive, negative)."""
    return alt.Chart(summary).mark_bar().encode(
        x=alt.X("net_sentiment:Q", title=say("net_sentiment", lang), scale=alt.Scale(domain=[-1, 1])),
        y=alt.Y("place:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        color=alt.Color("net_sentiment:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[-1, 1]),
                        legend=None),
        tooltip=[alt.Tooltip("place:N", title=say("place", lang)),
                 alt.Tooltip("mentions:Q", title=say("mentions", lang)),
                 alt.Tooltip("positive:Q", title=say("positive", lang)),
                 alt.Tooltip("negative:Q", title=say("negative", lang)),
                 alt.Tooltip("net_sentiment:Q", title=say("net_sentiment", lang), format="+.2f")],
    ).properties(height=max(120, 34 * len(summary)))


def chart_png(chart: Any, lang: str, width: int = 700, scale: float = 2.0) -> bytes:
    """The chart as a PNG by Altair's own renderer (vl-convert: no browser, no network)."""
    import vl_convert

    spec = localized(chart.properties(width=width), lang).to_dict()
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))


__all__ = ["chart_png", "counts_chart", "localized", "sentiment_by_place_chart", "share_of_voice_chart"]
