"""How lexicon evidence adds up in a text, as features any language shares, and the linear scorer over them.

The French scorer is a ridge regression over these features, fitted on the English VADER ratings
(read with VADER's English lexicon) and applied to French text read with the French lexicons
(nlp/sentiment_fr.py): positive and negative evidence, negated, before and after a contrast word,
in the opening sentence, in a question, punctuation and length mean the same in both languages,
while no French data a shipped model may learn from is close to tweets or reviews. `python -m nlp.train_sentiment`
fits it; only its two scales (one for short texts, one for long ones) are chosen on French text,
the training halves of the French evaluation sets.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from nlp.sentiment_fr import (
    BARE,
    CONTRAST,
    FACES,
    OPENING,
    SENTENCE_END,
    french_tokens,
    lexicon,
    lookup,
    negation_marks,
    with_forms,
)

logger = logging.getLogger(__name__)

LONG_WORDS = 30  # texts this long (reviews, articles) get their own scale: their evidence is mixed
NEGATED = -0.74  # VADER's flip-and-dampen factor, for the one summary feature that needs a sign
ALPHA = 15.0  # VADER's normalisation constant

EN_CONTRAST = {"but", "however"}
EN_SENTENCE_END = {".", "...", "!", "?"}
_EN_TOKEN = re.compile(r"[:;=8]['-]?[()dp/\\|]|<3|[a-z]+(?:'[a-z]+)?|[!?]+|\.\.\.|[.;:,()]")
_EN_CLAUSE_END = {".", ";", ":", ",", "(", ")", "...", "but"}
_EN_NEGATORS = {"not", "no", "never", "nothing", "nobody", "none", "nor", "without", "cannot"}
NEGATION_REACH = 3  # English words after a negator that it covers (French: nlp/sentiment_fr.py)


@dataclass(frozen=True)
class Evidence:
    """A text read with a lexicon: tokens, each token's valence (VADER scale) and negation."""

    tokens: list[str]
    valences: list[float]
    negated: list[bool]


def _valences(
    tokens: Sequence[str], words: Mapping[str, float], max_phrase: int, find: Callable[[Mapping[str, float], str], float]
) -> tuple[list[float], list[int]]:
    """Each token's lexicon valence, longest phrase first, and how many tokens its entry covers."""
    n = len(tokens)
    vals = [0.0] * n
    span = [1] * n
    i = 0
    while i < n:
        for size in range(max_phrase, 1, -1):
            key = " ".join(tokens[i : i + size])
            if i + size <= n and key in words:
                vals[i], span[i] = words[key], size
                i += size
                break
        else:
            vals[i] = find(words, tokens[i])
            i += 1
    return vals, span


def french_evidence(text: str, words: Mapping[str, float] | None = None) -> Evidence:
    """French text read with vaderSentiment-fr's and textblob-fr's lexicons (or `words`) and French negation."""
    tokens = french_tokens(text[:20000])
    if words is None:
        words = lexicon()[0]
    vals, span = _valences(tokens, words, 4, lookup)
    marks = negation_marks(tokens)
    # an entry is negated when any of its words is ("j'aime pas"), unless it holds its own
    # negation ("pas mal" is an entry: its "pas" is not applied again) or is a face ("pas vu ;)")
    negated = [
        any(marks[i : i + span[i]])
        and tokens[i] not in FACES
        and not any(t in BARE or t in OPENING for t in tokens[i : i + span[i]])
        for i in range(len(tokens))
    ]
    return Evidence(tokens, vals, negated)


@lru_cache(maxsize=1)
def english_lexicon() -> dict[str, float]:
    """VADER's English lexicon (word → valence in [-4, 4])."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


def english_evidence(text: str) -> Evidence:
    """English text read with VADER's lexicon; a negator covers the next few words of its clause."""
    tokens = _EN_TOKEN.findall(text.lower()[:20000])
    words = english_lexicon()
    vals, _ = _valences(tokens, words, 1, lambda w, t: w.get(t, 0.0))
    negated = [False] * len(tokens)
    reach = 0
    for i, t in enumerate(tokens):
        if t in _EN_CLAUSE_END or t[0] in "!?":
            reach = 0
        elif t in _EN_NEGATORS or t.endswith("n't"):
            reach = NEGATION_REACH
        elif reach:
            negated[i] = True
            reach -= 1
    return Evidence(tokens, vals, negated)


def _sentences(tokens: Sequence[str], ends: set[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for i, t in enumerate(tokens):
        if t in ends or t[0] in "!?":
            spans.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def structure_features(ev: Evidence, contrast: set[str], ends: set[str]) -> dict[str, float]:
    """Positive and negative evidence, plain, negated, before and after a contrast word ("bon, mais
    sans plus": the English ratings discount what comes before "but"), in the opening sentence and in a
    question (log-damped sums of valences), the signed summary VADER computes, length, ! and ?."""
    tokens, vals = ev.tokens, ev.valences
    sentences = _sentences(tokens, ends)
    with_verdict = [s for s in sentences if any(vals[s[0] : s[1]])]
    opening = range(*with_verdict[0]) if len(with_verdict) >= 2 else range(0)
    after = [False] * len(tokens)
    before = [False] * len(tokens)
    for start, end in sentences:
        seen = False
        for i in range(start, end):
            after[i] = seen
            seen = seen or tokens[i] in contrast
        last = max((i for i in range(start, end) if tokens[i] in contrast), default=start)
        for i in range(start, last):
            before[i] = True
    asked = [False] * len(tokens)  # a verdict inside a question is less the writer's own
    for start, end in sentences:
        if "?" in tokens[end - 1]:
            asked[start:end] = [True] * (end - start)
    sums: dict[str, float] = {}
    total = 0.0
    for i, v in enumerate(vals):
        if not v:
            continue
        sign = "p" if v > 0 else "n"
        keys = [sign + ("N" if ev.negated[i] else "")]
        if after[i]:
            keys.append(sign + "A")
        if before[i]:
            keys.append(sign + "B")
        if i in opening:
            keys.append(sign + "1")
        if asked[i]:
            keys.append(sign + "Q")
        for key in keys:
            sums[key] = sums.get(key, 0.0) + abs(v)
        total += v * (NEGATED if ev.negated[i] else 1.0)
    feats = {f"lex:{k}": math.log1p(s) for k, s in sums.items()}
    feats["lex:compound"] = total / math.sqrt(total * total + ALPHA)
    feats["len:log"] = math.log1p(words_in(tokens))
    feats["punct:!"] = float(min(3, sum(t.count("!") for t in tokens)))
    feats["punct:?"] = 1.0 if any("?" in t for t in tokens) else 0.0
    feats["bias"] = 1.0
    return feats


def words_in(tokens: Sequence[str]) -> int:
    return sum(1 for t in tokens if t[:1].isalpha())


def french_features(text: str, words: Mapping[str, float] | None = None) -> dict[str, float]:
    return structure_features(french_evidence(text, words), CONTRAST, SENTENCE_END)


def english_features(text: str) -> dict[str, float]:
    return structure_features(english_evidence(text), EN_CONTRAST, EN_SENTENCE_END)


def shares(vals: Sequence[float], negated: Sequence[bool]) -> tuple[float, float]:
    """Positive and negative shares of a text's tokens, weighted by valence (VADER's pos/neg)."""
    signed = [v * (NEGATED if n else 1.0) for v, n in zip(vals, negated, strict=True)]
    pos = sum(v + 1 for v in signed if v > 0)
    neg = sum(-v + 1 for v in signed if v < 0)
    denom = pos + neg + sum(1 for v in signed if v == 0) or 1.0
    return pos / denom, neg / denom


@dataclass(frozen=True)
class StructureSentiment:
    """French: a linear score over `structure_features`, scaled so the language's neutral band applies:
    `scale` for short texts, `scale_long` for texts of `LONG_WORDS` words or more. `forms` maps inflected
    forms the lexicons lack to their lemma (nlp.sentiment_fr.inflected_forms, chosen at training)."""

    weights: dict[str, float]
    scale: float = 1.0
    scale_long: float = 1.0
    forms: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def words(self) -> dict[str, float]:
        """The lexicon this model reads French with: both lexicons, idioms and the inflected forms."""
        return with_forms(lexicon()[0], self.forms)

    def raw(self, ev: Evidence) -> float:
        feats = structure_features(ev, CONTRAST, SENTENCE_END)
        return sum(self.weights.get(k, 0.0) * v for k, v in feats.items())

    def scores(self, text: str) -> tuple[float, float, float]:
        """(score in [-1, 1], positive share, negative share); no evidence at all is 0."""
        ev = french_evidence(text, self.words)
        if not any(ev.valences):
            return 0.0, 0.0, 0.0
        scale = self.scale_long if words_in(ev.tokens) >= LONG_WORDS else self.scale
        score = max(-1.0, min(1.0, self.raw(ev) * scale))
        pos, neg = shares(ev.valences, ev.negated)
        return score, pos, neg

    def to_json(self, meta: dict[str, Any]) -> dict[str, Any]:
        return {
            "meta": meta,
            "scale": round(self.scale, 4),
            "scale_long": round(self.scale_long, 4),
            "long_words": LONG_WORDS,
            "weights": {k: round(v, 5) for k, v in sorted(self.weights.items())},
            "forms": dict(sorted(self.forms.items())),
        }

    def save(self, path: Path, meta: dict[str, Any]) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(self.to_json(meta), fh, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path: Path) -> StructureSentiment:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        forms = {str(k): str(v) for k, v in data.get("forms", {}).items()}
        return cls(weights, float(data["scale"]), float(data["scale_long"]), forms)
