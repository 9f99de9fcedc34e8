"""Score the spike detector on the labelled NAB tweet-volume series, in-sample and leave-one-series-out."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from alerts.backtest import DEFAULT_WINDOW, backtest, parse_timestamp, read_series  # noqa: E402
from alerts.detector import DetectorParams  # noqa: E402
from config.settings import parse_duration  # noqa: E402

logger = logging.getLogger(__name__)

DATA = REPO.parent / "shared" / "datasets" / "spikes"

Window = tuple[datetime, datetime]


@dataclass
class SeriesScore:
    """Hits and false alerts on one labelled series."""

    name: str
    windows: int
    hit: int
    false_alerts: int
    alerts: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    """Recall and precision pooled over all series."""

    windows: int
    hit: int
    false_alerts: int

    @property
    def recall(self) -> float:
        return self.hit / self.windows if self.windows else 0.0

    @property
    def precision(self) -> float:
        return self.hit / (self.hit + self.false_alerts) if self.hit + self.false_alerts else 0.0


def load_windows(data_dir: Path) -> dict[str, list[Window]]:
    """Labelled anomaly windows per file name, from `windows.json`."""
    raw = json.loads((data_dir / "windows.json").read_text(encoding="utf-8"))
    return {
        name: [(parse_timestamp(a), parse_timestamp(b)) for a, b in spans]
        for name, spans in raw.items()
    }


def score_alerts(name: str, times: list[datetime], windows: list[Window]) -> SeriesScore:
    """NAB-style counting: a window with any alert in it is one hit; others alerts are false."""
    hit_windows: set[int] = set()
    false_alerts = 0
    for t in times:
        inside = [i for i, (a, b) in enumerate(windows) if a <= t <= b]
        if inside:
            hit_windows.update(inside)
        else:
            false_alerts += 1
    return SeriesScore(name, len(windows), len(hit_windows), false_alerts)


Points = list[tuple[datetime, float]]


def read_all(data_dir: Path, names: Iterable[str]) -> dict[str, Points]:
    """Every labelled series' points, read once for the whole grid."""
    return {name: read_series(data_dir / name) for name in names}


def evaluate(
    data_dir: Path = DATA,
    window: timedelta = DEFAULT_WINDOW,
    params: DetectorParams | None = None,
    points: dict[str, Points] | None = None,
) -> tuple[Score, list[SeriesScore]]:
    """Backtest every labelled series in `data_dir` and pool the counts."""
    labels = load_windows(data_dir)
    points = points if points is not None else read_all(data_dir, labels)
    per_series: list[SeriesScore] = []
    for name in sorted(labels):
        alerts = list(backtest(points[name], window, params))
        times = [parse_timestamp(str(a["timestamp"])) for a in alerts]
        s = score_alerts(name, times, labels[name])
        s.alerts = alerts
        per_series.append(s)
    total = Score(
        windows=sum(s.windows for s in per_series),
        hit=sum(s.hit for s in per_series),
        false_alerts=sum(s.false_alerts for s in per_series),
    )
    return total, per_series


# The two knobs chosen on data: the score a window must reach, and the offset that damps noise
# at low counts (log(count + offset)). Everything else follows from each series' own history:
# its daily profile, its level, its spread and its past rises. The grid is wide on purpose (the
# offset doubles from 5 to 40): a choice at the edge of a narrow grid would be a fitted one.
THRESHOLDS = (3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5)
OFFSETS = (5.0, 10.0, 20.0, 40.0)

# The product's operating point (issue 15): recall >= 0.8 at precision >= 0.6 on series never
# seen. Knobs are chosen for the most recall at this precision on the training series, with a
# margin above the goal's 0.6 for what the training series flatter.
PRECISION_TARGET = 0.7

Knobs = tuple[float, float]  # (offset, threshold)


@dataclass(frozen=True)
class Fold:
    """One rotation of leave-one-series-out: knobs chosen on the others, scored on this one."""

    held_out: str
    knobs: Knobs
    score: SeriesScore


def pooled(scores: Sequence[SeriesScore]) -> Score:
    """Hits, windows and false alerts summed over series."""
    return Score(
        windows=sum(s.windows for s in scores),
        hit=sum(s.hit for s in scores),
        false_alerts=sum(s.false_alerts for s in scores),
    )


def neighbours(k: Knobs, grid: Sequence[Knobs]) -> list[Knobs]:
    """The knobs and the grid's next ones on either side, one knob at a time."""
    offsets = sorted({o for o, _ in grid})
    thresholds = sorted({t for _, t in grid})
    o, t = k
    i, j = offsets.index(o), thresholds.index(t)
    near = [(offsets[a], t) for a in (i - 1, i + 1) if 0 <= a < len(offsets)]
    near += [(o, thresholds[b]) for b in (j - 1, j + 1) if 0 <= b < len(thresholds)]
    return [k] + [n for n in near if n in grid]


def choose(by_knobs: dict[Knobs, list[SeriesScore]], names: set[str]) -> Knobs:
    """The knobs for the most recall at precision >= PRECISION_TARGET on the series `names`.

    Each candidate is judged with its neighbours on the grid (their hits and false alerts
    pooled with its own): on a handful of series a knob at the edge of a cliff, where the next
    threshold loses a series' hits or floods another with false alerts, looks as good as one in
    the middle of a plateau, and only the second holds on a series never seen. Where no knobs
    reach the precision, the most precise. On a tie: the higher threshold, then the larger
    offset (both the quieter choice).
    """
    grid = list(by_knobs)

    def merit(k: Knobs) -> tuple[bool, float, float, float, float]:
        s = pooled([s for n in neighbours(k, grid) for s in by_knobs[n] if s.name in names])
        enough = s.precision >= PRECISION_TARGET
        return (enough, s.recall if enough else s.precision, s.precision, k[1], k[0])

    return max(grid, key=merit)


def score_grid(
    data_dir: Path = DATA,
    window: timedelta = DEFAULT_WINDOW,
    offsets: Sequence[float] = OFFSETS,
    thresholds: Sequence[float] = THRESHOLDS,
) -> dict[Knobs, list[SeriesScore]]:
    """Every series scored with every candidate pair of knobs (each backtest runs once)."""
    base = DetectorParams()
    points = read_all(data_dir, load_windows(data_dir))
    return {
        (o, t): evaluate(data_dir, window, replace(base, offset=o, threshold=t), points)[1]
        for o in offsets
        for t in thresholds
    }


def leave_one_out(by_knobs: dict[Knobs, list[SeriesScore]]) -> tuple[Score, list[Fold]]:
    """Choose the knobs on all series but one, score the one left out; rotate; pool."""
    names = {s.name for s in next(iter(by_knobs.values()))}
    folds: list[Fold] = []
    for held_out in sorted(names):
        k = choose(by_knobs, names - {held_out})
        folds.append(Fold(held_out, k, next(s for s in by_knobs[k] if s.name == held_out)))
    return pooled([f.score for f in folds]), folds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--window", default=None, help="bucket size, e.g. 1h (default: 1h)")
    parser.add_argument("--threshold", type=float, default=None, help="score only this threshold")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every alert")
    args = parser.parse_args(argv)
    if not (args.data / "windows.json").exists():
        print(f"{args.data}: no labelled spike data (windows.json)", file=sys.stderr)
        return 2
    window = parse_duration(args.window) if args.window else DEFAULT_WINDOW
    if args.threshold is not None:
        total, per_series = evaluate(args.data, window, DetectorParams(threshold=args.threshold))
        _print_series(per_series, args.verbose)
        print(f"in-sample at threshold {args.threshold:g}: {_fmt(total)}")
        return 0
    by_knobs = score_grid(args.data, window)
    for (o, t), scores in by_knobs.items():
        print(f"offset {o:g} threshold {t:g}: {_fmt(pooled(scores))}")
    o, t = choose(by_knobs, {s.name for s in next(iter(by_knobs.values()))})
    print(
        f"\nin-sample, offset {o:g} and threshold {t:g} chosen on all series (the most recall at "
        f"precision >= {PRECISION_TARGET:g}, each pair judged with its neighbours):"
    )
    _print_series(by_knobs[(o, t)], args.verbose)
    print(f"  {_fmt(pooled(by_knobs[(o, t)]))}")
    loo, folds = leave_one_out(by_knobs)
    print("\nleave one series out (knobs chosen on the other series):")
    for f in folds:
        s = f.score
        print(
            f"  {s.name:28} offset {f.knobs[0]:g} threshold {f.knobs[1]:g}  "
            f"hit {s.hit}/{s.windows}  false alerts {s.false_alerts}"
        )
    print(f"  {_fmt(loo)}")
    return 0


def _fmt(s: Score) -> str:
    return (
        f"recall {s.recall:.3f} ({s.hit}/{s.windows})  "
        f"precision {s.precision:.3f} ({s.hit}/{s.hit + s.false_alerts})"
    )


def _print_series(per_series: list[SeriesScore], verbose: bool) -> None:
    for s in per_series:
        print(f"  {s.name:28} windows {s.windows}  hit {s.hit}  false alerts {s.false_alerts}")
        if verbose:
            for a in s.alerts:
                print(f"      {json.dumps(a)}")


if __name__ == "__main__":
    sys.exit(main())
