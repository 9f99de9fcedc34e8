"""JSON Feed 1.0/1.1: each entry's `raw` is the item as published."""

from __future__ import annotations

import json
import logging
from urllib.parse import urljoin

from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import parse_date, parse_html_fragment
from crawlers.feeds.model import Feed, FeedEntry

logger = logging.getLogger(__name__)


def read_json_feed(body: bytes, url: str) -> Feed:
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
                lang=lang,
                raw=item,
            )
        )
    return Feed(
        title=data.get("title"), link=data.get("home_page_url"), lang=feed_lang,
        entries=tuple(entries),
    )

