"""Link accuracy: which GeoNames entry a found place mention links to, on toponyms_en (LGL, GeoWebNews).

Over the gold place spans that carry a GeoNames id and that `analyze` both finds (a place overlapping
the span) and links (the place has a GeoNames id): the share linked to the gold id, and the share
within 161 km (100 miles, the usual geoparsing tolerance) of the gold coordinates. A product that
links fewer names would look better on those shares alone, so the share of gold spans linked at all
is printed beside them.

Dev and validation: documents are split by a stable hash of their id (`nlp.train_places.fold_of`):
folds 0-2 are where linking may be looked at and tuned, folds 3-4 are only ever reported whole.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.models import PlaceMention
from eval.nlp_common import DATASETS, in_sample, read_jsonl
from nlp import Analyzer
from nlp.train_places import fold_of, overlaps

logger = logging.getLogger(__name__)

SPLITS = {"dev": (0, 1, 2), "validation": (3, 4)}
NEAR_KM = 161.0  # 100 miles
EARTH_KM = 6371.0


@dataclass(frozen=True)
class LinkScore:
    """Counts over gold spans with a GeoNames id: found, linked, linked to the gold id, within 161 km."""

    gold: int = 0
    found: int = 0
    linked: int = 0
    exact: int = 0
    near: int = 0

    def __add__(self, other: LinkScore) -> LinkScore:
        return LinkScore(self.gold + other.gold, self.found + other.found, self.linked + other.linked,
                         self.exact + other.exact, self.near + other.near)

    @property
    def accuracy(self) -> float:
        """Share of the found and linked spans linked to the gold GeoNames id."""
        return self.exact / self.linked if self.linked else 0.0

    @property
    def accuracy_161(self) -> float:
        """Share of the found and linked spans whose entry lies within 161 km of the gold coordinates."""
        return self.near / self.linked if self.linked else 0.0

    @property
    def coverage(self) -> float:
        """Share of the gold spans found and linked at all."""
        return self.linked / self.gold if self.gold else 0.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def score_links(places: Sequence[PlaceMention], toponyms: Sequence[dict[str, Any]]) -> tuple[LinkScore, list[tuple]]:
    """The link counts of one document, and its wrong links as (gold toponym, the mention)."""
    total, wrong = LinkScore(), []
    for t in toponyms:
        if t.get("role") != "place" or not t.get("geonames_id"):
            continue
        span = (t["start"], t["end"])
        hits = [p for p in places if overlaps((p.start, p.end), span)]
        if not hits:
            total = total + LinkScore(gold=1)
            continue
        p = max(hits, key=lambda m: min(m.end, span[1]) - max(m.start, span[0]))
        if p.geonames_id is None:
            total = total + LinkScore(gold=1, found=1)
            continue
        exact = p.geonames_id == t["geonames_id"]
        near = exact or (p.lat is not None and p.lon is not None and t.get("lat") is not None
                         and distance_km((p.lat, p.lon), (t["lat"], t["lon"])) <= NEAR_KM)
        total = total + LinkScore(1, 1, 1, int(exact), int(near))
        if not exact:
            wrong.append((t, p))
    return total, wrong


def split_of(doc_id: str) -> str:
    fold = fold_of(doc_id)
    return next(name for name, folds in SPLITS.items() if fold in folds)


def measure(analyzer: Analyzer, fraction: float = 1.0) -> dict[str, Any]:
    """Link counts per (split, corpus) on toponyms_en, and the dev split's wrong links (never the
    validation split's) as (corpus, doc id, gold toponym, mention)."""
    rows = [r for r in read_jsonl(DATASETS / "toponyms_en.jsonl") if in_sample(r["doc_id"], fraction)]
    scores: dict[tuple[str, str], LinkScore] = {}
    wrong: list[tuple[str, str, dict[str, Any], PlaceMention]] = []
    analyses = analyzer.analyze_many([(r["text"], r.get("title"), "en") for r in rows])
    for row, analysis in zip(rows, analyses, strict=True):
        split = split_of(str(row["doc_id"]))
        s, bad = score_links(analysis.places, row["toponyms"])
        key = (split, str(row["corpus"]))
        scores[key] = scores.get(key, LinkScore()) + s
        if split == "dev":
            wrong += [(str(row["corpus"]), str(row["doc_id"]), t, p) for t, p in bad]
    return {"scores": scores, "wrong": wrong}


def line(label: str, s: LinkScore) -> str:
    return (f"{label:<24} gold {s.gold:>5}  linked {s.coverage:.3f}  accuracy {s.accuracy:.3f}"
            f"  acc@161km {s.accuracy_161:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="deterministic subsample")
    parser.add_argument("--show", action="store_true", help="list the dev split's wrong links (never validation's)")
    args = parser.parse_args(argv)
    if not DATASETS.exists():
        print(f"datasets not found at {DATASETS}", file=sys.stderr)
        return 2
    got = measure(Analyzer([]), args.fraction)
    for split in SPLITS:
        both = LinkScore()
        for (name, corpus), s in sorted(got["scores"].items()):
            if name == split:
                print(line(f"{split} {corpus}", s))
                both = both + s
        print(line(f"{split} both", both))
    if args.show:
        for corpus, doc_id, t, p in got["wrong"]:
            print(f"  {corpus} {doc_id}: {t['text']!r} gold {t['geonames_id']} -> {p.name!r} {p.kind}"
                  f" {p.geonames_id} ({p.lat}, {p.lon}) vs ({t['lat']}, {t['lon']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
