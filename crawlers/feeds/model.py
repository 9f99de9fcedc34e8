"""A parsed feed and its entries, as every reader (feedparser, lxml, JSON Feed) returns them."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawlers.extraction import parse_date


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where the article is, and what the feed itself says about it."""

    key: str  # the entry's guid/id, else its link
    link: str | None
    title: str | None
    text: str  # the entry's content or summary as plain text
    published: datetime | None
    author: str | None = None
    lang: str | None = None  # as the feed declares it (the entry's, else the feed's); never guessed here
    views: int | None = None
    likes: int | None = None
    publisher: str | None = None  # RSS <source>: who published the item a feed passes on
    publisher_url: str | None = None  # that publisher's site
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Feed:
    """A parsed feed; `problem` names what was malformed when the parser had to recover."""

    title: str | None
    link: str | None
    lang: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None

def struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    """A feedparser date (UTC struct_time) as a datetime, when plausible."""
    if not value:
        return None
    try:
        dt = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError):
        return None
    return parse_date(dt.isoformat())
