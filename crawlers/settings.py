"""Scrapy settings for placewatch spiders: every default in one place, then the config's overrides."""

from __future__ import annotations

import os
from typing import Any

from scrapy.settings import default_settings

from config import CrawlConfig
from core.version import __version__

# Alphabetical; each one documented. `crawl_settings()` layers the [crawl] config on top.

# Polite back-off that follows the server's latency.
AUTOTHROTTLE_ENABLED = True
# Upper bound of the delay AutoThrottle may reach, in seconds.
AUTOTHROTTLE_MAX_DELAY = 30.0
# First delay before AutoThrottle has measured anything, in seconds.
AUTOTHROTTLE_START_DELAY = 0.5
# Cookies are never needed for public feeds and APIs, and they track us.
COOKIES_ENABLED = False
# Outputs of one response handled at once. Scrapy starts this many asyncio tasks for every
# response that yields anything, and an article page yields one item: at 16 those tasks cost
# the crawl process 0.2 ms per page (4.5 s -> 4.1 s CPU for 2,000 pages in bench/crawl.py).
# Requests from a listing are only queued, so one at a time does not slow the downloader.
CONCURRENT_ITEMS = 1
# Concurrent requests per site (from [crawl] concurrency_per_domain).
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Concurrent requests over all sites of one crawl.
CONCURRENT_REQUESTS = 16
# Headers every request sends besides the User-Agent.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "fr,en;q=0.8,*;q=0.5",
}
# Fixed delay between requests to one site, in seconds (from [crawl] download_delay).
DOWNLOAD_DELAY = 0.0
# Fail a download that is truncated (Content-Length larger than what arrived).
DOWNLOAD_FAIL_ON_DATALOSS = True
# Largest page accepted, in bytes (from [crawl] max_page_bytes); bigger downloads are cancelled.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
# Seconds before a download is abandoned (from [crawl] timeout).
DOWNLOAD_TIMEOUT = 30.0
# Log a warning for pages above this size.
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# placewatch's downloader middlewares.
DOWNLOADER_MIDDLEWARES = {
    # First of all: nothing but http(s) is ever fetched from crawled content.
    "crawlers.middlewares.SchemeGuardMiddleware": 50,
    "crawlers.middlewares.RateLimitMiddleware": 555,
    "crawlers.middlewares.RetryAfterMiddleware": 560,
    # Above HttpCompressionMiddleware (590) so it sees the body before decompression.
    "crawlers.middlewares.TruncatedGzipMiddleware": 595,
}
# Scrapy's own middlewares without the cookie one (cookies are off; it imports tldextract).
# Left out of the _BASE dict, not set to None: Scrapy imports every component it is told about.
DOWNLOADER_MIDDLEWARES_BASE = {
    k: v for k, v in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items() if not k.endswith(".CookiesMiddleware")
}
# Scrapy's extensions without the remote-control server (it runs Python code sent to it over HTTP,
# and imports aiohttp) and the telnet console: a crawl is driven by the config, never remotely.
EXTENSIONS_BASE = {
    k: v
    for k, v in default_settings.EXTENSIONS_BASE.items()
    if not k.endswith((".RemoteControl", ".TelnetConsole"))
}
# Pipelines: near-duplicate grouping and exact deduplication, then batched writes to the store.
ITEM_PIPELINES = {
    "crawlers.pipelines.duplicates.DuplicatesPipeline": 300,
    "crawlers.pipelines.store.StorePipeline": 500,
}
# Name items by URL in the log instead of printing whole raw pages.
LOG_FORMATTER = "crawlers.logformatter.QuietLogFormatter"
# Keep Scrapy's own log quiet unless something is wrong.
LOG_LEVEL = "INFO"
# Drop documents already stored (same id or identical content).
PLACEWATCH_DEDUPE_ENABLED = True
# Processes that extract articles while the reactor keeps downloading (0: extract inline).
# Extraction is most of a page's CPU time; one CPU is left to the reactor.
PLACEWATCH_EXTRACTION_WORKERS = max(0, min(2, (os.cpu_count() or 1) - 1))
# Group near-duplicate syndicated copies under their first copy (MinHash LSH).
PLACEWATCH_GROUP_NEAR_DUPLICATES = True
# The run's CrawlSession, set by `crawlers.process.crawl`: every crawler of the run shares it
# (Scrapy copies each crawler's settings; the session is not copied).
PLACEWATCH_SESSION = None
# The id of the source a crawler reads, set per crawler by `crawlers.process.crawl`.
PLACEWATCH_SOURCE = None
# Longest Retry-After we wait for inside a crawl, in seconds; longer ones postpone the source.
PLACEWATCH_MAX_RETRY_AFTER = 10.0
# Documents written to the store per batch.
PLACEWATCH_STORE_BATCH = 50
# Off as well, should a newer Scrapy bring the remote-control server back under another name.
REMOTE_CONTROL_ENABLED = False
# Redirects followed before a redirect loop is given up.
REDIRECT_MAX_TIMES = 5
# Retry transient server errors once (429 is handled with Retry-After by our middleware).
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
# How many times a failed request is retried.
RETRY_TIMES = 1
# Obey robots.txt (from [crawl] obey_robots).
ROBOTSTXT_OBEY = True
# placewatch's spider middlewares: `sources check` asks each source once, follows nothing.
SPIDER_MIDDLEWARES = {"crawlers.middlewares.ProbeMiddleware": 50}
# No interactive telnet console inside the service.
TELNETCONSOLE_ENABLED = False
# A User-Agent that names placewatch and how to reach its operator.
USER_AGENT = f"placewatch/{__version__} (+https://github.com/placewatch/placewatch)"


def user_agent(contact: str) -> str:
    """`placewatch/<version> (+contact)`."""
    return f"placewatch/{__version__} (+{contact})"


def crawl_settings(crawl: CrawlConfig) -> dict[str, Any]:
    """This module's settings with the [crawl] configuration applied."""
    values = {k: v for k, v in globals().items() if k.isupper()}
    values.update(
        AUTOTHROTTLE_ENABLED=crawl.autothrottle,
        AUTOTHROTTLE_TARGET_CONCURRENCY=float(crawl.concurrency_per_domain),
        CONCURRENT_REQUESTS_PER_DOMAIN=crawl.concurrency_per_domain,
        DOWNLOAD_DELAY=crawl.download_delay,
        DOWNLOAD_MAXSIZE=crawl.max_page_bytes,
        DOWNLOAD_TIMEOUT=crawl.timeout,
        DOWNLOAD_WARNSIZE=min(DOWNLOAD_WARNSIZE, crawl.max_page_bytes),
        ROBOTSTXT_OBEY=crawl.obey_robots,
        USER_AGENT=user_agent(crawl.contact),
    )
    if crawl.extraction_workers is not None:
        values["PLACEWATCH_EXTRACTION_WORKERS"] = crawl.extraction_workers
    return values
