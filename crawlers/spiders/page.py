"""Page spider: a listing page of a site; follows its article links inside the site up to a depth."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response

from crawlers.extraction import decode_html
from crawlers.spiders.base import ArticleHint, SourceSpider
from crawlers.urls import canonicalize_url, same_site

logger = logging.getLogger(__name__)

_NOT_ARTICLE = re.compile(
    r"/(tag|tags|category|categories|author|auteur|search|recherche|login|signin|register|"
    r"account|compte|cart|panier|contact|about|a-propos|legal|mentions-legales|privacy|cgu|page)(/|$)",
    re.I,
)
_BINARY_EXT = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|pdf|zip|gz|mp3|mp4|avi|mov|css|js|ico|xml|json|rss)$", re.I
)
_HREF = re.compile(rb"""<a\s[^>]*?href\s*=\s*["']([^"'#][^"']*)["']""", re.I)


def might_be_article(url: str) -> bool:
    """True for URLs that look like one article (a slug or an id), not a section or a file."""
    path = urlsplit(url).path
    if not path or path == "/" or _BINARY_EXT.search(path) or _NOT_ARTICLE.search(path):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.count("-") >= 2 or bool(re.search(r"\d{4,}", last)) or last.endswith((".html", ".htm"))


def page_links(body: bytes, base_url: str) -> list[str]:
    """Absolute http(s) links of a page, in order, without duplicates."""
    text, _ = decode_html(body)
    found: dict[str, None] = {}
    for match in _HREF.finditer(text.encode("utf-8", "replace")):
        href = match.group(1).decode("utf-8", "replace").strip()
        url = urljoin(base_url, href)
        if url.startswith(("http://", "https://")):
            found.setdefault(url, None)
    return list(found)


class PageSpider(SourceSpider):
    """Reads a listing page and collects the new articles it links to (same site, up to `depth`)."""

    name = "page"
    source_type: ClassVar[str] = "page"

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        yield self.listing_request(self.source.url, depth=1, first=True)

    def listing_request(self, url: str, depth: int, first: bool = False) -> Request:
        headers = {}
        if first:
            headers = self.conditional_headers(
                {"etag": self.run.state.etag, "last_modified": self.run.state.last_modified}
            )
        return Request(
            url,
            headers=headers,
            callback=self.parse_listing,
            errback=self.on_error,
            cb_kwargs={"depth": depth},
            meta={"entry": first, "handle_httpstatus_list": [304] if first else []},
            dont_filter=first,
        )

    def parse_listing(self, response: Response, depth: int) -> Iterator[Request]:
        if response.status == 304:
            logger.info("listing %s not modified", response.url)
            return
        if response.meta.get("entry"):
            found = self.validators_of(response)
            self.run.state.etag = found.get("etag")
            self.run.state.last_modified = found.get("last_modified")
        links = [u for u in page_links(response.body, response.url) if same_site(u, self.source.url)]
        self.run.report.listed += len(links)
        self.run.look_up_stored(u for u in links if might_be_article(u))
        for url in links:
            link = canonicalize_url(url)
            if might_be_article(url):
                if self.run.room_left() <= 0:
                    return
                if not self.run.is_known(link, link) and self.session.claim(link):
                    yield self.article_request(url, ArticleHint(key=link))
            elif depth < self.source.depth and self.session.claim("listing:" + link):
                yield self.listing_request(url, depth + 1)
