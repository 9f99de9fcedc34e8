"""Pure feed parsing: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom, JSON Feed, YouTube feeds, autodiscovery."""

from __future__ import annotations

import calendar
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import html as lxml_html

from crawlers.exceptions import PayloadShapeError
from crawlers.extract import decode_html, detect_language, parse_date, parse_html_fragment

logger = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where the article is, and what the feed itself says about it."""

    key: str  # the entry's guid/id, else its link
    link: str | None
    title: str | None
    text: str  # the entry's content or summary as plain text
    published: datetime | None
    author: str | None = None
    lang: str | None = None
    views: int | None = None
    likes: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Feed:
    """A parsed feed; `problem` names what was malformed when the parser had to recover."""

    title: str | None
    link: str | None
    lang: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None


def looks_like_json(body: bytes) -> bool:
    """True when a body is a JSON document (JSON Feed or an API payload)."""
    return body.lstrip()[:1] in (b"{", b"[")


def looks_like_html(body: bytes) -> bool:
    """True for an HTML page rather than a feed (for autodiscovery)."""
    head = body[:2048].lstrip().lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head and b"<rss" not in head and b"<feed" not in head
    return head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )


def discover_feeds(body: bytes, base_url: str) -> list[str]:
    """Feed URLs an HTML page advertises with `<link rel="alternate" type="...">`."""
    page, _ = decode_html(body)
    try:
        tree = lxml_html.fromstring(page.encode("utf-8"))
    except (ValueError, Exception):  # lxml ParserError on an empty or junk document
        return []
    found: list[str] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = link.get("href")
        if "alternate" in rels and href and kind in FEED_TYPES:
            url = urljoin(base_url, href.strip())
            if url not in found:
                found.append(url)
    return found


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError):
        return None
    return parse_date(dt.isoformat())


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


def _parse_xml_feed(body: bytes, url: str, content_type: str | None) -> Feed:
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
        published = _struct_to_datetime(
            fields.get("published_parsed")
            or fields.get("updated_parsed")
            or fields.get("created_parsed")
        )
        if published is None:
            published = parse_date(fields.get("published") or fields.get("updated"))
        author = fields.get("author") or None
        stats = fields.get("media_statistics") or {}
        rating = fields.get("media_starrating") or {}
        lang = feed_lang or detect_language(f"{title or ''}\n{text}")
        entries.append(
            FeedEntry(
                key=str(key),
                link=link,
                title=title,
                text=text,
                published=published,
                author=author,
                lang=lang,
                views=_int_or_none(stats.get("views") if isinstance(stats, dict) else None),
                likes=_int_or_none(rating.get("count") if isinstance(rating, dict) else None),
                raw=_jsonable(fields),
            )
        )
    return Feed(
        title=meta.get("title"), link=meta.get("link"), lang=feed_lang,
        entries=tuple(entries), problem=problem,
    )


def _parse_json_feed(body: bytes, url: str) -> Feed:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise PayloadShapeError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise PayloadShapeError("JSON is not a JSON Feed (no 'items' list)")
    feed_lang = (data.get("language") or "").split("-")[0].lower() or None
    feed_authors = data.get("authors") or ([data["author"]] if data.get("author") else [])
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        link = urljoin(url, link) if isinstance(link, str) else None
        key = item.get("id") or link
        if not key:
            continue
        html_part = item.get("content_html")
        text = parse_html_fragment(html_part) if isinstance(html_part, str) else ""
        text = text or str(item.get("content_text") or item.get("summary") or "").strip()
        authors = item.get("authors") or ([item["author"]] if item.get("author") else feed_authors)
        names = [str(a["name"]) for a in authors if isinstance(a, dict) and a.get("name")]
        title = item.get("title") if isinstance(item.get("title"), str) else None
        lang = (item.get("language") or "").split("-")[0].lower() or feed_lang
        entries.append(
            FeedEntry(
                key=str(key),
                link=link,
                title=title,
                text=text,
                published=parse_date(item.get("date_published") or item.get("date_modified")),
                author=", ".join(names) or None,
                lang=lang or detect_language(f"{title or ''}\n{text}"),
                raw=item,
            )
        )
    return Feed(
        title=data.get("title"), link=data.get("home_page_url"), lang=feed_lang,
        entries=tuple(entries),
    )


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse any supported feed; raises PayloadShapeError when the body is not a feed at all."""
    if not body.strip():
        raise PayloadShapeError("empty feed")
    if looks_like_json(body):
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, url, content_type)
