"""What a watchlist change can affect, on SQLite: candidates found through the FTS5 index and
the mentions table, and a removed territory's mentions dropped without analysing anything."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from core.models import Analysis, RawDocument
from indexer.sqlite.queries import Read
from indexer.sqlite.rows import analysis_from_row, doc_from_row, to_seconds
from indexer.sqlite.writes import write_analyses

# OR-ed phrases per FTS5 query: a long watchlist change becomes several small queries.
PHRASES_PER_QUERY = 200

_SCOPE = "d.analysed = 1 AND d.watchlist IS ? AND d.collected >= ?"


def fts_queries(phrases: Sequence[Sequence[str]]) -> list[str]:
    """FTS5 queries that together match any of the phrases (each a quoted run of words)."""
    quoted = [
        '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        for words in dict.fromkeys(tuple(p) for p in phrases)
        if any(w.strip() for w in words)
    ]
    return [" OR ".join(quoted[i : i + PHRASES_PER_QUERY]) for i in range(0, len(quoted), PHRASES_PER_QUERY)]


def candidate_ids(
    read: Read, watchlist: str, phrases: Sequence[Sequence[str]] | None,
    territories: Sequence[str], since: datetime | None,
) -> list[str]:
    """See `Store.reanalysis_candidates`: ids in the order found, each once."""
    scope = (watchlist or None, to_seconds(since) or 0)
    if phrases is None:
        return [r[0] for r in read(f"SELECT d.id FROM documents d WHERE {_SCOPE}", scope)]
    found: dict[str, None] = {}
    for query in fts_queries(phrases):
        rows = read(
            "SELECT d.id FROM documents_fts JOIN documents d ON d.search_key = documents_fts.rowid "
            f"WHERE documents_fts MATCH ? AND {_SCOPE}",
            (query, *scope),
        )
        found.update((r[0], None) for r in rows)
    keys = list(dict.fromkeys(territories))
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        rows = read(
            "SELECT DISTINCT m.doc_id FROM mentions m JOIN documents d ON d.id = m.doc_id "
            f"WHERE m.place_key IN ({','.join('?' * len(chunk))}) AND m.territory = m.place_key "
            f"AND {_SCOPE}",
            (*chunk, *scope),
        )
        found.update((r[0], None) for r in rows)
    return list(found)


def documents_by_id(read: Read, doc_ids: Sequence[str]) -> list[RawDocument]:
    """Stored documents in the order asked, the missing ones left out."""
    found: dict[str, RawDocument] = {}
    wanted = list(dict.fromkeys(doc_ids))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows = read(f"SELECT * FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        found.update((r["id"], doc_from_row(r)) for r in rows)
    return [found[i] for i in wanted if i in found]


def documents_mentioning(conn: sqlite3.Connection, territories: Sequence[str]) -> list[str]:
    """Ids of the documents whose analysis mentions one of these territories."""
    keys = list(dict.fromkeys(territories))
    ids: dict[str, None] = {}
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        rows = conn.execute(
            f"SELECT DISTINCT doc_id FROM mentions WHERE place_key IN ({','.join('?' * len(chunk))}) "
            "AND territory = place_key",
            chunk,
        )
        ids.update((r[0], None) for r in rows)
    return list(ids)


def drop_territories(conn: sqlite3.Connection, doc_ids: Sequence[str], territories: Sequence[str]) -> int:
    """Rewrite these documents' analyses without the territories' mentions, each keeping its
    watchlist label (inside the caller's write transaction); returns the documents rewritten."""
    gone = set(territories)
    by_label: dict[str | None, list[tuple[RawDocument, Analysis]]] = {}
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    for i in range(0, len(doc_ids), 500):
        chunk = list(doc_ids[i : i + 500])
        rows = cur.execute(
            f"SELECT * FROM documents WHERE analysed = 1 AND id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
        for r in rows:
            a = analysis_from_row(r)
            kept = tuple(p for p in a.places if p.territory not in gone)
            by_label.setdefault(r["watchlist"], []).append((doc_from_row(r), replace(a, places=kept)))
    for label, items in by_label.items():
        write_analyses(conn, items, watchlist=label)
    return sum(len(items) for items in by_label.values())


__all__ = ["candidate_ids", "documents_by_id", "documents_mentioning", "drop_territories"]
