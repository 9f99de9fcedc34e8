"""Pure sitemap parsing: urlsets, sitemap indexes, Google News sitemaps, plain-text lists."""

from __future__ import annotations

import gzip
import logging
import zlib
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import parse_date

logger = logging.getLogger(__name__)

_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed


@dataclass(frozen=True)
class SitemapUrl:
    """A page listed by a sitemap, with what the sitemap says about it."""

    loc: str
    lastmod: datetime | None = None
    news_title: str | None = None
    news_published: datetime | None = None
    news_lang: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """Either a list of pages (urlset) or a list of further sitemaps (sitemapindex)."""

    urls: tuple[SitemapUrl, ...] = ()
    sitemaps: tuple[str, ...] = ()


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *path: str) -> str | None:
    node: etree._Element | None = el
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    if node is None or node.text is None:
        return None
    return node.text.strip() or None


def gunzip_if_needed(body: bytes) -> bytes:
    """Decompress a .xml.gz sitemap; raises PayloadShapeError on a truncated archive."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(body, _MAX_SITEMAP_BYTES)
        if not d.eof:
            raise PayloadShapeError("truncated or oversized gzip sitemap")
        return out
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise PayloadShapeError(f"corrupt gzip sitemap: {exc}") from exc


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse sitemap bytes; raises PayloadShapeError when they are not a sitemap."""
    body = gunzip_if_needed(body).lstrip()
    if not body:
        raise PayloadShapeError("empty sitemap")
    if not body.startswith(b"<"):
        lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines()]
        listed = [line for line in lines if line.startswith(("http://", "https://"))]
        if not listed:
            raise PayloadShapeError("not a sitemap (neither XML nor a list of URLs)")
        return Sitemap(urls=tuple(SitemapUrl(u) for u in listed))
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise PayloadShapeError(f"invalid sitemap XML: {exc}") from exc
    if root is None:
        raise PayloadShapeError("invalid sitemap XML: no root element")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_child_text(s, "loc") for s in root if _local(s.tag) == "sitemap"]
        return Sitemap(sitemaps=tuple(loc for loc in locs if loc))
    if kind != "urlset":
        raise PayloadShapeError(f"not a sitemap: root element <{kind}>")
    urls: list[SitemapUrl] = []
    for el in root:
        if _local(el.tag) != "url":
            continue
        loc = _child_text(el, "loc")
        if not loc:
            continue
        lang = _child_text(el, "news", "publication", "language")
        urls.append(
            SitemapUrl(
                loc=loc,
                lastmod=parse_date(_child_text(el, "lastmod")),
                news_title=_child_text(el, "news", "title"),
                news_published=parse_date(_child_text(el, "news", "publication_date")),
                news_lang=lang.split("-")[0].lower() if lang else None,
            )
        )
    return Sitemap(urls=tuple(urls))
