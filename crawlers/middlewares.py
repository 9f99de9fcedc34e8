"""Middlewares: obey rate limits and Retry-After, reject truncated gzip bodies, follow nothing in a check."""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawlers.session import SourceRun, refusal
from crawlers.social.auth import rate_limit_wait
from crawlers.urls import is_fetchable

logger = logging.getLogger(__name__)

API_SOURCE_TYPES = ("mastodon", "reddit", "bluesky")


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


class RateLimited(IgnoreRequest):
    """Raised for a request held back because the API said no request is left until a time."""


def _rate_headers(response: Response) -> dict[str, str]:
    found = {}
    for name in ("x-ratelimit-remaining", "x-ratelimit-reset"):
        value = response.headers.get(name)
        if value is not None:
            found[name] = value.decode("latin-1")
    return found


class RetryAfterMiddleware:
    """Waits and retries once when a 429/503 says how long to wait (Retry-After, else for a 429
    its x-ratelimit-reset); waits beyond PLACEWATCH_MAX_RETRY_AFTER postpone the source instead."""

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
        if wait is None and response.status == 429:
            wait = rate_limit_wait(_rate_headers(response), datetime.now(UTC))
        if wait is None or request.meta.get("retry_after_done"):
            return response
        if wait > self.max_wait:
            if self.run is not None:
                self.run.postpone(wait)
            return response
        logger.info("%s answered %s; retrying after %.1fs", request.url, response.status, wait)
        await _sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_done"] = True
        return retry


class RateLimitMiddleware:
    """API sources: no request goes out while x-ratelimit-remaining says none is left before
    x-ratelimit-reset; a wait beyond PLACEWATCH_MAX_RETRY_AFTER postpones the source instead.
    (Feeds and sites never pay for it: it is not installed for them.)"""

    def __init__(self, max_wait: float, run: SourceRun | None = None) -> None:
        self.max_wait = max_wait
        self.run = run
        self.not_before: datetime | None = None  # no request left until then

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RateLimitMiddleware:
        run = SourceRun.of(crawler)
        if run is None or run.source.type not in API_SOURCE_TYPES:
            raise NotConfigured  # no such headers to obey
        return cls(max(0.0, crawler.settings.getfloat("PLACEWATCH_MAX_RETRY_AFTER")), run)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.not_before is None:
            return
        wait = (self.not_before - datetime.now(UTC)).total_seconds()
        if wait <= 0:
            self.not_before = None
            return
        if wait > self.max_wait:
            if self.run is not None:
                self.run.postpone(wait)
            raise RateLimited(f"rate limit reached: no request left before {self.not_before:%H:%M:%S} UTC")
        logger.info("rate limit reached; waiting %.1fs before %s", wait, request.url)
        await _sleep(wait)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        now = datetime.now(UTC)
        left = rate_limit_wait(_rate_headers(response), now)
        if left is not None:
            self.not_before = now + timedelta(seconds=left)
            if left > self.max_wait and self.run is not None:
                self.run.postpone(left)  # none left for long: the next crawl waits for the reset
        return response


class RefusedScheme(IgnoreRequest):
    """Raised for a request whose URL is not http(s): crawled content never opens a local file."""


class SchemeGuardMiddleware:
    """Refuses every request that is not http or https, whatever downloader Scrapy has for it
    (file:, data:, ftp:, s3:): feed links, sitemap entries, redirects. Only the source's own URL,
    which the user wrote in the config, may be something else."""

    def __init__(self, configured: str | None = None) -> None:
        self.configured = configured

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemeGuardMiddleware:
        run = SourceRun.of(crawler)
        return cls(run.source.url if run is not None else None)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        url = request.url
        if url.startswith(("http://", "https://")) or is_fetchable(url) or url == self.configured:
            return
        raise RefusedScheme(refusal(request.url))


class ProbeMiddleware:
    """`placewatch sources check`: a source is asked once (its first listing, after signing in
    if it must); the pages, next pages and other listings it would follow are not requested."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProbeMiddleware:
        run = SourceRun.of(crawler)
        if run is None or not run.probe:
            raise NotConfigured  # a crawl, not a check
        return cls()

    @staticmethod
    def _asked(result: Any) -> bool:
        return not isinstance(result, Request) or bool(result.meta.get("entry") or result.meta.get("auth"))

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        return (r for r in result if self._asked(r))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        async for r in result:
            if self._asked(r):
                yield r


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor  # the one Scrapy installed, not a default

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


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
