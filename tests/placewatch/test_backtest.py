"""Backtest CLI function: JSON lines per alert, and clear errors on malformed CSV."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts import read_series
from core.errors import InputError
from placewatch.backtest import backtest_main


def write_series(path: Path, spike_at: int) -> None:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    lines = ["timestamp,value"]
    for i in range(12 * 24 * 12):  # 12 days of irregular 5-minute points
        ts = start + timedelta(minutes=5 * i, seconds=(i * 7) % 50)
        value = 5 + (i % 12 == 0) + (60 if spike_at <= i < spike_at + 12 else 0)
        lines.append(f"{ts.strftime('%Y-%m-%d %H:%M:%S')},{value}")
    path.write_text("\n".join(lines) + "\n")


def test_backtest_prints_one_json_line_per_alert(tmp_path: Path) -> None:
    csv_path = tmp_path / "series.csv"
    write_series(csv_path, spike_at=10 * 288 + 120)
    out = io.StringIO()
    assert backtest_main(csv_path, "1h", out) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 1
    assert set(lines[0]) == {"timestamp", "value", "expected", "score"}
    assert lines[0]["timestamp"].startswith("2026-02-11T10:00")
    assert lines[0]["value"] > lines[0]["expected"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("timestamp,value\n2026-01-01 00:00:00,3\n2026-01-01 00:05:00,many\n", ":3: not a number"),
        ("timestamp,value\nyesterday,3\n", ":2: not a timestamp"),
        ("timestamp,value\n2026-01-01 00:00:00,3,4\n", ":2: expected 2 columns"),
        ("timestamp,value\n2026-01-01 00:00:00,-1\n", ":2: value must be a count"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError, match="bad.csv" + message):
        read_series(path)


def test_missing_file_and_bad_window(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_series(tmp_path / "nope.csv")
    path = tmp_path / "ok.csv"
    path.write_text("2026-01-01T00:00:00Z,1\n")
    with pytest.raises(InputError, match="--window"):
        backtest_main(path, "soon", io.StringIO())
