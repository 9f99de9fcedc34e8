"""Downloader middlewares: honour 429/503 Retry-After politely; reject truncated gzip bodies."""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawlers.session import SourceRun

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks us to wait (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Waits and retries once when a 429/503 carries a short Retry-After; longer waits postpone the source."""

    def __init__(self, max_wait: float, run: SourceRun | None = None) -> None:
        self.max_wait = max_wait
        self.run = run  # the source to postpone; None outside a placewatch crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        max_wait = crawler.settings.getfloat("PLACEWATCH_MAX_RETRY_AFTER")
        if max_wait < 0:
            raise NotConfigured("PLACEWATCH_MAX_RETRY_AFTER < 0")
        return cls(max_wait, SourceRun.of(crawler))

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None or request.meta.get("retry_after_done"):
            return response
        if wait > self.max_wait:
            if self.run is not None:
                self.run.postpone(wait)
            return response
        logger.info("%s answered %s; retrying after %.1fs", request.url, response.status, wait)
        from twisted.internet import reactor  # the one Scrapy installed, not a default

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_done"] = True
        return retry


def gzip_is_complete(body: bytes) -> bool:
    """True when a gzip body decompresses to its end (Scrapy otherwise keeps truncated ones silently)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        while body:
            decompressor.decompress(body, 1024 * 1024)
            body = decompressor.unconsumed_tail
            if decompressor.eof:
                return True
    except zlib.error:
        return False
    return decompressor.eof


class TruncatedGzipMiddleware:
    """Rejects gzip-encoded responses cut short, before Scrapy decompresses what it can of them."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TruncatedGzipMiddleware:
        if not crawler.settings.getbool("COMPRESSION_ENABLED", True):
            raise NotConfigured("COMPRESSION_ENABLED is off")
        return cls()

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        encodings = [e.lower() for e in response.headers.getlist("Content-Encoding")]
        if encodings and encodings[-1] in (b"gzip", b"x-gzip") and not gzip_is_complete(response.body):
            raise IgnoreRequest(f"truncated or corrupt gzip body ({len(response.body)} bytes)")
        return response
