"""SqliteStore: the embedded default backend (WAL, FTS5, versioned migrations, batched writes)."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    SearchPage,
    ShareOfVoice,
    SourceState,
    StoreStats,
    VolumePoint,
)
from indexer.query import to_fts5
from indexer.terms import terms_of, top_terms_of
from placewatch.errors import StoreError
from placewatch.models import (
    Analysis,
    Engagement,
    EnrichedDocument,
    PlaceMention,
    RawDocument,
    Sentiment,
    SentimentLabel,
    sentiment_label,
)

logger = logging.getLogger(__name__)

BATCH = 1000

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
)


def _ts(dt: datetime | None) -> int | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def _dt(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def _pack(raw: bytes) -> bytes:
    return zlib.compress(raw, 6) if raw else b""


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

    # ---------------------------------------------------------------- lifecycle

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.setup()
        assert self._conn is not None
        return self._conn

    def setup(self) -> None:
        """Open the file, switch to WAL and apply pending migrations; safe to call every start."""
        if self._conn is not None:
            return
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(self.path), timeout=self._timeout, check_same_thread=False,
                isolation_level=None,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -65536")
            conn.execute("PRAGMA temp_store = MEMORY")
            self._conn = conn
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn = None
            raise StoreError(f"{self.path}: cannot open SQLite store: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create SQLite store: {exc.strerror}") from None

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

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
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
        with self._lock:
            cur = self.conn.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return cur.fetchall()

    # ---------------------------------------------------------------- raw documents

    def upsert_raw(self, docs: Iterable[RawDocument]) -> int:
        """Insert or update raw documents; an update keeps the analysis unless the text changed."""
        new = 0
        for batch in _batched(docs, BATCH):
            with self._write() as conn:
                ids = [d.id for d in batch]
                existing = {
                    r[0]: r[1]
                    for r in _chunked_in(conn, "SELECT id, content_hash FROM documents WHERE id IN", ids)
                }
                for d in batch:
                    h = d.content_hash
                    if d.id not in existing:
                        new += 1
                        conn.execute(
                            """INSERT INTO documents (id, url, source_id, source_type, title, text,
                                published, collected, author, declared_lang, likes, reposts, replies,
                                followers, raw, content_hash, duplicate_of)
                               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                            _raw_row(d, h),
                        )
                        existing[d.id] = h
                    else:
                        changed = existing[d.id] != h
                        conn.execute(
                            """UPDATE documents SET url=?, source_id=?, source_type=?, title=?, text=?,
                                published=?, author=?, declared_lang=?, likes=?, reposts=?, replies=?,
                                followers=?, raw=?, content_hash=?, duplicate_of=?,
                                analysed = CASE WHEN ? THEN 0 ELSE analysed END
                               WHERE id=?""",
                            (
                                d.url, d.source_id, d.source_type, d.title, d.text, _ts(d.published),
                                d.author, d.lang, d.engagement.likes, d.engagement.reposts,
                                d.engagement.replies, d.engagement.followers, _pack(d.raw), h,
                                d.duplicate_of, changed, d.id,
                            ),
                        )
                        # Engagement and grouping may change without the text changing.
                        conn.execute(
                            "UPDATE mentions SET reach=?, story=?, published=?, author=? WHERE doc_id=?",
                            (
                                d.engagement.reach, d.duplicate_of or d.id, _ts(d.published),
                                d.author, d.id,
                            ),
                        )
        return new

    def get_document(self, doc_id: str) -> RawDocument | None:
        rows = self._read("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return _doc_from_row(rows[0]) if rows else None

    def find_by_content_hash(self, content_hash: str) -> str | None:
        rows = self._read(
            "SELECT id FROM documents WHERE content_hash = ? ORDER BY rowid LIMIT 1", (content_hash,)
        )
        return rows[0][0] if rows else None

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
            with self._write() as conn:
                for doc, analysis in batch:
                    _write_analysis(conn, doc, analysis)
                    count += 1
        return count

    def import_documents(self, docs: Iterable[EnrichedDocument]) -> int:
        count = 0
        for batch in _batched(docs, BATCH):
            with self._write() as conn:
                for e in batch:
                    d = e.doc
                    conn.execute(
                        """INSERT INTO documents (id, url, source_id, source_type, title, text,
                            published, collected, author, declared_lang, likes, reposts, replies,
                            followers, raw, content_hash, duplicate_of)
                           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                           ON CONFLICT(id) DO UPDATE SET url=excluded.url,
                            source_id=excluded.source_id, source_type=excluded.source_type,
                            title=excluded.title, text=excluded.text, published=excluded.published,
                            collected=excluded.collected, author=excluded.author,
                            likes=excluded.likes, reposts=excluded.reposts, replies=excluded.replies,
                            followers=excluded.followers, content_hash=excluded.content_hash,
                            duplicate_of=excluded.duplicate_of""",
                        _raw_row(d, d.content_hash),
                    )
                    _write_analysis(conn, d, e.analysis)
                    count += 1
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
        where, params = _where(f)
        count = _count_expr(f)
        rows = self._read(
            f"""SELECT m.place_key AS key, max(m.name) AS name, max(m.territory) AS territory,
                       max(m.kind) AS kind, {count} AS mentions, sum(m.reach) AS reach,
                       {_count_expr(f, "m.label = 'positive'")} AS positive,
                       {_count_expr(f, "m.label = 'neutral'")} AS neutral,
                       {_count_expr(f, "m.label = 'negative'")} AS negative,
                       max(m.lat) AS lat, max(m.lon) AS lon
                FROM mentions m {where}
                GROUP BY m.place_key ORDER BY mentions DESC, reach DESC, key LIMIT ?""",
            (*params, limit),
        )
        return [
            PlaceCount(
                key=r["key"], name=r["name"], territory=r["territory"], kind=r["kind"],
                mentions=r["mentions"], reach=r["reach"] or 0, positive=r["positive"],
                neutral=r["neutral"], negative=r["negative"], lat=r["lat"], lon=r["lon"],
            )
            for r in rows
        ]

    def volume(self, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]:
        if bucket not in _BUCKET_SQL:
            raise ValueError(f"unknown bucket {bucket!r}")
        where, params = _where(f, dated_only=True)
        rows = self._read(
            f"""SELECT {_BUCKET_SQL[bucket]} AS b, m.place_key AS key, {_count_expr(f)} AS n,
                       sum(m.reach) AS reach
                FROM mentions m {where} GROUP BY b, m.place_key ORDER BY b, key""",
            params,
        )
        return [
            VolumePoint(bucket=_dt(r["b"]) or datetime.min, key=r["key"], mentions=r["n"],
                        reach=r["reach"] or 0)
            for r in rows
        ]

    def share_of_voice(self, f: MentionFilter, weighted: bool = False) -> ShareOfVoice:
        where, params = _where(f)
        measure = "sum(m.reach)" if weighted else _count_expr(f)
        rows = self._read(
            f"SELECT m.place_key, {measure} FROM mentions m {where} GROUP BY m.place_key", params
        )
        counts = {r[0]: int(r[1] or 0) for r in rows}
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
        where, params = _where(f)
        rows = self._read(
            f"""SELECT d.title, d.text, d.lang FROM documents d WHERE d.id IN (
                    SELECT m.doc_id FROM mentions m {where} ORDER BY m.published DESC LIMIT 2000)""",
            params,
        )
        names = {
            word
            for r in self._read(f"SELECT DISTINCT m.name FROM mentions m {where} LIMIT 200", params)
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

    def search(self, query: str, f: MentionFilter, page: int = 1, size: int = 20) -> SearchPage:
        fts, fields = to_fts5(query)
        f = _with_fields(f, fields)
        page = max(1, page)
        where, params = _doc_where(f)
        match_sql = "documents_fts MATCH ?" if fts else "1"
        match_params: list[Any] = [fts] if fts else []
        base = f"""FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid
                   WHERE {match_sql} AND d.analysed = 1 {where}"""
        if not fts:
            base = f"FROM documents d WHERE d.analysed = 1 {where}"
        total = self._read(f"SELECT count(*) {base}", (*match_params, *params))[0][0]
        snippet = (
            f"snippet(documents_fts, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 24)"
            if fts else "substr(d.text, 1, 200)"
        )
        order = "bm25(documents_fts), d.published DESC" if fts else "d.published DESC"
        rows = self._read(
            f"SELECT d.*, {snippet} AS snip {base} ORDER BY {order} LIMIT ? OFFSET ?",
            (*match_params, *params, size, (page - 1) * size),
        )
        hits = []
        for r in rows:
            analysis = _analysis_from_row(r)
            hits.append(
                SearchHit(
                    doc=_doc_from_row(r), snippet=r["snip"] or "",
                    sentiment=analysis.sentiment.label,
                    places=tuple(dict.fromkeys(p.name for p in analysis.places)),
                )
            )
        return SearchPage(total=total, hits=hits, page=page, size=size)

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


def _raw_row(d: RawDocument, h: str) -> tuple[Any, ...]:
    e = d.engagement
    return (
        d.id, d.url, d.source_id, d.source_type, d.title, d.text, _ts(d.published),
        _ts(d.collected), d.author, d.lang, e.likes, e.reposts, e.replies, e.followers,
        _pack(d.raw), h, d.duplicate_of,
    )


def _write_analysis(conn: sqlite3.Connection, doc: RawDocument, analysis: Analysis) -> None:
    s = analysis.sentiment
    conn.execute(
        """UPDATE documents SET analysed = 1, lang = ?, sentiment_score = ?, sentiment_label = ?,
            sentiment_positive = ?, sentiment_negative = ?, places_json = ? WHERE id = ?""",
        (analysis.lang, s.score, s.label, s.positive, s.negative,
         json.dumps([p.to_dict() for p in analysis.places], ensure_ascii=False), doc.id),
    )
    conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc.id,))
    conn.executemany(
        """INSERT INTO mentions (doc_id, place_key, name, territory, kind, geonames_id, lat, lon,
            occurrences, sentiment, label, confidence, published, source_id, source_type, lang,
            author, reach, story) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        [
            (
                doc.id, key, p.name, p.territory, p.kind, p.geonames_id, p.lat, p.lon, n, sent,
                sentiment_label(sent), conf, _ts(doc.published), doc.source_id, doc.source_type,
                analysis.lang, doc.author, doc.engagement.reach, doc.duplicate_of or doc.id,
            )
            for key, (p, n, sent, conf) in _per_place(analysis.places).items()
        ],
    )


def _per_place(places: Iterable[PlaceMention]) -> dict[str, tuple[PlaceMention, int, float, float]]:
    """Collapse a document's mentions to one per place: count, mean sentiment, best confidence."""
    grouped: dict[str, list[PlaceMention]] = {}
    for p in places:
        grouped.setdefault(p.place_key, []).append(p)
    return {
        key: (
            ps[0],
            len(ps),
            sum(p.sentiment for p in ps) / len(ps),
            max(p.confidence for p in ps),
        )
        for key, ps in grouped.items()
    }


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


def _count_expr(f: MentionFilter, condition: str | None = None) -> str:
    """Count mentions, or distinct syndicated stories when copies count once."""
    if f.syndicated_once:
        inner = f"CASE WHEN {condition} THEN m.story END" if condition else "m.story"
        return f"count(DISTINCT {inner})"
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)" if condition else "count(*)"


def _in(column: str, values: Sequence[str], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})"


def _where(f: MentionFilter, dated_only: bool = False) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.since is not None:
        clauses.append("m.published >= ?")
        params.append(_ts(f.since))
    if f.until is not None:
        clauses.append("m.published < ?")
        params.append(_ts(f.until))
    if dated_only and f.since is None and f.until is None:
        clauses.append("m.published IS NOT NULL")
    if f.territories:
        clauses.append(_in("m.place_key", f.territories, params))
    if f.source_types:
        clauses.append(_in("m.source_type", f.source_types, params))
    if f.source_ids:
        clauses.append(_in("m.source_id", f.source_ids, params))
    if f.langs:
        clauses.append(_in("m.lang", f.langs, params))
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
    if f.since is not None:
        clauses.append("d.published >= ?")
        params.append(_ts(f.since))
    if f.until is not None:
        clauses.append("d.published < ?")
        params.append(_ts(f.until))
    if f.source_types:
        clauses.append(_in("d.source_type", f.source_types, params))
    if f.source_ids:
        clauses.append(_in("d.source_id", f.source_ids, params))
    if f.langs:
        clauses.append(_in("d.lang", f.langs, params))
    if mention_filter:
        inner, inner_params = _where(
            MentionFilter(territories=f.territories, sentiment=f.sentiment,
                          watched_only=f.watched_only)
        )
        clauses.append(f"d.id IN (SELECT m.doc_id FROM mentions m {inner})")
        params.extend(inner_params)
    if f.syndicated_once:
        clauses.append("d.duplicate_of IS NULL")
    return ("".join(" AND " + c for c in clauses)), params


def _with_fields(f: MentionFilter, fields: dict[str, list[str]]) -> MentionFilter:
    """Fold `source:`, `lang:`, `territory:`, `type:`, `sentiment:` query filters into a filter."""
    updates: dict[str, Any] = {}
    if fields.get("source"):
        updates["source_ids"] = (*f.source_ids, *fields["source"])
    if fields.get("type"):
        updates["source_types"] = (*f.source_types, *fields["type"])
    if fields.get("lang"):
        updates["langs"] = (*f.langs, *fields["lang"])
    if fields.get("territory"):
        updates["territories"] = (*f.territories, *fields["territory"])
    if fields.get("sentiment"):
        label = fields["sentiment"][0]
        if label in ("positive", "neutral", "negative"):
            updates["sentiment"] = label
    return MentionFilter(**{**f.__dict__, **updates}) if updates else f


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
