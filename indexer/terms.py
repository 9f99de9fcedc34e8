"""Frequent terms in a set of documents, for 'what people say' and spike explanations."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"[#@]?[^\W\d_][\w'’-]{2,}", re.UNICODE)


_STOP_WORDS_FILE = Path(__file__).with_name("stopwords.txt")
_WEB_WORDS = ("http", "https", "www", "com", "html")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French and English function words (our own list: no spaCy import in the dashboard)."""
    words = (
        w.casefold().replace("’", "'")
        for line in _STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for w in line.split()
    )
    return frozenset((*words, *_WEB_WORDS))


def terms_of(text: str) -> set[str]:
    """The distinct content words of one text, case-folded, elisions removed."""
    out = {_term(w) for w in _WORD.findall(text)}
    out.discard("")
    return out


@lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    """One matched word as a term, or '' for a stop word: cached, as vocabularies repeat."""
    w = word.casefold().replace("’", "'")
    if "'" in w[:3]:
        w = w.split("'", 1)[1]
    w = w.strip("'-")
    return w if len(w) >= 3 and w not in stop_words() else ""


def top_terms_of(texts: Iterable[tuple[str, str | None]], limit: int = 50) -> list[tuple[str, int]]:
    """Terms ranked by how many of the (text, lang) documents use them."""
    counts: Counter[str] = Counter()
    for text, _lang in texts:
        counts.update(terms_of(text))
    return [(t, n) for t, n in counts.most_common(limit) if n > 1 or len(counts) < limit]
