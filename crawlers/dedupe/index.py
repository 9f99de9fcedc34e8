"""Near-duplicate detection for syndicated copies: MinHash LSH over word shingles."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from core.models import RawDocument
from crawlers.dedupe.shingles import Permutations, Sketch, shingle_hashes, sketch

logger = logging.getLogger(__name__)

NUM_PERM = 64
_SCHEME = "affine32"
# Drawn once per process (datasketch's default seed, so the same in every process): extraction
# workers sketch articles with them, and every sketch of the index is a LeanMinHash.
_FIRST = MinHash(num_perm=NUM_PERM, scheme=_SCHEME)
PERMUTATIONS: Permutations = _FIRST.permutations
SEED: int = _FIRST.seed


class NearDuplicateIndex:
    """Groups near-identical texts: `find` returns the id of the first copy seen, if any."""

    def __init__(self, threshold: float = 0.7, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        # Missing a copy costs more than comparing a few more candidates: with datasketch's
        # even weights (8 bands of 8 rows) a pair at Jaccard 0.8 was a candidate only 77% of
        # the time; 10 bands of 6 rows make it 95% (0.7: 38% -> 71%).
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.3, 0.7))
        if num_perm == NUM_PERM:
            self._permutations, self._seed = PERMUTATIONS, SEED
        else:
            first = MinHash(num_perm=num_perm, scheme=_SCHEME)
            self._permutations, self._seed = first.permutations, first.seed
        # Each indexed sketch's hash values, one row per document, so the LSH candidates of a
        # new text are compared in one numpy operation rather than one call per candidate.
        self._rows: dict[str, int] = {}
        self._values = np.empty((256, num_perm), dtype=np.uint64)
        self._root: dict[str, str] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def _minhash(self, text: str, values: Sketch | None = None) -> LeanMinHash | None:
        if values is None:
            values = sketch(shingle_hashes(text), self._permutations)
        if values is None:
            return None
        return LeanMinHash(seed=self._seed, hashvalues=values, scheme=_SCHEME)

    def find(self, text: str, minhash: LeanMinHash | None = None) -> str | None:
        """The group (first copy's id) a text belongs to, or None when it is original."""
        m = minhash or self._minhash(text)
        if m is None or not self._rows:
            return None
        found = list(self._lsh.query(m))
        if not found:
            return None
        rows = self._values[[self._rows[c] for c in found]]
        # Estimated Jaccard (share of equal hash values) at or above the threshold.
        close = np.count_nonzero(rows == m.hashvalues, axis=1) >= self.threshold * self.num_perm
        candidates = [c for c, ok in zip(found, close, strict=True) if ok]
        if not candidates:
            return None
        roots = {self._root[c] for c in candidates}
        return min(roots, key=lambda r: self._order.get(r, 0))

    def add(
        self,
        doc_id: str,
        text: str,
        duplicate_of: str | None = None,
        values: Sketch | None = None,
    ) -> str | None:
        """Index a document; returns the group it joined (None when it starts its own).

        `values` is the text's sketch (`shingles.sketch` with `PERMUTATIONS`) when the caller
        has it already: an extraction worker computes it beside the article.
        """
        if doc_id in self._rows:
            return self._root[doc_id] if self._root[doc_id] != doc_id else None
        m = self._minhash(text, values)
        if m is None:
            return None
        group = duplicate_of or self.find(text, m)
        self._lsh.insert(doc_id, m)
        row = len(self._rows)
        if row == len(self._values):
            self._values = np.concatenate([self._values, np.empty_like(self._values)])
        self._values[row] = m.hashvalues
        self._rows[doc_id] = row
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
