"""Spike detection on mention counts against a calendar-aware, outlier-robust baseline."""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import NormalDist, median

logger = logging.getLogger(__name__)

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAD_TO_SIGMA = 1.4826
# A sustained surge alerts only while its current window is itself at least this far up.
SUSTAIN_GATE = 0.5
# A place that stayed below this many mentions per window over the whole memory span is a
# sparse series: it is judged by the exact Poisson tail too, since the log scale flattens
# "6 mentions where there is usually none", which is news for a small resort. Busy series
# (night-time dips included) are overdispersed and keep the log-scale score alone.
SMALL_COUNT = 5.0
MIN_RATE = 0.5  # the quietest rate a place is assumed to have (no mention yet is not "never")

# A bucket of the resampled series: its start and its count (None when nothing was observed).
Bucket = tuple[datetime, float | None]


@dataclass(frozen=True)
class DetectorParams:
    """The few global knobs of the spike detector, chosen by eval/spikes.py (never per series).

    `threshold` and `offset` are chosen there leaving one series out; the rest are structure:
    how much history makes a baseline, and how an alert is not repeated.
    """

    threshold: float = 4.5  # robust z-score (log scale) a window must reach
    novelty: float = 1.0  # ... and its rise must match the largest rise seen within `memory`
    sustain: int = 4  # a rise held over this many windows adds up (a sustained surge)
    offset: float = 20.0  # counts compare as log(count + offset): damps noise at low counts
    min_count: int = 5  # fewer mentions than this in a window is never a spike
    cooldown: timedelta = timedelta(hours=6)  # no second alert this soon after one
    season_days: int = 7  # same time of day on this many previous days makes the profile
    level_window: timedelta = WEEK  # the level (trend) is the median over this span
    memory: timedelta = timedelta(days=14)  # spread and past rises are measured over this span
    # No verdict before this much history from the first observed window: the daily profile
    # then rests on at least three days and the level on two more.
    min_history: timedelta = timedelta(days=5)
    rearm: float = 1.0  # after an alert, the score must fall below this before another


@dataclass(frozen=True)
class SpikeAlert:
    """A window whose count is far above what the calendar and recent level lead to expect."""

    timestamp: datetime  # start of the window
    value: float
    expected: float
    score: float

    def to_dict(self) -> dict[str, object]:
        return {
            "timestamp": self.timestamp.isoformat(),
            "value": round(self.value, 3),
            "expected": round(self.expected, 3),
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class ShareJump:
    """A window where a territory's share of voice in its group rose well above its usual share."""

    timestamp: datetime
    territory: str
    count: int
    total: int
    share: float
    expected_share: float

    @property
    def jump(self) -> float:
        return self.share - self.expected_share


def floor_time(ts: datetime, window: timedelta) -> datetime:
    """Start of the window holding `ts`; windows are aligned on 1970-01-01 00:00 UTC."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    step = window.total_seconds()
    offset = (ts - EPOCH).total_seconds()
    return EPOCH + timedelta(seconds=math.floor(offset / step) * step)


def resample(
    points: Iterable[tuple[datetime, float]],
    window: timedelta,
    empty: float | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Bucket]:
    """Sum irregular (timestamp, count) points into consecutive windows.

    A window with no point gets `empty`: None for sampled series (nothing observed),
    0.0 for mention counts (nothing said). `start`/`end` extend the grid.
    """
    if window <= timedelta(0):
        raise ValueError("window must be positive")
    sums: dict[datetime, float] = {}
    for ts, value in points:
        key = floor_time(ts, window)
        sums[key] = sums.get(key, 0.0) + value
    if not sums and (start is None or end is None):
        return []
    first = floor_time(start, window) if start is not None else min(sums)
    last = floor_time(end, window) if end is not None else max(sums)
    if sums:
        first = min(first, min(sums))
        last = max(last, max(sums))
    out: list[Bucket] = []
    t = first
    while t <= last:
        out.append((t, sums.get(t, empty)))
        t += window
    return out


def from_first_mention(series: Sequence[Bucket]) -> list[Bucket]:
    """A territory's mention counts with the windows before its first mention unobserved.

    Before a territory is watched (or before the first crawl), zero is not "nobody spoke of
    it", it is "nobody listened": its history starts with its first mention.
    """
    first = next((i for i, (_, v) in enumerate(series) if v), len(series))
    return [(ts, None) for ts, _ in series[:first]] + list(series[first:])


def history_start(series: Sequence[Bucket]) -> datetime | None:
    """The first window with a mention, where a territory's history (and learning) starts."""
    return next((ts for ts, v in series if v), None)


def _period(window: timedelta) -> int:
    """Buckets per season: a day for sub-daily windows, else a week, else none (1)."""
    per_day = DAY / window
    per_week = WEEK / window
    if window < DAY and per_day == int(per_day) and per_day >= 2:
        return int(per_day)
    if window < WEEK and per_week == int(per_week) and per_week >= 2:
        return int(per_week)
    return 1


def _to_log(value: float | None, offset: float) -> float | None:
    return None if value is None else math.log(max(value, 0.0) + offset)


def _median_present(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return median(present) if present else None


@dataclass(frozen=True)
class _Baseline:
    expected: float  # log scale
    scale: float  # log scale, robust sigma


class _Model:
    """Sequential baseline: each bucket is judged only on the buckets before it."""

    def __init__(self, logs: list[float | None], window: timedelta, params: DetectorParams) -> None:
        self.z = logs
        self.params = params
        self.period = _period(window)
        self.day_n = max(1, round(DAY / window))
        self.season: list[float | None] = [None] * len(logs)
        # The mean count at this time of day: the Poisson noise follows the mean, and the
        # median of a few small counts is below it (the median of Poisson(0.7) is 0).
        self.rate: list[float] = [0.0] * len(logs)
        self.resid: list[float | None] = [None] * len(logs)
        self.level_n = max(1, round(params.level_window / window))
        self.scale_n = max(4, round(params.memory / window))
        first = next((i for i, z in enumerate(logs) if z is not None), len(logs))
        # The first bucket that may get a verdict: history counts from the first observation.
        self.ready = first + max(1, round(params.min_history / window))
        self.n_seasons = params.season_days if self.period > 1 else 2 * params.season_days

    def seasonal(self, i: int) -> float | None:
        """Median of the same time of day on previous days (a robust daily profile).

        The day of week is not modelled: a weekend peak that recurs is caught by the spread
        and the rises of the memory span (the peak of last Saturday), without a weekly knob
        learnt from two or three noisy weeks.
        """
        present = [
            z
            for k in range(1, self.n_seasons + 1)
            if (j := i - k * self.period) >= 0 and (z := self.z[j]) is not None
        ]
        if len(present) < min(3, self.n_seasons):
            return None
        daily = median(present)
        self.rate[i] = sum(math.exp(z) for z in present) / len(present) - self.params.offset
        return daily

    def baseline(self, i: int) -> _Baseline | None:
        """Expected log count and robust spread for bucket i, from buckets before it."""
        season = self.season[i]
        if season is None or i < self.ready:
            return None
        recent = [r for r in self.resid[max(0, i - self.level_n) : i] if r is not None]
        longer = [r for r in self.resid[max(0, i - self.scale_n) : i] if r is not None]
        if len(recent) < max(1, self.level_n // 3) or len(longer) < 4:
            return None
        level = median(recent)
        # Trend: when the last day already runs above the week (a season ramping up, holidays
        # starting), the level is the last day's. Upward only: a quiet day is no reason to
        # expect less and alert on the next ordinary one.
        last_day = [r for r in self.resid[max(0, i - self.day_n) : i] if r is not None]
        if len(last_day) >= self.day_n // 2:
            level = max(level, median(last_day))
        centre = median(longer)
        mad = median(abs(r - centre) for r in longer)
        expected = season + level
        # Counts are at least Poisson-noisy: on this log scale sd ≈ sqrt(mean) / (mean + offset).
        mean = max(math.exp(expected) - self.params.offset, self.rate[i], 0.0)
        poisson = math.sqrt(mean + 1.0) / (mean + self.params.offset)
        # A series that often bursts must burst further: the spread is at least the largest
        # rise of the memory span, scaled so that matching it reaches `novelty` x threshold.
        biggest = max(r - centre for r in longer)
        novelty = (
            self.params.novelty * biggest / self.params.threshold if self.params.novelty else 0
        )
        scale = max(MAD_TO_SIGMA * mad, poisson, novelty, 0.05)
        return _Baseline(expected=expected, scale=scale)

    def step(self, i: int) -> None:
        """Record bucket i's residual once it has been judged."""
        z, s = self.z[i], self.season[i]
        self.resid[i] = None if z is None or s is None else z - s


def expected_band(
    series: Sequence[Bucket], window: timedelta, params: DetectorParams | None = None, width: float = 2.0
) -> list[tuple[datetime, float | None, float | None, float | None, float | None]]:
    """(timestamp, value, expected, low, high) per bucket: the usual range a chart draws,
    `width` robust sigmas either side of the expected count (None while learning)."""
    params = params or DetectorParams()
    model = _Model([_to_log(v, params.offset) for _, v in series], window, params)
    out: list[tuple[datetime, float | None, float | None, float | None, float | None]] = []
    for i, (ts, value) in enumerate(series):
        model.season[i] = model.seasonal(i)
        base = model.baseline(i)
        if base is None:
            out.append((ts, value, None, None, None))
        else:

            def count(z: float) -> float:
                return max(math.exp(z) - params.offset, 0.0)

            out.append(
                (
                    ts,
                    value,
                    count(base.expected),
                    count(base.expected - width * base.scale),
                    count(base.expected + width * base.scale),
                )
            )
        model.step(i)
    return out


def poisson_score(value: float, rate: float) -> float:
    """The z-score of seeing `value` or more when `rate` is expected (exact Poisson upper tail)."""
    k = int(value)
    if k <= rate:
        return 0.0
    # Sum the tail upwards from k in log space: no cancellation when it is tiny.
    term = math.exp(k * math.log(rate) - rate - math.lgamma(k + 1))
    tail, i = 0.0, k
    while term > tail * 1e-12 and i < k + 1000:
        tail += term
        i += 1
        term *= rate / i
    if tail >= 0.5:
        return 0.0
    return min(-NormalDist().inv_cdf(max(tail, 1e-300)), 12.0)


def trailing_max(values: Sequence[float | None], n: int) -> list[float | None]:
    """For each position, the largest present value among the `n` before it (None if none)."""
    out: list[float | None] = []
    window: deque[tuple[int, float]] = deque()  # (index, value), values decreasing
    for i, value in enumerate(values):
        while window and window[0][0] < i - n:
            window.popleft()
        out.append(window[0][1] if window else None)
        if value is not None:
            while window and window[-1][1] <= value:
                window.pop()
            window.append((i, value))
    return out


def score_series(
    series: Sequence[Bucket], window: timedelta, params: DetectorParams | None = None
) -> list[tuple[datetime, float | None, float | None, float | None]]:
    """(timestamp, value, expected, score) per bucket; expected/score None while learning."""
    params = params or DetectorParams()
    model = _Model([_to_log(v, params.offset) for _, v in series], window, params)
    out: list[tuple[datetime, float | None, float | None, float | None]] = []
    # Scores of the last `sustain` windows: a surge held for hours adds up.
    recent: deque[float] = deque(maxlen=max(1, params.sustain))
    busiest_before = trailing_max([v for _, v in series], model.scale_n)
    for i, (ts, value) in enumerate(series):
        model.season[i] = model.seasonal(i)
        base = model.baseline(i)
        z = model.z[i]
        if base is None or z is None or value is None:
            recent.clear()
            out.append((ts, value, None, None))
        else:
            expected = max(math.exp(base.expected) - params.offset, 0.0)
            sc = (z - base.expected) / base.scale
            busiest = busiest_before[i]
            if busiest is not None and busiest < SMALL_COUNT:
                sc = max(sc, poisson_score(value, max(expected, MIN_RATE)))
            recent.append(sc)
            held = len(recent) == params.sustain > 1
            if held and sc >= params.threshold * SUSTAIN_GATE:
                # Held for hours, a moderate rise is as telling as a sharp one.
                sc = max(sc, sum(recent) / math.sqrt(params.sustain))
            out.append((ts, value, expected, sc))
        model.step(i)
    return out


def same_time_last_weeks(series: Sequence[Bucket], i: int, week: int, spread: int) -> float | None:
    """The busiest window around this time of the week, one and two weeks earlier (None: none)."""
    seen = [
        v
        for k in (1, 2)
        for d in range(-spread, spread + 1)
        if 0 <= (j := i - k * week + d) < len(series) and (v := series[j][1]) is not None
    ]
    return max(seen, default=None)


def weekly_rhythm(value: float, busiest: float | None, threshold: float) -> bool:
    """Whether `value` is no busier than this time of the week lately, count noise allowed.

    Being above the busiest of the last two weeks' windows is not enough: the largest of a
    dozen Poisson counts is beaten every few weeks by chance (a third weekend's evening 60
    where the last two peaked at 55). The window must stand out from it by as much evidence
    as a spike needs (the exact Poisson odds at the detector's threshold).
    """
    if busiest is None:
        return False
    return poisson_score(value, max(busiest, MIN_RATE)) < threshold


def detect_spikes(
    series: Sequence[Bucket], window: timedelta, params: DetectorParams | None = None
) -> list[SpikeAlert]:
    """Spikes in a resampled count series: high robust score, enough mentions, not in cooldown."""
    params = params or DetectorParams()
    alerts: list[SpikeAlert] = []
    last_alert: datetime | None = None
    armed = True
    per_week = WEEK / window
    week = int(per_week) if window < DAY and per_week == int(per_week) else 0
    spread = max(1, round(timedelta(hours=2) / window))  # a weekly peak drifts by an hour or two
    for i, (ts, value, expected, score) in enumerate(score_series(series, window, params)):
        if score is None or value is None or expected is None:
            continue
        if score < params.rearm:
            armed = True
        if score < params.threshold or value < params.min_count or value <= expected:
            continue
        if week and weekly_rhythm(value, same_time_last_weeks(series, i, week, spread), params.threshold):
            continue  # as busy as this time of the week was lately: a weekly rhythm, not news
        if not armed or (last_alert is not None and ts - last_alert < params.cooldown):
            continue
        alerts.append(SpikeAlert(timestamp=ts, value=value, expected=expected, score=score))
        last_alert = ts
        armed = False
    return alerts


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed exactly in log space."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    lg = math.lgamma
    return min(
        1.0,
        sum(
            math.exp(lg(n + 1) - lg(j + 1) - lg(n - j + 1) + j * log_p + (n - j) * log_q)
            for j in range(k, n + 1)
        ),
    )


def usual_windows(i: int, period: int, per_week: int) -> list[int]:
    """The windows whose shares make the usual share of window i: the same time of day on the
    previous seven days, and the same time and weekday two and three weeks before."""
    days = [i - k * period for k in range(1, 8)] if period > 1 else []
    weeks = [i - k * per_week for k in (2, 3)] if per_week and period > 1 else []
    return [j for j in days + weeks if j >= 0]


def detect_share_jumps(
    counts: Mapping[str, Sequence[Bucket]],
    threshold: float = 0.15,
    min_count: int = 5,
    history: int = 24 * 7,
    cooldown: timedelta = timedelta(hours=6),
    period: int = 24,
    alpha: float | None = 0.01,
) -> list[ShareJump]:
    """Windows where a territory's share of its group's mentions rose by `threshold` or more,
    and by more than chance would explain (one-sided binomial test at level `alpha`).

    `counts` maps each territory of the group to its series on a common grid. The usual
    share is the territory's pooled share at this time of day and weekday (`usual_windows`,
    `period` windows a day; no verdict before three days); where those windows hold fewer
    than `min_count` mentions, its pooled share over the previous `history` windows. After a jump, a territory alerts again
    only once its share has come back halfway to the usual one: a share that stays up is one
    story, not one every `cooldown` until the week catches up.
    """
    if not counts:
        return []
    keys = sorted(counts)
    n = min(len(counts[k]) for k in keys)
    per_week = 7 * period if period > 1 else 0
    last: dict[str, datetime] = {}
    armed = dict.fromkeys(keys, True)
    jumps: list[ShareJump] = []
    for i in range(n):
        ts = counts[keys[0]][i][0]
        now = {k: counts[k][i][1] or 0.0 for k in keys}
        total = sum(now.values())
        if total <= 0:
            continue
        same_time = usual_windows(i, period, per_week)
        if period > 1 and len(same_time) < 3:
            continue  # no usual share at this hour yet: three days of history first
        past = {k: sum(counts[k][j][1] or 0.0 for j in same_time) for k in keys}
        if sum(past.values()) < min_count:
            lo = max(0, i - history)
            past = {k: sum(v or 0.0 for _, v in counts[k][lo:i]) for k in keys}
        past_total = sum(past.values())
        if past_total < min_count:
            continue
        for k in keys:
            share = now[k] / total
            usual = past[k] / past_total
            if share - usual < threshold / 2:
                armed[k] = True
            if now[k] < min_count or share - usual < threshold:
                continue
            if alpha is not None and binomial_tail(int(now[k]), int(total), usual) >= alpha:
                continue  # as many as chance gives at the usual share, now and then
            if not armed[k] or (k in last and ts - last[k] < cooldown):
                continue
            last[k] = ts
            armed[k] = False
            jumps.append(
                ShareJump(
                    timestamp=ts,
                    territory=k,
                    count=int(now[k]),
                    total=int(total),
                    share=share,
                    expected_share=usual,
                )
            )
    return jumps
