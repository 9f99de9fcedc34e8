"""Train the sentiment models on the MIT-licensed VADER ratings: `python -m nlp.train_sentiment [--lang en|fr]`.

English: a logistic model over words and VADER's scores. French: a ridge regression over the
language-independent structure features (nlp/sentiment_structure.py) of the English ratings, whose
two scales are then chosen on the training halves of the French tweets and reviews (`in_validation`
keeps the other halves for measuring; neither half is ever learnt from).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.models import NEUTRAL_BANDS, sentiment_label
from nlp.linear import features, save_weights
from nlp.sentiment import MODEL_EN, MODEL_FR, vader_en_scores
from nlp.sentiment_fr import inflected_forms, lexicon
from nlp.sentiment_structure import (
    LONG_WORDS,
    StructureSentiment,
    english_features,
    french_evidence,
    words_in,
)
from nlp.training import fit_logistic

logger = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "sentiment"
L2 = 4.0
MIN_COUNT = 2
L2_FR = 4.0
RATING_SCALE = 4.0  # the ratings run from -4 to +4: the regression's target is rating / 4
BANDS = [round(0.01 * i, 3) for i in range(1, 61)]  # neutral bands tried on the training halves
STRETCHES = [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0]  # long texts' scale over short ones'
LABELS = ["negative", "neutral", "positive"]


def in_validation(row_id: str) -> bool:
    """The fixed validation half of an evaluation file, by a hash of the row id: never tuned on."""
    return int(hashlib.sha1(("validation:" + row_id).encode("utf-8")).hexdigest()[:8], 16) % 2 == 1


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The rated texts (rating in [-4, 4]); near-zero ratings carry no sign and are left out."""
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if abs(float(r["rating"])) >= 0.25]


def fit(rows: Sequence[dict[str, Any]], l2: float = L2) -> dict[str, float]:
    """L2-regularised logistic regression on the sign of the rating, weighted by its strength."""
    feats = [features(r["text"], vader_en_scores(r["text"])) for r in rows]
    counts = Counter(k for f in feats for k in f)
    vocab = {k: i for i, k in enumerate(sorted(k for k, c in counts.items() if c >= MIN_COUNT))}
    return fit_logistic(feats, [1.0 if float(r["rating"]) > 0 else 0.0 for r in rows],
                        [min(3.0, abs(float(r["rating"]))) for r in rows], vocab, l2, maxiter=300)


def fit_structure(rows: Sequence[dict[str, Any]], l2: float = L2_FR) -> dict[str, float]:
    """Ridge regression of rating / 4 on the English texts' structure features (closed form)."""
    feats = [english_features(r["text"]) for r in rows]
    keys = sorted({k for f in feats for k in f})
    index = {k: i for i, k in enumerate(keys)}
    x = np.zeros((len(feats), len(keys)))
    for i, f in enumerate(feats):
        for k, v in f.items():
            x[i, index[k]] = v
    y = np.clip(np.array([float(r["rating"]) / RATING_SCALE for r in rows]), -1.0, 1.0)
    reg = l2 * np.eye(len(keys))
    reg[index["bias"], index["bias"]] = 0.0
    w = np.linalg.solve(x.T @ x + reg, x.T @ y)
    return {k: float(w[i]) for k, i in index.items()}


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Mean over the three labels of each label's F1."""
    scores = []
    for lab in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        wrong = sum(1 for g, p in zip(gold, pred, strict=True) if (g == lab) != (p == lab))
        scores.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return sum(scores) / len(scores)


def choose_scales(
    weights: dict[str, float], tweets: Sequence[dict[str, Any]], reviews: Sequence[dict[str, Any]],
    forms: Mapping[str, str] | None = None,
) -> tuple[float, float, dict[str, float]]:
    """The short-text and long-text scales that put the French neutral band where tweets' macro-F1
    plus reviews' accuracy is highest, on the rows given (the training halves)."""
    model = StructureSentiment(weights, forms=forms or {})  # both scales 1: the raw score, clipped
    raw = {r["id"]: model.scores(r["text"])[0] for r in (*tweets, *reviews)}
    long_rows = {r["id"] for r in (*tweets, *reviews) if words_in(french_evidence(r["text"]).tokens) >= LONG_WORDS}
    band_fr = NEUTRAL_BANDS["fr"]
    best: tuple[float, float, float, dict[str, float]] | None = None
    for band in BANDS:
        for stretch in STRETCHES:
            scaled = {k: max(-1.0, min(1.0, v * (stretch if k in long_rows else 1.0))) for k, v in raw.items()}
            labels = {k: sentiment_label(v, band=band) for k, v in scaled.items()}
            macro = macro_f1([r["label"] for r in tweets], [labels[r["id"]] for r in tweets])
            acc = sum(1 for r in reviews if labels[r["id"]] == r["label"]) / max(1, len(reviews))
            if best is None or macro + acc > best[0] + best[1] + 1e-9:
                best = (macro, acc, band, {"band": band, "stretch": stretch})
    assert best is not None
    macro, acc, band, knobs = best
    scale = band_fr / band
    return scale, scale * knobs["stretch"], {**knobs, "tweets_macro_f1": macro, "reviews_accuracy": acc}


def train_french(data: Path) -> tuple[StructureSentiment, dict[str, Any]]:
    """The French model: structure weights from the English ratings, inflected forms from
    fr_core_news_sm's lemma table, scales from the training halves."""
    ratings = read_jsonl(data / "en_vader_ratings.jsonl")
    weights = fit_structure(ratings)
    forms = inflected_forms(lexicon()[0])
    tweets = [r for r in read_jsonl(data / "fr_tweets.jsonl") if not in_validation(r["id"])]
    reviews = [r for r in read_jsonl(data / "fr_reviews.jsonl") if not in_validation(r["id"])]
    scale, scale_long, chosen = choose_scales(weights, tweets, reviews, forms)
    meta = {
        "trained_on": "en_vader_ratings.jsonl (Hutto & Gilbert 2014, MIT), structure features only",
        "scales_chosen_on": "training halves (nlp.train_sentiment.in_validation false) of fr_tweets and fr_reviews",
        "rows": len(ratings),
        "l2": L2_FR,
        "forms_from": "fr_core_news_sm 3.8.0 lemma lookup table (spaCy lookups data, MIT)",
        **{k: round(v, 4) for k, v in chosen.items()},
    }
    return StructureSentiment(weights, scale, scale_long, forms), meta


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the sentiment datasets folder")
    parser.add_argument("--lang", choices=["en", "fr", "all"], default="all")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if not (args.data / "en_vader_ratings.jsonl").exists():
        print(f"training data not found in {args.data}", file=sys.stderr)
        return 2
    if args.lang in ("fr", "all"):
        model, meta = train_french(args.data)
        model.save(MODEL_FR, meta)
        logger.info("wrote %s: %s", MODEL_FR, meta)
    if args.lang == "fr":
        return 0
    rows = load_rows(args.data / "en_vader_ratings.jsonl")
    weights = fit(rows)
    meta = {
        "trained_on": "en_vader_ratings.jsonl (Hutto & Gilbert 2014, MIT)",
        "rows": len(rows),
        "l2": L2,
        "min_count": MIN_COUNT,
    }
    save_weights(MODEL_EN, weights, meta)
    logger.info("wrote %s (%d weights)", MODEL_EN, len(weights))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
