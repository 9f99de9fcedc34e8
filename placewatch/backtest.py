"""`placewatch alerts backtest`: the spike detector over a `timestamp,value` CSV, one JSON line per alert."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from alerts import DEFAULT_WINDOW, backtest, read_series
from config import parse_duration
from core.errors import InputError

logger = logging.getLogger(__name__)


def backtest_main(path: str | Path, window: str | timedelta | None, out: TextIO) -> int:
    """`placewatch alerts backtest`: print one JSON line per alert; returns the exit code."""
    if window is None:
        step = DEFAULT_WINDOW
    elif isinstance(window, timedelta):
        step = window
    else:
        try:
            step = parse_duration(window)
        except ValueError as exc:
            raise InputError(f"--window: {exc}") from None
    points = read_series(path)
    if not points:
        raise InputError(f"{path}: no data rows")
    count = 0
    for alert in backtest(points, step):
        out.write(json.dumps(alert) + "\n")
        count += 1
    logger.info("%s: %d alerts over %d rows", path, count, len(points))
    return 0
