"""Near-duplicate detection for syndicated copies: MinHash LSH over word shingles."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH

from placewatch.models import RawDocument

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
NUM_PERM = 64
SHINGLE = 5
MIN_WORDS = 40  # shorter texts (posts, teasers) share too much by chance to be grouped


def word_shingles(text: str, n: int = SHINGLE) -> set[bytes]:
    """Set of n-word shingles of a case-folded text."""
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(max(0, len(words) - n + 1))}


class NearDuplicateIndex:
    """Groups near-identical texts: `find` returns the id of the first copy seen, if any."""

    def __init__(self, threshold: float = 0.7, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        # Drawn once: every MinHash shares them instead of drawing (and keeping) its own copy.
        first = MinHash(num_perm=num_perm)
        self._scheme, self._permutations = first.scheme, first.permutations
        self._hashes: dict[str, MinHash] = {}
        self._root: dict[str, str] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def _minhash(self, text: str) -> MinHash | None:
        shingles = word_shingles(text)
        if len(shingles) < MIN_WORDS - SHINGLE + 1:
            return None
        m = MinHash(num_perm=self.num_perm, scheme=self._scheme, permutations=self._permutations)
        m.update_batch(list(shingles))
        return m

    def find(self, text: str, minhash: MinHash | None = None) -> str | None:
        """The group (first copy's id) a text belongs to, or None when it is original."""
        m = minhash or self._minhash(text)
        if m is None or not self._hashes:
            return None
        candidates = [c for c in self._lsh.query(m) if m.jaccard(self._hashes[c]) >= self.threshold]
        if not candidates:
            return None
        roots = {self._root[c] for c in candidates}
        return min(roots, key=lambda r: self._order.get(r, 0))

    def add(self, doc_id: str, text: str, duplicate_of: str | None = None) -> str | None:
        """Index a document; returns the group it joined (None when it starts its own)."""
        if doc_id in self._hashes:
            return self._root[doc_id] if self._root[doc_id] != doc_id else None
        m = self._minhash(text)
        if m is None:
            return None
        group = duplicate_of or self.find(text, m)
        self._lsh.insert(doc_id, m)
        self._hashes[doc_id] = m
        self._order[doc_id] = len(self._order)
        self._root[doc_id] = group or doc_id
        if group and group not in self._order:
            self._order[group] = -1  # a root known only through its copies came first
            self._root.setdefault(group, group)
        return group

    def load(self, docs: Iterable[RawDocument], limit: int = 20000) -> int:
        """Index stored documents (oldest first, as collected) so new copies join their groups."""
        n = 0
        for doc in sorted(docs, key=lambda d: d.collected)[-limit:]:
            self.add(doc.id, doc.text, doc.duplicate_of)
            n += 1
        return n
