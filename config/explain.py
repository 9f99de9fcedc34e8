"""One line for a config problem found by pydantic: where it is (section, territory, source, rule), what is wrong."""

from __future__ import annotations

import difflib
import types
from dataclasses import fields, is_dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from annotated_types import Ge, Gt, Le
from pydantic_core import ErrorDetails

from config.fields import shown
from config.model import Config

# Keys of Config a file may not set, by section: secrets come from the environment, the rest is derived.
NOT_IN_FILE: dict[str, dict[str, str]] = {
    "": {"path": "the file's own path is not a setting"},
    "store": {
        "api_key": "a secret: set PLACEWATCH_ES_API_KEY in the environment instead",
        "ca_fingerprint": "set PLACEWATCH_ES_CA_FINGERPRINT in the environment instead",
    },
    "smtp": {
        "password": "a secret: set PLACEWATCH_SMTP_PASSWORD in the environment instead",
        "configured": "mail is sent when the file has an [smtp] table",
    },
    "groups": {"territories": "a group's members are the territories that list it in their 'groups'"},
    "sources": {
        "credentials": "secrets come from the environment variables the source names in "
        "'token_env' (or the defaults)",
    },
}
_ITEMS = {"territories": "territory", "sources": "source", "groups": "group"}

Loc = tuple[int | str, ...]


def describe(error: ErrorDetails, data: dict[str, Any]) -> str:
    """'territory 'nice': missing required field 'name'' — the place in the file, then the problem."""
    loc: Loc = tuple(error["loc"])
    context, rest = _where(loc, data)
    key_at = max((i for i, part in enumerate(rest) if isinstance(part, str)), default=None)
    key = str(rest[key_at]) if key_at is not None else None
    field_loc = loc[: len(loc) - len(rest) + key_at + 1] if key_at is not None else loc
    kind = error["type"]
    if kind == "unexpected_keyword_argument":
        hint = closest(str(loc[-1]), file_keys(loc[:-1]))
        if len(loc) == 1:
            return f"unknown section {shown(loc[0])}{hint}"
        return f"{context}: unknown key {shown(key)}{hint}"
    if kind == "missing":
        return f"{context}: missing required field {key!r}"
    if kind == "literal_error":
        choices = ", ".join(str(c) for c in get_args(_unwrap(type_at(field_loc))[0]))
        return f"{context}: unknown {key} {shown(error['input'])} (expected one of: {choices})"
    if kind in ("value_error", "assertion_error"):
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{context}: {key!r}: {reason}" if key else f"{context}: {reason}"
    expected = expectation(type_at(field_loc))
    return f"{context}: {key!r} must be {expected}" if key else f"{context} must be {expected}"


def _where(loc: Loc, data: dict[str, Any]) -> tuple[str, Loc]:
    """The part of the file a location points into, by the names a user gave, and the rest of it."""
    if not loc:
        return "the file", ()
    head = loc[0]
    if head in _ITEMS:
        if len(loc) == 1:
            return f"[[{head}]]", ()
        return _item(data.get(head), loc[1], _ITEMS[head], f"[[{head}]]"), loc[2:]
    if loc[:2] == ("alerts", "rules"):
        if len(loc) == 2:
            return "[[alerts.rules]]", ()
        alerts = data.get("alerts")
        rules = alerts.get("rules") if isinstance(alerts, dict) else None
        return _item(rules, loc[2], "alert rule", "alert rule"), loc[3:]
    return f"[{head}]", loc[1:]


def _item(items: Any, index: int | str, label: str, fallback: str) -> str:
    """'territory 'nice'' when the item has a usable id, else '[[territories]] #1'."""
    if isinstance(index, int) and isinstance(items, list) and index < len(items):
        item = items[index]
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str) and ident.strip() and ident.strip().isprintable():
            return f"{label} {shown(ident.strip())}"
    return f"{fallback} #{index + 1 if isinstance(index, int) else index}"


def closest(key: str, known: list[str]) -> str:
    """' (did you mean 'aliases'?)', or the keys there are when none is close."""
    match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if match:
        return f" (did you mean {match[0]!r}?)"
    return f" (expected: {', '.join(sorted(known))})" if known else ""


def file_keys(loc: Loc) -> list[str]:
    """The keys the table at this location may hold in the file."""
    cls = _unwrap(type_at(loc))[0]
    if not is_dataclass(cls):
        return []
    hidden = NOT_IN_FILE.get(str(loc[0]) if loc else "", {})
    return [f.name for f in fields(cls) if f.name not in hidden]


def type_at(loc: Loc) -> Any:
    """The declared type of the value at a location in the file, or None."""
    tp: Any = Config
    for part in loc:
        base = _unwrap(tp)[0]
        if isinstance(part, int) and get_origin(base) is tuple:
            tp = get_args(base)[0]
        elif isinstance(part, str) and is_dataclass(base):
            hints = get_type_hints(base, include_extras=True)
            if part not in hints:
                return None
            tp = hints[part]
        else:
            return None
    return tp


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """The type under `Annotated[...]` and `X | None`, with the constraints found on the way."""
    metadata: list[Any] = []
    while True:
        if get_origin(tp) is Annotated:
            metadata.extend(tp.__metadata__)
            tp = get_args(tp)[0]
        elif get_origin(tp) in (Union, types.UnionType):
            tp = next(a for a in get_args(tp) if a is not type(None))
        else:
            return tp, metadata


def expectation(tp: Any) -> str:
    """What a value of this type looks like, in the words of a TOML file."""
    base, metadata = _unwrap(tp)
    if is_dataclass(base):
        return "a table"
    if get_origin(base) is tuple:
        item = _unwrap(get_args(base)[0])[0]
        return "an array of tables" if is_dataclass(item) else "a list of strings"
    if get_origin(base) is Literal:
        return "one of: " + ", ".join(str(c) for c in get_args(base))
    if base in (int, float):
        return _number(base is int, metadata)
    return {
        bool: "true or false",
        str: "a non-empty string",
        Path: "a file path",
        timedelta: "a duration such as 30s, 15m, 1h, 7d or 2w",
    }.get(base, "valid")


def _number(integer: bool, metadata: list[Any]) -> str:
    noun = "an integer" if integer else "a number"
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    above = next((m.gt for m in metadata if isinstance(m, Gt)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    if above == 0:
        return "a positive number" + (f" up to {high:g}" if high is not None else "")
    if low is not None and high is not None:
        return f"{noun} from {low:g} to {high:g}"
    if low is not None:
        return f"{noun} >= {low:g}"
    return noun
