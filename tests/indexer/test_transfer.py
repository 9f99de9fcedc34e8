"""`placewatch export` / `import`: JSON Lines that move enriched documents between stores."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from core.errors import InputError
from indexer.base import MentionFilter
from indexer.sqlite import SqliteStore
from indexer.transfer import MalformedLines, export_jsonl, import_jsonl, import_jsonl_report
from tests.indexer.store_corpus import PERIOD, corpus


@pytest.fixture
def loaded(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "source.db")
    store.setup()
    items = corpus()
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    return store


def test_export_then_import_changes_nothing(loaded: SqliteStore, tmp_path: Path) -> None:
    path = tmp_path / "out" / "export.jsonl"
    assert export_jsonl(loaded, path) == 7
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 7
    assert "séjour" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    target = SqliteStore(tmp_path / "target.db")
    target.setup()
    assert import_jsonl(target, path) == 7
    again = io.StringIO()
    export_jsonl(target, again)
    assert sorted(again.getvalue().splitlines()) == sorted(lines)
    f = MentionFilter(since=PERIOD[0], until=PERIOD[1])
    assert target.ranking(f) == loaded.ranking(f)


def test_malformed_lines_are_named_and_the_rest_imported(loaded: SqliteStore, tmp_path: Path) -> None:
    buffer = io.StringIO()
    export_jsonl(loaded, buffer)
    lines = buffer.getvalue().splitlines()
    broken = dict(json.loads(lines[2]))
    del broken["text"]
    lines[1] = '{"id": "x", "url": '  # cut short
    lines[2] = json.dumps(broken)
    lines.insert(4, "")  # blank lines are fine
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = SqliteStore(tmp_path / "target.db")
    target.setup()
    with pytest.raises(MalformedLines) as err:
        import_jsonl(target, path)
    assert isinstance(err.value, InputError)
    assert err.value.imported == 5
    assert len(err.value.errors) == 2
    message = str(err.value)
    assert f"{path}:2: not valid JSON" in message
    assert "(and 1 more malformed line)" in message
    assert "5 documents imported" in message
    assert "\n" not in message
    report = import_jsonl_report(target, path)
    assert [str(e).split(": ", 1)[0] for e in report.errors] == [f"{path}:2", f"{path}:3"]
    assert "missing field 'text'" in str(report.errors[1])
    assert target.stats().documents == 5


def test_missing_file_is_an_input_error(tmp_path: Path, loaded: SqliteStore) -> None:
    with pytest.raises(InputError, match="cannot read"):
        import_jsonl(loaded, tmp_path / "nope.jsonl")
