"""Map page: places mentioned in the period, sized by volume and coloured by net sentiment."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.ui import current_period, fmt_date, lang

ui_lang = lang()
days, since, until = current_period()

st.title(tr("map_title", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))

points = data.map_points(since, until)
if not st.toggle(tr("all_places", ui_lang), value=False, key="map_all"):
    inside = data.watched_area(points)
    if (~inside).any():
        st.caption(tr("far_places", ui_lang, n=int((~inside).sum())))
    points = points[inside]
if points.empty:
    st.info(tr("no_coordinates", ui_lang))
else:
    st.caption(tr("map_caption", ui_lang, n=len(points)))
    tooltip = [
        alt.Tooltip("place:N", title=tr("place", ui_lang)),
        alt.Tooltip("mentions:Q", title=tr("mentions", ui_lang)),
        alt.Tooltip("net_sentiment:Q", title=tr("net_sentiment", ui_lang), format="+.2f"),
        alt.Tooltip("reach:Q", title=tr("reach", ui_lang), format=","),
    ]
    # A plain projection of lon/lat: no map tiles, so nothing is fetched from the network.
    base = alt.Chart(points).encode(longitude="lon:Q", latitude="lat:Q")
    circles = base.mark_circle(opacity=0.75, stroke="#333", strokeWidth=0.5).encode(
        size=alt.Size("mentions:Q", title=tr("mentions", ui_lang), scale=alt.Scale(range=[60, 2000])),
        color=alt.Color("net_sentiment:Q", title=tr("net_sentiment", ui_lang),
                        scale=alt.Scale(scheme="redyellowgreen", domain=[-1, 1])),
        tooltip=tooltip,
    )
    labels = base.transform_filter(alt.datum.mentions >= points["mentions"].nlargest(8).min()).mark_text(
        dy=-12, fontSize=11).encode(text="place:N")
    chart = alt.layer(circles, labels).project(type="mercator").properties(height=560)
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        points[["place", "kind", "mentions", "net_sentiment", "lat", "lon"]], hide_index=True, width="stretch",
        column_config={
            "place": tr("place", ui_lang), "kind": tr("kind", ui_lang), "mentions": tr("mentions", ui_lang),
            "net_sentiment": st.column_config.NumberColumn(tr("net_sentiment", ui_lang), format="%+.2f"),
        },
    )
