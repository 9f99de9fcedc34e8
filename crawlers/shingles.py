"""Word-shingle hashes of a text: what near-duplicate grouping compares (pure, numpy only).

Its own module so an extraction worker can compute them beside the article, without
importing datasketch (and the scipy it pulls in) into every worker.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5
# Odd 64-bit multiplier (2^64 / golden ratio) for chaining word hashes into a shingle hash.
_CHAIN = np.uint64(0x9E3779B97F4A7C15)

ShingleHashes = npt.NDArray[np.uint32]


def shingle_hashes(text: str, n: int = SHINGLE) -> ShingleHashes:
    """Distinct 32-bit hashes of the n-word shingles of a case-folded text (one per shingle).

    Each word is hashed once (CRC-32, stable across processes) and the n hashes of a
    shingle are chained in 64 bits with numpy, instead of building and SHA-1 hashing
    a string per shingle: about three times cheaper on a 300-word article.
    """
    words = _WORD.findall(text.casefold())
    count = len(words) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint32)
    word_hashes = np.fromiter(
        map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words)
    )
    chained = word_hashes[:count].copy()
    for k in range(1, n):
        chained *= _CHAIN
        chained += word_hashes[k : k + count]
    chained = np.unique(chained)
    return (chained ^ (chained >> np.uint64(32))).astype(np.uint32)
