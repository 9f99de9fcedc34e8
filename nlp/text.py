"""Length-preserving text folding and small string helpers shared by the matchers."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

logger = logging.getLogger(__name__)

_PUNCT_MAP = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "`": "'",
    "\u00b4": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u202f": " ",
}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """Fold one character to one character: no accents, lower case, plain apostrophe/hyphen."""
    if ch in _PUNCT_MAP:
        return _PUNCT_MAP[ch]
    if ch.isascii():
        return ch.lower()
    base = next((c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)), ch)
    low = base.lower()
    return low[0] if low else ch


def fold(text: str) -> str:
    """Fold a text for matching; the result has exactly the length of the input (offsets agree)."""
    if text.isascii():
        return text.lower()
    return "".join(fold_char(c) for c in text)


def fold_key(text: str) -> str:
    """A lookup key: folded, words separated by single spaces, no surrounding punctuation."""
    words = re.findall(r"[^\W_]+", fold(text))
    return " ".join(words)


def is_capitalised(text: str) -> bool:
    """True when the first letter is upper case (as place names usually are)."""
    first = next((c for c in text if c.isalpha()), "")
    return first.isupper()


def is_all_caps(text: str) -> bool:
    """True for shouted or headline text: every letter is upper case and there are several."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def looks_like_text(text: str) -> bool:
    """False for binary junk: mostly control or replacement characters."""
    if not text:
        return True
    sample = text[:4096]
    bad = sum(1 for c in sample if (unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\r\t")
              or c == "\ufffd")
    return bad / len(sample) < 0.3
