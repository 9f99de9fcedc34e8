"""Spike detector: the calendar is not news, a real jump is; cooldown and minimum count hold."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from alerts.detector import (
    DetectorParams,
    detect_share_jumps,
    detect_spikes,
    floor_time,
    resample,
)

HOUR = timedelta(hours=1)
START = datetime(2026, 1, 1, tzinfo=UTC)


def daily_cycle(
    days: int, seed: int = 1, growth: float = 0.0
) -> list[tuple[datetime, float | None]]:
    """Hourly mentions with a strong day/night cycle, quieter weekends, a trend and noise."""
    rng = random.Random(seed)
    out: list[tuple[datetime, float | None]] = []
    for h in range(days * 24):
        ts = START + h * HOUR
        day_shape = 1.0 + 0.7 * math.sin((ts.hour - 9) / 24 * 2 * math.pi)
        weekend = 0.7 if ts.weekday() >= 5 else 1.0
        trend = 1.0 + growth * h / (days * 24)
        mean = 40 * day_shape * weekend * trend
        out.append((ts, float(max(0, round(rng.gauss(mean, math.sqrt(mean)))))))
    return out


def test_daily_cycle_and_season_growth_are_not_spikes() -> None:
    # A January-like month: every evening busier than every night, volume doubling over the month.
    series = daily_cycle(35, growth=1.0)
    assert detect_spikes(series, HOUR) == []


def test_real_jump_is_a_spike_with_its_expected_value() -> None:
    series = daily_cycle(21, seed=2)
    i = 18 * 24 + 10
    ts, value = series[i]
    assert value is not None
    series[i] = (ts, value * 6)
    alerts = detect_spikes(series, HOUR)
    assert [a.timestamp for a in alerts] == [ts]
    assert alerts[0].value == value * 6
    assert alerts[0].expected < value * 2
    assert alerts[0].score >= DetectorParams().threshold


def test_sustained_surge_alerts_once_within_cooldown() -> None:
    series = daily_cycle(21, seed=3)
    for i in range(18 * 24 + 8, 18 * 24 + 14):
        ts, value = series[i]
        series[i] = (ts, (value or 0) * 4)
    alerts = detect_spikes(series, HOUR)
    assert len(alerts) == 1


def test_below_minimum_count_is_never_a_spike() -> None:
    series = [(START + h * HOUR, 0.0) for h in range(24 * 10)]
    series[24 * 9] = (series[24 * 9][0], 4.0)
    assert detect_spikes(series, HOUR, DetectorParams(min_count=5)) == []
    series[24 * 9] = (series[24 * 9][0], 30.0)
    assert len(detect_spikes(series, HOUR, DetectorParams(min_count=5))) == 1


def test_no_verdict_without_history() -> None:
    series = daily_cycle(1)
    series[20] = (series[20][0], 10_000.0)
    assert detect_spikes(series, HOUR) == []


def test_resample_sums_irregular_points_and_marks_gaps() -> None:
    t = datetime(2026, 3, 1, 10, 2, 53, tzinfo=UTC)
    points = [(t, 1.0), (t + timedelta(minutes=31), 2.0), (t + timedelta(hours=2, minutes=5), 4.0)]
    assert resample(points, HOUR) == [
        (datetime(2026, 3, 1, 10, tzinfo=UTC), 3.0),
        (datetime(2026, 3, 1, 11, tzinfo=UTC), None),
        (datetime(2026, 3, 1, 12, tzinfo=UTC), 4.0),
    ]
    assert resample(points, HOUR, empty=0.0)[1][1] == 0.0
    assert floor_time(datetime(2026, 3, 1, 10, 59), HOUR) == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_share_jump_within_group() -> None:
    grid = [START + h * HOUR for h in range(120)]
    a = [(t, 10.0) for t in grid]
    b = [(t, 10.0) for t in grid]
    b[100] = (grid[100], 40.0)
    jumps = detect_share_jumps({"a": a, "b": b}, threshold=0.2, min_count=5)
    assert [(j.territory, j.timestamp) for j in jumps] == [("b", grid[100])]
    assert jumps[0].count == 40 and jumps[0].total == 50
    assert abs(jumps[0].expected_share - 0.5) < 1e-9


def test_a_usually_silent_resort_with_six_mentions_in_a_day_is_a_spike() -> None:
    """Small places matter: 0-1 mentions a day for weeks, then 6, is news; then 3 is not."""
    day = timedelta(days=1)
    quiet = [(START + i * day, float(1 if i % 9 == 0 else 0)) for i in range(40)]
    series = [*quiet, (START + 40 * day, 6.0), (START + 41 * day, 0.0), (START + 42 * day, 3.0)]
    alerts = detect_spikes(series, day)
    assert [a.timestamp for a in alerts] == [START + 40 * day]
    assert alerts[0].expected < 1


def test_busy_series_with_quiet_nights_do_not_use_the_small_count_test() -> None:
    """Night-time dips of a busy series are overdispersed, not sparse: no alert on noise."""
    series = resample(daily_cycle(21, seed=5), HOUR, empty=0.0)
    assert detect_spikes(series, HOUR) == []


def test_configuring_a_share_rule_keeps_the_default_spike_rule() -> None:
    from alerts.service import default_rules
    from config.settings import AlertRule, AlertsConfig, Config

    share = AlertRule(id="alps-share", kind="share_jump", group="alps")
    assert [r.kind for r in default_rules(Config())] == ["spike"]
    with_share = Config(alerts=AlertsConfig(rules=(share,)))
    assert [r.kind for r in default_rules(with_share)] == ["spike", "share_jump"]
    own_spike = AlertRule(id="vt", kind="spike", territories=("val-thorens",))
    assert default_rules(Config(alerts=AlertsConfig(rules=(own_spike,)))) == (own_spike,)


def test_share_jump_alerts_again_only_after_the_share_came_back() -> None:
    """A share held high is one jump; back to usual, then up again, is a second one."""
    grid = [START + h * HOUR for h in range(320)]
    a = [(t, 10.0) for t in grid]
    b = [(t, 40.0 if 100 <= h < 124 or h >= 300 else 10.0) for h, t in enumerate(grid)]
    jumps = detect_share_jumps({"a": a, "b": b}, threshold=0.2, min_count=5)
    # Not again at 106 (cooldown over, share still 80% against a usual 50%): the same story.
    assert [j.timestamp for j in jumps if j.territory == "b"] == [grid[100], grid[300]]
