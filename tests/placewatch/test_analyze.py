"""`placewatch analyze` lines: the schema out, a one-line error per bad line, the others still done."""

from __future__ import annotations

import io
import json

import pytest

from nlp import Analyzer
from placewatch.analyze import run_analyze

pytestmark = pytest.mark.slow


def run(analyzer: Analyzer, lines: list[str], lang: str = "auto") -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    failed = run_analyze(lines, out, err, analyzer, lang=lang)
    return failed, [json.loads(x) for x in out.getvalue().splitlines()], err.getvalue()


def test_output_follows_the_schema(analyzer: Analyzer) -> None:
    line = json.dumps({"id": "a1", "text": "Une semaine géniale à Val Thorens puis à Aix-en-Provence.",
                       "title": "Vacances"})
    failed, rows, err = run(analyzer, [line])
    assert failed == 0 and err == ""
    (row,) = rows
    assert set(row) == {"id", "lang", "sentiment", "places", "candidates"}
    assert row["id"] == "a1" and row["lang"] == "fr"
    assert set(row["sentiment"]) == {"score", "label", "positive", "negative"}
    assert {p["name"] for p in row["places"]} >= {"Val Thorens", "Aix-en-Provence"}
    text = json.loads(line)["text"]
    for p in row["places"]:
        assert set(p) == {"text", "start", "end", "name", "territory", "geonames_id", "lat", "lon",
                          "kind", "confidence", "sentiment"}
        assert text[p["start"] : p["end"]] == p["text"]


def test_bad_lines_get_one_line_errors_and_the_rest_is_analysed(analyzer: Analyzer) -> None:
    lines = [
        json.dumps({"id": "ok1", "text": "Ski à Val Thorens."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "t", "text": 42}),
        json.dumps({"id": "l", "text": "x", "lang": 3}),
        "",
        json.dumps({"id": "ok2", "text": "", "lang": "en"}),
        json.dumps({"id": "junk", "text": "\x00\x01\x02\x03\x04" * 50}),
        json.dumps({"id": "ok3", "text": "Trip to Nice.", "lang": "en"}),
    ]
    failed, rows, err = run(analyzer, lines)
    assert failed == 5
    assert [r["id"] for r in rows] == ["ok1", "ok2", "junk", "ok3"]
    errors = err.strip().splitlines()
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 9"]
    assert "not valid JSON" in errors[0] and "'id'" in errors[2] and "'text'" in errors[3]
    assert "binary" in errors[5]
    assert rows[1]["places"] == [] and rows[1]["sentiment"]["label"] == "neutral"


def test_forced_language(analyzer: Analyzer) -> None:
    _, rows, _ = run(analyzer, [json.dumps({"id": "x", "text": "Paris"})], lang="fr")
    assert rows[0]["lang"] == "fr"


def test_unknown_language_choice_is_refused(analyzer: Analyzer) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        run_analyze([], io.StringIO(), io.StringIO(), analyzer, lang="de")
