"""What the store's figures add up to for a marketer: the ranking and share of voice, the board
report (PDF), ambassadors and critics, and the charts the dashboard and the report share.

Public API: `build_top`, `TopReport`, `GroupShare`, `top_to_json`; `build_board`, `BoardReport`,
`render_pdf`, `write_pdf`; `build_voices`, `Voice`, `VoicesReport`; the charts and the locale helpers.
"""

from __future__ import annotations

from reports.board import BoardReport, RankedPlace, SpikeNote, TopMention, bucket_for, build_board
from reports.charts import (
    chart_png,
    counts_chart,
    localized,
    sentiment_by_place_chart,
    share_of_voice_chart,
)
from reports.locale import LANGS, fmt_day, fmt_number, fmt_percent, fmt_signed, vega_locale
from reports.pdf import render_pdf, write_pdf
from reports.text import say
from reports.top import GroupShare, TopReport, build_top, top_to_json
from reports.voices import LatestMention, Voice, VoicesReport, build_voices, scope_territories

__all__ = [
    "LANGS",
    "BoardReport",
    "GroupShare",
    "LatestMention",
    "RankedPlace",
    "SpikeNote",
    "TopMention",
    "TopReport",
    "Voice",
    "VoicesReport",
    "bucket_for",
    "build_board",
    "build_top",
    "build_voices",
    "chart_png",
    "counts_chart",
    "fmt_day",
    "fmt_number",
    "fmt_percent",
    "fmt_signed",
    "localized",
    "render_pdf",
    "say",
    "scope_territories",
    "sentiment_by_place_chart",
    "share_of_voice_chart",
    "top_to_json",
    "vega_locale",
    "write_pdf",
]
