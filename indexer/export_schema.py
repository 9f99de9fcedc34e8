"""The `export`/`import` line schema, checked field by field before anything reaches a store.

An import file may come from anywhere: a field of the wrong type must be one clear line
naming the field, never an error deep in a store that loses the whole batch.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from core.models import parse_datetime

_INT_MAX = 2**63 - 1  # what SQLite's INTEGER and Elasticsearch's long hold
_LABELS = ("positive", "neutral", "negative")


def loads_strict(line: str) -> Any:
    """Parse one JSON line as strict JSON: NaN, Infinity and numbers too large for a float are
    refused (ValueError), as JSON itself does; JSONDecodeError for the rest."""
    return json.loads(line, parse_constant=_refuse_constant, parse_float=_finite_float)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number")
    return value


def dumps_strict(data: Any) -> str:
    """One compact JSON line; never NaN or Infinity, which no strict JSON reader accepts."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def finite_numbers(data: dict[str, Any]) -> list[str]:
    """Replace non-finite numbers in an export line by 0 (a place's lat/lon by null), in place;
    returns where they were, so the export can say so."""
    fixed: list[str] = []

    def fix(obj: dict[str, Any], path: str) -> None:
        for key, value in obj.items():
            if isinstance(value, float) and not math.isfinite(value):
                obj[key] = None if key in ("lat", "lon") else 0.0
                fixed.append(f"{path}{key}")
            elif isinstance(value, dict):
                fix(value, f"{path}{key}.")

    fix(data, "")
    for i, place in enumerate(data.get("places") or ()):
        if isinstance(place, dict):
            fix(place, f"places[{i}].")
    return fixed


# ---------------------------------------------------------------- checking one line


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (_is_int(v) and abs(v) <= _INT_MAX) or (isinstance(v, float) and math.isfinite(v))


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(v), "a number")


Check = Callable[[Any], str | None]  # a problem with the value, or None


def _text(nullable: bool = False, nonempty: bool = False) -> Check:
    def check(v: Any) -> str | None:
        if v is None and nullable:
            return None
        if not isinstance(v, str):
            return f"expected a string{' or null' if nullable else ''}, got {_kind(v)}"
        if nonempty and not v.strip():
            return "must not be empty"
        return None
    return check


def _date(nullable: bool) -> Check:
    def check(v: Any) -> str | None:
        if v is None and nullable:
            return None
        if not isinstance(v, str):
            return f"expected an ISO 8601 date{' or null' if nullable else ''}, got {_kind(v)}"
        try:
            when: datetime = parse_datetime(v)
            when.timestamp()
        except (ValueError, OverflowError):
            return f"not an ISO 8601 date in range: {v[:40]!r}"
        return None
    return check


def _count(nullable: bool = True) -> Check:
    def check(v: Any) -> str | None:
        if v is None and nullable:
            return None
        if not _is_int(v) or not 0 <= v <= _INT_MAX:
            return f"expected a whole number from 0, got {_kind(v) if not _is_int(v) else v}"
        return None
    return check


def _number(low: float | None = None, high: float | None = None, nullable: bool = False) -> Check:
    def check(v: Any) -> str | None:
        if v is None and nullable:
            return None
        if not _is_number(v):
            return f"expected a finite number{' or null' if nullable else ''}, got {_kind(v)}"
        if (low is not None and v < low) or (high is not None and v > high):
            return f"{v} is outside [{low}, {high}]"
        return None
    return check


def _flag(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"expected true or false, got {_kind(v)}"


def _label(v: Any) -> str | None:
    return None if v in _LABELS else f"expected positive, neutral or negative, got {str(v)[:40]!r}"


_DOCUMENT: dict[str, tuple[bool, Check]] = {  # field: (required, check)
    "id": (True, _text(nonempty=True)),
    "url": (True, _text()),
    "text": (True, _text()),
    "collected": (True, _date(nullable=False)),
    "published": (False, _date(nullable=True)),
    "title": (False, _text(nullable=True)),
    "author": (False, _text(nullable=True)),
    "lang": (False, _text(nullable=True)),
    "duplicate_of": (False, _text(nullable=True)),
    "summary_only": (False, _flag),
}
_SOURCE = {"id": (True, _text(nonempty=True)), "type": (True, _text(nonempty=True))}
_ENGAGEMENT = {k: (False, _count()) for k in ("likes", "reposts", "replies", "followers")}
_SENTIMENT = {
    "score": (False, _number(-1.0, 1.0)), "label": (False, _label),
    "positive": (False, _number()), "negative": (False, _number()),
}
_PLACE = {
    "text": (True, _text()), "start": (True, _count(nullable=False)),
    "end": (True, _count(nullable=False)),
    "name": (False, _text(nullable=True)), "territory": (False, _text(nullable=True)),
    "geonames_id": (False, _count()), "kind": (False, _text(nullable=True)),
    "lat": (False, _number(-90.0, 90.0, nullable=True)),
    "lon": (False, _number(-180.0, 180.0, nullable=True)),
    "confidence": (False, _number()), "sentiment": (False, _number()),
}


def _fields(data: Mapping[str, Any], spec: Mapping[str, tuple[bool, Check]], path: str) -> str | None:
    for key, (required, check) in spec.items():
        if key not in data:
            if required:
                return f"missing field {path + key!r}"
            continue
        problem = check(data[key])
        if problem:
            return f"{path}{key}: {problem}"
    return None


def _part(data: Mapping[str, Any], key: str, spec: Mapping[str, tuple[bool, Check]],
          required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        return f"missing field {key!r}" if required else None
    if not isinstance(value, dict):
        return f"{key}: expected an object, got {_kind(value)}"
    return _fields(value, spec, f"{key}.")


def _unpaired_surrogate(data: Any) -> str | None:
    """The first field holding text Python can read but no UTF-8 file or database can store."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path or "the line"
        elif isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return None


def line_problem(data: Any) -> str | None:
    """What is wrong with one parsed export line, in words naming the field; None if nothing."""
    if not isinstance(data, dict):
        return f"expected a JSON object, got {_kind(data)}"
    problem = (
        _fields(data, _DOCUMENT, "")
        or _part(data, "source", _SOURCE, required=True)
        or _part(data, "engagement", _ENGAGEMENT)
        or _part(data, "sentiment", _SENTIMENT)
    )
    if problem:
        return problem
    places = data.get("places")
    if places is not None:
        if not isinstance(places, list):
            return f"places: expected a list, got {_kind(places)}"
        for i, place in enumerate(places):
            if not isinstance(place, dict):
                return f"places[{i}]: expected an object, got {_kind(place)}"
            problem = _fields(place, _PLACE, f"places[{i}].")
            if problem:
                return problem
            if place["start"] > place["end"]:
                return f"places[{i}]: start {place['start']} is after end {place['end']}"
    where = _unpaired_surrogate(data)
    if where:
        return f"{where}: text with an unpaired surrogate (\\ud800-\\udfff), which UTF-8 cannot hold"
    return None
