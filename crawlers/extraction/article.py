"""Article extraction: main text (trafilatura, precision first), title, author, date, language, canonical URL."""

from __future__ import annotations

import logging
import re
from copy import copy
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import trafilatura
from lxml.etree import XPath
from trafilatura.settings import Extractor

from crawlers.exceptions import NotHtmlError
from crawlers.extraction import fallback_guard
from crawlers.extraction.dates import parse_date
from crawlers.extraction.decoding import decode_html, page_text
from crawlers.extraction.metadata import canonical_href, page_metadata, structured_metadata
from crawlers.urls import resolve_canonical
from nlp import UNKNOWN_LANGUAGE, detect_language

logger = logging.getLogger(__name__)

fallback_guard.install()


@dataclass(frozen=True)
class Extracted:
    """What one page says: its canonical URL, title, main text, date (None if unknown), author, language."""

    url: str
    title: str | None
    text: str
    published: datetime | None
    author: str | None
    lang: str | None
    encoding_warning: str | None = None

    @property
    def date_missing(self) -> bool:
        """True when the page gave no publication date; it is never replaced by the crawl date."""
        return self.published is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON printed by `placewatch extract`."""
        return {
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published": self.published.isoformat() if self.published else None,
            "author": self.author,
            "lang": self.lang,
        }


def known_language(code: str) -> str | None:
    """A document's language as the crawler keeps it: None, not "und", when it cannot be told.

    `nlp.detect_language` answers "und" then; a raw document leaves its language empty
    instead, so what a feed or a page declares fills it and the analyzer decides later.
    """
    return None if code == UNKNOWN_LANGUAGE else code

def parse_tree(page: str) -> Any:
    """The page's lxml tree as trafilatura loads it; raises NotHtmlError when there is none."""
    tree = trafilatura.load_html(page)
    if tree is None:
        raise NotHtmlError("the page has no HTML content")
    return tree



# Standfirst / lead paragraphs that extractors tend to drop as "not body" though the author wrote them.
_LEAD_CLASS = re.compile(
    r"(^|[\s_-])(chapo|chapeau|standfirst|article[_-]?lead|lead[_-]?text|article[_-]?faits|"
    r"article[_-]?intro|intro[_-]?text)($|[\s_-])",
    re.I,
)
# Picture credits left at the end of a body ("Image illustrative : ...", "Crédit photo : ...").
_CREDIT_LINE = re.compile(
    r"^(image illustrative|illustration|crédits? photos?|photo credit|image credit|photo)\s*:", re.I
)


_CLASS_VALUES = XPath("//@class")


def _lead_paragraphs(tree: Any) -> list[str]:
    found = []
    for cls in _CLASS_VALUES(tree):  # class attribute values, in document order
        if not _LEAD_CLASS.search(cls):
            continue
        el = cls.getparent()
        if any(
            "comment" in (a.get("class") or "").lower() or a.tag in ("aside", "nav", "footer")
            for a in el.iterancestors()
        ):
            continue
        text = " ".join(el.text_content().split())
        if len(text) >= 60:
            found.append(text)
    return found


def _polish(text: str, leads: list[str]) -> str:
    """Put back dropped lead paragraphs; remove trailing picture credits."""
    lines = text.split("\n")
    while lines and _CREDIT_LINE.match(lines[-1].strip()) and len(lines[-1]) < 300:
        lines.pop()
    text = "\n".join(lines)
    flat = " ".join(text.split())
    missing = [lead for lead in leads if lead[:80] not in flat]
    return "\n".join([*missing, text]) if missing and text else text


def extract_main(html: bytes | str, url: str | None = None) -> str:
    """The main text of a page (article body without navigation, comments or boilerplate)."""
    page, _ = page_text(html)
    tree = parse_tree(page)
    leads = _lead_paragraphs(tree)
    return _polish(_main_text(tree, url), leads)


# Precision first: comments left out (a competitor named in a comment is not a mention by
# the article), tables kept. Built once: reading trafilatura's config file per page is not free.
_OPTIONS = Extractor(output_format="python", precision=True, comments=False, tables=True)


def _main_text(tree: Any, url: str | None) -> str:
    options = copy(_OPTIONS)
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    doc = trafilatura.bare_extraction(tree, url=url, options=options)
    text = getattr(doc, "text", None) if doc is not None else None
    return (text or "").strip()


def extract_article(html: bytes | str, url: str) -> Extracted:
    """Extract one article page; a missing date stays None (never the crawl date).

    Raises NotHtmlError for empty or binary bodies.
    """
    page, warning = page_text(html)
    tree = parse_tree(page)
    canonical = resolve_canonical(url, canonical_href(tree))
    published, author = structured_metadata(tree)
    leads = _lead_paragraphs(tree)
    html_lang = tree.get("lang") if hasattr(tree, "get") else None
    title, found_author, found_date = page_metadata(
        tree, url, need_author=author is None, need_date=published is None, page=page
    )
    author = author or found_author
    if published is None and found_date:
        published = parse_date(found_date)
    if title is None:
        found = tree.find(".//title")
        title = (found.text_content().strip() or None) if found is not None else None
    text = _polish(_main_text(tree, url), leads)
    lang = known_language(detect_language(f"{title or ''}\n{text}", html_lang))
    return Extracted(
        url=canonical,
        title=title,
        text=text,
        published=published,
        author=author,
        lang=lang,
        encoding_warning=warning,
    )


def extract_response(body: bytes, url: str, declared_charset: str | None = None) -> Extracted:
    """Extract a downloaded page decoded with its declared charset; the decoding warning travels along.

    Raises NotHtmlError for bodies with no HTML content.
    """
    page, warning = decode_html(body, declared_charset)
    extracted = extract_article(page, url)
    return replace(extracted, encoding_warning=warning) if warning else extracted

