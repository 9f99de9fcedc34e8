"""Watchlist matching: find configured territories and their aliases in a text, whatever the spelling."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from nlp.text import fold, is_capitalised

logger = logging.getLogger(__name__)

# Abbreviations people write for the same word in place names (French and English); an
# abbreviation may end with a full stop.
_SAME_WORD: dict[str, tuple[str, ...]] = {
    "saint": ("saint", "st"),
    "st": ("saint", "st"),
    "sainte": ("sainte", "ste"),
    "ste": ("sainte", "ste"),
    "mount": ("mount", "mt"),
    "mont": ("mont", "mt"),
    "mt": ("mount", "mont", "mt"),
    "fort": ("fort", "ft"),
}
_ABBREVIATIONS = {"st", "ste", "mt", "ft"}
_VARIANTS: dict[str, str] = {
    word: "(?:" + "|".join(f"{w}\\.?" if w in _ABBREVIATIONS else w for w in same) + ")"
    for word, same in _SAME_WORD.items()
}
_SEP = r"[\s\-_'.]{0,3}"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TerritoryMatch:
    """One watchlist hit: character offsets into the text and how it was written."""

    start: int
    end: int
    text: str
    territory: str
    tagged: bool  # written as a hashtag or a handle
    cased: bool  # capitalised like a name (or the alias itself is lower case)
    words: int


# French contracts a name's leading article with à and de: "aux Arcs", "des Arcs" (Les Arcs),
# "au Corbier", "du Grand-Bornand" (Le Corbier, Le Grand-Bornand).
_CONTRACTED: dict[str, tuple[str, ...]] = {"les": ("les", "des", "aux"), "le": ("le", "du", "au")}
_CONTRACTIONS: dict[str, str] = {w: "(?:" + "|".join(same) + ")" for w, same in _CONTRACTED.items()}


def alias_pattern(alias: str) -> str:
    """A regex over folded text for an alias: any case, accents, separators, St/Saint variants and
    the contractions of a leading French article."""
    words = _WORD.findall(fold(alias.lstrip("#@")))
    parts = [_VARIANTS.get(w, re.escape(w)) for w in words]
    if len(words) > 1 and words[0] in _CONTRACTIONS:
        parts[0] = _CONTRACTIONS[words[0]]
    return _SEP.join(parts)


def alias_spellings(alias: str) -> list[tuple[str, ...]]:
    """Every run of words a text matched by `alias_pattern(alias)` holds there, as a full-text
    index splits words (at anything but a letter or digit): the same variants and contractions,
    and words written together ("#valthorens", "SaintTropez") as one."""
    words = _WORD.findall(fold(alias.lstrip("#@")))
    if not words:
        return []
    choices = [_SAME_WORD.get(w, (w,)) for w in words]
    if len(words) > 1 and words[0] in _CONTRACTED:
        choices[0] = _CONTRACTED[words[0]]
    runs: set[tuple[str, ...]] = set()
    for spelled in product(*choices):
        for together in product((False, True), repeat=max(0, len(spelled) - 1)):
            run = [spelled[0]]
            for word, joined in zip(spelled[1:], together, strict=True):
                if joined:
                    run[-1] += word
                else:
                    run.append(word)
            runs.add(tuple(run))
    return sorted(runs)


def territory_names(territory: dict[str, Any]) -> list[str]:
    """The name and aliases of a territory, longest first, without duplicates."""
    names = [str(territory["name"]), *[str(a) for a in territory.get("aliases") or ()]]
    unique = {fold(n.lstrip("#@")): n for n in names if _WORD.search(n)}
    return sorted(unique.values(), key=len, reverse=True)


class WatchlistMatcher:
    """All territories compiled into one regex; `find` returns non-overlapping hits, longest first."""

    def __init__(self, territories: Sequence[dict[str, Any]]) -> None:
        alternatives: list[tuple[int, str, str]] = []
        for t in territories:
            for name in territory_names(t):
                pattern = alias_pattern(name)
                if pattern:
                    alternatives.append((len(name), pattern, str(t["id"])))
        alternatives.sort(key=lambda a: -a[0])
        self._ids = [tid for _, _, tid in alternatives]
        self._lower_aliases = {
            str(t["id"]): any(n == n.lower() and not n.startswith(("#", "@")) for n in territory_names(t))
            for t in territories
        }
        body = "|".join(f"(?P<t{i}>{p})" for i, (_, p, _) in enumerate(alternatives))
        self._regex = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])") if body else None

    def find(self, text: str) -> list[TerritoryMatch]:
        """Every watchlist hit in `text` (offsets index `text`)."""
        if self._regex is None or not text:
            return []
        folded = fold(text)
        hits: list[TerritoryMatch] = []
        for m in self._regex.finditer(folded):
            tid = self._ids[int((m.lastgroup or "t0")[1:])]
            start, end = m.span()
            tagged = start > 0 and text[start - 1] in "#@"
            if tagged:
                start -= 1
            surface = text[start:end]
            words_found = _WORD.findall(surface)
            cased = (
                tagged
                or any(is_capitalised(w) for w in words_found if len(w) > 2)
                or self._lower_aliases[tid]
            )
            words = len(words_found)
            hits.append(TerritoryMatch(start, end, surface, tid, tagged, cased, words))
        return hits


def excluded(sentence: str, phrases: Sequence[str]) -> bool:
    """True when a territory's exclude phrase occurs in the sentence (the last-resort veto)."""
    folded = fold(sentence)
    return any(
        re.search(rf"(?<![^\W_]){alias_pattern(p)}(?![^\W_])", folded) for p in phrases if p.strip()
    )
