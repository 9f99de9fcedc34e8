"""Quality gate: spike backtest recall and precision on the labelled NAB series stay above floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "datasets" / "spikes"


@pytest.mark.quality
def test_spike_backtest_meets_floors() -> None:
    if not (DATA / "windows.json").exists():
        pytest.skip(f"labelled spike data not found at {DATA}")
    from eval.spikes import evaluate

    floors = tomllib.loads((REPO / "eval" / "floors.toml").read_text())["spikes"]
    total, per_series = evaluate(DATA)
    detail = ", ".join(
        f"{s.name}: {s.hit}/{s.windows} hit, {s.false_alerts} false" for s in per_series
    )
    assert total.recall >= floors["recall"], f"recall {total.recall:.3f} ({detail})"
    assert total.precision >= floors["precision"], f"precision {total.precision:.3f} ({detail})"
