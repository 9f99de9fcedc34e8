"""Feeds read by feedparser: RSS 0.9x/1.0/2.0, RDF, Atom, YouTube, broken or oddly encoded feeds.

Each entry's `raw` is feedparser's entry dict made JSON-able, with its normalised keys ("title",
"title_detail", "link", "links", "id", "summary", "content", "published", "published_parsed" as a
list of 9 ints, "author_detail", "tags", ...).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urljoin

import feedparser

from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import parse_date, parse_html_fragment
from crawlers.feeds.model import Feed, FeedEntry, struct_to_datetime

logger = logging.getLogger(__name__)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    # Most values of a feed entry are plain strings: answer them before the container checks.
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {
            k if type(k) is str else str(k): v if type(v) in _PLAIN else _jsonable(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):  # struct_time too: it is a tuple, kept as a list of ints
        return [v if type(v) in _PLAIN else _jsonable(v) for v in value]
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _entry_text(entry: Any, fields: dict[str, Any]) -> str:
    content = fields.get("content") or []
    for part in content:
        value = part.get("value") if isinstance(part, dict) else None
        if value:
            return parse_html_fragment(value)
    for key in ("summary", "media_description", "description"):
        # "description" is an alias feedparser resolves (to summary, else subtitle).
        value = entry.get(key) if key == "description" else fields.get(key)
        if isinstance(value, str) and value.strip():
            return parse_html_fragment(value)
    group = fields.get("media_group")
    if isinstance(group, dict) and isinstance(group.get("media_description"), str):
        return parse_html_fragment(group["media_description"])
    return ""


def _entry_link(fields: dict[str, Any], base: str | None) -> str | None:
    link = fields.get("link")
    if not link:
        for candidate in fields.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        guid = fields.get("id")
        if isinstance(guid, str) and guid.startswith(("http://", "https://")):
            link = guid
    return urljoin(base or "", link.strip()) if link else None


def read_with_feedparser(body: bytes, url: str, content_type: str | None) -> Feed:
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    version = parsed.get("version") or ""
    problem = None
    if parsed.get("bozo"):
        problem = f"malformed feed: {parsed.get('bozo_exception')}"
    if not version and not parsed.entries:
        raise PayloadShapeError(problem or "not an RSS, Atom, RDF or JSON feed")
    meta = parsed.get("feed", {})
    feed_lang = (meta.get("language") or "").split("-")[0].lower() or None
    entries = []
    for entry in parsed.entries:
        # Read through a plain dict: FeedParserDict.get is a Python call resolving aliases,
        # ten times slower, and none of these keys is an alias. (feedparser's fallbacks from
        # "updated" to "published" only ever return what was already found empty.)
        fields = dict(entry)
        link = _entry_link(fields, url)
        key = fields.get("id") or link
        if not key:
            continue
        title = parse_html_fragment(fields.get("title") or "") or None
        text = _entry_text(entry, fields)
        published = struct_to_datetime(
            fields.get("published_parsed")
            or fields.get("updated_parsed")
            or fields.get("created_parsed")
        )
        if published is None:
            published = parse_date(fields.get("published") or fields.get("updated"))
        author = fields.get("author") or None
        source: dict[str, Any] = fields["source"] if isinstance(fields.get("source"), dict) else {}
        stats = fields.get("media_statistics") or {}
        rating = fields.get("media_starrating") or {}
        entries.append(
            FeedEntry(
                key=str(key),
                link=link,
                title=title,
                text=text,
                published=published,
                author=author,
                lang=feed_lang,
                views=_int_or_none(stats.get("views") if isinstance(stats, dict) else None),
                likes=_int_or_none(rating.get("count") if isinstance(rating, dict) else None),
                raw=_jsonable(fields),
                publisher=str(source.get("title") or "").strip() or None,
                publisher_url=str(source.get("href") or "").strip() or None,
            )
        )
    return Feed(
        title=meta.get("title"), link=meta.get("link"), lang=feed_lang,
        entries=tuple(entries), problem=problem,
    )
