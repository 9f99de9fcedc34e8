"""SqliteStore specifics: one writer and many readers at once, migrations, bad files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from indexer.base import MentionFilter
from indexer.sqlite import MIGRATIONS, SqliteStore
from placewatch.errors import StoreError
from tests.indexer.store_corpus import PERIOD, corpus

REPO = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from dataclasses import replace
from indexer.sqlite import SqliteStore
from tests.indexer.store_corpus import corpus
store = SqliteStore(sys.argv[1])
store.setup()
for batch in range(int(sys.argv[2])):
    items = [(replace(d, id=f"p{batch}-{d.id}", duplicate_of=None), a) for d, a in corpus()]
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
store.close()
"""


def test_writers_and_readers_at_once_never_see_database_locked(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    writer_store = SqliteStore(path)
    writer_store.setup()
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "150"], cwd=REPO,
                               stderr=subprocess.PIPE, text=True)
    errors: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        try:
            for batch in range(150):
                items = [(replace(d, id=f"t{batch}-{d.id}", duplicate_of=None), a) for d, a in corpus()]
                writer_store.upsert_raw(d for d, _ in items)
                writer_store.save_analyses(items)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            stop.set()

    def read(store: SqliteStore) -> None:
        f = MentionFilter(since=PERIOD[0], until=PERIOD[1])
        try:
            while not stop.is_set():
                store.ranking(f)
                store.volume(f, "day")
                store.search("neige OR Thorens", MentionFilter())
                store.stats()
        except BaseException as exc:
            errors.append(exc)

    readers = [SqliteStore(path) for _ in range(2)]
    threads = [threading.Thread(target=write)]
    threads += [threading.Thread(target=read, args=(s,)) for s in (*readers, writer_store)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert errors == []
    assert writer_store.stats().documents == 2 * 150 * 7
    vt = writer_store.ranking(MentionFilter(territories=("val-thorens",)))[0]
    assert vt.mentions == 2 * 150 * 4
    for s in (*readers, writer_store):
        s.close()


def test_schema_is_versioned_and_setup_is_safe_every_start(tmp_path: Path) -> None:
    path = tmp_path / "pw.db"
    with SqliteStore(path) as store:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
    with SqliteStore(path) as store:
        store.setup()
        assert store.stats().documents == 7
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS)


def test_roll_ups_rebuilt_by_migration_match_the_mentions(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    from indexer.sqlite import _split_sql

    for statement in _split_sql(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = SqliteStore(path)
    store.setup()  # migrates an empty v1 file
    items = corpus()
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    rows = store.conn.execute("SELECT sum(n) FROM place_days").fetchone()[0]
    dated = store.conn.execute("SELECT count(*) FROM mentions WHERE published IS NOT NULL").fetchone()[0]
    assert rows == dated
    store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this placewatch"):
        SqliteStore(path).setup()


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match=str(path)):
        SqliteStore(path).setup()


def test_in_memory_store_works(tmp_path: Path) -> None:
    store = SqliteStore(":memory:")
    store.setup()
    items = corpus()
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    f = MentionFilter(since=PERIOD[0], until=PERIOD[1] + timedelta(hours=1))
    assert store.ranking(f)[0].key == "val-thorens"
    store.close()
