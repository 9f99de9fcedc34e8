"""How the Elasticsearch store writes: reads by id across rolled-over indices, guarded writes (pure).

Every document write is a read-modify-write: a recollected page keeps its analysis, an
analysis keeps the page. Crawl and enrich may run at once, so each write of a stored
document carries the sequence number it was read at (`if_seq_no`/`if_primary_term`), and
each new document is a `create`: a write that raced another comes back 409 and is redone
from a fresh read instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

CONFLICT_ROUNDS = 5  # a document still changing under us after this many reads is an error


@dataclass(frozen=True)
class Stored:
    """A stored document as read by id: where it lives and the version it was read at."""

    index: str
    seq_no: int | None
    primary_term: int | None
    source: dict[str, Any]


def mget_docs(indices: Sequence[str], ids: Sequence[str]) -> list[dict[str, str]]:
    """An mget body naming each concrete index: an alias over several indices (after a
    rollover) fails every item with "alias has more than one index"."""
    return [{"_index": index, "_id": doc_id} for doc_id in ids for index in indices]


def stored_from_mget(response: Mapping[str, Any]) -> dict[str, Stored]:
    """The documents found, by id (the newest index's copy if one is found twice)."""
    out: dict[str, Stored] = {}
    for d in response["docs"]:
        if not d.get("found"):
            continue
        seen = out.get(d["_id"])
        if seen is not None and seen.index > d["_index"]:
            continue
        out[d["_id"]] = Stored(d["_index"], d.get("_seq_no"), d.get("_primary_term"),
                               dict(d.get("_source") or {}))
    return out


def write_action(alias: str, doc_id: str, stored: Stored | None, source: dict[str, Any]) -> dict[str, Any]:
    """The bulk action writing `source`: a guarded update where the document was read,
    a create through the alias (its write index) where it was not."""
    if stored is None:
        return {"_op_type": "create", "_index": alias, "_id": doc_id, "_source": source}
    action: dict[str, Any] = {"_op_type": "index", "_index": stored.index, "_id": doc_id,
                              "_source": source}
    if stored.seq_no is not None and stored.primary_term is not None:
        action["if_seq_no"] = stored.seq_no
        action["if_primary_term"] = stored.primary_term
    return action


@dataclass
class BulkOutcome:
    """What a bulk write did: documents created, and ids refused for a version conflict."""

    created: int = 0
    written: int = 0
    conflicts: list[str] = field(default_factory=list)


def with_last(items: Iterable[T]) -> Iterator[tuple[T, bool]]:
    """Each item and whether it is the last: the last batch of a write waits to be searchable."""
    it = iter(items)
    try:
        current = next(it)
    except StopIteration:
        return
    for following in it:
        yield current, False
        current = following
    yield current, True


# Outbox updates are scripts run where the entry lives; the client retries a request that
# timed out, so each script checks whether it already ran rather than counting twice.
MARK_SENT = (
    "if (ctx._source.sent != null) { ctx.op = 'noop'; } else { ctx._source.sent = params.sent; "
    "ctx._source.attempts += 1; ctx._source.last_error = null; }"
)
MARK_FAILED = (
    "if (ctx._source.sent != null || (ctx._source.next_attempt == params.next "
    "&& ctx._source.last_error == params.error)) { ctx.op = 'noop'; } else { "
    "ctx._source.attempts += 1; ctx._source.last_error = params.error; "
    "ctx._source.next_attempt = params.next; }"
)
