"""Place page: one place's timeline with spikes, its sources, voices, neighbours, terms and sentiment."""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.render import highlight_mention, highlight_snippet
from dashboard.ui import chart, current_period, document_card, fmt_date, fmt_duration, lang

config = data.get_config()
ui_lang = lang()
days, since, until = current_period()
bucket = data.bucket_for(days)


def choose_place() -> tuple[str, str] | None:
    choices = data.place_choices(since, until)
    if not choices:
        return None
    keys = [k for k, _ in choices]
    label = dict(choices)
    wanted = st.query_params.get("place") or config.ui.territory
    index = keys.index(wanted) if wanted in keys else 0
    key = st.selectbox(tr("choose_place", ui_lang), keys, index=index, format_func=lambda k: label[k],
                       key="place_key", placeholder=tr("choose", ui_lang))
    return key, label[key]


def timeline(key: str) -> pd.DataFrame:
    st.subheader(tr("timeline", ui_lang))
    spikes = data.place_spikes(key, since, until)
    window = data.spike_window(since, until)
    shown = data.window_bucket(window) if days <= 30 and window <= timedelta(days=1) else bucket
    counts = data.place_timeline(key, since - data.SPIKE_HISTORY, until, shown)  # shared with spikes
    counts = counts[counts["bucket"] >= since]
    line = alt.Chart(counts).mark_line(point=days <= 30).encode(
        x=alt.X("bucket:T", title=tr(shown, ui_lang)),
        y=alt.Y("mentions:Q", title=tr("mentions", ui_lang)),
        tooltip=[alt.Tooltip("bucket:T", title=tr(shown, ui_lang)),
                 alt.Tooltip("mentions:Q", title=tr("mentions", ui_lang))],
    )
    layers = [line]
    if not spikes.empty:
        marks = spikes.assign(label=[f"▲ {int(v)}" for v in spikes["mentions"]])
        layers.append(alt.Chart(marks).mark_rule(color="#d62728", strokeDash=[4, 3]).encode(
            x="start:T", tooltip=[alt.Tooltip("start:T", title=tr("spikes", ui_lang)),
                                  alt.Tooltip("mentions:Q", title=tr("mentions", ui_lang)),
                                  alt.Tooltip("expected:Q", title=tr("expected", ui_lang), format=".1f")]))
        layers.append(alt.Chart(marks).mark_text(color="#d62728", dy=-8, align="left", dx=3).encode(
            x="start:T", y=alt.value(10), text="label:N"))
    chart(alt.layer(*layers).properties(height=280))
    st.caption(tr("spike_rule_note", ui_lang, window=fmt_duration(window)))
    return spikes


def _is_time(text: str) -> bool:
    try:
        pd.Timestamp(text)
    except ValueError:
        return False
    return True


def spike_details(key: str, spikes: pd.DataFrame) -> None:
    st.subheader(tr("spikes", ui_lang))
    if spikes.empty:
        st.caption(tr("no_spikes", ui_lang))
        return
    options = list(range(len(spikes)))
    # An alert email's button names its window (?spike=ISO start): that spike is shown first.
    wanted = st.query_params.get("spike")
    starts = [pd.Timestamp(s).isoformat() for s in spikes["start"]]
    index = starts.index(pd.Timestamp(wanted).isoformat()) if wanted and _is_time(wanted) and \
        pd.Timestamp(wanted).isoformat() in starts else len(options) - 1
    chosen = st.selectbox(
        tr("spikes", ui_lang), options, index=index, key="place_spike",
        format_func=lambda i: tr("spike_label", ui_lang, start=fmt_date(spikes["start"][i], True),
                                 value=int(spikes["mentions"][i]), expected=f"{spikes['expected'][i]:.1f}"),
    )
    start, end = spikes["start"][chosen], spikes["end"][chosen]
    hits = data.mentions_between(key, start, end)
    st.markdown(f"**{tr('spike_mentions', ui_lang)}**")
    for row in hits.itertuples():
        document_card(row.title, highlight_snippet(row.snippet),
                      [fmt_date(row.published, True), row.source, row.author], row.url)


def ranked_tables(key: str) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(tr("top_sources", ui_lang))
        st.dataframe(data.top_sources(key, since, until), hide_index=True, width="stretch", key="place_sources",
                     column_config={"source": tr("source", ui_lang), "type": tr("source_type", ui_lang),
                                    "mentions": tr("mentions", ui_lang), "reach": tr("reach", ui_lang)})
        st.subheader(tr("cooccurring", ui_lang))
        st.dataframe(data.cooccurring(key, since, until), hide_index=True, width="stretch", key="place_cooc",
                     column_config={"place": tr("place", ui_lang), "documents": tr("documents", ui_lang)})
    with right:
        st.subheader(tr("top_voices", ui_lang))
        st.dataframe(data.top_voices(key, since, until), hide_index=True, width="stretch", key="place_voices",
                     column_config={"author": tr("author", ui_lang), "source": tr("source", ui_lang),
                                    "mentions": tr("mentions", ui_lang),
                                    "reach": st.column_config.NumberColumn(tr("reach", ui_lang),
                                                                           format="localized")})
        st.subheader(tr("terms", ui_lang))
        st.dataframe(data.terms(key, since, until), hide_index=True, width="stretch", key="place_terms",
                     column_config={"term": tr("term", ui_lang), "mentions": tr("mentions", ui_lang)})


def sentiment_chart(key: str) -> None:
    st.subheader(tr("sentiment_over_time", ui_lang))
    df = data.sentiment_series(key, since, until, bucket)
    if df.empty:
        st.caption(tr("no_data", ui_lang))
        return
    names = {lab: tr(lab, ui_lang) for lab in data.LABELS}
    long = df.melt(id_vars=["bucket", "net_sentiment"], value_vars=list(data.LABELS), var_name="label",
                   value_name="mentions").assign(label=lambda d: d["label"].map(names))
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("bucket:T", title=tr(bucket, ui_lang)),
        y=alt.Y("mentions:Q", title=tr("mentions", ui_lang)),
        color=alt.Color("label:N", title=tr("sentiment", ui_lang),
                        scale=alt.Scale(domain=[names[lab] for lab in data.LABELS],
                                        range=["#2ca02c", "#bbbbbb", "#d62728"])),
        tooltip=[alt.Tooltip("bucket:T", title=tr(bucket, ui_lang)),
                 alt.Tooltip("label:N", title=tr("sentiment", ui_lang)),
                 alt.Tooltip("mentions:Q", title=tr("mentions", ui_lang)),
                 alt.Tooltip("net_sentiment:Q", title=tr("net_sentiment", ui_lang), format="+.2f")],
    ).properties(height=220)
    chart(bars)


def examples(key: str) -> None:
    left, right = st.columns(2)
    for col, label, title in ((left, "positive", "examples_positive"), (right, "negative", "examples_negative")):
        with col:
            st.subheader(tr(title, ui_lang))
            found = data.examples(key, since, until, label)
            if not found:
                st.caption(tr("no_examples", ui_lang))
            for e in found:
                document_card(e["title"], highlight_mention(e["text"], e["start"], e["end"]),
                              [fmt_date(e["published"]), e["source"], e["author"],
                               f"{tr('sentiment', ui_lang)} {e['sentiment']:+.2f}"], e["url"])


st.title(tr("place_page", ui_lang))
st.caption(tr("period_range", ui_lang, since=fmt_date(since), until=fmt_date(until)))
place = choose_place()
if place is None:
    st.info(tr("no_data", ui_lang))
else:
    key, name = place
    st.header(name)
    spikes = timeline(key)
    spike_details(key, spikes)
    ranked_tables(key)
    sentiment_chart(key)
    examples(key)
