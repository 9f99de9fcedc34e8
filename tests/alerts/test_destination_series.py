"""The spike detector on series shaped like a destination's year: the calendar is not news.

Each series is generated: hourly Poisson counts around a mean that follows the day (quiet
nights, busy evenings), the week, the season. A ski season that ramps up over weeks,
weekend peaks, a school-holiday plateau and a crawl outage are the calendar or the
collector, never a spike; a news burst on a quiet summer day is one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from alerts.detector import Bucket, DetectorParams, detect_spikes

HOUR = timedelta(hours=1)


def day_shape(ts: datetime) -> float:
    """Quiet at 4 am, busiest around 8 pm (people plan and post in the evening)."""
    return 1.0 + 0.7 * math.sin((ts.hour - 14) / 24 * 2 * math.pi)


def generate(
    start: datetime, days: int, mean: Callable[[datetime, int], float], seed: int
) -> list[Bucket]:
    """Hourly Poisson counts; `mean(ts, hour_index)` is the expected count of that hour."""
    rng = np.random.default_rng(seed)
    return [
        (start + h * HOUR, float(rng.poisson(mean(start + h * HOUR, h))))
        for h in range(days * 24)
    ]


def alerts_after(series: list[Bucket], since: datetime) -> list[datetime]:
    return [a.timestamp for a in detect_spikes(series, HOUR) if a.timestamp >= since]


def test_ski_season_ramping_up_over_weeks_is_not_a_spike() -> None:
    # Val Thorens from late November to mid-January: 4 mentions an hour to 60, over six weeks,
    # with the Christmas week on top. The season, not news.
    start = datetime(2026, 11, 20, tzinfo=UTC)

    def mean(ts: datetime, h: int) -> float:
        ramp = 4 * 15 ** min(1.0, h / (42 * 24))
        christmas = 1.3 if datetime(2026, 12, 24, tzinfo=UTC) <= ts < datetime(2027, 1, 2, tzinfo=UTC) else 1.0
        return ramp * christmas * day_shape(ts)

    for seed in (1, 2, 3):
        series = generate(start, 56, mean, seed)
        assert alerts_after(series, start) == [], f"seed {seed}"


def test_weekend_peaks_every_week_are_not_spikes() -> None:
    # A city-break destination: Saturdays and Sundays two and a half times the weekdays.
    start = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday

    def mean(ts: datetime, h: int) -> float:
        return 12 * (2.5 if ts.weekday() >= 5 else 1.0) * day_shape(ts)

    for seed in (1, 2, 3):
        series = generate(start, 42, mean, seed)
        assert alerts_after(series, start) == [], f"seed {seed}"


def test_school_holiday_plateau_is_not_a_spike() -> None:
    # Two weeks of February holidays: families arrive over the first weekend, volume holds at
    # 1.8 times the usual for two weeks, then comes back down.
    start = datetime(2027, 1, 11, tzinfo=UTC)
    holiday, back = datetime(2027, 2, 6, tzinfo=UTC), datetime(2027, 2, 21, tzinfo=UTC)

    def mean(ts: datetime, h: int) -> float:
        if holiday <= ts < back:
            arriving = min(1.0, (ts - holiday) / timedelta(days=2))
            return 20 * (1 + 0.8 * arriving) * day_shape(ts)
        return 20 * day_shape(ts)

    for seed in (1, 2, 3):
        series = generate(start, 49, mean, seed)
        assert alerts_after(series, start) == [], f"seed {seed}"


def test_news_burst_on_a_quiet_summer_day_is_a_spike() -> None:
    # A ski resort in July: 2 mentions an hour. At 14:00 a rockfall closes the pass road and
    # 30 stories and posts name it within the hour.
    start = datetime(2026, 6, 15, tzinfo=UTC)
    burst = datetime(2026, 7, 8, 14, tzinfo=UTC)
    for seed in (1, 2, 3):
        series = generate(start, 25, lambda ts, h: 2 * day_shape(ts), seed)
        series = [(ts, 30.0 if ts == burst else v) for ts, v in series]
        found = detect_spikes(series, HOUR)
        assert [a.timestamp for a in found] == [burst], f"seed {seed}"
        assert found[0].expected < 6


def test_crawl_outage_then_backfill_is_not_a_spike() -> None:
    # 36 hours without collection (stored counts are zero), then the crawl resumes: the feeds
    # still hold the last 12 hours of the gap, which arrive at once with their own dates.
    start = datetime(2026, 10, 1, tzinfo=UTC)
    down, up = datetime(2026, 10, 20, 6, tzinfo=UTC), datetime(2026, 10, 21, 18, tzinfo=UTC)
    for seed in (1, 2, 3):
        series = generate(start, 28, lambda ts, h: 25 * day_shape(ts), seed)
        series = [(ts, 0.0 if down <= ts < up - 12 * HOUR else v) for ts, v in series]
        assert alerts_after(series, start) == [], f"seed {seed}"


def test_a_territory_two_days_old_gets_no_alert() -> None:
    # Added to the watchlist two days ago: before that nothing was collected for it. Its
    # first mentions are not news, however many there are, until its baseline means something.
    start = datetime(2026, 11, 1, tzinfo=UTC)
    added = start + timedelta(days=26)
    series = generate(start, 28, lambda ts, h: (15 if ts >= added else 0) * day_shape(ts), 1)
    observed: list[Bucket] = [(ts, v if ts >= added else None) for ts, v in series]
    assert alerts_after(observed, start) == []
    # ... and counting days from its first observation, not from the start of the series.
    params = DetectorParams()
    later = generate(added, 12, lambda ts, h: 15 * day_shape(ts), 2)
    burst = added + params.min_history + timedelta(days=2, hours=15)
    later = [(ts, 200.0 if ts == burst else v) for ts, v in later]
    assert [a.timestamp for a in detect_spikes(observed[: 26 * 24] + later, HOUR)] == [burst]
