"""Map page: places mentioned in the period on country borders, sized by volume, coloured by net sentiment."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.ui import chart, current_period, fmt_date, lang

config = data.get_config()
ui_lang = lang()
days, since, until = current_period()
watched = {t.id for t in config.territories}

st.title(tr("map_title", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))

points = data.map_points(since, until)
all_places = st.toggle(tr("all_places", ui_lang), value=False, key="map_all")
if not all_places:
    inside = data.watched_area(points)
    if (~inside).any():
        st.caption(tr("far_places", ui_lang, n=int((~inside).sum())))
    points = points[inside]
if points.empty:
    st.info(tr("no_coordinates", ui_lang))
else:
    st.caption(tr("map_caption", ui_lang, n=len(points)))
    frame, countries = data.map_frame(points, all_places)
    # Borders shipped with the app (Natural Earth), no map tiles: nothing is fetched from the network.
    land = alt.Chart(alt.Data(values=countries)).mark_geoshape(
        fill="#f3f1ec", stroke="#8c8c8c", strokeWidth=0.7, clip=True)
    sea = alt.Chart(alt.sphere()).mark_geoshape(fill="#dfeaf2", stroke=None, clip=True)
    tooltip = [
        alt.Tooltip("place:N", title=tr("place", ui_lang)),
        alt.Tooltip("mentions:Q", title=tr("mentions", ui_lang)),
        alt.Tooltip("net_sentiment:Q", title=tr("net_sentiment", ui_lang), format="+.2f"),
        alt.Tooltip("reach:Q", title=tr("reach", ui_lang), format=","),
    ]
    base = alt.Chart(points).encode(longitude="lon:Q", latitude="lat:Q")
    circles = base.mark_circle(opacity=0.8, stroke="#333", strokeWidth=0.6, clip=True).encode(
        size=alt.Size("mentions:Q", title=tr("mentions", ui_lang), scale=alt.Scale(range=[50, 900])),
        color=alt.Color("net_sentiment:Q", title=tr("net_sentiment", ui_lang),
                        scale=alt.Scale(scheme="redyellowgreen", domain=[-1, 1])),
        tooltip=tooltip,
    )
    # Watched territories and the most mentioned others get a name, drawn over a white halo.
    named = points[points["key"].isin(watched) | (points["mentions"] >= points["mentions"].nlargest(8).min())]
    labelled = alt.Chart(named).encode(longitude="lon:Q", latitude="lat:Q", text="place:N")
    halo = labelled.mark_text(dy=-14, fontSize=12, fontWeight="bold", stroke="white", strokeWidth=4,
                              strokeOpacity=0.9, clip=True)
    names = labelled.mark_text(dy=-14, fontSize=12, fontWeight="bold", color="#222", clip=True)
    chart(alt.layer(sea, land, circles, halo, names).project(type="mercator", fit=frame.feature()).properties(height=600))
    st.dataframe(
        points[["place", "kind", "mentions", "net_sentiment", "lat", "lon"]], hide_index=True, width="stretch",
        column_config={
            "place": tr("place", ui_lang), "kind": tr("kind", ui_lang), "mentions": tr("mentions", ui_lang),
            "net_sentiment": st.column_config.NumberColumn(tr("net_sentiment", ui_lang), format="%+.2f"),
        },
    )
