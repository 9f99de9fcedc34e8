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
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core.models import NEUTRAL_BANDS, sentiment_label
from nlp.linear import LinearSentiment, features, probability, save_weights, verdict_probability
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
PLAIN_WRITTEN = Path(__file__).parent / "data" / "sentiment_plain_en.txt"  # ours; evaluation's are elsewhere
L2_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)
MIN_COUNT = 2
FOLDS = 5
NEUTRAL_RATING = 0.5  # a mean rating within half a point of 0 (-4..+4, ten raters): raters gave no verdict
VERDICT_CUTS = [round(0.05 * i, 2) for i in range(11)]  # verdict probabilities tried as the neutral cut
SIGN_TIE = 0.001  # sign accuracies closer than this are a tie, which the stronger regularisation wins
WRITTEN_WEIGHTS = (1.0, 3.0, 10.0, 30.0, 100.0)  # how many rated texts each written plain statement counts as
SIGN_COST = 0.0025  # the sign accuracy the verdict cut may cost, out of fold on the training half
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


def fit(rows: Sequence[dict[str, Any]], l2: float, cache: dict[str, dict[str, float]] | None = None
        ) -> dict[str, float]:
    """L2-regularised logistic regression on the sign of the rating, weighted by its strength."""
    feats = [_features(r, cache) for r in rows]
    return fit_logistic(feats, [1.0 if float(r["rating"]) > 0 else 0.0 for r in rows],
                        [min(3.0, abs(float(r["rating"]))) for r in rows], _vocab(feats), l2, maxiter=300)


def fit_verdict(rows: Sequence[dict[str, Any]], l2: float, cache: dict[str, dict[str, float]] | None = None,
                written: Sequence[dict[str, Any]] = (), written_weight: float = 1.0) -> dict[str, float]:
    """L2-regularised logistic regression on whether raters gave a verdict: a mean rating of ±1 or
    more against one within NEUTRAL_RATING of 0 (the texts in between are left out), with `written`
    rows (our plain statements about places) as no verdict, each counted `written_weight` times."""
    kept = [r for r in rows if three_class_gold(float(r["rating"])) is not None]
    feats = [_features(r, cache) for r in (*kept, *written)]
    return fit_logistic(feats, [0.0 if three_class_gold(float(r["rating"])) == "neutral" else 1.0 for r in kept]
                        + [0.0] * len(written), [1.0] * len(kept) + [written_weight] * len(written),
                        _vocab(feats), l2, maxiter=300)


@lru_cache(maxsize=2)
def written_plain(path: Path = PLAIN_WRITTEN) -> tuple[dict[str, Any], ...]:
    """Plain factual sentences about places we wrote (timetables, figures, openings), as rows rated 0:
    the ratings hold few texts of the kind a destination's news is full of."""
    lines = [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    return tuple({"id": f"written-plain-{i}", "text": t, "rating": 0.0} for i, t in enumerate(lines))


@lru_cache(maxsize=200_000)
def _cached_vader(text: str) -> tuple[float, float, float]:
    return vader_en_scores(text)


def _features(row: dict[str, Any], cache: dict[str, dict[str, float]] | None) -> dict[str, float]:
    if cache is None:
        return features(row["text"], vader_en_scores(row["text"]))
    if row["id"] not in cache:
        cache[row["id"]] = features(row["text"], vader_en_scores(row["text"]))
    return cache[row["id"]]


def _vocab(feats: Sequence[Mapping[str, float]]) -> dict[str, int]:
    counts = Counter(k for f in feats for k in f)
    return {k: i for i, k in enumerate(sorted(k for k, c in counts.items() if c >= MIN_COUNT))}


def three_class_gold(rating: float) -> str | None:
    """neg at -1 or below, neutral within NEUTRAL_RATING of 0, pos at +1 or above; None in between."""
    if rating <= -1.0:
        return "negative"
    if rating >= 1.0:
        return "positive"
    return "neutral" if abs(rating) < NEUTRAL_RATING else None


def fold_of(row_id: str) -> int:
    """The cross-validation fold of a row, by a hash of its id."""
    return int(hashlib.sha1(row_id.encode("utf-8")).hexdigest()[:8], 16) % FOLDS


def fit_english(rows: Sequence[dict[str, Any]], settings: Mapping[str, float],
                cache: dict[str, dict[str, float]] | None = None) -> LinearSentiment:
    """The English model learnt from `rows` with `settings` (as `choose_english` returns them): the
    sign model on rows rated ±0.25 or more, the verdict model on all of them and our written plain
    statements, texts under the verdict cut scoring 0."""
    signed = [r for r in rows if abs(float(r["rating"])) >= 0.25]
    cut = settings.get("verdict_cut", 0.0)
    verdict = fit_verdict(rows, settings["l2_verdict"], cache, written_plain(),
                          settings["written_weight"]) if cut > 0 else None
    return LinearSentiment(fit(signed, settings["l2"], cache), vader_en_scores, verdict, cut)


def english_figures(rows: Sequence[dict[str, Any]], labels: Mapping[str, str]) -> tuple[float, float]:
    """Sign accuracy on the rows rated ±1 or more (a neutral label is a miss) and three-class macro-F1."""
    rated = [r for r in rows if abs(float(r["rating"])) >= 1.0]
    sign = sum(1 for r in rated if labels[r["id"]] == ("positive" if float(r["rating"]) > 0 else "negative"))
    pairs = [(g, labels[r["id"]]) for r in rows if (g := three_class_gold(float(r["rating"]))) is not None]
    return sign / max(1, len(rated)), macro_f1([g for g, _ in pairs], [p for _, p in pairs])


def choose_english(rows: Sequence[dict[str, Any]]) -> tuple[dict[str, float], dict[str, float]]:
    """The settings of the English model, chosen by cross-validation on `rows` (the training half)
    and on our written plain statements (their own folds): the sign model's L2 with the best sign
    accuracy (the strongest within SIGN_TIE of it); then, among the verdict settings (L2, weight of
    the written statements, cut) costing at most SIGN_COST of that accuracy, those with the best mean
    of three-class macro-F1 and the share of held-out written statements left neutral."""
    cache: dict[str, dict[str, float]] = {}
    band = NEUTRAL_BANDS["en"]
    written = written_plain()

    def out_of_fold(l2: float, verdict_weight: float | None = None) -> dict[str, float]:
        probs: dict[str, float] = {}
        for k in range(FOLDS):
            train = [r for r in rows if fold_of(r["id"]) != k]
            if verdict_weight is None:
                weights = fit([r for r in train if abs(float(r["rating"])) >= 0.25], l2, cache)
            else:
                weights = fit_verdict(train, l2, cache, [r for r in written if fold_of(r["id"]) != k], verdict_weight)
            held = [r for r in (*rows, *written) if fold_of(r["id"]) == k]
            if verdict_weight is None:
                probs.update({r["id"]: probability(weights, _features(r, cache)) for r in held})
            else:  # as the product reads a verdict: its most telling sentence
                probs.update({r["id"]: verdict_probability(weights, r["text"], _cached_vader, _features(r, cache))
                              for r in held})
        return probs

    def figures(signs: dict[str, float], verdicts: dict[str, float] | None, cut: float) -> tuple[float, float, float]:
        labels = {r["id"]: "neutral" if verdicts is not None and verdicts[r["id"]] < cut
                  else sentiment_label(2.0 * signs[r["id"]] - 1.0, band=band) for r in (*rows, *written)}
        plain = sum(1 for r in written if labels[r["id"]] == "neutral") / max(1, len(written))
        return (*english_figures(rows, labels), plain)

    by_l2 = {l2: out_of_fold(l2) for l2 in L2_GRID}
    for l2, signs in by_l2.items():
        logger.info("English sign L2 %.2f: sign accuracy %.4f out of fold", l2, figures(signs, None, 0.0)[0])
    top = max(figures(signs, None, 0.0)[0] for signs in by_l2.values())
    l2 = max(v for v in L2_GRID if figures(by_l2[v], None, 0.0)[0] >= top - SIGN_TIE)
    signs = by_l2[l2]
    sign0, macro0, plain0 = figures(signs, None, 0.0)
    best = ((macro0 + plain0) / 2, (sign0, macro0, plain0),
            {"l2": l2, "l2_verdict": l2, "written_weight": 0.0, "verdict_cut": 0.0})
    for l2_verdict in L2_GRID:
        for weight in WRITTEN_WEIGHTS:
            verdicts = out_of_fold(l2_verdict, weight)
            for cut in VERDICT_CUTS:
                sign, macro, plain = figures(signs, verdicts, cut)
                if sign >= sign0 - SIGN_COST and (macro + plain) / 2 > best[0] + 1e-9:
                    best = ((macro + plain) / 2, (sign, macro, plain),
                            {"l2": l2, "l2_verdict": l2_verdict, "written_weight": weight, "verdict_cut": cut})
    _, (sign, macro, plain), chosen = best
    return chosen, {"sign_accuracy_oof": round(sign, 4), "three_class_macro_f1_oof": round(macro, 4),
                    "written_plain_neutral_oof": round(plain, 4), "ungated_sign_accuracy_oof": round(sign0, 4),
                    "ungated_three_class_macro_f1_oof": round(macro0, 4), "ungated_written_plain_neutral_oof": round(plain0, 4)}


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
        french, french_meta = train_french(args.data)
        french.save(MODEL_FR, french_meta)
        logger.info("wrote %s: %s", MODEL_FR, french_meta)
    if args.lang == "fr":
        return 0
    rows = read_jsonl(args.data / "en_vader_ratings.jsonl")
    chosen, figures = choose_english([r for r in rows if not in_validation(r["id"])])
    english = fit_english(rows, chosen)
    meta = {
        "trained_on": "en_vader_ratings.jsonl (Hutto & Gilbert 2014, MIT)",
        "rows": len(rows),
        "min_count": MIN_COUNT,
        **chosen,
        "chosen_on": "training half (nlp.train_sentiment.in_validation false), 5 folds",
        **figures,
    }
    save_weights(MODEL_EN, english.weights, meta, english.verdict)
    logger.info("wrote %s (%d weights, %d verdict weights): %s", MODEL_EN, len(english.weights),
                len(english.verdict), meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
