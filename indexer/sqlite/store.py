"""SqliteStore: the embedded default backend (WAL, FTS5, versioned migrations, batched writes)."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from core.batching import batched
from core.errors import StoreError
from core.models import Analysis, EnrichedDocument, RawDocument, SentimentLabel
from indexer.base import (
    Bucket,
    MentionExample,
    MentionFilter,
    OutboxMessage,
    PlaceCount,
    RankedValue,
    SearchOrder,
    SearchPage,
    ShareOfVoice,
    SourceState,
    StoreStats,
    VoiceField,
    VoiceSummary,
    VolumePoint,
)
from indexer.common import error_text, first_attempt, first_per_key, last_per_id
from indexer.sqlite import queries
from indexer.sqlite.rows import (
    analysis_from_row,
    doc_from_row,
    message_from_row,
    pack_raw,
    state_from_json,
    state_to_json,
    to_seconds,
)
from indexer.sqlite.schema import MIGRATIONS, search_key, split_sql
from indexer.sqlite.search import search_documents
from indexer.sqlite.watchlists import (
    candidate_ids,
    documents_by_id,
    documents_mentioning,
    drop_territories,
)
from indexer.sqlite.writes import chunked_in, index_new, insert_documents, write_analyses

logger = logging.getLogger(__name__)

BATCH = 20_000  # documents per write transaction


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
            self._switch_to_wal(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            self._conn = conn
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn = None
            raise StoreError(f"{self.path}: cannot open SQLite store: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create SQLite store: {exc.strerror}") from None

    def _switch_to_wal(self, conn: sqlite3.Connection) -> None:
        """Put the file in WAL mode, waiting for a process that is creating it at the same moment.

        SQLite answers "database is locked" to this pragma at once, without its busy handler,
        while another connection holds the file (two jobs opening a new store together), so
        the wait is ours: retry with a growing pause up to the store's timeout.
        """
        deadline = time.monotonic() + self._timeout
        pause = 0.005
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

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
        if self._schema_version(conn) == len(MIGRATIONS):
            return  # the usual start: no write transaction at all
        while True:
            with self._write():
                # Read again under the write lock: another process opening the same new file
                # at the same moment may have applied this migration already.
                version = self._schema_version(conn)
                if version == len(MIGRATIONS):
                    return
                logger.info("migrating %s to schema version %d", self.path, version + 1)
                for statement in split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")

    def _schema_version(self, conn: sqlite3.Connection) -> int:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this placewatch "
                f"({len(MIGRATIONS)}); upgrade placewatch"
            )
        return version

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
        for batch in batched(docs, BATCH):
            with self._write() as conn:
                rowids: dict[str, int] = {}
                existing: dict[str, str] = {}
                for doc_id, h, rowid in chunked_in(
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
                    published = to_seconds(d.published)
                    e = d.engagement
                    updates.append((
                        d.url, d.source_id, d.source_type, d.title, d.text, published,
                        search_key(published, rowids[d.id]), d.author, d.lang, e.likes,
                        e.reposts, e.replies, e.followers, pack_raw(d.raw), h, d.duplicate_of,
                        changed, d.id,
                    ))
                    # Engagement and grouping may change without the text changing.
                    mention_updates.append((
                        d.engagement.reach, d.duplicate_of or d.id, to_seconds(d.published),
                        d.source_id, d.source_type, d.author, d.id,
                    ))
                new += len(inserts)
                base = insert_documents(conn, list(inserts.values()))
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
                index_new(conn, base)
        return new

    def get_document(self, doc_id: str) -> RawDocument | None:
        rows = self._read("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return doc_from_row(rows[0]) if rows else None

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
        return [doc_from_row(r) for r in rows]

    def raw_documents(self, since: datetime | None = None) -> Iterator[RawDocument]:
        last = -1
        while True:
            rows = self._read(
                "SELECT rowid AS _rowid, * FROM documents WHERE rowid > ? AND collected >= ? "
                "ORDER BY rowid LIMIT ?",
                (last, to_seconds(since) or 0, BATCH),
            )
            if not rows:
                return
            for r in rows:
                yield doc_from_row(r)
            last = rows[-1]["_rowid"]

    def count_raw(self, since: datetime | None = None, source_id: str | None = None) -> int:
        sql = "SELECT count(*) FROM documents WHERE collected >= ?"
        params: list[Any] = [to_seconds(since) or 0]
        if source_id is not None:
            sql, params = sql + " AND source_id = ?", [*params, source_id]
        return int(self._read(sql, params)[0][0])

    # ---------------------------------------------------------------- analyses

    def save_analyses(
        self, items: Iterable[tuple[RawDocument, Analysis]], watchlist: str | None = None
    ) -> int:
        count = 0
        for batch in batched(items, BATCH):
            latest = last_per_id(batch, lambda item: item[0].id)
            with self._write() as conn:
                # An analysis never arrives without its document: store the raw one if missing.
                # A document never analysed (no place list yet) has no mentions to replace.
                analysed_before: set[str] = set()
                known: set[str] = set()
                for doc_id, analysed in chunked_in(
                    conn, "SELECT id, places_json IS NOT NULL FROM documents WHERE id IN",
                    [d.id for d, _ in latest],
                ):
                    known.add(doc_id)
                    if analysed:
                        analysed_before.add(doc_id)
                base = insert_documents(
                    conn, [(d, d.content_hash) for d, _ in latest if d.id not in known]
                )
                write_analyses(conn, latest, replaces=analysed_before, watchlist=watchlist)
                index_new(conn, base)
            count += len(batch)
        return count

    def import_documents(self, docs: Iterable[EnrichedDocument]) -> int:
        count = 0
        for batch in batched(docs, BATCH):
            latest = last_per_id(batch, lambda e: e.doc.id)
            with self._write() as conn:
                base = insert_documents(
                    conn, [(e.doc, e.doc.content_hash) for e in latest], upsert=True
                )
                write_analyses(conn, [(e.doc, e.analysis) for e in latest])
                index_new(conn, base)
            count += len(batch)
        return count

    def get_documents(self, doc_ids: Sequence[str]) -> list[RawDocument]:
        return documents_by_id(self._read, doc_ids)

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
                yield EnrichedDocument(doc_from_row(r), analysis_from_row(r))
            last = rows[-1]["_rowid"]

    # ---------------------------------------------------------------- watchlists

    def remember_watchlist(self, fingerprint: str, territories: list[dict[str, Any]]) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO watchlists (fingerprint, territories_json) VALUES (?, ?) "
                "ON CONFLICT(fingerprint) DO UPDATE SET territories_json = excluded.territories_json",
                (fingerprint, json.dumps(territories, ensure_ascii=False, sort_keys=True)),
            )

    def watchlists(self) -> dict[str, list[dict[str, Any]]]:
        rows = self._read("SELECT fingerprint, territories_json FROM watchlists")
        return {r[0]: json.loads(r[1]) for r in rows}

    def analyses_by_watchlist(self) -> dict[str, int]:
        rows = self._read(
            "SELECT coalesce(watchlist, ''), count(*) FROM documents WHERE analysed = 1 GROUP BY 1"
        )
        return {r[0]: int(r[1]) for r in rows}

    def reanalysis_candidates(
        self, watchlist: str, phrases: Sequence[Sequence[str]] | None,
        territories: Sequence[str], since: datetime | None = None,
    ) -> list[str]:
        return candidate_ids(self._read, watchlist, phrases, territories, since)

    def drop_mentions(self, territories: Sequence[str]) -> int:
        if not territories:
            return 0
        with self._write() as conn:
            doc_ids = documents_mentioning(conn, territories)
        changed = 0
        for i in range(0, len(doc_ids), BATCH):
            with self._write() as conn:
                changed += drop_territories(conn, doc_ids[i : i + BATCH], territories)
        return changed

    # ---------------------------------------------------------------- queries

    # Each question is answered in `queries` or `search`, given this store's read.

    def stats(self) -> StoreStats:
        return queries.stats(self._read)

    def ranking(self, f: MentionFilter, limit: int = 20) -> list[PlaceCount]:
        return queries.ranking(self._read, f, limit)

    def volume(self, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]:
        return queries.volume(self._read, f, bucket)

    def share_of_voice(self, f: MentionFilter, weighted: bool = False) -> ShareOfVoice:
        return queries.share_of_voice(self._read, f, weighted)

    def top_sources(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return queries.top_sources(self._read, f, limit)

    def top_authors(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return queries.top_authors(self._read, f, limit)

    def top_voices(self, f: MentionFilter, by: VoiceField, limit: int = 10) -> list[VoiceSummary]:
        return queries.top_voices(self._read, f, by, limit)

    def cooccurring_places(self, key: str, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return queries.cooccurring_places(self._read, key, f, limit)

    def top_terms(self, f: MentionFilter, limit: int = 20) -> list[RankedValue]:
        return queries.top_terms(self._read, f, limit)

    def mention_examples(
        self, key: str, f: MentionFilter, label: SentimentLabel, limit: int = 5
    ) -> list[MentionExample]:
        return queries.mention_examples(self._read, key, f, label, limit)

    def search(
        self, query: str, f: MentionFilter, page: int = 1, size: int = 20,
        order: SearchOrder = "newest",
    ) -> SearchPage:
        return search_documents(self._read, query, f, page, size, order)

    # ---------------------------------------------------------------- crawl state

    def get_source_state(self, source_id: str) -> SourceState | None:
        rows = self._read("SELECT state_json FROM source_state WHERE source_id = ?", (source_id,))
        return state_from_json(source_id, rows[0][0]) if rows else None

    def save_source_state(self, state: SourceState) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO source_state (source_id, state_json) VALUES (?, ?) "
                "ON CONFLICT(source_id) DO UPDATE SET state_json = excluded.state_json",
                (state.source_id, state_to_json(state)),
            )

    def source_states(self) -> list[SourceState]:
        rows = self._read("SELECT source_id, state_json FROM source_state ORDER BY source_id")
        return [state_from_json(r[0], r[1]) for r in rows]

    def claim_source(
        self, source_id: str, owner: str, until: datetime, now: datetime, replace: str | None = None
    ) -> str | None:
        with self._write() as conn:
            conn.execute(
                """INSERT INTO source_claims (source_id, owner, until) VALUES (?, ?, ?)
                   ON CONFLICT(source_id) DO UPDATE SET owner = excluded.owner, until = excluded.until
                   WHERE source_claims.until <= ? OR source_claims.owner = excluded.owner
                      OR source_claims.owner = ?""",
                (source_id, owner, to_seconds(until), to_seconds(now), replace or owner),
            )
            holder = conn.execute(
                "SELECT owner FROM source_claims WHERE source_id = ?", (source_id,)
            ).fetchone()[0]
        return None if holder == owner else str(holder)

    def release_source(self, source_id: str, owner: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM source_claims WHERE source_id = ? AND owner = ?", (source_id, owner))

    # ---------------------------------------------------------------- outbox

    def enqueue(self, messages: Sequence[OutboxMessage]) -> int:
        new = 0
        with self._write() as conn:
            for m in first_per_key(messages):
                cur = conn.execute(
                    """INSERT OR IGNORE INTO outbox (key, channel, payload_json, created, attempts,
                        next_attempt) VALUES (?,?,?,?,0,?)""",
                    (m.key, m.channel, json.dumps(m.payload), to_seconds(m.created),
                     to_seconds(first_attempt(m))),
                )
                new += cur.rowcount
        return new

    def due_messages(self, now: datetime) -> list[OutboxMessage]:
        rows = self._read(
            "SELECT * FROM outbox WHERE sent IS NULL AND next_attempt <= ? ORDER BY created, key",
            (to_seconds(now),),
        )
        return [message_from_row(r) for r in rows]

    def mark_sent(self, key: str, when: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET sent = ?, attempts = attempts + 1, last_error = NULL WHERE key = ?",
                (to_seconds(when), key),
            )

    def mark_failed(self, key: str, error: str, next_attempt: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? "
                "WHERE key = ?",
                (error_text(error), to_seconds(next_attempt), key),
            )

    def sent_messages(self, since: datetime | None = None) -> list[OutboxMessage]:
        rows = self._read(
            "SELECT * FROM outbox WHERE sent IS NOT NULL AND sent >= ? ORDER BY sent DESC",
            (to_seconds(since) or 0,),
        )
        return [message_from_row(r) for r in rows]
