"""Place-mention span F1 on toponyms_en (GeoWebNews, LGL) and HIPE French `loc*` entities, dev and validation.

Dev: the shipped models on the whole dev half (the English model learnt from it). Validation, the
way the held-out check sees it: English leaves one corpus out (trained and thresholded on
GeoWebNews, scored on LGL, and the other way round); French HIPE is never learnt from, and its
figure takes each document fold with thresholds chosen on the other folds.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.nlp_common import DATASETS, in_sample, read_jsonl
from nlp import Analyzer
from nlp.train_places import (
    FOLDS,
    DocRows,
    SpanScore,
    choose_thresholds,
    evaluate,
    extract,
    fold_of,
    hipe_fr,
    overlaps,
    score_spans,
    simulated_watchlist,
    toponyms_en,
    train,
    written_sentences,
)

logger = logging.getLogger(__name__)


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


def probabilities(model_docs: Sequence[DocRows], model: Any) -> list[list[float]]:
    return [[model.probability(r.features) for r in d.rows] for d in model_docs]


def validate_toponyms_en(docs: Sequence[DocRows] | None = None) -> dict[str, SpanScore]:
    """Leave one corpus out: a model trained (and thresholded) on GeoWebNews scores LGL and the
    other way round; also the pooled counts under "both"."""
    if docs is None:
        texts = toponyms_en()
        docs = []
        for corpus in ("GeoWebNews", "LGL"):  # each trains with a watchlist made of its own gold only
            part = [t for t in texts if t.corpus == corpus]
            docs += extract(part, "en", simulated_watchlist(part, "en"))
    written = extract(written_sentences("en"), "en")  # the shipped model learns from them too
    out: dict[str, SpanScore] = {}
    for held in ("GeoWebNews", "LGL"):
        test = [d for d in docs if d.text.corpus == held and not d.watchlist]
        model = train([d for d in docs if d.text.corpus != held] + written)
        out[held] = evaluate(test, probabilities(test, model), model.thresholds)
    out["both"] = out["GeoWebNews"] + out["LGL"]
    return out


def validate_hipe_fr(docs: Sequence[DocRows] | None = None) -> SpanScore:
    """HIPE by document folds: the shipped French model (never trained on HIPE), its thresholds
    chosen on the other folds each time."""
    from nlp.place_model import load_place_model

    docs = list(docs) if docs is not None else extract(hipe_fr(), "fr")
    probs = probabilities(docs, load_place_model("fr"))
    total = SpanScore()
    for k in range(FOLDS):
        train_idx = [i for i, d in enumerate(docs) if fold_of(d.text.id) != k]
        test_idx = [i for i, d in enumerate(docs) if fold_of(d.text.id) == k]
        t = choose_thresholds([docs[i] for i in train_idx], [probs[i] for i in train_idx])
        total = total + evaluate([docs[i] for i in test_idx], [probs[i] for i in test_idx], t)
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fraction", type=float, default=1.0, help="deterministic subsample")
    parser.add_argument("--errors", action="store_true", help="print HIPE false positives and misses")
    parser.add_argument("--validation", action="store_true", help="also the leave-one-corpus-out and fold figures")
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
    if args.validation:
        val = validate_toponyms_en()
        for name, vs in val.items():
            print(f"validation toponyms_en held out {name:<10} P={vs.precision:.3f} R={vs.recall:.3f} F1={vs.f1:.3f}")
        vs = validate_hipe_fr()
        print(f"validation hipe_fr_loc (document folds) P={vs.precision:.3f} R={vs.recall:.3f} F1={vs.f1:.3f}")
    print(f"({time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
