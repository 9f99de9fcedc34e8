"""Alerts page: the rules in force (from the config) and the alerts sent, with their explanation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.ui import fmt_duration, lang

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

st.subheader(tr("alerts_sent", ui_lang))
sent = data.sent_alerts()
waiting = data.waiting_alerts()
if waiting:
    st.caption(tr("alerts_waiting", ui_lang, n=waiting))
failed = data.failed_alerts()
if not failed.empty:
    st.warning(tr("alerts_failed", ui_lang))
    st.dataframe(failed, hide_index=True, width="stretch", key="alerts_failed", column_config={
        "created": st.column_config.DatetimeColumn(tr("created", ui_lang), format="YYYY-MM-DD HH:mm"),
        "subject": tr("subject", ui_lang), "reason": st.column_config.TextColumn(tr("reason", ui_lang), width="large"),
    })
if sent.empty:
    st.info(tr("no_alerts_sent", ui_lang))
else:
    st.dataframe(sent, hide_index=True, width="stretch", key="alerts_sent", column_config={
        "sent": st.column_config.DatetimeColumn(tr("sent", ui_lang), format="YYYY-MM-DD HH:mm"),
        "channel": tr("channel", ui_lang), "to": tr("recipients", ui_lang),
        "subject": tr("subject", ui_lang),
        "explanation": st.column_config.TextColumn(tr("explanation", ui_lang), width="large"),
    })
    for i, row in enumerate(sent.head(5).itertuples()):
        with st.expander(f"{row.sent:%Y-%m-%d %H:%M} · {row.subject}", expanded=i == 0):
            st.text(row.explanation)
