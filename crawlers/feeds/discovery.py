"""Telling a feed from an HTML page, and the feeds an HTML page advertises (autodiscovery)."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawlers.extraction import decode_html

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
