"""The SQLite store's schema: versioned migrations, and the search keys its full-text index uses."""

from __future__ import annotations

import re

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
    # 6: each analysis remembers the watchlist it was made with (a fingerprint; NULL for
    # analyses made before), and the store remembers what each fingerprint stands for, so a
    # watchlist change re-analyses only the documents it can affect.
    """
    ALTER TABLE documents ADD COLUMN watchlist TEXT;
    CREATE INDEX documents_watchlist ON documents(watchlist) WHERE analysed = 1;
    CREATE TABLE watchlists (
        fingerprint TEXT PRIMARY KEY,
        territories_json TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 7: one crawl per source at a time: who holds a source, until when.
    """
    CREATE TABLE source_claims (
        source_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until INTEGER NOT NULL
    );
    """,
    # 8: the ambassadors page asks, per account or outlet, for counts, sentiment, dates and
    # territories over a period: the (place, time) index carries every column such a
    # question filters or groups on, so one pass reads the index alone; and a voice's
    # latest documents are found from its own index entries rather than by walking the
    # period's documents newest first.
    """
    DROP INDEX mentions_place_time;
    CREATE INDEX mentions_place_time ON mentions(
        place_key, published, story, reach, label, author, source_id, source_type, lang, territory);
    CREATE INDEX documents_author ON documents(author, search_key) WHERE author IS NOT NULL;
    CREATE INDEX documents_source ON documents(source_id, search_key);
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


def split_sql(script: str) -> list[str]:
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


def search_key(published: int | None, rowid: int) -> int:
    """A document's key in the full-text index: newest first, undated last, one per rowid."""
    r = rowid % KEY_SPAN
    if published is None:
        return KEY_UNDATED + r
    return max(-KEY_MAX_SECONDS, min(KEY_MAX_SECONDS, published)) * KEY_SPAN + r


def key_sql(published: str, rowid: str) -> str:
    """`search_key` as an SQL expression over two SQL operands (column names or '?')."""
    return _KEY_SQL.format(p=published, r=rowid)
