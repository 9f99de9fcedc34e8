"""A VADER-style French sentiment scorer over vaderSentiment-fr's lexicon, with French negation rules."""

from __future__ import annotations

import logging
import math
import re
import warnings
from functools import lru_cache
from pathlib import Path

from nlp.text import fold

logger = logging.getLogger(__name__)

NEG_SCALAR = -0.74  # VADER's empirically derived flip-and-dampen factor for negated words
BOOST = 0.293
ALPHA = 15.0
NEGATIVE_WEIGHT = 1.6  # French lexicon valences of negative words are weaker than VADER's: rebalance
CLOSING = {"pas", "jamais", "plus", "rien", "guere", "aucun", "aucune", "personne", "nullement", "point"}
OPENING = {"ne", "n'"}
BARE = {"pas", "jamais", "sans", "aucun", "aucune", "ni"}
CONTRAST = {"mais", "cependant", "pourtant", "toutefois", "neanmoins"}
_TOKEN = re.compile(r"[a-z]+'|[a-z]+(?:-[a-z]+)*|[!?]+|[.;:,]")


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, float], dict[str, float]]:
    """Word → valence from vaderSentiment-fr's lexicon (accents folded) and its booster words."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import vaderSentiment_fr.vaderSentiment as vfr

    path = Path(vfr.__file__).parent / "fr_lexicon.txt"
    words: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition("->")
        try:
            words[fold(word.strip())] = float(value.split()[0])
        except (ValueError, IndexError):
            continue
    boosters = {fold(k): float(v) for k, v in vfr.BOOSTER_DICT.items()}
    return words, boosters


def french_tokens(text: str) -> list[str]:
    """Folded tokens with elisions split off (n'aime → n' aime) and punctuation kept."""
    return _TOKEN.findall(fold(text).replace("’", "'"))


def valences(tokens: list[str]) -> list[float]:
    """Per-token valence after boosters, negation scope and contrast ('mais') weighting."""
    words, boosters = lexicon()
    vals = [0.0] * len(tokens)
    i = 0
    while i < len(tokens):
        two = f"{tokens[i]} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if two in words:
            vals[i], skip = words[two], 2
        else:
            vals[i], skip = words.get(tokens[i], 0.0), 1
        if vals[i] and i > 0 and tokens[i - 1] in boosters:
            vals[i] += math.copysign(BOOST, vals[i]) * (1 if boosters[tokens[i - 1]] > 0 else -1)
        i += skip
    # negation: "ne ... pas" covers the words between and two after; a bare "pas" the neighbours
    negated = [False] * len(tokens)
    for i, t in enumerate(tokens):
        if t in OPENING:
            j = i + 1
            while j < len(tokens) and tokens[j] not in CLOSING and j - i < 6 and tokens[j] not in ".;:,!?":
                negated[j] = True
                j += 1
            for k in range(j + 1, min(j + 3, len(tokens))):
                if tokens[k] in ".;:,!?":
                    break
                negated[k] = True
        elif t in BARE and (i == 0 or tokens[i - 1] not in OPENING):
            if i > 0 and tokens[i - 1] not in ".;:,!?" and t == "pas":
                negated[i - 1] = True
            for k in range(i + 1, min(i + 3, len(tokens))):
                if tokens[k] in ".;:,!?":
                    break
                negated[k] = True
    for i, v in enumerate(vals):
        if v and negated[i]:
            vals[i] = v * NEG_SCALAR
        if vals[i] < 0:
            vals[i] *= NEGATIVE_WEIGHT
    for i, t in enumerate(tokens):
        if t in CONTRAST:
            for k in range(i):
                vals[k] *= 0.5
            for k in range(i + 1, len(vals)):
                vals[k] *= 1.5
    return vals


def french_scores(text: str) -> tuple[float, float, float]:
    """(compound in [-1, 1], positive share, negative share), VADER's normalisation."""
    toks = french_tokens(text[:20000])
    vals = valences(toks)
    total = sum(vals)
    bangs = min(4, sum(t.count("!") for t in toks))
    if total:
        total += math.copysign(0.292 * bangs, total)
    compound = total / math.sqrt(total * total + ALPHA) if total else 0.0
    pos = sum(v + 1 for v in vals if v > 0)
    neg = sum(abs(v) + 1 for v in vals if v < 0)
    neutral = sum(1 for v in vals if v == 0)
    denom = pos + neg + neutral or 1.0
    return compound, pos / denom, neg / denom
