"""`placewatch extract FILE_OR_URL`: one page fetched (or read) and extracted, outside any crawl.

With the crawl's limits: the page must arrive within `[crawl] timeout` seconds in all (a page
that trickles in is given up, as the crawl gives it up) and be at most `max_page_bytes` (read
so far and no further, also from a file or a gzip archive: /dev/zero does not fill memory).
A URL is fetched only over http or https, and redirects only to http or https; a local file
is read only when the command line names its path.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from typing import Any

from config import Config
from core.errors import InputError
from crawlers.exceptions import FetchError, NotHtmlError
from crawlers.extraction import extract_article, looks_binary
from crawlers.settings import user_agent
from crawlers.urls import is_fetchable

logger = logging.getLogger(__name__)

__all__ = ["extract_command"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CHUNK = 64 * 1024


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed only to http(s) URLs (urllib would also follow one to ftp:)."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if not is_fetchable(newurl):
            raise FetchError(f"{req.full_url}: redirected to a URL that is not http or https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def _read_capped(stream: Any, limit: int, what: str) -> bytes:
    """At most `limit` bytes of a stream; FetchError as soon as there are more."""
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{what}: page larger than the configured maximum of {limit} bytes")


def _fetch(url: str, config: Config) -> tuple[bytes, str]:
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(config.crawl.contact), "Accept": "text/html,*/*;q=0.5"}
    )
    try:
        with _OPENER.open(request, timeout=config.crawl.timeout) as response:
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            body = _read_capped(response, config.crawl.max_page_bytes, url)
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: cannot fetch ({reason})") from None
    if content_type not in _HTML_TYPES:
        raise NotHtmlError(f"{url}: not an HTML page (Content-Type {content_type})")
    return body, final_url


def _read_file(target: str, config: Config) -> tuple[bytes, str]:
    path = Path(target)
    limit = config.crawl.max_page_bytes
    try:
        with path.open("rb") as stream:
            body = _read_capped(stream, limit, target)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise InputError(f"{target}: cannot read ({exc.strerror or exc})") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot read ({exc.strerror or exc})") from None
    if body.startswith(b"\x1f\x8b"):
        body = _gunzip(body, limit, target)
    return body, path.resolve().as_uri()


def _gunzip(body: bytes, limit: int, target: str) -> bytes:
    """A gzip file's content, decompressed no further than `limit` bytes (a bomb stops there)."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(body, limit + 1)
    except zlib.error as exc:
        raise InputError(f"{target}: corrupt gzip file ({exc})") from None
    if len(out) > limit:
        raise FetchError(f"{target}: page larger than the configured maximum of {limit} bytes once decompressed")
    if not inflate.eof:
        raise InputError(f"{target}: corrupt gzip file (truncated)")
    return out


def _within(seconds: float, target: str, read: Any) -> tuple[bytes, str]:
    """`read()` given at most `seconds` in all: a page trickling in, or a pipe that never ends, is
    given up. (The reading thread is left to finish on its own: it stops at the size cap.)"""
    result: list[tuple[bytes, str]] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(read())
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="placewatch-extract", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise FetchError(f"{target}: gave up after {seconds:g} s (the configured crawl timeout)")
    if failure:
        raise failure[0]
    return result[0]


def extract_command(target: str, config: Config) -> dict[str, Any]:
    """What `placewatch extract FILE_OR_URL` prints: {url, title, text, published, author, lang}.

    Raises InputError (one clear line) for an unreadable file, an unreachable or too slow URL,
    a page larger than the configured maximum, or one that is empty, binary or not HTML.
    """
    if is_fetchable(target):
        body, url = _within(config.crawl.timeout, target, lambda: _fetch(target, config))
    elif _SCHEME.match(target) and not Path(target).exists():
        raise InputError(f"{target}: only http and https URLs are fetched; name a local file by its path")
    else:
        body, url = _within(config.crawl.timeout, target, lambda: _read_file(target, config))
    if looks_binary(body):
        raise NotHtmlError(f"{target}: not an HTML page (binary data)")
    try:
        extracted = extract_article(body, url)
    except NotHtmlError as exc:
        raise NotHtmlError(f"{target}: {exc}") from None
    if not extracted.text and not extracted.title:
        raise NotHtmlError(f"{target}: no HTML content found")
    return extracted.to_dict()
