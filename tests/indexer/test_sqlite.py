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

from core.errors import StoreError
from indexer.base import MentionFilter
from indexer.sqlite import SqliteStore
from indexer.sqlite.schema import MIGRATIONS
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
    from indexer.sqlite.schema import split_sql

    for statement in split_sql(MIGRATIONS[0]):
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


def test_search_counts_up_to_a_bound_then_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import indexer.sqlite.search

    monkeypatch.setattr(indexer.sqlite.search, "SEARCH_COUNT_LIMIT", 2)
    with SqliteStore(tmp_path / "bound.db") as store:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
        first = store.search("Thorens", MentionFilter(), size=1)
        assert (first.total, first.total_is_lower_bound, len(first.hits)) == (2, True, 1)
        # Always more than the pages up to the one asked for, so paging goes on...
        third = store.search("Thorens", MentionFilter(), page=3, size=1)
        assert (third.total, third.total_is_lower_bound) == (4, False)
        assert [h.doc.id for h in third.hits] == ["d3"]
        # ...and exact whenever the bound is not reached.
        assert store.search("gondola", MentionFilter()).total_is_lower_bound is False


@pytest.mark.parametrize("published", [None, 0, 1, -1, 1_772_409_600, -(2**40), 2**40])
@pytest.mark.parametrize("rowid", [1, 2, 2**29 - 1, 2**29, 2**31 + 5])
def test_search_key_in_python_matches_the_sql_of_migration_3(published: int | None, rowid: int) -> None:
    from indexer.sqlite.schema import _KEY_SQL, search_key

    conn = sqlite3.connect(":memory:")
    in_sql = conn.execute(f"SELECT {_KEY_SQL.format(p='?1', r='?2')}", (published, rowid)).fetchone()[0]
    assert in_sql == search_key(published, rowid)
    assert _KEY_SQL.format(p="published", r="rowid") in " ".join(MIGRATIONS[2].split())


def test_key_order_is_date_order() -> None:
    from indexer.sqlite.schema import search_key

    assert search_key(None, 2**29 - 1) < search_key(-(2**40), 1) < search_key(0, 5) < search_key(1, 0)
    assert search_key(100, 2**29 - 1) < search_key(101, 0)


def test_migration_to_search_keys_keeps_documents_searchable(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    from indexer.sqlite.schema import split_sql

    for migration in MIGRATIONS[:2]:
        for statement in split_sql(migration):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    for i, (d, _) in enumerate(corpus(), 1):
        conn.execute(
            "INSERT INTO documents (id, url, source_id, source_type, title, text, published, "
            "collected, content_hash, analysed) VALUES (?,?,?,?,?,?,?,?,?,1)",
            (d.id, d.url, d.source_id, d.source_type, d.title, d.text,
             int(d.published.timestamp()) if d.published else None, i, d.content_hash),
        )
    conn.close()
    with SqliteStore(path) as store:
        assert [h.doc.id for h in store.search("Chamonix", MentionFilter(), size=50).hits] == [
            "d3", "d1", "d6", "d4"]
        assert {h.doc.id for h in store.search("Chamonix", MentionFilter(since=PERIOD[0])).hits} == {"d1", "d3"}
        items = corpus()
        store.save_analyses(items)
        store.upsert_raw([replace(items[0][0], id="d8", text="Chamonix encore")])
        assert store.search("Chamonix", MentionFilter(), size=50).total == 4  # d8 not analysed yet


@pytest.mark.parametrize(
    ("query", "f"),
    [
        ("", MentionFilter(territories=("chamonix",))),
        ("neige OR pluie", MentionFilter(territories=("chamonix", "val-thorens"))),
        ("Thorens", MentionFilter(since=PERIOD[0], until=PERIOD[1], territories=("val-thorens",),
                                  sentiment="positive")),
        ("Chamonix lang:fr", MentionFilter(until=PERIOD[1], territories=("chamonix",))),
        ("neige", MentionFilter(territories=("val-thorens",), syndicated_once=True)),
        ("tignes", MentionFilter(territories=("chamonix",))),
    ],
)
def test_search_from_places_or_from_matches_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str, f: MentionFilter
) -> None:
    import indexer.sqlite.search

    with SqliteStore(tmp_path / "plans.db") as store:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
        pages = []
        for limit in (0, 10**9):  # never / always start from the places' mentions
            monkeypatch.setattr(indexer.sqlite.search, "PLACE_FIRST_MAX", limit)
            pages.append([store.search(query, f, page=n, size=2) for n in (1, 2)])
        (a1, a2), (b1, b2) = pages
        assert [h.doc.id for h in a1.hits + a2.hits] == [h.doc.id for h in b1.hits + b2.hits]
        assert [h.snippet for h in a1.hits] == [h.snippet for h in b1.hits]
        assert a1.total == b1.total


def test_roll_ups_equal_a_recount_after_every_kind_of_write(tmp_path: Path) -> None:
    from tests.indexer.store_corpus import T0, analysis, place

    def recount(conn: sqlite3.Connection, table: str, columns: str) -> set[tuple]:
        kept = set(conn.execute(
            f"SELECT day, place_key, {columns} n, reach, positive, neutral, negative "
            f"FROM {table} WHERE n != 0"
        ))
        lang = "coalesce(lang, ''), source_type," if columns else ""
        counted = set(conn.execute(
            f"SELECT (published / 86400) * 86400, place_key, {lang} count(*), sum(reach), "
            "sum(label = 'positive'), sum(label = 'neutral'), sum(label = 'negative') "
            f"FROM mentions WHERE published IS NOT NULL GROUP BY 1, 2 {', 3, 4' if lang else ''}"
        ))
        return kept ^ counted

    with SqliteStore(tmp_path / "rollups.db") as store:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
        d5, _ = items[4]
        store.save_analyses([(d5, analysis("en", 0.0, place("Tignes", d5.text, "tignes", -0.9)))])
        d7 = items[6][0]
        store.upsert_raw([replace(d7, published=T0 + timedelta(days=20))])
        store.import_documents(list(store.iter_documents()))
        store.save_analyses(items[:3] + items[:3])  # a batch carrying documents twice
        conn = store.conn
        assert recount(conn, "place_days", "") == set()
        assert recount(conn, "place_days_by", "lang, source_type,") == set()


OPEN_AT_ONCE = """
import sys, time
from indexer.sqlite import SqliteStore
start = float(sys.argv[2])
while time.time() < start:
    pass
with SqliteStore(sys.argv[1]) as store:
    print(store.stats().documents)
"""


def test_processes_opening_a_new_store_at_once_all_start(tmp_path: Path) -> None:
    """`placewatch run` on a fresh machine: the crawl child and the enrich job create the file together."""
    import time

    for attempt in range(5):
        path = tmp_path / f"fresh-{attempt}.db"
        start = time.time() + 1.5  # after every interpreter has imported the store
        procs = [
            subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(path), str(start)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        results = [p.communicate(timeout=120) for p in procs]
        for proc, (out, err) in zip(procs, results, strict=True):
            assert proc.returncode == 0, err
            assert out.strip() == "0"
        with SqliteStore(path) as store:
            assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_voices_read_one_index_and_a_voices_latest_documents_its_own(tmp_path: Path) -> None:
    """The ambassadors page at a year of mentions: the grouped pass never leaves the (place,
    time) index, and a voice's latest documents are looked up by voice, not found by walking
    the period's documents newest first (what made the page take 52 s at 1M mentions)."""
    with SqliteStore(tmp_path / "plans.db") as store:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
        asked: list[tuple[str, tuple]] = []
        read = store._read

        def recording(sql: str, params=()):  # type: ignore[no-untyped-def]
            asked.append((sql, tuple(params)))
            return read(sql, params)

        store._read = recording  # type: ignore[method-assign]
        f = MentionFilter(since=PERIOD[0], until=PERIOD[1], territories=("val-thorens", "chamonix"))

        def plans() -> list[str]:
            out = [" ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
                   for sql, params in asked]
            asked.clear()
            return out

        for by in ("author", "source"):
            assert store.top_voices(f, by)
            (plan,) = plans()
            assert "COVERING INDEX mentions_place_time" in plan, plan
        # many places (a whole watchlist): the search walks documents, not the places' mentions
        watched = replace(f, territories=(), watched_only=True)
        assert store.search("", replace(watched, authors=("Alice",)), size=3).hits
        assert any("documents_author" in p for p in plans())
        assert store.search("", replace(watched, source_ids=("masto",)), size=3).hits
        assert any("documents_source" in p for p in plans())
