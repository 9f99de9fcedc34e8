"""Place-mention span F1 on toponyms_en (GeoWebNews, LGL) and HIPE French `loc*` entities."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.nlp_common import DATASETS, f1, in_sample, read_jsonl
from nlp import Analyzer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpanScore:
    """Lenient-overlap counts: predictions matched, unmatched (false positives), gold missed."""

    tp_pred: int
    fp: int
    tp_gold: int
    fn: int

    @property
    def precision(self) -> float:
        return f1(self.tp_pred, self.fp, 0)[0]

    @property
    def recall(self) -> float:
        return f1(self.tp_gold, 0, self.fn)[1]

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: SpanScore) -> SpanScore:
        return SpanScore(
            self.tp_pred + other.tp_pred, self.fp + other.fp,
            self.tp_gold + other.tp_gold, self.fn + other.fn,
        )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(
    predicted: Sequence[tuple[int, int]],
    places: Sequence[tuple[int, int]],
    ignored: Sequence[tuple[int, int]] = (),
) -> SpanScore:
    """Lenient overlap scoring. A prediction overlapping a gold place is right; one overlapping only
    an `ignore` span counts for nothing; any other (a `not_place` span or nothing) is a false
    positive. A gold place no prediction overlaps is missed."""
    tp_pred = fp = 0
    for p in predicted:
        if any(overlaps(p, g) for g in places):
            tp_pred += 1
        elif not any(overlaps(p, g) for g in ignored):
            fp += 1
    tp_gold = sum(1 for g in places if any(overlaps(p, g) for p in predicted))
    return SpanScore(tp_pred, fp, tp_gold, len(places) - tp_gold)


def eval_toponyms_en(analyzer: Analyzer, fraction: float = 1.0) -> dict[str, Any]:
    """Span F1 on toponyms_en.jsonl with the dataset's role semantics."""
    rows = [r for r in read_jsonl(DATASETS / "toponyms_en.jsonl") if in_sample(r["doc_id"], fraction)]
    items = [(r["text"], r.get("title"), "en") for r in rows]
    total = SpanScore(0, 0, 0, 0)
    by_corpus: dict[str, SpanScore] = {}
    for row, analysis in zip(rows, analyzer.analyze_many(items), strict=True):
        pred = [(p.start, p.end) for p in analysis.places]
        gold = [(t["start"], t["end"]) for t in row["toponyms"] if t["role"] == "place"]
        ign = [(t["start"], t["end"]) for t in row["toponyms"] if t["role"] == "ignore"]
        s = score_spans(pred, gold, ign)
        total = total + s
        by_corpus[row["corpus"]] = by_corpus.get(row["corpus"], SpanScore(0, 0, 0, 0)) + s
    return {"docs": len(rows), "score": total, "by_corpus": by_corpus}


def eval_hipe_fr(analyzer: Analyzer, fraction: float = 1.0) -> dict[str, Any]:
    """Span F1 on HIPE French location entities (types starting with `loc`), with the errors:
    false positives as (predicted kind, confidence, text, gold type overlapped) and misses as text."""
    rows = [r for r in read_jsonl(DATASETS / "toponyms_fr_hipe.jsonl") if in_sample(r["doc_id"], fraction)]
    items = [(r["text"], None, "fr") for r in rows]
    total = SpanScore(0, 0, 0, 0)
    false_pos: list[tuple[str, float, str, str]] = []
    missed: list[str] = []
    for row, analysis in zip(rows, analyzer.analyze_many(items), strict=True):
        pred = [(p.start, p.end) for p in analysis.places]
        gold = [(e["start"], e["end"]) for e in row["entities"] if str(e["type"]).startswith("loc")]
        total = total + score_spans(pred, gold)
        for p in analysis.places:
            if not any(overlaps((p.start, p.end), g) for g in gold):
                other = [str(e["type"]) for e in row["entities"] if overlaps((p.start, p.end), (e["start"], e["end"]))]
                false_pos.append((p.kind, p.confidence, p.text, ",".join(other) or "-"))
        missed += [row["text"][s:e] for s, e in gold if not any(overlaps((s, e), p) for p in pred)]
    return {"docs": len(rows), "score": total, "false_positives": false_pos, "missed": missed}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fraction", type=float, default=1.0, help="deterministic subsample")
    parser.add_argument("--errors", action="store_true", help="print HIPE false positives and misses")
    args = parser.parse_args(argv)
    if not DATASETS.exists():
        print(f"datasets not found at {DATASETS}", file=sys.stderr)
        return 2
    analyzer = Analyzer([])
    t0 = time.perf_counter()
    en = eval_toponyms_en(analyzer, args.fraction)
    s = en["score"]
    print(f"toponyms_en  docs={en['docs']}  P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}")
    for corpus, cs in sorted(en["by_corpus"].items()):
        print(f"  {corpus:<11} P={cs.precision:.3f} R={cs.recall:.3f} F1={cs.f1:.3f}")
    fr = eval_hipe_fr(analyzer, args.fraction)
    s = fr["score"]
    print(f"hipe_fr_loc  docs={fr['docs']}  P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}")
    if args.errors:
        kinds = Counter(k for k, *_ in fr["false_positives"])
        print("  false positives by predicted kind:", dict(kinds.most_common()))
        for kind, conf, text, other in sorted(fr["false_positives"]):
            print(f"  FP {kind:<8} {conf:.2f} {text!r} (gold: {other})")
        for text in fr["missed"]:
            print(f"  FN {text!r}")
    print(f"({time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
