"""What a watchlist change can affect: fingerprints, the territories that changed, and the
phrases that find their documents in a full-text index."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from config import Territory
from nlp.pipeline import territory_config
from nlp.watchlist import alias_spellings, territory_names

# Fields of a territory the analysis never reads: a change there re-analyses nothing.
UNANALYSED_FIELDS = ("groups",)
# A label's suffix for analyses of texts whose names a full-text index may not find as the
# matcher does (see `index_may_misread`): those documents are re-analysed after any change.
MISREAD = "*"

Entries = list[dict[str, Any]]
Phrase = tuple[str, ...]


def watchlist_entries(territories: Sequence[Territory]) -> Entries:
    """The territories as the analysis sees them, in the order it sees them (JSON-ready)."""
    return [
        {k: v for k, v in t.items() if k not in UNANALYSED_FIELDS} for t in territory_config(territories)
    ]


def fingerprint(entries: Entries) -> str:
    """A short stable name for a watchlist: equal fingerprints, equal analyses."""
    blob = json.dumps(entries, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class WatchlistChange:
    """From one watchlist to another: the territories added, removed or edited, and the word
    runs a document must hold for the change to touch it."""

    changed: frozenset[str]
    removed: frozenset[str]
    phrases: tuple[Phrase, ...]

    def __bool__(self) -> bool:
        return bool(self.changed)


def moved(old_ids: Sequence[str], new_ids: Sequence[str]) -> set[str]:
    """Territories whose order relative to the others changed (the matcher tries names of equal
    length in watchlist order, so order can decide between two territories sharing a name)."""
    kept = set(old_ids) & set(new_ids)
    before = [i for i in old_ids if i in kept]
    after = [i for i in new_ids if i in kept]
    return {i for pair in zip(before, after, strict=True) if pair[0] != pair[1] for i in pair}


def watchlist_change(old: Entries, new: Entries) -> WatchlistChange:
    """What changed between two watchlists, per territory id.

    A document's analysis depends on a territory only through the places the matcher finds for
    its names (and the mentions already stored for it), so a change needs the documents holding
    any name of a changed territory, old or new: a renamed territory, an alias or exclusion
    added or removed, another kind or position all re-analyse exactly those.
    """
    before = {str(t["id"]): t for t in old}
    after = {str(t["id"]): t for t in new}
    changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
    changed |= moved(list(before), list(after))
    removed = frozenset(before.keys() - after.keys())
    phrases: dict[Phrase, None] = {}
    for tid in sorted(changed):
        for entry in (before.get(tid), after.get(tid)):
            if entry is not None:
                for name in territory_names(entry):
                    phrases.update(dict.fromkeys(alias_spellings(name)))
    return WatchlistChange(frozenset(changed), removed, tuple(phrases))


def index_may_misread(text: str) -> bool:
    """True when the text holds letters the matcher folds through a compatibility mapping (𝐓𝐢𝐠𝐧𝐞𝐬,
    Ｔｉｇｎｅｓ, ﬁ) or a modifier apostrophe (dʼAnnecy): a full-text index keeps those as written,
    so a name spelled with them is found by the matcher but not by the index."""
    if text.isascii():
        return False
    return any(
        c == "\u02bc" or (c.isalpha() and unicodedata.decomposition(c).startswith("<"))
        for c in set(text) if ord(c) > 127
    )


__all__ = [
    "MISREAD",
    "WatchlistChange",
    "fingerprint",
    "index_may_misread",
    "watchlist_change",
    "watchlist_entries",
]
