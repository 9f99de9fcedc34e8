"""The trained place decision: a small logistic model over candidate features, and its thresholds."""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.linear import kept_weights, probability

logger = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Thresholds:
    """Probability cuts, chosen on training folds by `python -m nlp.train_places`:
    `place` for a gazetteer-linked mention, `unlinked` for a name nothing confirms, `candidate`
    for an unlinked name worth listing among the candidates, `watched` for a watchlist hit."""

    place: float = 0.5
    unlinked: float = 0.8
    candidate: float = 0.3
    watched: float = 0.5


@dataclass(frozen=True)
class PlaceModel:
    """Weights of named features; the probability that a candidate names a place."""

    weights: dict[str, float]
    thresholds: Thresholds

    def probability(self, features: dict[str, float]) -> float:
        return probability(self.weights, features)

    def to_json(self, meta: dict[str, object]) -> dict[str, object]:
        t = self.thresholds
        return {"meta": meta, "weights": kept_weights(self.weights), "thresholds": {
            "place": t.place, "unlinked": t.unlinked, "candidate": t.candidate, "watched": t.watched}}

    def save(self, path: Path, meta: dict[str, object]) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(self.to_json(meta), fh, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def read(cls, path: Path) -> PlaceModel:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        t = data.get("thresholds") or {}
        return cls({str(k): float(v) for k, v in data["weights"].items()},
                   Thresholds(float(t.get("place", 0.5)), float(t.get("unlinked", 0.8)),
                              float(t.get("candidate", 0.3)), float(t.get("watched", 0.5))))


def model_path(lang: str) -> Path:
    return DATA / f"places_{lang}.json.gz"


@lru_cache(maxsize=4)
def load_place_model(lang: str) -> PlaceModel:
    """The shipped model of a language (English for languages without one), read once per process."""
    path = model_path(lang)
    if not path.exists():
        path = model_path("en")
    return PlaceModel.read(path)
