"""Sources page: each source's health (last success, errors, documents collected)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import tr
from dashboard.ui import fmt_duration, lang

ui_lang = lang()

st.title(tr("source_health", ui_lang))
stats = data.store_stats()
st.caption(tr("store_totals", ui_lang, **stats))
health = data.source_health()
if health.empty:
    st.info(tr("no_sources", ui_lang))
else:
    shown = health.assign(
        status=health["status"].map(lambda s: tr(f"status_{s}", ui_lang)),
        every=health["every"].map(lambda d: fmt_duration(d) if pd.notna(d) else ""),
    )
    a, b, c = st.columns(3)
    a.metric(tr("sources", ui_lang), len(health))
    b.metric(tr("status_failing", ui_lang), int((health["status"] == "failing").sum()))
    c.metric(tr("documents", ui_lang), f"{int(health['documents'].sum()):,}")
    st.dataframe(
        shown[["status", "source", "type", "last_success", "documents", "consecutive_errors", "errors",
               "last_error", "last_attempt", "every", "url"]], hide_index=True, width="stretch", key="sources_health",
        column_config={
            "status": tr("status", ui_lang), "source": tr("source", ui_lang), "type": tr("source_type", ui_lang),
            "url": tr("url", ui_lang), "every": tr("every", ui_lang),
            "last_success": st.column_config.DatetimeColumn(tr("last_success", ui_lang), format="YYYY-MM-DD HH:mm"),
            "last_attempt": st.column_config.DatetimeColumn(tr("last_attempt", ui_lang), format="YYYY-MM-DD HH:mm"),
            "documents": st.column_config.NumberColumn(tr("documents", ui_lang)),
            "errors": st.column_config.NumberColumn(tr("errors", ui_lang)),
            "consecutive_errors": st.column_config.NumberColumn(tr("consecutive_errors", ui_lang)),
            "last_error": st.column_config.TextColumn(tr("last_error", ui_lang), width="large"),
        },
    )
