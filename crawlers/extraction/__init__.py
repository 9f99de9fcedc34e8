"""Article extraction, free of Scrapy: what a page's bytes say (text, title, author, date, language).

Public: `Extracted`, `extract_article`, `extract_main`, `extract_response`, `known_language`,
`decode_html`, `looks_binary`, `parse_date`, `parse_html_fragment`. An extraction worker process
imports this package and nothing of the crawl: the crawl's side of the workers (`pool`, Twisted)
and `placewatch extract`'s one page (`one_page`) are imported by their module names, never from here.
"""

from __future__ import annotations

from crawlers.extraction.article import (
    Extracted,
    extract_article,
    extract_main,
    extract_response,
    known_language,
)
from crawlers.extraction.dates import parse_date
from crawlers.extraction.decoding import decode_html, looks_binary, parse_html_fragment

__all__ = [
    "Extracted",
    "decode_html",
    "extract_article",
    "extract_main",
    "extract_response",
    "known_language",
    "looks_binary",
    "parse_date",
    "parse_html_fragment",
]
