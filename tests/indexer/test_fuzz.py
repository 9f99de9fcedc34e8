"""Fuzzing the search language and the import line parser: only our own one-line errors escape.

Bounded: a fixed number of derandomised examples per property (a few seconds each), so the
run is the same in CI as here; a failure prints the smallest input that breaks.
"""

from __future__ import annotations

import io
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError, QuerySyntaxError
from indexer.base import MentionFilter
from indexer.elasticsearch.search import search_request
from indexer.sqlite import SqliteStore
from indexer.transfer import export_jsonl, import_jsonl_report, parse_line
from tests.indexer.store_corpus import corpus

# PLACEWATCH_FUZZ_EXAMPLES=5000 explores further, with fresh random examples each run.
EXPLORE = int(os.environ.get("PLACEWATCH_FUZZ_EXAMPLES", "0"))
BOUNDED = settings(max_examples=EXPLORE or 300, deadline=None, derandomize=not EXPLORE,
                   database=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces a user (or an attacker) types into the search box.
PIECES = st.sampled_from([
    "ski", "neige", "Thorens", "Val", "séjour", "ÉTÉ", "l'hôtel", "Saint-Étienne", "ski*", "*", "**",
    "(", ")", '"', '""', '"val tho"', "AND", "OR", "NOT", "and", "or", "not", "&&", "||", "-", "+",
    ":", "sentiment:", "sentiment:positive", "sentiment:bof", "lang:fr", "lang:", "source:x",
    "territory:val-thorens", "type:rss", "foo:bar", '"a"*', "\x00", "\t", "\n", "\x1b", "’", "NEAR",
    "^", "{", "}", "[", "]", "'", "\\", "%", "_", "\u200b", "\ud83c\udfbf",
])
QUERIES = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map(
    lambda parts: " ".join(parts)) | st.text(max_size=200)


@lru_cache(maxsize=1)
def _store() -> SqliteStore:
    store = SqliteStore(":memory:")
    store.setup()
    items = corpus()
    store.upsert_raw(d for d, _ in items)
    store.save_analyses(items)
    return store


def _one_line(exc: Exception) -> None:
    assert str(exc) and "\n" not in str(exc), repr(exc)


@BOUNDED
@given(QUERIES)
def test_any_search_gives_results_or_one_syntax_error(query: str) -> None:
    store = _store()
    for page, order in ((1, "newest"), (3, "relevance")):
        try:
            store.search(query, MentionFilter(), page=page, size=5, order=order)  # type: ignore[arg-type]
        except QuerySyntaxError as exc:
            _one_line(exc)
    try:
        search_request(query, MentionFilter(territories=("val-thorens",)), 2, 20)
    except QuerySyntaxError as exc:
        _one_line(exc)


def _good_line() -> dict[str, Any]:
    out = io.StringIO()
    export_jsonl(_store(), out)
    return dict(json.loads(out.getvalue().splitlines()[0]))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
FIELDS = st.sampled_from([
    "id", "url", "source", "source.id", "source.type", "title", "text", "published", "collected",
    "author", "lang", "engagement", "engagement.likes", "engagement.followers", "duplicate_of",
    "sentiment", "sentiment.score", "sentiment.label", "places", "places.0", "places.0.start",
    "places.0.end", "places.0.territory", "places.0.geonames_id", "places.0.lat", "places.0.confidence",
    "places.0.text", "extra",
])


def _spoil(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, for the sentinel `...`, delete) a dotted field of an export line."""
    parts = path.split(".")
    target: Any = data
    for part in parts[:-1]:
        if isinstance(target, list) and not target:
            return
        target = target[int(part)] if isinstance(target, list) else target.get(part)
        if not isinstance(target, dict | list):
            return
    last = parts[-1]
    if isinstance(target, list):
        if target and value is ...:
            target.pop(0)
        elif target:
            target[0] = value
    elif value is ...:
        target.pop(last, None)
    else:
        target[last] = value


@BOUNDED
@given(st.lists(st.tuples(FIELDS, JSON_VALUES | st.just(...)), min_size=1, max_size=4))
def test_any_import_line_is_stored_or_named(spoils: list[tuple[str, Any]]) -> None:
    data = _good_line()
    for path, value in spoils:
        _spoil(data, path, value)
    line = json.dumps(data, ensure_ascii=False)  # NaN and Infinity as Python writes them
    try:
        doc = parse_line(line, "fuzz.jsonl", 1)
    except InputError as exc:
        _one_line(exc)
        assert str(exc).startswith("fuzz.jsonl:1: ")
        return
    store = SqliteStore(":memory:")
    store.setup()
    store.import_documents([doc])  # what the parser lets through, the store takes
    out = io.StringIO()
    assert export_jsonl(store, out) == 1
    json.loads(out.getvalue(), parse_constant=lambda name: (_ for _ in ()).throw(AssertionError(name)))
    store.close()


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.lists(st.binary(max_size=40) | st.text(max_size=40).map(str.encode), max_size=6))
def test_any_file_of_bytes_imports_what_it_can_and_names_the_rest(
    tmp_path_factory: Any, chunks: list[bytes]
) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "in.jsonl"
    path.write_bytes(b"\n".join(chunks))
    store = SqliteStore(":memory:")
    store.setup()
    report = import_jsonl_report(store, path)
    for error in report.errors:
        _one_line(error)
        assert str(error).startswith(f"{path}:")
    assert report.imported == store.stats().documents
    store.close()
