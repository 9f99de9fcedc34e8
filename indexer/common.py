"""What both store backends do the same way: source-state and outbox encoding, batches, top terms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from core.models import parse_datetime
from indexer.base import OutboxMessage, RankedValue, SourceState
from indexer.terms import terms_of, top_terms_of

T = TypeVar("T")

TERMS_SAMPLE = 2000  # latest documents read for top terms, by either backend
OUTBOX_ERROR_CHARS = 500  # an outbox entry keeps this much of its last delivery error

_STATE_TIMES = ("last_attempt", "last_success", "next_attempt")


def last_per_id(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """The last item per document id, in order of first appearance: a batch may carry one twice."""
    return list({key(item): item for item in items}.values())


def first_per_key(messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """The first message per outbox key: queueing a key again never replaces what is queued."""
    out: dict[str, OutboxMessage] = {}
    for m in messages:
        out.setdefault(m.key, m)
    return list(out.values())


def first_attempt(m: OutboxMessage) -> datetime:
    """When a newly queued message is first due: its own time, or as soon as it is created."""
    return m.next_attempt or m.created


def error_text(error: str) -> str:
    """A delivery error as the outbox keeps it."""
    return error[:OUTBOX_ERROR_CHARS]


def state_fields(s: SourceState) -> dict[str, Any]:
    """A source's crawl state as JSON-ready fields (times in ISO 8601), `source_id` included."""
    data = dict(s.__dict__)
    for key in _STATE_TIMES:
        value = data[key]
        data[key] = value.isoformat() if value else None
    return data


def state_from_fields(data: Mapping[str, Any], source_id: str | None = None) -> SourceState:
    """The state read back from `state_fields`; unknown fields (from a newer version) are left out."""
    known = set(SourceState.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in known}
    for key in _STATE_TIMES:
        values[key] = parse_datetime(values[key]) if values.get(key) else None
    if source_id is not None:
        values["source_id"] = source_id
    return SourceState(**values)


def top_terms_without_places(
    texts: Iterable[tuple[str, str | None]], place_names: Iterable[str], limit: int
) -> list[RankedValue]:
    """What the documents say, ranked: their terms without the words of the places they name."""
    place_words = {word for name in place_names for word in terms_of(name)}
    return [
        RankedValue(term, n) for term, n in top_terms_of(texts) if term not in place_words
    ][:limit]


def document_text(title: str | None, text: str) -> str:
    """The words a document says, title first, as top terms read them."""
    return (title or "") + "\n" + text
