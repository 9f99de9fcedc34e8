"""Near-duplicate detection for syndicated copies: MinHash LSH over word shingles."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH

from crawlers.shingles import SHINGLE, ShingleHashes, shingle_hashes
from placewatch.models import RawDocument

logger = logging.getLogger(__name__)

NUM_PERM = 64
MIN_WORDS = 40  # shorter texts (posts, teasers) share too much by chance to be grouped
_SCHEME = "affine32"
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


def _fmix32(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's finalizer, as datasketch's affine32 scheme applies it before permuting."""
    s1, m1, s2, m2 = _FMIX32
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s1)


class NearDuplicateIndex:
    """Groups near-identical texts: `find` returns the id of the first copy seen, if any."""

    def __init__(self, threshold: float = 0.7, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        # Drawn once: every sketch is a LeanMinHash (hash values and seed, no permutations).
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

    def _minhash(self, text: str, shingles: ShingleHashes | None = None) -> LeanMinHash | None:
        hashes = shingle_hashes(text) if shingles is None else shingles
        if len(hashes) < MIN_WORDS - SHINGLE + 1:
            return None
        # datasketch's affine32 permutations applied to all shingles at once (uint32 wraps
        # around, which is the intended modulo 2^32); the MinHash is built from the minima.
        a, b = self._permutations
        permuted = _fmix32(hashes)[:, np.newaxis] * a + b
        return LeanMinHash(seed=self._seed, hashvalues=permuted.min(axis=0), scheme=_SCHEME)

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
        shingles: ShingleHashes | None = None,
    ) -> str | None:
        """Index a document; returns the group it joined (None when it starts its own).

        `shingles` are `shingle_hashes(text)` when the caller has them already (an
        extraction worker computes them beside the article).
        """
        if doc_id in self._rows:
            return self._root[doc_id] if self._root[doc_id] != doc_id else None
        m = self._minhash(text, shingles)
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
