"""Alerts page: the rules in force (from the config) and every detected alert, explained, with its delivery state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.render import inert, safe_url
from dashboard.ui import document_card, fmt_date, fmt_duration, lang
from reports import fmt_number, fmt_percent

config = data.get_config()
ui_lang = lang()
alerts = config.alerts


def _group_name(group_id: str | None) -> str:
    group = config.group(group_id) if group_id else None
    return group.name if group else (group_id or "")


st.title(tr("alerts", ui_lang))
st.subheader(tr("rules_in_force", ui_lang))
if not any(r.kind == "spike" for r in alerts.rules):  # alerts.service adds the default spike rule
    st.markdown(tr("default_rule", ui_lang, window=fmt_duration(alerts.window), min_count=alerts.min_count,
                   cooldown=fmt_duration(alerts.cooldown), every=fmt_duration(alerts.every)))
learning = data.learning_territories()
if learning:
    st.markdown(tr("learning", ui_lang) + "\n\n" + "\n".join(
        "- " + (tr("learning_since", ui_lang, name=name, since=f"{since:%Y-%m-%d}", ready=f"{ready:%Y-%m-%d}")
                if since and ready else tr("learning_none", ui_lang, name=name))
        for name, since, ready in learning))
if alerts.recipients:
    st.caption(f"{tr('recipients', ui_lang)}: " + ", ".join(alerts.recipients))
if alerts.rules:
    names = data.names()
    rules = pd.DataFrame(
        [
            {
                "rule": r.id, "kind": r.kind,
                "territories": ", ".join(names.get(t, t) for t in r.territories) or tr("all_territories", ui_lang),
                "group": _group_name(r.group),
                "threshold": r.threshold,
                "recipients": ", ".join(r.recipients or alerts.recipients),
            }
            for r in alerts.rules
        ]
    )
    st.dataframe(rules, hide_index=True, width="stretch", key="alert_rules", column_config={
        "rule": tr("rule", ui_lang), "kind": tr("kind", ui_lang), "territories": tr("territories", ui_lang),
        "group": tr("group", ui_lang), "threshold": tr("threshold", ui_lang),
        "recipients": tr("recipients", ui_lang),
    })



def _when(value: datetime | None) -> str:
    return fmt_date(value, True) if value else ""


def _count(value: object) -> str:
    n = float(value) if isinstance(value, int | float) else 0.0
    return fmt_number(n, ui_lang, 0 if n >= 10 or n == int(n) else 1)


def _title(entry: dict[str, Any]) -> str:
    a = entry["alert"]
    if a is None:
        return f"{_when(entry['created'])} · {entry['subject']}"
    what = tr(f"alert_kind_{a.get('kind', 'spike')}", ui_lang)
    name = a.get("name") or a["territory"]
    if a.get("share") is not None and a.get("usual_share") is not None:
        return tr("alert_title_share", ui_lang, when=_when(a["start"]), name=name, what=what,
                  share=fmt_percent(a["share"], ui_lang), usual=fmt_percent(a["usual_share"], ui_lang))
    return tr("alert_title", ui_lang, when=_when(a["start"]), name=name, what=what,
              observed=_count(a.get("observed")), expected=_count(a.get("expected")))


def _headline(a: dict[str, Any]) -> str:
    start, end = _when(a["start"]), _when(a["end"])
    if a.get("share") is not None and a.get("usual_share") is not None:
        return tr("alert_headline_share", ui_lang, start=start, end=end,
                  what=tr(f"share_what_{a.get('kind')}", ui_lang), usual=fmt_percent(a["usual_share"], ui_lang),
                  share=fmt_percent(a["share"], ui_lang), total=_count(a.get("total")),
                  observed=_count(a.get("observed")), expected=_count(a.get("expected")))
    score = a.get("score")
    return tr("alert_headline", ui_lang, start=start, end=end, observed=_count(a.get("observed")),
              expected=_count(a.get("expected")),
              score=fmt_number(score, ui_lang, 1) if isinstance(score, int | float) else "—")


def _state(channel: dict[str, Any]) -> str:
    if channel["sent"] is not None:
        state = tr("state_sent", ui_lang, when=_when(channel["sent"]))
    elif channel["hold"]:
        state = tr(f"state_{channel['hold']}", ui_lang)
    elif channel["error"]:
        state = tr("state_failing", ui_lang, attempts=channel["attempts"], error=channel["error"],
                   when=_when(channel["next_attempt"]))
    else:
        state = tr("state_waiting", ui_lang)
    return tr("channel_state", ui_lang, channel=tr(f"channel_{channel['channel']}", ui_lang), state=state)


def _ranked(label: str, items: object, by_label: bool = False) -> None:
    """A ranked list of the explanation (sources by id, places by name) with its counts."""
    if not isinstance(items, list) or not items:
        return
    parts = [f"{inert(str((by_label and i.get('label')) or i.get('value') or ''))} ({i.get('mentions', 0)})"
             for i in items if isinstance(i, dict)]
    st.markdown(f"**{label}** · " + ", ".join(parts))


def explained(entry: dict[str, Any]) -> None:
    """One alert: what rose, by how much, its delivery, and what drove it; crawled text stays inert."""
    a = entry["alert"]
    for channel in entry["channels"]:
        st.caption(inert(_state(channel)))
    if a is None:  # an alert kept before explanations were stored as data: its email text
        st.text(entry["text"])
        return
    st.markdown(inert(_headline(a)))
    _ranked(tr("alert_sources", ui_lang), a.get("sources"))
    terms = a.get("terms")
    if isinstance(terms, list) and terms:
        st.markdown(f"**{tr('alert_terms', ui_lang)}** · "
                    + ", ".join(inert(str(t.get("value", ""))) for t in terms if isinstance(t, dict)))
    _ranked(tr("alert_places", ui_lang), a.get("places"), by_label=True)
    langs = a.get("languages")
    if isinstance(langs, dict) and langs:
        st.markdown(f"**{tr('alert_langs', ui_lang)}** · "
                    + ", ".join(f"{inert(str(k))} {v}" for k, v in langs.items()))
    mentions = a.get("mentions")
    if isinstance(mentions, list) and mentions:
        st.markdown(f"**{tr('alert_mentions', ui_lang)}**")
        for m in mentions:
            if not isinstance(m, dict):
                continue
            shared = m.get("shares") or m.get("likes")
            meta = [str(m.get("source") or ""), str(m.get("lang") or ""),
                    tr("shares_likes", ui_lang, shares=m.get("shares", 0), likes=m.get("likes", 0)) if shared else ""]
            document_card(str(m.get("title") or ""), inert(str(m.get("snippet") or "")), meta,
                          safe_url(str(m.get("url") or "")))


failed = data.failed_alerts()
if not failed.empty:
    st.warning(tr("alerts_failed", ui_lang))
    st.dataframe(failed, hide_index=True, width="stretch", key="alerts_failed", column_config={
        "created": st.column_config.DatetimeColumn(tr("created", ui_lang), format="YYYY-MM-DD HH:mm"),
        "subject": tr("subject", ui_lang), "reason": st.column_config.TextColumn(tr("reason", ui_lang), width="large"),
    })

st.subheader(tr("detected_alerts", ui_lang))
detected = data.detected_alerts()
if not detected:
    st.info(tr("no_alerts", ui_lang))
for i, entry in enumerate(detected):
    with st.expander(inert(_title(entry)), expanded=i < 3):
        explained(entry)
