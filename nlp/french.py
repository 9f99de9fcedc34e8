"""vaderSentiment-fr's lexicon, read once with accents folded (sentiment and common-word evidence use it)."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

from nlp.text import fold


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
