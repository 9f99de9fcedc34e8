"""Rows of the SQLite store read back and written out: documents, analyses, hits, state, outbox."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from core.models import Analysis, Engagement, PlaceMention, RawDocument, Sentiment
from indexer.base import OutboxMessage, SearchHit, SourceState
from indexer.common import state_fields, state_from_fields
from indexer.sqlite.schema import search_key


def to_seconds(dt: datetime | None) -> int | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def from_seconds(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def pack_raw(raw: bytes) -> bytes:
    return zlib.compress(raw, 1) if raw else b""


def unpack_raw(blob: bytes | None) -> bytes:
    if not blob:
        return b""
    try:
        return zlib.decompress(blob)
    except zlib.error:
        return bytes(blob)


def raw_row(d: RawDocument, h: str, rowid: int) -> tuple[Any, ...]:
    e = d.engagement
    published = to_seconds(d.published)
    return (
        rowid, d.id, d.url, d.source_id, d.source_type, d.title, d.text, published,
        to_seconds(d.collected), d.author, d.lang, e.likes, e.reposts, e.replies, e.followers,
        pack_raw(d.raw), h, d.duplicate_of, search_key(published, rowid),
    )


def doc_from_row(r: sqlite3.Row) -> RawDocument:
    return RawDocument(
        id=r["id"], url=r["url"], source_id=r["source_id"], source_type=r["source_type"],
        text=r["text"], collected=from_seconds(r["collected"]) or datetime.min.replace(tzinfo=UTC),
        title=r["title"], published=from_seconds(r["published"]), author=r["author"],
        lang=r["declared_lang"],
        engagement=Engagement(r["likes"], r["reposts"], r["replies"], r["followers"]),
        raw=unpack_raw(r["raw"]), duplicate_of=r["duplicate_of"],
    )


def analysis_from_row(r: sqlite3.Row) -> Analysis:
    places = json.loads(r["places_json"] or "[]")
    return Analysis(
        lang=r["lang"] or "und",
        sentiment=Sentiment(
            score=r["sentiment_score"] or 0.0, label=r["sentiment_label"] or "neutral",
            positive=r["sentiment_positive"] or 0.0, negative=r["sentiment_negative"] or 0.0,
        ),
        places=tuple(PlaceMention.from_dict(p) for p in places),
    )


def hits_from_rows(rows: Iterable[sqlite3.Row]) -> list[SearchHit]:
    """Search hits from document rows carrying their snippet as `snip`."""
    hits = []
    for r in rows:
        analysis = analysis_from_row(r)
        hits.append(SearchHit(
            doc=doc_from_row(r), snippet=r["snip"] or "", sentiment=analysis.sentiment.label,
            places=tuple(dict.fromkeys(p.name for p in analysis.places)),
        ))
    return hits


def state_to_json(s: SourceState) -> str:
    data = state_fields(s)
    data.pop("source_id")
    return json.dumps(data)


def state_from_json(source_id: str, text: str) -> SourceState:
    return state_from_fields(json.loads(text), source_id)


def message_from_row(r: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        key=r["key"], channel=r["channel"], payload=json.loads(r["payload_json"]),
        created=from_seconds(r["created"]) or datetime.min.replace(tzinfo=UTC), attempts=r["attempts"],
        next_attempt=from_seconds(r["next_attempt"]), sent=from_seconds(r["sent"]), last_error=r["last_error"],
    )
