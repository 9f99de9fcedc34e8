"""Hostile import files: each bad line named with its field, the good ones stored, export strict."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.errors import InputError
from indexer.sqlite import SqliteStore
from indexer.transfer import export_jsonl, import_jsonl_report, parse_line
from tests.helpers import run_placewatch
from tests.indexer.store_corpus import corpus


def _good() -> dict[str, Any]:
    """One valid export line (the corpus's first document), as a dict to spoil."""
    d1, a1 = corpus()[0]
    store = SqliteStore(":memory:")
    store.setup()
    store.save_analyses([(d1, a1)])
    out = io.StringIO()
    export_jsonl(store, out)
    store.close()
    return dict(json.loads(out.getvalue()))


def _with(**changes: Any) -> str:
    data = _good()
    for key, value in changes.items():
        if key == "territory":
            data["places"][0]["territory"] = value
        elif key == "score":
            data["sentiment"]["score"] = value
        else:
            data[key] = value
    return json.dumps(data, ensure_ascii=False)


# (line as written, what the error must say) — each a line a user could hand us
BAD_LINES = [
    (_with(title=["a", "list"]), "title: expected a string or null, got a list"),
    (_with(author={"name": "x"}), "author: expected a string or null, got an object"),
    (_with(territory=["val-thorens"]), "places[0].territory: expected a string or null, got a list"),
    (_with(id=""), "id: must not be empty"),
    (_with(id=7), "id: expected a string, got a number"),
    (_with(score=float("nan")), "NaN is not a number JSON allows"),
    (_with(score=float("inf")), "Infinity is not a number JSON allows"),
    (_with(score=5.0), "sentiment.score: 5.0 is outside [-1.0, 1.0]"),
    (_with(engagement={"likes": 10**30}), "engagement.likes: expected a whole number from 0, got 1"),
    (_with(engagement={"likes": True}), "engagement.likes: expected a whole number from 0, got true/false"),
    (_with(published="yesterday"), "published: not an ISO 8601 date in range: 'yesterday'"),
    (_with(published="2026-02-30T08:00:00+00:00"), "published: not an ISO 8601 date in range"),
    (_with(source="rss"), "source: expected an object, got a string"),
    (_with(places={"text": "x"}), "places: expected a list, got an object"),
    ('{"id": "x", "score": 1e999}', "1e999 is too large for a number"),
    (_with(title="\ud800 x"), "title: text with an unpaired surrogate"),
    ("[1, 2]", "expected a JSON object, got a list"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON (nested too deeply)"),
]


@pytest.mark.parametrize(("line", "says"), BAD_LINES)
def test_a_bad_line_is_one_line_naming_the_field(line: str, says: str) -> None:
    with pytest.raises(InputError) as err:
        parse_line(line, "in.jsonl", 7)
    message = str(err.value)
    assert message.startswith("in.jsonl:7: ")
    assert says in message, message
    assert "\n" not in message


def test_good_lines_are_stored_bad_ones_named_and_a_repeated_id_counted_once(tmp_path: Path) -> None:
    items = corpus()
    lines = []
    for d, a in items[:3]:
        store = SqliteStore(":memory:")
        store.setup()
        store.save_analyses([(d, a)])
        out = io.StringIO()
        export_jsonl(store, out)
        lines.append(out.getvalue().strip().encode())
        store.close()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([
        b"\xef\xbb\xbf" + lines[0],                           # 1: good, after a byte-order mark
        _with(title=["a"]).encode(),                          # 2: bad type
        lines[1],                                             # 3: good
        b'{"id": "caf\xe9", "text": "latin-1 bytes"}',        # 4: not UTF-8
        lines[1],                                             # 5: the same id again
        _with(score=float("nan")).encode(),                   # 6: NaN
        lines[2],                                             # 7: good
    ]) + b"\n")
    with SqliteStore(tmp_path / "target.db") as target:
        report = import_jsonl_report(target, path)
        assert report.imported == 3  # d1, d2 (twice in the file), d3
        assert target.stats().documents == 3
    assert [str(e).split(": ", 1)[0] for e in report.errors] == [f"{path}:{n}" for n in (2, 4, 6)]
    assert "not UTF-8 text (byte 0xe9 at column 12)" in str(report.errors[1])


def test_export_is_always_strict_json(tmp_path: Path) -> None:
    d1, a1 = corpus()[0]
    place = a1.places[0]
    nan = float("nan")
    # what an analysis could carry into the store's place list
    spoiled = replace(a1, places=(replace(place, lat=float("inf"), lon=nan),))
    with SqliteStore(tmp_path / "s.db") as store:
        store.save_analyses([(d1, spoiled)])
        out = io.StringIO()
        export_jsonl(store, out)

    def strict(name: str) -> Any:
        raise AssertionError(f"export wrote {name}")

    line = json.loads(out.getvalue(), parse_constant=strict)
    assert line["places"][0]["lat"] is None and line["places"][0]["lon"] is None
    parse_line(out.getvalue(), "export.jsonl", 1)  # and it imports again


@pytest.mark.slow
def test_the_import_command_names_each_bad_line_and_counts_what_it_stored(tmp_path: Path) -> None:
    config = tmp_path / "placewatch.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "pw.db"}"\n')
    path = tmp_path / "in.jsonl"
    good = _with()
    path.write_bytes("\n".join([good, _with(author={"x": 1}), good, _with(id="")]).encode()
                     + b"\n\xff\xfe\n")
    result = run_placewatch("--config", str(config), "import", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for n, says in ((2, "author: expected a string or null"), (4, "id: must not be empty"),
                    (5, "not UTF-8 text (byte 0xff at column 1)")):
        assert f"{path}:{n}: {says}" in result.stderr, result.stderr
    assert "1 documents imported" in result.stderr
