"""Score the spike backtest on the labelled NAB tweet-volume series: recall and precision."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field
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


def evaluate(
    data_dir: Path = DATA,
    window: timedelta = DEFAULT_WINDOW,
    params: DetectorParams | None = None,
) -> tuple[Score, list[SeriesScore]]:
    """Backtest every labelled series in `data_dir` and pool the counts."""
    labels = load_windows(data_dir)
    per_series: list[SeriesScore] = []
    for name in sorted(labels):
        alerts = list(backtest(read_series(data_dir / name), window, params))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--window", default=None, help="bucket size, e.g. 1h (default: 1h)")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every alert")
    args = parser.parse_args(argv)
    if not (args.data / "windows.json").exists():
        print(f"{args.data}: no labelled spike data (windows.json)", file=sys.stderr)
        return 2
    window = parse_duration(args.window) if args.window else DEFAULT_WINDOW
    params = DetectorParams()
    if args.threshold is not None:
        params = DetectorParams(threshold=args.threshold)
    total, per_series = evaluate(args.data, window, params)
    for s in per_series:
        print(f"{s.name:28} windows {s.windows}  hit {s.hit}  false alerts {s.false_alerts}")
        if args.verbose:
            for a in s.alerts:
                print(f"    {json.dumps(a)}")
    print(
        f"recall {total.recall:.3f} ({total.hit}/{total.windows})  "
        f"precision {total.precision:.3f} ({total.hit}/{total.hit + total.false_alerts})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
