"""Cutting a stream of items into lists of at most n, for stores and analysers that work in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `n` items, in order; the last may be shorter."""
    if n < 1:
        raise ValueError("batch size must be at least 1")
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


__all__ = ["batched"]
