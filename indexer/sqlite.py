"""SqliteStore: the embedded default backend (WAL, FTS5, versioned migrations, batched writes)."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import StoreError
from core.models import (
    Analysis,
    Engagement,
    EnrichedDocument,
    PlaceMention,
    RawDocument,
    Sentiment,
    SentimentLabel,
    sentiment_label,
)
from indexer.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Bucket,
    MentionExample,
    MentionFilter,
    OutboxMessage,
    PlaceCount,
    RankedValue,
    SearchHit,
    SearchOrder,
    SearchPage,
    ShareOfVoice,
    SourceState,
    StoreStats,
    VolumePoint,
)
from indexer.mentions import per_place
from indexer.query import to_fts5, with_fields
from indexer.terms import terms_of, top_terms_of

logger = logging.getLogger(__name__)

BATCH = 20_000  # documents per write transaction

# Each migration moves the schema from version i to i + 1; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        source_id TEXT NOT NULL,
        source_type TEXT NOT NULL,
        title TEXT,
        text TEXT NOT NULL,
        published INTEGER,
        collected INTEGER NOT NULL,
        author TEXT,
        declared_lang TEXT,
        likes INTEGER NOT NULL DEFAULT 0,
        reposts INTEGER NOT NULL DEFAULT 0,
        replies INTEGER NOT NULL DEFAULT 0,
        followers INTEGER,
        raw BLOB,
        content_hash TEXT NOT NULL,
        duplicate_of TEXT,
        analysed INTEGER NOT NULL DEFAULT 0,
        lang TEXT,
        sentiment_score REAL,
        sentiment_label TEXT,
        sentiment_positive REAL,
        sentiment_negative REAL,
        places_json TEXT
    );
    CREATE INDEX documents_pending ON documents(collected) WHERE analysed = 0;
    CREATE INDEX documents_content_hash ON documents(content_hash);
    CREATE INDEX documents_collected ON documents(collected);
    CREATE INDEX documents_published ON documents(published);

    -- One row per (document, place): the unit every ranking counts. Denormalised so
    -- the dashboard's queries never join.
    CREATE TABLE mentions (
        doc_id TEXT NOT NULL,
        place_key TEXT NOT NULL,
        name TEXT NOT NULL,
        territory TEXT,
        kind TEXT NOT NULL,
        geonames_id INTEGER,
        lat REAL,
        lon REAL,
        occurrences INTEGER NOT NULL,
        sentiment REAL NOT NULL,
        label TEXT NOT NULL,
        confidence REAL NOT NULL,
        published INTEGER,
        source_id TEXT NOT NULL,
        source_type TEXT NOT NULL,
        lang TEXT,
        author TEXT,
        reach INTEGER NOT NULL,
        story TEXT NOT NULL,
        PRIMARY KEY (doc_id, place_key)
    ) WITHOUT ROWID;
    CREATE INDEX mentions_time_place ON mentions(published, place_key);
    CREATE INDEX mentions_place_time ON mentions(place_key, published);

    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;

    CREATE TABLE source_state (
        source_id TEXT PRIMARY KEY,
        state_json TEXT NOT NULL
    );

    CREATE TABLE outbox (
        key TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        created INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt INTEGER,
        sent INTEGER,
        last_error TEXT
    );
    CREATE INDEX outbox_due ON outbox(next_attempt) WHERE sent IS NULL;
    """,
    # 2: daily roll-ups kept by triggers, so rankings, share of voice and day/week volume
    # read a few thousand pre-counted rows instead of every mention of the period; a
    # places table for names; the FTS index is no longer rewritten when text is unchanged.
    """
    CREATE TABLE places (
        place_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        territory TEXT,
        kind TEXT NOT NULL,
        lat REAL,
        lon REAL
    ) WITHOUT ROWID;
    INSERT INTO places (place_key, name, territory, kind, lat, lon)
        SELECT place_key, max(name), max(territory), max(kind), max(lat), max(lon)
        FROM mentions GROUP BY place_key;

    CREATE TABLE place_days (
        day INTEGER NOT NULL,
        place_key TEXT NOT NULL,
        n INTEGER NOT NULL,
        reach INTEGER NOT NULL,
        positive INTEGER NOT NULL,
        neutral INTEGER NOT NULL,
        negative INTEGER NOT NULL,
        PRIMARY KEY (day, place_key)
    ) WITHOUT ROWID;
    CREATE TABLE place_days_by (
        day INTEGER NOT NULL,
        place_key TEXT NOT NULL,
        lang TEXT NOT NULL,
        source_type TEXT NOT NULL,
        n INTEGER NOT NULL,
        reach INTEGER NOT NULL,
        positive INTEGER NOT NULL,
        neutral INTEGER NOT NULL,
        negative INTEGER NOT NULL,
        PRIMARY KEY (day, place_key, lang, source_type)
    ) WITHOUT ROWID;
    INSERT INTO place_days
        SELECT (published / 86400) * 86400, place_key, count(*), sum(reach),
               sum(label = 'positive'), sum(label = 'neutral'), sum(label = 'negative')
        FROM mentions WHERE published IS NOT NULL GROUP BY 1, 2;
    INSERT INTO place_days_by
        SELECT (published / 86400) * 86400, place_key, coalesce(lang, ''), source_type,
               count(*), sum(reach),
               sum(label = 'positive'), sum(label = 'neutral'), sum(label = 'negative')
        FROM mentions WHERE published IS NOT NULL GROUP BY 1, 2, 3, 4;

    CREATE TRIGGER mentions_rollup_ai AFTER INSERT ON mentions WHEN new.published IS NOT NULL BEGIN
        INSERT INTO place_days VALUES ((new.published / 86400) * 86400, new.place_key, 1,
            new.reach, new.label = 'positive', new.label = 'neutral', new.label = 'negative')
        ON CONFLICT (day, place_key) DO UPDATE SET n = n + 1, reach = reach + excluded.reach,
            positive = positive + excluded.positive, neutral = neutral + excluded.neutral,
            negative = negative + excluded.negative;
        INSERT INTO place_days_by VALUES ((new.published / 86400) * 86400, new.place_key,
            coalesce(new.lang, ''), new.source_type, 1, new.reach, new.label = 'positive',
            new.label = 'neutral', new.label = 'negative')
        ON CONFLICT (day, place_key, lang, source_type) DO UPDATE SET n = n + 1,
            reach = reach + excluded.reach, positive = positive + excluded.positive,
            neutral = neutral + excluded.neutral, negative = negative + excluded.negative;
    END;
    CREATE TRIGGER mentions_rollup_ad AFTER DELETE ON mentions WHEN old.published IS NOT NULL BEGIN
        UPDATE place_days SET n = n - 1, reach = reach - old.reach,
            positive = positive - (old.label = 'positive'), neutral = neutral - (old.label = 'neutral'),
            negative = negative - (old.label = 'negative')
        WHERE day = (old.published / 86400) * 86400 AND place_key = old.place_key;
        UPDATE place_days_by SET n = n - 1, reach = reach - old.reach,
            positive = positive - (old.label = 'positive'), neutral = neutral - (old.label = 'neutral'),
            negative = negative - (old.label = 'negative')
        WHERE day = (old.published / 86400) * 86400 AND place_key = old.place_key
            AND lang = coalesce(old.lang, '') AND source_type = old.source_type;
    END;
    CREATE TRIGGER mentions_rollup_au AFTER UPDATE OF published, reach, label, lang, source_type, place_key ON mentions BEGIN
        UPDATE place_days SET n = n - 1, reach = reach - old.reach,
            positive = positive - (old.label = 'positive'), neutral = neutral - (old.label = 'neutral'),
            negative = negative - (old.label = 'negative')
        WHERE old.published IS NOT NULL AND day = (old.published / 86400) * 86400
            AND place_key = old.place_key;
        UPDATE place_days_by SET n = n - 1, reach = reach - old.reach,
            positive = positive - (old.label = 'positive'), neutral = neutral - (old.label = 'neutral'),
            negative = negative - (old.label = 'negative')
        WHERE old.published IS NOT NULL AND day = (old.published / 86400) * 86400
            AND place_key = old.place_key AND lang = coalesce(old.lang, '')
            AND source_type = old.source_type;
        INSERT INTO place_days SELECT (new.published / 86400) * 86400, new.place_key, 1,
            new.reach, new.label = 'positive', new.label = 'neutral', new.label = 'negative'
        WHERE new.published IS NOT NULL
        ON CONFLICT (day, place_key) DO UPDATE SET n = n + 1, reach = reach + excluded.reach,
            positive = positive + excluded.positive, neutral = neutral + excluded.neutral,
            negative = negative + excluded.negative;
        INSERT INTO place_days_by SELECT (new.published / 86400) * 86400, new.place_key,
            coalesce(new.lang, ''), new.source_type, 1, new.reach, new.label = 'positive',
            new.label = 'neutral', new.label = 'negative'
        WHERE new.published IS NOT NULL
        ON CONFLICT (day, place_key, lang, source_type) DO UPDATE SET n = n + 1,
            reach = reach + excluded.reach, positive = positive + excluded.positive,
            neutral = neutral + excluded.neutral, negative = negative + excluded.negative;
    END;

    DROP TRIGGER documents_au;
    CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    """,
    # 3: documents carry a search key that orders them newest first (see `search_key`), and
    # the full-text index is keyed by it: a search reads matches in date order, a period is
    # a key range, and a page stops after LIMIT. New documents are indexed in bulk by the
    # write methods (a per-row trigger made FTS5 flush a tiny segment per document); updates
    # and deletes keep their triggers. The key's index replaces the one on `published`, and
    # nothing needs the one on `collected` enough to pay for it on every insert.
    """
    ALTER TABLE documents ADD COLUMN search_key INTEGER;
    UPDATE documents SET search_key = CASE WHEN published IS NULL
        THEN -4611686018427387904 + (rowid % 536870912)
        ELSE max(-8589934591, min(8589934591, published)) * 536870912 + (rowid % 536870912) END;
    CREATE UNIQUE INDEX documents_search_key ON documents(search_key);
    DROP INDEX documents_published;
    DROP INDEX documents_collected;
    DROP TRIGGER documents_ai;
    DROP TRIGGER documents_ad;
    DROP TRIGGER documents_au;
    DROP TABLE documents_fts;
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='search_key',
        tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.search_key, old.title, old.text);
    END;
    CREATE TRIGGER documents_au AFTER UPDATE OF title, text, search_key ON documents WHEN old.title IS NOT new.title OR old.text IS NOT new.text OR old.search_key IS NOT new.search_key BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.search_key, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.search_key, new.title, new.text);
    END;
    """,
    # 4: the (place, time) index also carries story, reach and label, so questions about a
    # few places over a period (syndicated copies counted once above all) never leave it.
    # New mentions reach the roll-ups through one grouped statement per batch
    # (`_add_to_rollups`) rather than two upserts per row; updates and deletes keep their
    # triggers.
    """
    DROP INDEX mentions_place_time;
    CREATE INDEX mentions_place_time ON mentions(place_key, published, story, reach, label);
    DROP TRIGGER mentions_rollup_ai;
    """,
    # 5: let more full-text segments gather before merging them (FTS5's default is 4):
    # bulk loads merge less, and searches read a few more, still small, doclists.
    """
    INSERT INTO documents_fts(documents_fts, rank) VALUES ('automerge', 8);
    """,
)

# Search keys: published seconds (clamped to +-2**33, about the years 1698-2242) times
# 2**29, plus the rowid modulo 2**29; undated documents sit below every dated one. Keys
# are unique up to 2**29 (536 million) documents. Migration 3 holds a frozen copy of this.
KEY_SPAN = 1 << 29
KEY_MAX_SECONDS = (1 << 33) - 1
KEY_UNDATED = -(1 << 62)
_KEY_SQL = (
    "CASE WHEN {p} IS NULL THEN -4611686018427387904 + ({r} % 536870912) "
    "ELSE max(-8589934591, min(8589934591, {p})) * 536870912 + ({r} % 536870912) END"
)
TERMS_SAMPLE = 2000  # latest documents read for top terms (the Elasticsearch store reads as many)
# A search filtered to places with at most this many mentions in the period (and a
# quarter of the query's matches) starts from their mentions rather than from the matches.
PLACE_FIRST_MAX = 20_000
PLACE_FIRST_RATIO = 4
# Searches count matches exactly up to this many (more than a page's reach), then say "N+".
SEARCH_COUNT_LIMIT = 1000


def _ts(dt: datetime | None) -> int | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def _dt(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def _pack(raw: bytes) -> bytes:
    return zlib.compress(raw, 1) if raw else b""


def _unpack(blob: bytes | None) -> bytes:
    if not blob:
        return b""
    try:
        return zlib.decompress(blob)
    except zlib.error:
        return bytes(blob)


_BUCKET_SQL = {
    "hour": "(m.published / 3600) * 3600",
    "day": "(m.published / 86400) * 86400",
    # 1970-01-01 was a Thursday: shift by three days so weeks start on Monday.
    "week": "((m.published + 259200) / 604800) * 604800 - 259200",
}


class SqliteStore:
    """The Store protocol on one SQLite file: one writer, many readers, no 'database is locked'."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        # Readers get their own connection per thread: in WAL mode they never wait for
        # the writer, and the dashboard's threads never wait for each other.
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []

    # ---------------------------------------------------------------- lifecycle

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.setup()
        assert self._conn is not None
        return self._conn

    @property
    def _in_memory(self) -> bool:
        return str(self.path) == ":memory:"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            str(self.path), timeout=self._timeout, check_same_thread=False, isolation_level=None,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA mmap_size = 1073741824")
        return conn

    def setup(self) -> None:
        """Open the file, switch to WAL and apply pending migrations; safe to call every start."""
        if self._conn is not None:
            return
        try:
            if not self._in_memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._conn = conn
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn = None
            raise StoreError(f"{self.path}: cannot open SQLite store: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create SQLite store: {exc.strerror}") from None

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (the writer's own for in-memory databases)."""
        if self._in_memory:
            return self.conn
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.setup()
            conn = self._connect()
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        return conn

    def _migrate(self) -> None:
        conn = self._conn
        assert conn is not None
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this placewatch "
                f"({len(MIGRATIONS)}); upgrade placewatch"
            )
        for i in range(version, len(MIGRATIONS)):
            logger.info("migrating %s to schema version %d", self.path, i + 1)
            with self._write():
                for statement in _split_sql(MIGRATIONS[i]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {i + 1}")

    def optimize(self) -> None:
        """Refresh the query planner's statistics after a large import (also run by setup)."""
        with self._lock:
            self.conn.execute("ANALYZE")
            self.conn.execute("PRAGMA optimize")

    def close(self) -> None:
        with self._lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
            self._local = threading.local()
            if self._conn is not None:
                try:
                    self._conn.execute("PRAGMA optimize")
                except sqlite3.OperationalError:
                    pass  # another process holds the write lock: statistics can wait
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SqliteStore:
        self.setup()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        conn = self._reader()
        if self._in_memory:
            with self._lock:
                cur = conn.execute(sql, params)
                cur.row_factory = sqlite3.Row
                return cur.fetchall()
        cur = conn.execute(sql, params)
        cur.row_factory = sqlite3.Row
        return cur.fetchall()

    # ---------------------------------------------------------------- raw documents

    def upsert_raw(self, docs: Iterable[RawDocument]) -> int:
        """Insert or update raw documents; an update keeps the analysis unless the text changed."""
        new = 0
        for batch in _batched(docs, BATCH):
            with self._write() as conn:
                rowids: dict[str, int] = {}
                existing: dict[str, str] = {}
                for doc_id, h, rowid in _chunked_in(
                    conn, "SELECT id, content_hash, rowid FROM documents WHERE id IN",
                    list({d.id for d in batch}),
                ):
                    existing[doc_id], rowids[doc_id] = h, rowid
                inserts: dict[str, tuple[RawDocument, str]] = {}  # new: the last copy wins
                updates: list[tuple[Any, ...]] = []
                mention_updates: list[tuple[Any, ...]] = []
                for d in batch:
                    h = d.content_hash
                    if d.id not in existing or d.id in inserts:
                        inserts[d.id] = (d, h)
                        existing[d.id] = h
                        continue
                    changed = existing[d.id] != h
                    existing[d.id] = h
                    published = _ts(d.published)
                    e = d.engagement
                    updates.append((
                        d.url, d.source_id, d.source_type, d.title, d.text, published,
                        search_key(published, rowids[d.id]), d.author, d.lang, e.likes,
                        e.reposts, e.replies, e.followers, _pack(d.raw), h, d.duplicate_of,
                        changed, d.id,
                    ))
                    # Engagement and grouping may change without the text changing.
                    mention_updates.append((
                        d.engagement.reach, d.duplicate_of or d.id, _ts(d.published),
                        d.source_id, d.source_type, d.author, d.id,
                    ))
                new += len(inserts)
                base = _insert_documents(conn, list(inserts.values()))
                conn.executemany(
                    """UPDATE documents SET url=?, source_id=?, source_type=?, title=?, text=?,
                        published=?, search_key=?, author=?, declared_lang=?, likes=?, reposts=?, replies=?,
                        followers=?, raw=?, content_hash=?, duplicate_of=?,
                        analysed = CASE WHEN ? THEN 0 ELSE analysed END
                       WHERE id=?""",
                    updates,
                )
                conn.executemany(
                    """UPDATE mentions SET reach=?, story=?, published=?, source_id=?,
                        source_type=?, author=? WHERE doc_id=?""",
                    mention_updates,
                )
                _index_new(conn, base)
        return new

    def get_document(self, doc_id: str) -> RawDocument | None:
        rows = self._read("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return _doc_from_row(rows[0]) if rows else None

    def find_by_content_hash(self, content_hash: str) -> str | None:
        rows = self._read(
            "SELECT id FROM documents WHERE content_hash = ? ORDER BY rowid LIMIT 1", (content_hash,)
        )
        return rows[0][0] if rows else None

    def existing_ids(self, doc_ids: Iterable[str]) -> set[str]:
        return self._present("id", doc_ids)

    def existing_hashes(self, content_hashes: Iterable[str]) -> set[str]:
        return self._present("content_hash", content_hashes)

    def _present(self, column: str, values: Iterable[str]) -> set[str]:
        """Which values of an indexed column are stored, read from the index alone."""
        wanted = list(dict.fromkeys(values))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            sql = f"SELECT {column} FROM documents WHERE {column} IN ({','.join('?' * len(chunk))})"
            found.update(row[0] for row in self._read(sql, chunk))
        return found

    def pending_analysis(self, limit: int = 500) -> list[RawDocument]:
        rows = self._read(
            "SELECT * FROM documents WHERE analysed = 0 ORDER BY collected, rowid LIMIT ?", (limit,)
        )
        return [_doc_from_row(r) for r in rows]

    def raw_documents(self, since: datetime | None = None) -> Iterator[RawDocument]:
        last = -1
        while True:
            rows = self._read(
                "SELECT rowid AS _rowid, * FROM documents WHERE rowid > ? AND collected >= ? "
                "ORDER BY rowid LIMIT ?",
                (last, _ts(since) or 0, BATCH),
            )
            if not rows:
                return
            for r in rows:
                yield _doc_from_row(r)
            last = rows[-1]["_rowid"]

    def count_raw(self, since: datetime | None = None) -> int:
        return int(
            self._read("SELECT count(*) FROM documents WHERE collected >= ?", (_ts(since) or 0,))[0][0]
        )

    # ---------------------------------------------------------------- analyses

    def save_analyses(self, items: Iterable[tuple[RawDocument, Analysis]]) -> int:
        count = 0
        for batch in _batched(items, BATCH):
            latest = _last_per_id(batch, lambda item: item[0].id)
            with self._write() as conn:
                # An analysis never arrives without its document: store the raw one if missing.
                # A document never analysed (no place list yet) has no mentions to replace.
                analysed_before: set[str] = set()
                known: set[str] = set()
                for doc_id, analysed in _chunked_in(
                    conn, "SELECT id, places_json IS NOT NULL FROM documents WHERE id IN",
                    [d.id for d, _ in latest],
                ):
                    known.add(doc_id)
                    if analysed:
                        analysed_before.add(doc_id)
                base = _insert_documents(
                    conn, [(d, d.content_hash) for d, _ in latest if d.id not in known]
                )
                _write_analyses(conn, latest, replaces=analysed_before)
                _index_new(conn, base)
            count += len(batch)
        return count

    def import_documents(self, docs: Iterable[EnrichedDocument]) -> int:
        count = 0
        for batch in _batched(docs, BATCH):
            latest = _last_per_id(batch, lambda e: e.doc.id)
            with self._write() as conn:
                base = _insert_documents(
                    conn, [(e.doc, e.doc.content_hash) for e in latest], upsert=True
                )
                _write_analyses(conn, [(e.doc, e.analysis) for e in latest])
                _index_new(conn, base)
            count += len(batch)
        return count

    def iter_documents(self) -> Iterator[EnrichedDocument]:
        last = -1
        while True:
            rows = self._read(
                "SELECT rowid AS _rowid, * FROM documents WHERE analysed = 1 AND rowid > ? "
                "ORDER BY rowid LIMIT ?",
                (last, BATCH),
            )
            if not rows:
                return
            for r in rows:
                yield EnrichedDocument(_doc_from_row(r), _analysis_from_row(r))
            last = rows[-1]["_rowid"]

    # ---------------------------------------------------------------- queries

    def stats(self) -> StoreStats:
        r = self._read(
            """SELECT count(*), coalesce(sum(analysed), 0), coalesce(sum(published IS NULL), 0),
                      coalesce(sum(duplicate_of IS NOT NULL), 0) FROM documents"""
        )[0]
        mentions = self._read("SELECT count(*) FROM mentions")[0][0]
        return StoreStats(
            documents=r[0], analysed=r[1], pending=r[0] - r[1], mentions=mentions,
            undated=r[2], duplicates=r[3],
        )

    def ranking(self, f: MentionFilter, limit: int = 20) -> list[PlaceCount]:
        totals = self._place_totals(f)
        top = sorted(
            ((key, t) for key, t in totals.items() if t[0] > 0),
            key=lambda kt: (-kt[1][0], -kt[1][1], kt[0]),
        )[:limit]
        meta = self._places([key for key, _ in top])
        out = []
        for key, (n, reach, positive, neutral, negative) in top:
            name, territory, kind, lat, lon = meta.get(key, (key, None, "place", None, None))
            out.append(PlaceCount(
                key=key, name=name, territory=territory, kind=kind, mentions=n, reach=reach,
                positive=positive, neutral=neutral, negative=negative, lat=lat, lon=lon,
            ))
        return out

    def _places(self, keys: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        if not keys:
            return {}
        params: list[Any] = []
        rows = self._read(
            f"SELECT place_key, name, territory, kind, lat, lon FROM places "
            f"WHERE {_in('place_key', keys, params)}",
            params,
        )
        return {r[0]: tuple(r[1:]) for r in rows}

    def _place_totals(self, f: MentionFilter) -> dict[str, list[int]]:
        """Per place: [mentions, reach, positive, neutral, negative] for the filter."""
        totals: dict[str, list[int]] = {}
        plan = _plan(f)
        if plan is None:  # filters the roll-ups do not keep: count the mentions themselves
            where, params = _where(f)
            rows = self._read(
                f"""SELECT m.place_key, {_count_expr(f)}, sum(m.reach),
                           {_count_expr(f, "m.label = 'positive'")},
                           {_count_expr(f, "m.label = 'neutral'")},
                           {_count_expr(f, "m.label = 'negative'")}
                    FROM mentions m {where} GROUP BY m.place_key""",
                params,
            )
            return {r[0]: [int(v or 0) for v in r[1:]] for r in rows}
        for part in plan.raw:
            where, params = _where(part)
            _accumulate(totals, self._read(
                f"""SELECT m.place_key, count(*), sum(m.reach), sum(m.label = 'positive'),
                           sum(m.label = 'neutral'), sum(m.label = 'negative')
                    FROM mentions m {where} GROUP BY m.place_key""",
                params,
            ))
        if plan.undated:
            where, params = _where(f, undated_only=True)
            _accumulate(totals, self._read(
                f"""SELECT m.place_key, count(*), sum(m.reach), sum(m.label = 'positive'),
                           sum(m.label = 'neutral'), sum(m.label = 'negative')
                    FROM mentions m {where} GROUP BY m.place_key""",
                params,
            ))
        if plan.days is not None:
            table, where, params = _rollup_where(f, plan.days)
            _accumulate(totals, self._read(
                f"""SELECT place_key, sum(n), sum(reach), sum(positive), sum(neutral),
                           sum(negative) FROM {table} {where} GROUP BY place_key""",
                params,
            ))
        return totals

    def volume(self, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]:
        if bucket not in _BUCKET_SQL:
            raise ValueError(f"unknown bucket {bucket!r}")
        plan = _plan(f, dated_only=True) if bucket != "hour" else None
        parts = plan.raw if plan is not None else [f]
        points: dict[tuple[int, str], list[int]] = {}
        for part in parts:
            where, params = _where(part, dated_only=True)
            _accumulate(points, self._read(
                f"""SELECT {_BUCKET_SQL[bucket]} AS b, m.place_key, {_count_expr(part)},
                           sum(m.reach)
                    FROM mentions m {where} GROUP BY b, m.place_key""",
                params,
            ), width=2)
        if plan is not None and plan.days is not None:
            table, where, params = _rollup_where(f, plan.days)
            _accumulate(points, self._read(
                f"""SELECT {_BUCKET_SQL[bucket].replace("m.published", "day")} AS b, place_key,
                           sum(n), sum(reach)
                    FROM {table} {where} GROUP BY b, place_key""",
                params,
            ), width=2)
        return [
            VolumePoint(bucket=_dt(b) or datetime.min, key=key, mentions=n, reach=reach)
            for (b, key), (n, reach) in sorted(points.items())
            if n > 0
        ]

    def share_of_voice(self, f: MentionFilter, weighted: bool = False) -> ShareOfVoice:
        if weighted and f.syndicated_once:
            # A syndicated story reaches the audience of its widest copy, once.
            where, params = _where(f)
            rows = self._read(
                f"""SELECT place_key, sum(r) FROM (
                        SELECT m.place_key, max(m.reach) AS r FROM mentions m {where}
                        GROUP BY m.place_key, m.story)
                    GROUP BY place_key""",
                params,
            )
            counts = {r[0]: int(r[1] or 0) for r in rows}
        else:
            index = 1 if weighted else 0
            counts = {k: t[index] for k, t in self._place_totals(f).items() if t[0] > 0}
        for key in f.territories:
            counts.setdefault(key, 0)
        return ShareOfVoice(total=sum(counts.values()), counts=counts, weighted_by_reach=weighted)

    def top_sources(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        where, params = _where(f)
        rows = self._read(
            f"""SELECT m.source_id, {_count_expr(f)} AS n, sum(m.reach) AS reach,
                       max(m.source_type) AS t
                FROM mentions m {where} GROUP BY m.source_id ORDER BY n DESC, m.source_id LIMIT ?""",
            (*params, limit),
        )
        return [RankedValue(r[0], r[1], r[2] or 0, r[3]) for r in rows]

    def top_authors(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        where, params = _where(f)
        where += (" AND " if where else "WHERE ") + "m.author IS NOT NULL AND m.author != ''"
        rows = self._read(
            f"""SELECT m.author, {_count_expr(f)} AS n, max(m.reach) AS reach,
                       max(m.source_id) AS s
                FROM mentions m {where} GROUP BY m.author
                ORDER BY n DESC, reach DESC, m.author LIMIT ?""",
            (*params, limit),
        )
        return [RankedValue(r[0], r[1], r[2] or 0, r[3]) for r in rows]

    def cooccurring_places(self, key: str, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        scoped = MentionFilter(**{**f.__dict__, "territories": (key,)})
        where, params = _where(scoped)
        rows = self._read(
            f"""SELECT o.place_key, max(o.name), count(DISTINCT o.doc_id) AS n
                FROM mentions m JOIN mentions o ON o.doc_id = m.doc_id AND o.place_key != m.place_key
                {where} GROUP BY o.place_key ORDER BY n DESC, o.place_key LIMIT ?""",
            (*params, limit),
        )
        return [RankedValue(r[0], r[2], 0, r[1]) for r in rows]

    def top_terms(self, f: MentionFilter, limit: int = 20) -> list[RankedValue]:
        """Terms of the latest documents of the filter, without the names of its places."""
        where, params = _where(f)
        sample = f"SELECT m.doc_id FROM mentions m {where} ORDER BY m.published DESC LIMIT ?"
        params.append(TERMS_SAMPLE)
        rows = self._read(
            f"SELECT d.title, d.text, d.lang FROM documents d WHERE d.id IN ({sample})", params
        )
        # The names of the places in those documents (only the filter's, if it names some).
        name_params = list(params)
        scope = _in("place_key", f.territories, name_params) if f.territories else "1"
        names = {
            word
            for r in self._read(
                f"SELECT DISTINCT name FROM mentions WHERE doc_id IN ({sample}) AND {scope}",
                name_params,
            )
            for word in terms_of(r[0])
        }
        return [
            RankedValue(term, n)
            for term, n in top_terms_of(((r[0] or "") + "\n" + r[1], r[2]) for r in rows)
            if term not in names
        ][:limit]

    def mention_examples(
        self, key: str, f: MentionFilter, label: SentimentLabel, limit: int = 5
    ) -> list[MentionExample]:
        scoped = MentionFilter(**{**f.__dict__, "territories": (key,), "sentiment": label})
        where, params = _where(scoped)
        order = "m.sentiment DESC" if label == "positive" else "m.sentiment ASC"
        rows = self._read(
            f"""SELECT d.*, m.sentiment AS m_sentiment FROM mentions m
                JOIN documents d ON d.id = m.doc_id {where}
                ORDER BY {order}, m.reach DESC LIMIT ?""",
            (*params, limit),
        )
        out: list[MentionExample] = []
        for r in rows:
            doc = _doc_from_row(r)
            for p in _analysis_from_row(r).places:
                if p.place_key == key:
                    out.append(MentionExample(doc, key, p.start, p.end, r["m_sentiment"]))
                    break
        return out

    def search(
        self, query: str, f: MentionFilter, page: int = 1, size: int = 20,
        order: SearchOrder = "newest",
    ) -> SearchPage:
        """Newest first (undated last), or by relevance; counts exactly up to a bound.

        The full-text index is keyed by `search_key`, so matches come out newest first
        and a period is a key range: a page reads only as far as it shows. The count
        stops past `SEARCH_COUNT_LIMIT` (or past the page asked for, if further).
        """
        fts, fields = to_fts5(query)
        f = with_fields(f, fields)
        page = max(1, page)
        low, high = _key_range(f)
        if order == "newest" and self._few_place_mentions(fts, f, low, high):
            return self._search_by_place(fts, f, page, size, low, high)
        where, params = _doc_where(f)
        key = "documents_fts.rowid" if fts else "d.search_key"
        ranged, range_params = _rowid_range(key, low, high)
        where += ranged
        params += range_params
        if fts:
            base = f"""FROM documents_fts JOIN documents d ON d.search_key = documents_fts.rowid
                       WHERE documents_fts MATCH ? AND d.analysed = 1 {where}"""
            params.insert(0, fts)
            snippet = f"snippet(documents_fts, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 24)"
        else:
            base = f"FROM documents d WHERE d.analysed = 1 {where}"
            snippet = "substr(d.text, 1, 200)"
        ordering = f"{key} DESC"
        if order == "relevance" and fts:
            ordering = f"bm25(documents_fts), {key} DESC"
        cap = max(SEARCH_COUNT_LIMIT, page * size + 1)
        found = self._read(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT ?)", (*params, cap + 1))
        total = int(found[0][0])
        rows = []
        if (page - 1) * size < total:
            rows = self._read(
                f"SELECT d.*, {snippet} AS snip {base} ORDER BY {ordering} LIMIT ? OFFSET ?",
                (*params, size, (page - 1) * size),
            )
        return SearchPage(total=min(total, cap), hits=_hits(rows), page=page, size=size,
                          total_is_lower_bound=total > cap)

    def _few_place_mentions(
        self, fts: str, f: MentionFilter, low: int | None, high: int | None
    ) -> bool:
        """Whether the filter's places have far fewer mentions in the period than the query
        has matches: then listing their documents and keeping the matches reads less than
        walking the matches and checking their places one by one."""
        if not f.territories:
            return False
        scope = MentionFilter(since=f.since, until=f.until, territories=f.territories)
        mentions = sum(t[0] for t in self._place_totals(scope).values())
        if mentions > PLACE_FIRST_MAX:
            return False
        if not fts:
            return True
        ranged, params = _rowid_range("rowid", low, high)
        matches = self._read(
            f"SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ? {ranged}",
            (fts, *params),
        )[0][0]
        # Walking the matches stops once it has a page and the count's bound: it wins unless
        # the places are much rarer than the matches.
        return mentions * PLACE_FIRST_RATIO < int(matches)

    def _search_by_place(
        self, fts: str, f: MentionFilter, page: int, size: int, low: int | None, high: int | None
    ) -> SearchPage:
        """Search starting from the mentions of a few places: every key, then one page."""
        mention_where, params = _where(MentionFilter(
            since=f.since, until=f.until, territories=f.territories, sentiment=f.sentiment,
            watched_only=f.watched_only,
        ))
        doc_where, doc_params = _doc_where(replace(
            f, since=None, until=None, territories=(), sentiment=None, watched_only=False
        ))
        params += doc_params
        match = ""
        if fts:
            ranged, range_params = _rowid_range("rowid", low, high)
            match = (" AND d.search_key IN (SELECT rowid FROM documents_fts "
                     f"WHERE documents_fts MATCH ? {ranged})")
            params += [fts, *range_params]
        # CROSS JOIN keeps the mentions as the outer loop.
        keys = [r[0] for r in self._read(
            f"""SELECT DISTINCT d.search_key FROM mentions m CROSS JOIN documents d
                ON d.id = m.doc_id {mention_where} AND d.analysed = 1 {doc_where}{match}
                ORDER BY d.search_key DESC""",
            params,
        )]
        shown = keys[(page - 1) * size : page * size]
        rows: list[sqlite3.Row] = []
        if shown and fts:
            in_params: list[Any] = [fts]
            rows = self._read(
                f"""SELECT d.*, snippet(documents_fts, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}',
                           ' … ', 24) AS snip
                    FROM documents_fts JOIN documents d ON d.search_key = documents_fts.rowid
                    WHERE documents_fts MATCH ? AND {_in("documents_fts.rowid", shown, in_params)}
                    ORDER BY documents_fts.rowid DESC""",
                in_params,
            )
        elif shown:
            in_params = []
            rows = self._read(
                f"""SELECT d.*, substr(d.text, 1, 200) AS snip FROM documents d
                    WHERE {_in("d.search_key", shown, in_params)} ORDER BY d.search_key DESC""",
                in_params,
            )
        return SearchPage(total=len(keys), hits=_hits(rows), page=page, size=size)

    # ---------------------------------------------------------------- crawl state

    def get_source_state(self, source_id: str) -> SourceState | None:
        rows = self._read("SELECT state_json FROM source_state WHERE source_id = ?", (source_id,))
        return _state_from_json(source_id, rows[0][0]) if rows else None

    def save_source_state(self, state: SourceState) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO source_state (source_id, state_json) VALUES (?, ?) "
                "ON CONFLICT(source_id) DO UPDATE SET state_json = excluded.state_json",
                (state.source_id, _state_to_json(state)),
            )

    def source_states(self) -> list[SourceState]:
        rows = self._read("SELECT source_id, state_json FROM source_state ORDER BY source_id")
        return [_state_from_json(r[0], r[1]) for r in rows]

    # ---------------------------------------------------------------- outbox

    def enqueue(self, messages: Sequence[OutboxMessage]) -> int:
        new = 0
        with self._write() as conn:
            for m in messages:
                cur = conn.execute(
                    """INSERT OR IGNORE INTO outbox (key, channel, payload_json, created, attempts,
                        next_attempt) VALUES (?,?,?,?,0,?)""",
                    (m.key, m.channel, json.dumps(m.payload), _ts(m.created),
                     _ts(m.next_attempt or m.created)),
                )
                new += cur.rowcount
        return new

    def due_messages(self, now: datetime) -> list[OutboxMessage]:
        rows = self._read(
            "SELECT * FROM outbox WHERE sent IS NULL AND next_attempt <= ? ORDER BY created, key",
            (_ts(now),),
        )
        return [_message_from_row(r) for r in rows]

    def mark_sent(self, key: str, when: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET sent = ?, attempts = attempts + 1, last_error = NULL WHERE key = ?",
                (_ts(when), key),
            )

    def mark_failed(self, key: str, error: str, next_attempt: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? "
                "WHERE key = ?",
                (error[:500], _ts(next_attempt), key),
            )

    def sent_messages(self, since: datetime | None = None) -> list[OutboxMessage]:
        rows = self._read(
            "SELECT * FROM outbox WHERE sent IS NOT NULL AND sent >= ? ORDER BY sent DESC",
            (_ts(since) or 0,),
        )
        return [_message_from_row(r) for r in rows]


# -------------------------------------------------------------------- helpers (pure)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, current, depth = [], [], 0
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        current.append(line)
        if re.search(r"\bBEGIN\s*$", stripped):
            depth += 1
        if stripped == "END;":
            depth -= 1
        if stripped.endswith(";") and depth == 0:
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


def _batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _chunked_in(conn: sqlite3.Connection, prefix: str, values: Sequence[str]) -> Iterator[tuple]:
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        yield from conn.execute(f"{prefix} ({','.join('?' * len(chunk))})", chunk)


def search_key(published: int | None, rowid: int) -> int:
    """A document's key in the full-text index: newest first, undated last, one per rowid."""
    r = rowid % KEY_SPAN
    if published is None:
        return KEY_UNDATED + r
    return max(-KEY_MAX_SECONDS, min(KEY_MAX_SECONDS, published)) * KEY_SPAN + r


def _key_sql(published: str, rowid: str) -> str:
    """`search_key` as an SQL expression over two SQL operands (column names or '?')."""
    return _KEY_SQL.format(p=published, r=rowid)


def _key_range(f: MentionFilter) -> tuple[int | None, int | None]:
    """The [low, high) search keys of the documents published in the filter's period."""
    since, until = _ts(f.since), _ts(f.until)
    if since is None and until is None:
        return None, None
    low = search_key(since, 0) if since is not None else search_key(-KEY_MAX_SECONDS, 0)
    high = search_key(until, 0) if until is not None else None
    return low, high


def _rowid_range(column: str, low: int | None, high: int | None) -> tuple[str, list[Any]]:
    """' AND column >= low AND column < high' for the bounds that are set."""
    sql, params = "", []
    if low is not None:
        sql += f" AND {column} >= ?"
        params.append(low)
    if high is not None:
        sql += f" AND {column} < ?"
        params.append(high)
    return sql, params


def _hits(rows: Iterable[sqlite3.Row]) -> list[SearchHit]:
    """Search hits from document rows carrying their snippet as `snip`."""
    hits = []
    for r in rows:
        analysis = _analysis_from_row(r)
        hits.append(SearchHit(
            doc=_doc_from_row(r), snippet=r["snip"] or "", sentiment=analysis.sentiment.label,
            places=tuple(dict.fromkeys(p.name for p in analysis.places)),
        ))
    return hits


def _raw_row(d: RawDocument, h: str, rowid: int) -> tuple[Any, ...]:
    e = d.engagement
    published = _ts(d.published)
    return (
        rowid, d.id, d.url, d.source_id, d.source_type, d.title, d.text, published,
        _ts(d.collected), d.author, d.lang, e.likes, e.reposts, e.replies, e.followers,
        _pack(d.raw), h, d.duplicate_of, search_key(published, rowid),
    )


_INSERT_DOCUMENT = """INSERT INTO documents (rowid, id, url, source_id, source_type, title, text,
    published, collected, author, declared_lang, likes, reposts, replies, followers, raw,
    content_hash, duplicate_of, search_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""

_UPSERT_DOCUMENT = f""" ON CONFLICT(id) DO UPDATE SET url=excluded.url,
    source_id=excluded.source_id, source_type=excluded.source_type, title=excluded.title,
    text=excluded.text, published=excluded.published, collected=excluded.collected,
    author=excluded.author, declared_lang=excluded.declared_lang, likes=excluded.likes,
    reposts=excluded.reposts, replies=excluded.replies, followers=excluded.followers,
    content_hash=excluded.content_hash, duplicate_of=excluded.duplicate_of,
    search_key={_key_sql("excluded.published", "rowid")}"""


def _insert_documents(
    conn: sqlite3.Connection, docs: Sequence[tuple[RawDocument, str]], upsert: bool = False
) -> int:
    """Insert documents (with their content hashes) after the last rowid, which it returns.

    Rowids are given here, inside the write transaction, so each search key is known
    without reading the row back; `_index_new` then indexes them all at once.
    """
    base = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM documents").fetchone()[0])
    if docs:
        rows = [_raw_row(d, h, base + i) for i, (d, h) in enumerate(docs, 1)]
        conn.executemany(_INSERT_DOCUMENT + (_UPSERT_DOCUMENT if upsert else ""), rows)
    return base


def _index_new(conn: sqlite3.Connection, base: int) -> None:
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


def _last_per_id(batch: list[Any], key: Callable[[Any], str]) -> list[Any]:
    """The last item per document id, in order: a batch may carry a document twice."""
    return list({key(item): item for item in batch}.values())


# One encoder for every row: json.dumps with options builds a new one per call.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def _write_analyses(
    conn: sqlite3.Connection, items: list[tuple[RawDocument, Analysis]],
    replaces: set[str] | None = None,
) -> None:
    """Replace the analyses and mentions of distinct documents, one statement per kind of row.

    `replaces`, when given, names the documents that may have mentions already (the others
    have never been analysed); by default every document's are deleted first.
    """
    documents: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    places: dict[str, tuple[Any, ...]] = {}
    for doc, analysis in items:
        s = analysis.sentiment
        documents.append((
            analysis.lang, s.score, s.label, s.positive, s.negative,
            _to_json([p.to_dict() for p in analysis.places]), doc.id,
        ))
        published, reach, story = _ts(doc.published), doc.engagement.reach, doc.duplicate_of or doc.id
        for key, (p, n, sent, conf) in per_place(analysis.places).items():
            mentions.append((
                doc.id, key, p.name, p.territory, p.kind, p.geonames_id, p.lat, p.lon, n, sent,
                sentiment_label(sent), conf, published, doc.source_id, doc.source_type,
                analysis.lang, doc.author, reach, story,
            ))
            places[key] = (key, p.name, p.territory, p.kind, p.lat, p.lon)
    conn.executemany(
        """UPDATE documents SET analysed = 1, lang = ?, sentiment_score = ?, sentiment_label = ?,
            sentiment_positive = ?, sentiment_negative = ?, places_json = ? WHERE id = ?""",
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


def _doc_from_row(r: sqlite3.Row) -> RawDocument:
    return RawDocument(
        id=r["id"], url=r["url"], source_id=r["source_id"], source_type=r["source_type"],
        text=r["text"], collected=_dt(r["collected"]) or datetime.min.replace(tzinfo=UTC),
        title=r["title"], published=_dt(r["published"]), author=r["author"],
        lang=r["declared_lang"],
        engagement=Engagement(r["likes"], r["reposts"], r["replies"], r["followers"]),
        raw=_unpack(r["raw"]), duplicate_of=r["duplicate_of"],
    )


def _analysis_from_row(r: sqlite3.Row) -> Analysis:
    places = json.loads(r["places_json"] or "[]")
    return Analysis(
        lang=r["lang"] or "und",
        sentiment=Sentiment(
            score=r["sentiment_score"] or 0.0, label=r["sentiment_label"] or "neutral",
            positive=r["sentiment_positive"] or 0.0, negative=r["sentiment_negative"] or 0.0,
        ),
        places=tuple(PlaceMention.from_dict(p) for p in places),
    )


DAY = 86400


@dataclass(frozen=True)
class _Plan:
    """How to count a period: whole UTC days from the roll-ups, ragged edges from mentions."""

    days: tuple[int | None, int | None] | None  # [first day, end day) read from the roll-ups
    raw: list[MentionFilter]  # parts of the period counted from the mentions table
    undated: bool = False  # also count undated mentions (no period asked)


def _plan(f: MentionFilter, dated_only: bool = False) -> _Plan | None:
    """Split a filter into roll-up days and raw edges, or None when roll-ups cannot answer it."""
    if f.source_ids or f.syndicated_once or f.sentiment:
        return None
    since, until = _ts(f.since), _ts(f.until)
    first = -(-since // DAY) * DAY if since is not None else None
    end = until // DAY * DAY if until is not None else None
    if first is not None and end is not None and first >= end:
        return _Plan(None, [f])
    raw: list[MentionFilter] = []
    if since is not None and first is not None and since < first:
        raw.append(replace(f, since=f.since, until=_dt(first)))
    if until is not None and end is not None and end < until:
        raw.append(replace(f, since=_dt(end), until=f.until))
    return _Plan((first, end), raw, undated=since is None and until is None and not dated_only)


def _rollup_where(
    f: MentionFilter, days: tuple[int | None, int | None]
) -> tuple[str, str, list[Any]]:
    """The roll-up table for a filter, and the WHERE clause over its whole days."""
    params: list[Any] = []
    clauses: list[str] = []
    first, end = days
    if first is not None:
        clauses.append("day >= ?")
        params.append(first)
    if end is not None:
        clauses.append("day < ?")
        params.append(end)
    if f.territories:
        clauses.append(_in("place_key", f.territories, params))
    if f.watched_only:
        clauses.append("place_key IN (SELECT place_key FROM places WHERE territory IS NOT NULL)")
    table = "place_days"
    if f.langs or f.source_types:
        table = "place_days_by"
        if f.langs:
            clauses.append(_in("lang", f.langs, params))
        if f.source_types:
            clauses.append(_in("source_type", f.source_types, params))
    return table, ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _accumulate(into: dict[Any, list[int]], rows: Iterable[Sequence[Any]], width: int = 1) -> None:
    """Add grouped rows (key columns first, then counts) into running totals."""
    for r in rows:
        key = r[0] if width == 1 else tuple(r[:width])
        values = [int(v or 0) for v in r[width:]]
        current = into.get(key)
        if current is None:
            into[key] = values
        else:
            for i, v in enumerate(values):
                current[i] += v


def _count_expr(f: MentionFilter, condition: str | None = None) -> str:
    """Count mentions, or distinct syndicated stories when copies count once."""
    if f.syndicated_once:
        inner = f"CASE WHEN {condition} THEN m.story END" if condition else "m.story"
        return f"count(DISTINCT {inner})"
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)" if condition else "count(*)"


def _in(column: str, values: Sequence[str], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})"


def _period_and_sources(alias: str, f: MentionFilter, clauses: list[str], params: list[Any]) -> None:
    """The filters mentions and documents share, on the table `alias` (m or d)."""
    if f.since is not None:
        clauses.append(f"{alias}.published >= ?")
        params.append(_ts(f.since))
    if f.until is not None:
        clauses.append(f"{alias}.published < ?")
        params.append(_ts(f.until))
    if f.source_types:
        clauses.append(_in(f"{alias}.source_type", f.source_types, params))
    if f.source_ids:
        clauses.append(_in(f"{alias}.source_id", f.source_ids, params))
    if f.langs:
        clauses.append(_in(f"{alias}.lang", f.langs, params))


def _where(
    f: MentionFilter, dated_only: bool = False, undated_only: bool = False
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if undated_only:
        clauses.append("m.published IS NULL")
    if dated_only and f.since is None and f.until is None:
        clauses.append("m.published IS NOT NULL")
    _period_and_sources("m", f, clauses, params)
    if f.territories:
        clauses.append(_in("m.place_key", f.territories, params))
    if f.sentiment:
        clauses.append("m.label = ?")
        params.append(f.sentiment)
    if f.watched_only:
        clauses.append("m.territory IS NOT NULL")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _doc_where(f: MentionFilter) -> tuple[str, list[Any]]:
    """Document-level filters for search: a document matches when one of its mentions does."""
    mention_filter = bool(f.territories or f.sentiment or f.watched_only)
    clauses: list[str] = []
    params: list[Any] = []
    _period_and_sources("d", f, clauses, params)
    if mention_filter:
        inner, inner_params = _where(
            MentionFilter(territories=f.territories, sentiment=f.sentiment,
                          watched_only=f.watched_only)
        )
        # Checked per candidate document: matches arrive in order, and a page stops early.
        clauses.append(f"EXISTS (SELECT 1 FROM mentions m {inner} AND m.doc_id = d.id)")
        params.extend(inner_params)
    if f.syndicated_once:
        clauses.append("d.duplicate_of IS NULL")
    return ("".join(" AND " + c for c in clauses)), params


def _state_to_json(s: SourceState) -> str:
    data = dict(s.__dict__)
    for key in ("last_attempt", "last_success", "next_attempt"):
        value = data[key]
        data[key] = value.isoformat() if value else None
    data.pop("source_id")
    return json.dumps(data)


def _state_from_json(source_id: str, text: str) -> SourceState:
    data = json.loads(text)
    for key in ("last_attempt", "last_success", "next_attempt"):
        if data.get(key):
            data[key] = datetime.fromisoformat(data[key])
    known = set(SourceState.__dataclass_fields__) - {"source_id"}
    return SourceState(source_id=source_id, **{k: v for k, v in data.items() if k in known})


def _message_from_row(r: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        key=r["key"], channel=r["channel"], payload=json.loads(r["payload_json"]),
        created=_dt(r["created"]) or datetime.min.replace(tzinfo=UTC), attempts=r["attempts"],
        next_attempt=_dt(r["next_attempt"]), sent=_dt(r["sent"]), last_error=r["last_error"],
    )
