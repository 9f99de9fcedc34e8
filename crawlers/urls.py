"""URL canonicalisation: one article, one URL, whatever tracking parameters were added."""

from __future__ import annotations

import logging
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "xtor",
        "at_medium",
        "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "__hs")


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only say how a reader arrived (utm_*, fbclid, gclid...)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=8192)  # a crawl asks about each link several times (listing, lookup, item)
def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, tracking parameters and the fragment."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port  # a property that parses the netloc again on every read
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = ""
    if parts.query:  # most article links have none: skip the parse and re-encode
        query = urlencode(
            [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)],
            doseq=True,
        )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))


def resolve_canonical(page_url: str, canonical_href: str | None) -> str:
    """The canonical URL of a page: its `<link rel=canonical>` when sane, else its own URL."""
    page = canonicalize_url(page_url)
    if not canonical_href or not canonical_href.strip():
        return page
    candidate = urljoin(page_url, canonical_href.strip())
    if urlsplit(candidate).scheme not in ("http", "https"):
        return page
    canonical = canonicalize_url(candidate)
    # A site-wide canonical pointing every article at the home page would merge them all.
    if urlsplit(canonical).path in ("", "/") and urlsplit(page).path not in ("", "/"):
        logger.debug("ignoring home-page canonical %s for %s", canonical, page_url)
        return page
    return canonical


def is_fetchable(url: str) -> bool:
    """True for http and https URLs: the only ones a crawl fetches from what it crawled (no file:,
    data:, ftp:, javascript:, whatever else a downloader could open)."""
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same host (ignoring a leading www.)."""
    a = (urlsplit(url).hostname or "").removeprefix("www.")
    b = (urlsplit(other).hostname or "").removeprefix("www.")
    return bool(a) and a == b
