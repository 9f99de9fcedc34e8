"""What every source spider shares: error accounting, conditional requests, articles and feed entries as documents."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from core.models import Engagement, RawDocument, document_id, summary_only_raw, utcnow
from crawlers.exceptions import NotHtmlError
from crawlers.extraction import known_language, looks_binary
from crawlers.items import DocumentItem
from crawlers.middlewares import RateLimited, RefusedScheme
from crawlers.session import CrawlSession, SourceRun
from crawlers.urls import canonicalize_url
from nlp import detect_language

logger = logging.getLogger(__name__)

_TEXTUAL = ("text/", "application/xhtml", "application/xml", "application/json")


@dataclass(frozen=True)
class ArticleHint:
    """What a feed or sitemap already says about an article, used when the page does not say it."""

    key: str
    title: str | None = None
    text: str = ""
    published: datetime | None = None
    author: str | None = None
    lang: str | None = None
    raw: bytes = b""
    item: Any = None  # the feed entry as published, when `raw` holds it
    read_lang: bool = False  # a feed entry: its language may be read from its title and text

    def language(self) -> str | None:
        """The language the listing declares, else (a feed entry) read from its title and text.

        Read only when a document needs it (the page did not tell, or the entry is the document),
        so the crawl process does not identify the language of every entry of every feed.
        """
        if self.lang or not self.read_lang:
            return self.lang
        return known_language(detect_language(f"{self.title or ''}\n{self.text}"))


def failure_message(failure: Failure) -> tuple[str, bool]:
    """A one-line description of a failed request, and whether it is permanent (4xx, too big...)."""
    exc = failure.value
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    if failure.check(HttpError):
        status = exc.response.status
        return f"HTTP {status} for {exc.response.url}", 400 <= status < 500 and status not in (408, 429)
    name = exc.__class__.__name__
    if failure.check(TimeoutError, TCPTimedOutError) or "Timeout" in name:
        return f"timeout fetching {url}", False
    if failure.check(DNSLookupError, ConnectionRefusedError):
        return f"cannot connect to {url}: {exc.__class__.__name__}", False
    if failure.check(ConnectionLost, ResponseFailed) or name in ("DownloadFailedError", "ConnectionDone"):
        return f"connection lost fetching {url} ({name})", False
    if failure.check(IgnoreRequest):
        reason = str(exc) or "request ignored"
        return f"{url}: {reason}", True
    text = str(exc) or exc.__class__.__name__
    # Scrapy cancels a download whose body outgrows DOWNLOAD_MAXSIZE as it streams in (no
    # Content-Length to refuse it by), and that is the only download it cancels.
    if "maxsize" in text.lower() or "max size" in text.lower() or name == "DownloadCancelledError":
        return f"{url}: page larger than the configured maximum", True
    return f"{url}: {exc.__class__.__name__}: {text}"[:300], False


class SourceSpider(scrapy.Spider):
    """Base of the per-source-type spiders: they request and parse; their source's run holds the
    state they read and the counts they add to (the crawler gives both, see `crawlers.session`)."""

    name = "source"
    source_type: ClassVar[str] = ""

    def __init__(self, run: SourceRun, session: CrawlSession, **kwargs: Any) -> None:
        super().__init__(name=self.name, **kwargs)
        self.run = run
        self.source = run.source
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        session, run = CrawlSession.of(crawler), SourceRun.of(crawler)
        if session is None or run is None:
            raise ValueError(f"{cls.__name__} runs only inside a placewatch crawl (crawlers.crawl)")
        spider = super().from_crawler(crawler, *args, run=run, session=session, **kwargs)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._on_response, signal=signals.response_received)
        return spider  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ accounting

    def _on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is self:
            self.run.record_error(f"{response.url}: {failure.value.__class__.__name__}: {failure.value}")

    def _on_response(self, response: Response, request: Request, spider: scrapy.Spider) -> None:
        if spider is self and not request.url.endswith("/robots.txt"):
            self.run.report.fetched += 1

    def on_error(self, failure: Failure) -> None:
        """Errback of requests whose failure only needs counting."""
        request = getattr(failure, "request", None)
        if failure.check(RefusedScheme):
            self.run.refuse(request.url if request is not None else "")
            return
        message, _ = failure_message(failure)
        # A request held back by a rate limit is not a failure of the source: it is postponed.
        fatal = bool(request is not None and request.meta.get("entry")) and not failure.check(RateLimited)
        self.run.record_error(message, fatal=fatal)

    def conditional_headers(self, validators: dict[str, Any] | None) -> dict[str, str]:
        headers = {}
        if validators and validators.get("etag"):
            headers["If-None-Match"] = str(validators["etag"])
        if validators and validators.get("last_modified"):
            headers["If-Modified-Since"] = str(validators["last_modified"])
        return headers

    @staticmethod
    def validators_of(response: Response) -> dict[str, str]:
        found = {}
        for header, key in (("ETag", "etag"), ("Last-Modified", "last_modified")):
            value = response.headers.get(header)
            if value:
                found[key] = value.decode("latin-1")
        return found

    # ------------------------------------------------------------------ documents

    def document(
        self,
        url: str,
        text: str,
        *,
        key: str | None = None,
        title: str | None = None,
        published: datetime | None = None,
        author: str | None = None,
        lang: str | None = None,
        engagement: Engagement | None = None,
        raw: bytes = b"",
        kind: str = "article",
    ) -> DocumentItem:
        """A raw document item; the id comes from the canonical URL (or the native key)."""
        canonical = canonicalize_url(url) if url.startswith(("http://", "https://")) else url
        return DocumentItem(
            RawDocument(
                id=document_id(key or canonical),
                url=canonical,
                source_id=self.source.id,
                source_type=self.source.type,
                text=text,
                collected=utcnow(),
                title=title,
                published=published,
                author=author,
                lang=lang,
                engagement=engagement or Engagement(),
                raw=raw,
            ),
            kind=kind,
        )

    def article_request(self, url: str, hint: ArticleHint, priority: int = 0) -> Request:
        self.run.scheduled += 1
        self.session.extraction.start()
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"hint": hint},
            priority=priority,
            # Pages are deduplicated by the session's claims; the dupefilter would silently
            # swallow a redirect loop instead of reporting it.
            dont_filter=True,
        )

    async def parse_article(
        self, response: Response, hint: ArticleHint
    ) -> AsyncIterator[DocumentItem]:
        """Extract an article page; the hint fills what the page does not say (never the crawl date)."""
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        body = response.body
        try:
            if content_type and not content_type.startswith(_TEXTUAL):
                raise NotHtmlError(f"not an HTML page (Content-Type {content_type})")
            if looks_binary(body):
                raise NotHtmlError("binary data served as text/html")
            charset = None
            if "charset=" in content_type:
                charset = content_type.split("charset=", 1)[1].split(";")[0].strip(" \"'")
            extracted, sketch = await self.session.extraction.extract(body, response.url, charset)
        except NotHtmlError as exc:
            self.run.record_error(f"{response.url}: {exc}")
            for item in self.fallback(hint):
                yield item
            return
        if extracted.encoding_warning:
            self.run.record_error(f"{response.url}: {extracted.encoding_warning}")
        self.run.mark_seen(hint.key)
        text = extracted.text or hint.text
        if not text.strip() and not (extracted.title or hint.title):
            self.run.record_error(f"{response.url}: no main text found")
            return
        item = self.document(
            extracted.url,
            text,
            title=extracted.title or hint.title,
            published=extracted.published or hint.published,
            author=extracted.author or hint.author,
            lang=extracted.lang or hint.language(),
            raw=body,
        )
        if extracted.text:
            item.sketch = sketch
        yield item

    def article_failed(self, failure: Failure) -> Iterator[DocumentItem]:
        """A page failed: count it; a permanent failure keeps what the feed said, a transient one retries later."""
        request = getattr(failure, "request", None)
        if failure.check(RefusedScheme):  # e.g. a page redirecting to file:: nothing of it is kept
            self.run.refuse(request.url if request is not None else "")
            return
        message, permanent = failure_message(failure)
        self.run.record_error(message)
        hint = request.cb_kwargs.get("hint") if request is not None else None
        if permanent and isinstance(hint, ArticleHint):
            yield from self.fallback(hint)

    def fallback(
        self, hint: ArticleHint, url: str | None = None, summary_only: bool = False
    ) -> Iterator[DocumentItem]:
        """A document from the feed or sitemap entry alone, when the page cannot be used (or,
        `summary_only`, when the entry is all a news search gives of an article)."""
        self.run.mark_seen(hint.key)
        if not (hint.text.strip() or hint.title):
            return
        target = url or (hint.key if hint.key.startswith(("http://", "https://")) else None)
        yield self.document(
            target or f"{self.source.url}#{hint.key}",
            hint.text,
            key=None if target else f"{self.source.id}:{hint.key}",
            title=hint.title,
            published=hint.published,
            author=hint.author,
            lang=hint.language(),
            raw=summary_only_raw(hint.item) if summary_only else hint.raw,
            kind="summary" if summary_only else "entry",
        )


def dumps(payload: Any) -> bytes:
    """Raw payload bytes of a JSON item (kept so re-analysis never needs a re-crawl)."""
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
