"""A small bag-of-words logistic model on top of lexicon scores: features, prediction, (de)serialisation."""

from __future__ import annotations

import gzip
import json
import logging
import math
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[a-zà-ÿ0-9]+(?:'[a-z]+)?|[!?]+|[:;=8][-']?[()dpDP/\\|]")
_NEGATORS = {"not", "no", "never", "nothing", "nobody", "none", "nor", "cannot", "without"}
_CLAUSE_END = {".", ",", ";", ":", "!", "?", "but"}

LexiconScorer = Callable[[str], tuple[float, float, float]]


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; a word after a negation (until the clause ends) gets a 'NOT_' mark."""
    out: list[str] = []
    negated = False
    for raw in re.findall(r"[\w']+|[^\w\s]+", text.lower()[:20000]):
        if raw in _CLAUSE_END or any(c in raw for c in ".,;!?"):
            negated = False
            if "!" in raw or "?" in raw:
                out.append("!" if "!" in raw else "?")
            continue
        if raw in _NEGATORS or raw.endswith("n't"):
            negated = True
            out.append("NEG")
            continue
        if _TOKEN.fullmatch(raw) or raw.isalpha():
            out.append(("NOT_" + raw) if negated else raw)
    return out


def features(text: str, lexicon: tuple[float, float, float]) -> dict[str, float]:
    """Unigrams, bigrams and the lexicon scorer's outputs as one sparse feature dict."""
    toks = tokens(text)
    feats: dict[str, float] = {}
    for t in toks:
        feats["w:" + t] = 1.0
    for a, b in pairwise(toks):
        feats[f"b:{a}_{b}"] = 1.0
    compound, pos, neg = lexicon
    feats["lex:compound"] = compound
    feats["lex:pos"] = pos
    feats["lex:neg"] = neg
    feats["lex:none"] = 1.0 if compound == 0.0 else 0.0
    feats["bias"] = 1.0
    return feats


def probability(weights: dict[str, float], feats: dict[str, float]) -> float:
    """P(label = 1) of a logistic model with these weights."""
    z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")
MAX_VERDICT_SENTENCES = 60  # sentences of a text the verdict model reads, at most


def sentences(text: str) -> list[str]:
    """The text's sentences, cut after . ! ? and at line breaks (a cheap cut: the verdict model was
    learnt on single rated sentences and snippets)."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()] or [text]


def verdict_probability(weights: dict[str, float], text: str, lexicon: LexiconScorer,
                        whole: dict[str, float] | None = None, enough: float = math.inf) -> float:
    """How likely the text gives a verdict: that of its most telling sentence (a post that says
    "the best trip we've had" among its timetables gives one; the words of a long text, summed as one,
    read as none). `whole` are the text's own features, reused when it is one sentence; the reading
    stops at the first sentence reaching `enough`."""
    parts = sentences(text)
    if len(parts) == 1:
        return probability(weights, whole if whole is not None else features(text, lexicon(text)))
    best = 0.0
    for part in parts[:MAX_VERDICT_SENTENCES]:
        best = max(best, probability(weights, features(part, lexicon(part))))
        if best >= enough:
            break
    return best


class LinearSentiment:
    """Two logistic models over `features`: which way a verdict leans (`weights`; `score` maps the
    probability of positive to [-1, 1]) and, when given, whether the text gives a verdict at all
    (`verdict`, read sentence by sentence). A text whose verdict probability is under `verdict_cut`
    scores 0: "The museum opens at nine" is no verdict, though the sign model, which only ever saw
    rated texts, leans."""

    def __init__(
        self, weights: dict[str, float], lexicon: LexiconScorer,
        verdict: dict[str, float] | None = None, verdict_cut: float = 0.0,
    ) -> None:
        self.weights = weights
        self.lexicon = lexicon
        self.verdict = verdict or {}
        self.verdict_cut = verdict_cut

    def scores(self, text: str) -> tuple[float, float, float]:
        """(score in [-1, 1], positive share, negative share) for a text."""
        lex = self.lexicon(text)
        feats = features(text, lex)
        if self.verdict and \
                verdict_probability(self.verdict, text, self.lexicon, feats, enough=self.verdict_cut) < self.verdict_cut:
            return 0.0, lex[1], lex[2]
        return 2.0 * probability(self.weights, feats) - 1.0, lex[1], lex[2]

    @classmethod
    def load(cls, path: Path, lexicon: LexiconScorer) -> LinearSentiment:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        verdict = {str(k): float(v) for k, v in data.get("verdict", {}).items()}
        return cls({str(k): float(v) for k, v in data["weights"].items()}, lexicon, verdict,
                   float(data.get("meta", {}).get("verdict_cut", 0.0)))


def kept_weights(weights: dict[str, float]) -> dict[str, float]:
    """Weights as shipped: rounded to 4 places, the zeros dropped, sorted by name."""
    return {k: round(v, 4) for k, v in sorted(weights.items()) if abs(v) >= 1e-4}


def save_weights(
    path: Path, weights: dict[str, float], meta: dict[str, object], verdict: dict[str, float] | None = None
) -> None:
    """Write the weights (rounded, zeros dropped) as gzipped JSON next to the code."""
    data: dict[str, object] = {"meta": meta, "weights": kept_weights(weights)}
    if verdict:
        data["verdict"] = kept_weights(verdict)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
