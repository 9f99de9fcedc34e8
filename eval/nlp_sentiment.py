"""Sentiment figures: en_vader sign accuracy (cross-validated) and three-class F1, plain English statements left
neutral, fr_tweets macro-F1, fr_reviews accuracy."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.models import NEUTRAL_BANDS, sentiment_label
from eval.nlp_common import DATASETS, f1, read_jsonl
from nlp.sentiment import MODEL_EN, scorer_for, vader_en_scores, vader_fr_scores
from nlp.sentiment_fr import BARE, CONTRAST, OPENING, french_tokens
from nlp.sentiment_structure import LONG_WORDS
from nlp.train_sentiment import (
    fit_english,
    fold_of,
    in_validation,
    three_class_gold,
)

SENTIMENT = DATASETS / "sentiment"
PLAIN_EN = Path(__file__).resolve().parent / "data" / "en_plain_statements.txt"  # factual sentences we wrote
FOLDS = 5
Score = Callable[[str], tuple[float, float, float]]


def sign_accuracy(rows: Sequence[dict[str, Any]], score: Score, threshold: float) -> float:
    """Share of items with |rating| ≥ 1 whose label has the rating's sign (neutral is a miss)."""
    rated = [r for r in rows if abs(float(r["rating"])) >= 1.0]
    hits = 0
    for r in rated:
        label = sentiment_label(score(r["text"])[0], band=threshold)
        hits += label == ("positive" if float(r["rating"]) > 0 else "negative")
    return hits / len(rated) if rated else 0.0


def three_class(rows: Sequence[dict[str, Any]], scores: dict[str, float], band: float) -> tuple[float, float]:
    """Three-class macro-F1 of the rated texts and the share of the neutral ones labelled neutral."""
    pairs = [(g, sentiment_label(scores[r["id"]], band=band)) for r in rows
             if (g := three_class_gold(float(r["rating"]))) is not None]
    neutral = [p for g, p in pairs if g == "neutral"]
    return (macro_f1([g for g, _ in pairs], [p for _, p in pairs], ["negative", "neutral", "positive"]),
            sum(1 for p in neutral if p == "neutral") / max(1, len(neutral)))


def plain_neutral_share(score: Score, band: float) -> float:
    """Share of the plain factual English sentences about places we wrote that are labelled neutral."""
    lines = [t.strip() for t in PLAIN_EN.read_text(encoding="utf-8").splitlines() if t.strip()]
    return sum(1 for t in lines if sentiment_label(score(t)[0], band=band) == "neutral") / len(lines)


def shipped_settings() -> dict[str, float]:
    """The shipped English model's settings (its L2s, verdict cut and written weight, chosen on the
    training half by `python -m nlp.train_sentiment`): every refit here uses them."""
    with gzip.open(MODEL_EN, "rt", encoding="utf-8") as fh:
        meta = json.load(fh)["meta"]
    return {k: float(meta[k]) for k in ("l2", "l2_verdict", "written_weight", "verdict_cut") if k in meta}


def cross_validated_en(rows: Sequence[dict[str, Any]], threshold: float) -> float:
    """Sign accuracy of the English model on folds it was not trained on (the shipped model saw
    the whole file, so scoring it there would flatter it)."""
    hits = total = 0
    settings = shipped_settings()
    for k in range(FOLDS):
        train = [r for r in rows if fold_of(r["id"]) != k]
        test = [r for r in rows if fold_of(r["id"]) == k]
        model = fit_english(train, settings)
        n = sum(1 for r in test if abs(float(r["rating"])) >= 1.0)
        hits += round(sign_accuracy(test, model.scores, threshold) * n)
        total += n
    return hits / total if total else 0.0


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Mean over labels of each label's F1."""
    scores = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        scores.append(f1(tp, fp, fn)[2])
    return sum(scores) / len(scores)


def french_figures(score: Score, threshold: float) -> dict[str, float]:
    """fr_tweets macro-F1 (3 labels) and fr_reviews accuracy (neutral answers are misses)."""
    tweets = list(read_jsonl(SENTIMENT / "fr_tweets.jsonl"))
    reviews = list(read_jsonl(SENTIMENT / "fr_reviews.jsonl"))
    tp = [sentiment_label(score(r["text"])[0], band=threshold) for r in tweets]
    rp = [sentiment_label(score(r["text"])[0], band=threshold) for r in reviews]
    return {
        "fr_tweets_macro_f1": macro_f1([r["label"] for r in tweets], tp,
                                       ["negative", "neutral", "positive"]),
        "fr_reviews_accuracy": sum(1 for r, p in zip(reviews, rp, strict=True) if r["label"] == p)
        / len(reviews),
    }


def error_kinds(text: str) -> list[str]:
    """Which hard cases a French text shows: long, contrast, negation, question (for error analysis)."""
    toks = french_tokens(text)
    kinds = []
    if sum(1 for t in toks if t[0].isalpha()) >= LONG_WORDS:
        kinds.append("long")
    if any(t in CONTRAST for t in toks):
        kinds.append("contrast")
    if any(t in BARE or t in OPENING for t in toks):
        kinds.append("negation")
    if "?" in text:
        kinds.append("question")
    return kinds or ["plain"]


def print_errors(score: Score, threshold: float, limit: int) -> None:
    """The French reviews the scorer gets wrong, grouped by kind, with their scores."""
    by_kind: dict[str, list[str]] = {}
    for r in read_jsonl(SENTIMENT / "fr_reviews.jsonl"):
        value = score(r["text"])[0]
        got = sentiment_label(value, band=threshold)
        if got != r["label"]:
            kind = "neutral answer" if got == "neutral" else "/".join(error_kinds(r["text"]))
            by_kind.setdefault(kind, []).append(f"  [{r['label'][:3]} {value:+.2f}] {r['text'][:300]}")
    for kind, lines in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        print(f"{kind}: {len(lines)}")
        print("\n".join(lines[:limit]))


BANDS = [round(0.025 * i, 3) for i in range(1, 21)]  # neutral bands tried on the training half


def validated(with_baselines: bool = False) -> dict[str, float]:
    """The held-out way: each model trained and each neutral band chosen on the training half of
    its file only, scored on the validation half. English: the model refitted on the training
    half. French: the shipped model as it is, since it learnt from the English ratings only and
    `python -m nlp.train_sentiment` chose its scales on the French training halves."""
    rows = list(read_jsonl(SENTIMENT / "en_vader_ratings.jsonl"))
    train = [r for r in rows if not in_validation(r["id"])]
    held = [r for r in rows if in_validation(r["id"])]
    model = fit_english(train, shipped_settings())
    t_en = max(BANDS, key=lambda b: sign_accuracy(train, model.scores, b))
    fr_scorer = scorer_for("fr")
    assert fr_scorer is not None
    tweets = list(read_jsonl(SENTIMENT / "fr_tweets.jsonl"))
    reviews = list(read_jsonl(SENTIMENT / "fr_reviews.jsonl"))
    scored = {r["id"]: fr_scorer(r["text"])[0] for r in (*tweets, *reviews)}

    def figures(band: float, half: bool) -> tuple[float, float]:
        ts = [r for r in tweets if in_validation(r["id"]) == half]
        rs = [r for r in reviews if in_validation(r["id"]) == half]
        macro = macro_f1([r["label"] for r in ts], [sentiment_label(scored[r["id"]], band=band) for r in ts],
                         ["negative", "neutral", "positive"])
        acc = sum(1 for r in rs if sentiment_label(scored[r["id"]], band=band) == r["label"]) / max(1, len(rs))
        return macro, acc

    t_fr = NEUTRAL_BANDS["fr"]
    tweets_f1, reviews_acc = figures(t_fr, True)
    band = NEUTRAL_BANDS["en"]
    en_f1, en_neutral = three_class(held, {r["id"]: model.scores(r["text"])[0] for r in held}, band)
    out = {"en_vader_sign_accuracy": sign_accuracy(held, model.scores, t_en),
           "en_three_class_macro_f1": en_f1, "en_neutral_share": en_neutral,
           "fr_tweets_macro_f1": tweets_f1, "fr_reviews_accuracy": reviews_acc,
           "en_band": t_en, "fr_band": t_fr}
    return out


def training_half_three_class() -> dict[str, float]:
    """Three-class F1 and neutral share on the training half, each row scored by a model fitted on the
    other folds of that half (the figure a band or a setting may be chosen by)."""
    rows = [r for r in read_jsonl(SENTIMENT / "en_vader_ratings.jsonl") if not in_validation(r["id"])]
    scores: dict[str, float] = {}
    settings = shipped_settings()
    for k in range(FOLDS):
        model = fit_english([r for r in rows if fold_of(r["id"]) != k], settings)
        scores.update({r["id"]: model.scores(r["text"])[0] for r in rows if fold_of(r["id"]) == k})
    macro, neutral = three_class(rows, scores, NEUTRAL_BANDS["en"])
    return {"en_three_class_macro_f1": macro, "en_neutral_share": neutral}


def measure(with_baselines: bool = False) -> dict[str, float]:
    """The gated figures (and, on request, the VADER baselines beside them)."""
    rows = list(read_jsonl(SENTIMENT / "en_vader_ratings.jsonl"))
    t_en, t_fr = NEUTRAL_BANDS["en"], NEUTRAL_BANDS["fr"]
    fr_scorer = scorer_for("fr")
    assert fr_scorer is not None
    en_scorer = scorer_for("en")
    assert en_scorer is not None
    out = {"en_vader_sign_accuracy": cross_validated_en(rows, t_en),
           "en_plain_statements_neutral": plain_neutral_share(en_scorer, t_en), **french_figures(fr_scorer, t_fr)}
    if with_baselines:
        out["en_shipped_model_in_sample"] = sign_accuracy(rows, en_scorer, t_en)
        out["en_vader_baseline"] = sign_accuracy(rows, vader_en_scores, 0.05)
        for k, v in french_figures(vader_fr_scores, 0.05).items():
            out[f"{k}_vader_fr_baseline"] = v
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baselines", action="store_true", help="also print VADER baselines")
    parser.add_argument("--errors", type=int, metavar="N", default=0,
                        help="print up to N misclassified French reviews per kind, then stop")
    args = parser.parse_args(argv)
    if not SENTIMENT.exists():
        print(f"datasets not found at {SENTIMENT}", file=sys.stderr)
        return 2
    if args.errors:
        fr_scorer = scorer_for("fr")
        assert fr_scorer is not None
        print_errors(fr_scorer, NEUTRAL_BANDS["fr"], args.errors)
        return 0
    t0 = time.perf_counter()
    for name, value in measure(args.baselines).items():
        print(f"{name:<45} {value:.3f}")
    for name, value in training_half_three_class().items():
        print(f"training half {name:<31} {value:.3f}")
    for name, value in validated().items():
        print(f"validation {name:<34} {value:.3f}")
    print(f"({time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
