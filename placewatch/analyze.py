"""`placewatch analyze`: JSON Lines in, one analysis per line out, a one-line error per bad line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from nlp import Analyzer, looks_like_text

logger = logging.getLogger(__name__)

CHUNK = 256
LANG_CHOICES = ("auto", "fr", "en")


class BadLine(ValueError):
    """Raised when an input line is not a valid analyze request; the message says why."""


@dataclass(frozen=True)
class Request:
    """One valid input line."""

    number: int
    id: str
    text: str
    title: str | None
    lang: str | None


def parse_line(number: int, line: str, default_lang: str | None) -> Request:
    """Validate one input line against the analyze schema; raises BadLine with the reason."""
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise BadLine("not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise BadLine(f"expected a JSON object, got {type(data).__name__}")
    doc_id = data.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or str(doc_id) == "":
        raise BadLine("missing or invalid 'id' (a non-empty string)")
    text = data.get("text")
    if not isinstance(text, str):
        raise BadLine(f"id {doc_id!r}: missing or invalid 'text' (a string)")
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise BadLine(f"id {doc_id!r}: 'title' must be a string")
    lang = data.get("lang")
    if lang is not None and (not isinstance(lang, str) or not lang.strip()):
        raise BadLine(f"id {doc_id!r}: 'lang' must be a language code such as 'fr' or 'en'")
    if isinstance(lang, str) and lang.strip().lower() == "auto":
        lang = None
    return Request(number, str(doc_id), text, title, lang or default_lang)


def _chunks(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        chunk.append((number, line))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_analyze(
    lines: Iterable[str], out: TextIO, err: TextIO, analyzer: Analyzer, lang: str = "auto"
) -> int:
    """Analyse JSON Lines requests; one output line per valid input line, in order.

    A bad line gets a one-line error on `err` naming its number and the problem; the other lines
    are still analysed. Blank lines are skipped. Returns the number of failed lines."""
    if lang not in LANG_CHOICES:
        raise ValueError(f"unknown language {lang!r} (expected one of: {', '.join(LANG_CHOICES)})")
    default_lang = None if lang == "auto" else lang
    failed = 0
    for chunk in _chunks(lines):
        parsed: list[Request | str] = []
        for number, line in chunk:
            if not line.strip():
                continue
            try:
                parsed.append(parse_line(number, line, default_lang))
            except BadLine as exc:
                parsed.append(f"line {number}: {exc}")
        requests = [p for p in parsed if isinstance(p, Request)]
        try:
            analyses = list(analyzer.analyze_many((r.text, r.title, r.lang) for r in requests))
        except Exception:  # one bad document must not sink its neighbours: retry one by one
            logger.exception("batch analysis failed; retrying line by line")
            analyses = []
            for r in requests:
                try:
                    analyses.append(analyzer.analyze(r.text, r.title, r.lang))
                except Exception as exc:
                    analyses.append(f"line {r.number}: id {r.id!r}: analysis failed: {exc}")  # type: ignore[arg-type]
        results = iter(analyses)
        for p in parsed:
            if isinstance(p, str):
                failed += 1
                err.write(p + "\n")
                continue
            analysis = next(results)
            if isinstance(analysis, str):
                failed += 1
                err.write(analysis + "\n")
                continue
            if not looks_like_text(p.text):
                err.write(f"line {p.number}: id {p.id!r}: text looks like binary data, no places\n")
            out.write(json.dumps({"id": p.id, **analysis.to_dict()}, ensure_ascii=False) + "\n")
        out.flush()
    return failed
