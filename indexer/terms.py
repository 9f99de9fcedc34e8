"""Frequent terms in a set of documents, for 'what people say' and spike explanations."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[#@]?[^\W\d_][\w'’-]{2,}", re.UNICODE)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French and English stop words from spaCy, plus web boilerplate words."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    extra = {"http", "https", "www", "com", "les", "des", "est", "été", "cette", "plus", "also"}
    return frozenset(w.casefold() for w in (*EN, *FR, *extra))


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
