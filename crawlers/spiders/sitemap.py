"""Sitemap spider: sitemaps, sitemap indexes and Google News sitemaps; collects the new pages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapy.http import Request, Response

from crawlers.exceptions import PayloadShapeError
from crawlers.feeds.sitemap_xml import SitemapUrl, parse_sitemap
from crawlers.spiders.base import ArticleHint, SourceSpider
from crawlers.urls import canonicalize_url, is_fetchable

logger = logging.getLogger(__name__)

MAX_SITEMAPS = 50  # child sitemaps read per crawl (an index can list thousands)
_OLDEST = datetime.min.replace(tzinfo=UTC)


class SitemapSpider(SourceSpider):
    """Reads a sitemap or sitemap index and collects the pages it lists that are new."""

    name = "sitemap"
    source_type: ClassVar[str] = "sitemap"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        validators = self.run.state.extra.get("validators")
        self.validators: dict[str, dict[str, str]] = validators if isinstance(validators, dict) else {}
        self.sitemaps_read = 0

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        yield self.sitemap_request(self.source.url, entry=True)

    def sitemap_request(self, url: str, entry: bool = False) -> Request:
        self.sitemaps_read += 1
        return Request(
            url,
            headers=self.conditional_headers(self.validators.get(url)),
            callback=self.parse_sitemap,
            errback=self.on_error,
            meta={"entry": entry, "handle_httpstatus_list": [304], "sitemap_url": url},
            dont_filter=True,
        )

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        url = response.meta["sitemap_url"]
        if response.status == 304:
            logger.info("sitemap %s not modified", url)
            return
        try:
            sitemap = parse_sitemap(response.body)
        except PayloadShapeError as exc:
            self.run.record_error(f"{response.url}: {exc}", fatal=bool(response.meta.get("entry")))
            return
        found = self.validators_of(response)
        if found:
            self.validators[url] = found
        else:
            self.validators.pop(url, None)
        self.run.state.extra["validators"] = self.validators
        for child in sitemap.sitemaps:
            if self.sitemaps_read >= MAX_SITEMAPS:
                logger.info("sitemap index %s: stopping after %d sitemaps", url, MAX_SITEMAPS)
                break
            if is_fetchable(child):
                yield self.sitemap_request(child)
            else:
                self.run.refuse(child)
        pages = sorted(
            sitemap.urls,
            key=lambda u: u.news_published or u.lastmod or _OLDEST,
            reverse=True,
        )
        self.run.report.listed += len(pages) + len(sitemap.sitemaps)
        self.run.look_up_stored(page.loc for page in pages)
        for page in pages:
            if self.run.room_left() <= 0:
                break
            yield from self.follow_page(page)

    def follow_page(self, page: SitemapUrl) -> Iterator[Request]:
        if not is_fetchable(page.loc):
            self.run.refuse(page.loc)
            return
        link = canonicalize_url(page.loc)
        if self.run.is_known(link, link) or not self.session.claim(link):
            return
        newest = page.news_published or page.lastmod
        if newest is not None and (self.run.state.cursor is None or newest.isoformat() > self.run.state.cursor):
            self.run.state.cursor = newest.isoformat()
        # lastmod is when the page changed, not when it was published: it is not a date hint.
        hint = ArticleHint(
            key=link, title=page.news_title, published=page.news_published, lang=page.news_lang
        )
        yield self.article_request(page.loc, hint)
