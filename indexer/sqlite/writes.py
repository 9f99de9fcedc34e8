"""Writes of the SQLite store: documents with their search keys, analyses, mentions and roll-ups."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from core.models import Analysis, RawDocument, sentiment_label
from indexer.mentions import per_place
from indexer.sqlite.rows import raw_row, to_seconds
from indexer.sqlite.schema import key_sql

_INSERT_DOCUMENT = """INSERT INTO documents (rowid, id, url, source_id, source_type, title, text,
    published, collected, author, declared_lang, likes, reposts, replies, followers, raw,
    content_hash, duplicate_of, search_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""

_UPSERT_DOCUMENT = f""" ON CONFLICT(id) DO UPDATE SET url=excluded.url,
    source_id=excluded.source_id, source_type=excluded.source_type, title=excluded.title,
    text=excluded.text, published=excluded.published, collected=excluded.collected,
    author=excluded.author, declared_lang=excluded.declared_lang, likes=excluded.likes,
    reposts=excluded.reposts, replies=excluded.replies, followers=excluded.followers,
    content_hash=excluded.content_hash, duplicate_of=excluded.duplicate_of,
    search_key={key_sql("excluded.published", "rowid")}"""


def insert_documents(
    conn: sqlite3.Connection, docs: Sequence[tuple[RawDocument, str]], upsert: bool = False
) -> int:
    """Insert documents (with their content hashes) after the last rowid, which it returns.

    Rowids are given here, inside the write transaction, so each search key is known
    without reading the row back; `index_new` then indexes them all at once.
    """
    base = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0])
    if docs:
        rows = [raw_row(d, h, base + i) for i, (d, h) in enumerate(docs, 1)]
        conn.executemany(_INSERT_DOCUMENT + (_UPSERT_DOCUMENT if upsert else ""), rows)
    return base


def index_new(conn: sqlite3.Connection, base: int) -> None:
    """Add the documents inserted after rowid `base` to the full-text index in one statement.

    In key order and last in a write transaction: FTS5 flushes what it holds whenever a
    rowid is lower than the one before, or when another statement follows, and a flush
    per document writes a tiny segment per document.
    """
    conn.execute(
        "INSERT INTO documents_fts(rowid, title, text) "
        "SELECT search_key, title, text FROM documents WHERE rowid > ? ORDER BY search_key",
        (base,),
    )


# One encoder for every row: json.dumps with options builds a new one per call.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def write_analyses(
    conn: sqlite3.Connection, items: list[tuple[RawDocument, Analysis]],
    replaces: set[str] | None = None, watchlist: str | None = None,
) -> None:
    """Replace the analyses and mentions of distinct documents, one statement per kind of row.

    `replaces`, when given, names the documents that may have mentions already (the others
    have never been analysed); by default every document's are deleted first. `watchlist`
    labels the analyses with the watchlist they were made with (None: unknown).
    """
    documents: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    places: dict[str, tuple[Any, ...]] = {}
    for doc, analysis in items:
        s = analysis.sentiment
        documents.append((
            analysis.lang, s.score, s.label, s.positive, s.negative,
            _to_json([p.to_dict() for p in analysis.places]), watchlist, doc.id,
        ))
        published, reach, story = to_seconds(doc.published), doc.engagement.reach, doc.duplicate_of or doc.id
        for key, (p, n, sent, conf) in per_place(analysis.places).items():
            mentions.append((
                doc.id, key, p.name, p.territory, p.kind, p.geonames_id, p.lat, p.lon, n, sent,
                sentiment_label(sent, analysis.lang), conf, published, doc.source_id, doc.source_type,
                analysis.lang, doc.author, reach, story,
            ))
            places[key] = (key, p.name, p.territory, p.kind, p.lat, p.lon)
    conn.executemany(
        """UPDATE documents SET analysed = 1, lang = ?, sentiment_score = ?, sentiment_label = ?,
            sentiment_positive = ?, sentiment_negative = ?, places_json = ?, watchlist = ?
           WHERE id = ?""",
        documents,
    )
    conn.executemany(
        "DELETE FROM mentions WHERE doc_id = ?",
        [(d.id,) for d, _ in items if replaces is None or d.id in replaces],
    )
    conn.executemany(
        """INSERT INTO mentions (doc_id, place_key, name, territory, kind, geonames_id, lat, lon,
            occurrences, sentiment, label, confidence, published, source_id, source_type, lang,
            author, reach, story) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        mentions,
    )
    _add_to_rollups(conn, [d.id for d, _ in items])
    conn.executemany(
        """INSERT INTO places (place_key, name, territory, kind, lat, lon) VALUES (?,?,?,?,?,?)
           ON CONFLICT(place_key) DO UPDATE SET name = excluded.name,
            territory = excluded.territory, kind = excluded.kind,
            lat = coalesce(excluded.lat, lat), lon = coalesce(excluded.lon, lon)
           WHERE name IS NOT excluded.name OR territory IS NOT excluded.territory
            OR kind IS NOT excluded.kind OR lat IS NOT excluded.lat OR lon IS NOT excluded.lon""",
        list(places.values()),
    )


_ADD_TO_ROLLUPS = (
    """INSERT INTO place_days (day, place_key, n, reach, positive, neutral, negative)
       SELECT (m.published / 86400) * 86400 AS day, m.place_key, count(*), sum(m.reach),
              sum(m.label = 'positive'), sum(m.label = 'neutral'), sum(m.label = 'negative')
       FROM json_each(?) AS batch JOIN mentions m ON m.doc_id = batch.value
       WHERE m.published IS NOT NULL GROUP BY day, m.place_key
       ON CONFLICT (day, place_key) DO UPDATE SET n = n + excluded.n,
           reach = reach + excluded.reach, positive = positive + excluded.positive,
           neutral = neutral + excluded.neutral, negative = negative + excluded.negative""",
    """INSERT INTO place_days_by (day, place_key, lang, source_type, n, reach, positive,
           neutral, negative)
       SELECT (m.published / 86400) * 86400 AS day, m.place_key, coalesce(m.lang, '') AS lang,
              m.source_type, count(*), sum(m.reach), sum(m.label = 'positive'),
              sum(m.label = 'neutral'), sum(m.label = 'negative')
       FROM json_each(?) AS batch JOIN mentions m ON m.doc_id = batch.value
       WHERE m.published IS NOT NULL GROUP BY day, m.place_key, 3, m.source_type
       ON CONFLICT (day, place_key, lang, source_type) DO UPDATE SET n = n + excluded.n,
           reach = reach + excluded.reach, positive = positive + excluded.positive,
           neutral = neutral + excluded.neutral, negative = negative + excluded.negative""",
)


def _add_to_rollups(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> None:
    """Count the just-inserted mentions of these documents into the daily roll-ups."""
    batch = json.dumps(list(dict.fromkeys(doc_ids)))  # each document once
    for statement in _ADD_TO_ROLLUPS:
        conn.execute(statement, (batch,))


def chunked_in(conn: sqlite3.Connection, prefix: str, values: Sequence[str]) -> Iterator[tuple]:
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        yield from conn.execute(f"{prefix} ({','.join('?' * len(chunk))})", chunk)
