"""`placewatch extract FILE_OR_URL`: one page fetched (or read) and extracted, outside any crawl."""

from __future__ import annotations

import gzip
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from config import Config
from core.errors import InputError
from crawlers.exceptions import FetchError, NotHtmlError
from crawlers.extraction import extract_article, looks_binary
from crawlers.settings import user_agent

logger = logging.getLogger(__name__)

__all__ = ["extract_command"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def _fetch(url: str, config: Config) -> tuple[bytes, str]:
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(config.crawl.contact), "Accept": "text/html,*/*;q=0.5"}
    )
    limit = config.crawl.max_page_bytes
    try:
        with urllib.request.urlopen(request, timeout=config.crawl.timeout) as response:
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            body = response.read(limit + 1)
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: cannot fetch ({reason})") from None
    if len(body) > limit:
        raise FetchError(f"{url}: page larger than the configured maximum of {limit} bytes")
    if content_type not in _HTML_TYPES:
        raise NotHtmlError(f"{url}: not an HTML page (Content-Type {content_type})")
    return body, final_url


def extract_command(target: str, config: Config) -> dict[str, Any]:
    """What `placewatch extract FILE_OR_URL` prints: {url, title, text, published, author, lang}.

    Raises InputError (one clear line) for an unreadable file, an unreachable URL,
    or a page that is empty, binary or not HTML.
    """
    if target.startswith(("http://", "https://")):
        body, url = _fetch(target, config)
    else:
        path = Path(target)
        try:
            body = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            raise InputError(f"{target}: cannot read ({exc.strerror or exc})") from None
        if body.startswith(b"\x1f\x8b"):
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError) as exc:
                raise InputError(f"{target}: corrupt gzip file ({exc})") from None
        url = path.resolve().as_uri()
    if looks_binary(body):
        raise NotHtmlError(f"{target}: not an HTML page (binary data)")
    try:
        extracted = extract_article(body, url)
    except NotHtmlError as exc:
        raise NotHtmlError(f"{target}: {exc}") from None
    if not extracted.text and not extracted.title:
        raise NotHtmlError(f"{target}: no HTML content found")
    return extracted.to_dict()
