"""Shared helpers of the NLP evaluation scripts: dataset location, floors, deterministic subsamples."""

from __future__ import annotations

import hashlib
import json
import logging
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO / ".." / "shared" / "datasets"
FLOORS = REPO / "eval" / "floors.toml"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def in_sample(key: str, fraction: float) -> bool:
    """Deterministic subsample by hashing a row id: the same rows every run, on every machine."""
    if fraction >= 1.0:
        return True
    h = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < fraction


def floors(section: str) -> dict[str, float]:
    """The pinned floors of one section of eval/floors.toml."""
    with FLOORS.open("rb") as fh:
        return dict(tomllib.load(fh)[section])


def f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
