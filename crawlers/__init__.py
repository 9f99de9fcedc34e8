"""Collecting what is said about places: Scrapy spiders per source type, extraction, deduplication.

Public API: `crawl`, `crawl_in_subprocess`, `CrawlReport`, `extract_article`, `extract_main`,
`Extracted`, `extract_command`, `source_access` and `Access` (what a source's credentials allow).
Imported lazily: an extraction worker process imports
`crawlers.extraction` alone, without Scrapy, Twisted or datasketch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawlers.access import Access, source_access
    from crawlers.extraction import Extracted, extract_article, extract_main
    from crawlers.extraction.one_page import extract_command
    from crawlers.process import crawl, crawl_in_subprocess
    from crawlers.session import CrawlReport, SourceReport

__all__ = [
    "Access",
    "CrawlReport",
    "Extracted",
    "SourceReport",
    "crawl",
    "crawl_in_subprocess",
    "extract_article",
    "extract_command",
    "extract_main",
    "source_access",
]

_HOME = {
    "Access": "crawlers.access",
    "source_access": "crawlers.access",
    "CrawlReport": "crawlers.session",
    "SourceReport": "crawlers.session",
    "Extracted": "crawlers.extraction",
    "extract_article": "crawlers.extraction",
    "extract_main": "crawlers.extraction",
    "crawl": "crawlers.process",
    "crawl_in_subprocess": "crawlers.process",
    "extract_command": "crawlers.extraction.one_page",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'crawlers' has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)
