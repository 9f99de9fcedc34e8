"""Exceptions raised while collecting; each names the source or page and the problem."""

from __future__ import annotations

from core.errors import ConfigError, InputError, PlacewatchError


class UnknownSourceError(ConfigError):
    """Raised by `crawl()` when a source id given on the command line is not configured."""


class NotHtmlError(InputError):
    """Raised when a page is binary, empty or otherwise not HTML (e.g. an image served as text/html)."""


class FetchError(InputError):
    """Raised by `extract_command` when a URL cannot be fetched (unreachable, HTTP error, too big)."""


class PayloadShapeError(InputError):
    """Raised when a feed, sitemap or API payload is not the expected shape (wrong JSON, not a feed)."""


class CrawlTimeoutError(PlacewatchError):
    """Raised by `crawl_in_subprocess` when the child process exceeds its timeout."""
