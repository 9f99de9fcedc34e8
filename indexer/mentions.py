"""From a document's place mentions to the rows every backend counts: one per resolved place."""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.models import PlaceMention

PlaceRow = tuple[PlaceMention, int, float, float]  # first mention, count, mean sentiment, best confidence


def per_place(places: Iterable[PlaceMention]) -> dict[str, PlaceRow]:
    """Collapse a document's mentions to one per place; names no gazetteer resolves are left out.

    The analysis keeps every name it found (the export and the document view show them), but a
    name that is neither a watched territory nor a GeoNames place cannot be ranked, compared or
    mapped as a place.
    """
    resolved = [p for p in places if p.resolved]
    keys = [p.place_key for p in resolved]
    if len(set(keys)) == len(keys):  # the usual case: each place named once
        return {
            key: (p, 1, _finite(p.sentiment), _finite(p.confidence))
            for key, p in zip(keys, resolved, strict=True)
        }
    grouped: dict[str, list[PlaceMention]] = {}
    for key, p in zip(keys, resolved, strict=True):
        grouped.setdefault(key, []).append(p)
    return {
        key: (
            ps[0], len(ps), _finite(sum(p.sentiment for p in ps) / len(ps)),
            _finite(max(p.confidence for p in ps)),
        )
        for key, ps in grouped.items()
    }


def _finite(value: float) -> float:
    """A score the store can keep: a NaN or infinite one (never expected from analysis) counts as 0."""
    return value if math.isfinite(value) else 0.0
