"""Spike detection on mention volumes, explained alerts, digests and their delivery."""

from __future__ import annotations

from alerts.backtest import DEFAULT_WINDOW, backtest, read_series
from alerts.detector import DetectorParams, ShareJump, SpikeAlert, detect_share_jumps, detect_spikes
from alerts.explain import Explanation, explain_spike
from alerts.service import CheckReport, check_alerts, run_due, send_digest

__all__ = [
    "DEFAULT_WINDOW",
    "CheckReport",
    "DetectorParams",
    "Explanation",
    "ShareJump",
    "SpikeAlert",
    "backtest",
    "check_alerts",
    "detect_share_jumps",
    "detect_spikes",
    "explain_spike",
    "read_series",
    "run_due",
    "send_digest",
]
