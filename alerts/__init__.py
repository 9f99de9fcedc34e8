"""Spike detection on mention volumes, explained alerts, digests and their delivery."""

from __future__ import annotations

from alerts.backtest import DEFAULT_WINDOW, backtest, read_series
from alerts.detector import (
    DetectorParams,
    ShareJump,
    SpikeAlert,
    detect_share_jumps,
    detect_spikes,
    from_first_mention,
)
from alerts.explain import Explanation, explain_spike, explanation_to_dict
from alerts.service import (
    HOLD_NO_RECIPIENTS,
    HOLD_NO_SMTP,
    HOLD_REASONS,
    CheckReport,
    Learning,
    check_alerts,
    delivery_hold,
    run_due,
    send_digest,
    territories_learning,
    undeliverable,
)

__all__ = [
    "DEFAULT_WINDOW",
    "HOLD_NO_RECIPIENTS",
    "HOLD_NO_SMTP",
    "HOLD_REASONS",
    "CheckReport",
    "DetectorParams",
    "Explanation",
    "Learning",
    "ShareJump",
    "SpikeAlert",
    "backtest",
    "check_alerts",
    "delivery_hold",
    "detect_share_jumps",
    "detect_spikes",
    "explain_spike",
    "explanation_to_dict",
    "from_first_mention",
    "read_series",
    "run_due",
    "send_digest",
    "territories_learning",
    "undeliverable",
]
