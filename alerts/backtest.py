"""Backtest the spike detector on a `timestamp,value` CSV: one JSON line per alert."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from alerts.detector import DetectorParams, detect_spikes, resample
from core.errors import InputError

logger = logging.getLogger(__name__)

# The service's default `[alerts] window`: backtests judge what users would be sent.
DEFAULT_WINDOW = timedelta(hours=1)


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 date-time (or epoch seconds); naive values are taken as UTC."""
    text = text.strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        dt = datetime.fromtimestamp(float(text), tz=UTC)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def read_series(path: str | Path) -> list[tuple[datetime, float]]:
    """Read a `timestamp,value` CSV (header optional, any order of rows); errors name file and line."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(_parse_rows(path, fh))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _parse_rows(path: Path, fh: TextIO) -> Iterator[tuple[datetime, float]]:
    for lineno, row in enumerate(csv.reader(fh), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if lineno == 1 and row[0].strip().lower() in ("timestamp", "time", "date"):
            continue
        if len(row) != 2:
            raise InputError(
                f"{path}:{lineno}: expected 2 columns 'timestamp,value', got {len(row)}"
            )
        try:
            ts = parse_timestamp(row[0])
        except (ValueError, OverflowError, OSError):
            raise InputError(f"{path}:{lineno}: not a timestamp: {row[0].strip()!r}") from None
        try:
            value = float(row[1])
        except ValueError:
            raise InputError(f"{path}:{lineno}: not a number: {row[1].strip()!r}") from None
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise InputError(f"{path}:{lineno}: value must be a count >= 0: {row[1].strip()!r}")
        yield ts, value


def backtest(
    points: list[tuple[datetime, float]],
    window: timedelta = DEFAULT_WINDOW,
    params: DetectorParams | None = None,
) -> Iterator[dict[str, Any]]:
    """Alerts the detector would have raised on this series, as JSON-ready dicts."""
    series = resample(points, window, empty=None)
    for alert in detect_spikes(series, window, params):
        yield alert.to_dict()
