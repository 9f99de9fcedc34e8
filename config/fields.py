"""The kinds of value a config file holds: durations, names, ids, URLs, ports, bounded numbers."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from annotated_types import Ge, Gt, Le
from pydantic import AfterValidator, AllowInfNan, BeforeValidator, Strict, StringConstraints

SourceType = Literal["rss", "sitemap", "page", "mastodon", "reddit", "bluesky"]
TerritoryKind = Literal["city", "region", "country", "resort", "destination", "site"]
StoreBackend = Literal["sqlite", "elasticsearch"]
UiLang = Literal["en", "fr"]
RuleKind = Literal["spike", "share_jump", "negative_surge"]
Digest = Literal["daily", "weekly"]

# Past ten years an interval or a period means a typo, and timedelta overflows not far beyond.
MAX_DURATION = timedelta(days=3650)
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_URL = re.compile(r"^(https?|file)://")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its repr (one line, control characters escaped), cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_duration(value: str | int) -> timedelta:
    """Parse '30m', '1h', '7d', '2w' or a number of seconds into a positive timedelta of at most ten years."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not a duration: {shown(value)} (use e.g. 30s, 15m, 1h, 7d, 2w)")
    if isinstance(value, int):
        n, unit = value, "s"
    else:
        m = _DURATION.match(value)
        if not m:
            raise ValueError(f"not a duration: {shown(value)} (use e.g. 30s, 15m, 1h, 7d, 2w)")
        n, unit = int(m.group(1)), m.group(2)
    if n <= 0:
        raise ValueError(f"duration must be positive: {shown(value)}")
    # Compared as whole seconds first: timedelta(days=99999999999) itself overflows.
    seconds = n * _SECONDS[unit]
    if seconds > MAX_DURATION.days * _SECONDS["d"]:
        raise ValueError(f"duration too long: {shown(value)} (at most {MAX_DURATION.days}d)")
    return timedelta(seconds=seconds)


def _duration(value: Any) -> timedelta:
    """A duration from the file ('30m', seconds) or from code (a timedelta), in the same bounds."""
    if not isinstance(value, timedelta):
        return parse_duration(value)
    if value <= timedelta(0):
        raise ValueError(f"duration must be positive: {value}")
    if value > MAX_DURATION:
        raise ValueError(f"duration too long: {value} (at most {MAX_DURATION.days}d)")
    return value


def _plain(value: str) -> str:
    """Refuse control characters: a line break in a name breaks an email header or a log line."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            raise ValueError(f"{shown(value)} contains a control character ({ch!r})")
    return value


def _ident(value: str) -> str:
    if not _IDENT.fullmatch(value):
        raise ValueError(f"{shown(value)} may hold only letters, digits, '-', '_', '.', ':'")
    return value


def _url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"{shown(value)} must start with http://, https:// or file://")
    return value


def _env_name(value: str) -> str:
    if not _ENV_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not an environment variable name (letters, digits and '_')")
    return value


def _one_or_many(value: Any) -> Any:
    """A single string where a list is expected is a list of one."""
    return [value] if isinstance(value, str) else value


def _without_blanks(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v for v in values if v)


def _path(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("an empty string is not a file path")
        return Path(_plain(value.strip()))
    return value


def _timezone(value: str) -> str:
    """An IANA time zone name ('Europe/Paris'), checked against the zone database."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {value!r} (use an IANA name such as 'Europe/Paris')") from None
    return value


_Stripped = Annotated[str, Strict(), StringConstraints(strip_whitespace=True)]
Text = Annotated[_Stripped, StringConstraints(min_length=1), AfterValidator(_plain)]
"""A non-empty line of text: names, hosts, addresses."""
OptionalText = Annotated[_Stripped, AfterValidator(_plain)]
Ident = Annotated[Text, AfterValidator(_ident)]
TimeZone = Annotated[Text, AfterValidator(_timezone)]
"""An id users type on the command line and the store keys on."""
SourceUrl = Annotated[Text, AfterValidator(_url)]
Texts = Annotated[
    tuple[Annotated[_Stripped, AfterValidator(_plain)], ...],
    BeforeValidator(_one_or_many),
    AfterValidator(_without_blanks),
]
"""A list of strings (a single string is a list of one); blank entries are dropped."""
Idents = Annotated[tuple[Ident, ...], BeforeValidator(_one_or_many)]
EnvName = Annotated[Text, AfterValidator(_env_name)]
"""The name of an environment variable (letters, digits, '_'; not starting with a digit)."""
EnvNames = Annotated[tuple[EnvName, ...], BeforeValidator(_one_or_many)]
Hashtags = Annotated[Texts, AfterValidator(lambda tags: _without_blanks(tuple(t.lstrip("#") for t in tags)))]
FilePath = Annotated[Path, BeforeValidator(_path)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
Flag = Annotated[bool, Strict()]
Count = Annotated[int, Strict(), Ge(0)]
PositiveCount = Annotated[int, Strict(), Ge(1)]
PageBytes = Annotated[int, Strict(), Ge(1024)]
Port = Annotated[int, Strict(), Ge(1), Le(65535)]
Seconds = Annotated[float, Strict(), AllowInfNan(False), Gt(0), Le(3600)]
"""A network timeout: sockets refuse infinite or astronomically long ones."""
Delay = Annotated[float, Strict(), AllowInfNan(False), Ge(0), Le(3600)]
Latitude = Annotated[float, Strict(), AllowInfNan(False), Ge(-90), Le(90)]
Longitude = Annotated[float, Strict(), AllowInfNan(False), Ge(-180), Le(180)]
Threshold = Annotated[float, Strict(), AllowInfNan(False), Gt(0), Le(1000)]
# The chance a share rule may leave unexplained: 0.01 = a rise chance gives once in a hundred.
Level = Annotated[float, Strict(), AllowInfNan(False), Gt(0), Le(0.5)]
