"""Pure article extraction: main text, title, author, publication date, language, canonical URL."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html
from lxml.etree import XPath
from trafilatura import metadata as trafilatura_metadata
from trafilatura.settings import Extractor

from crawlers import fallback_guard
from crawlers.exceptions import NotHtmlError
from crawlers.urls import resolve_canonical
from nlp import UNKNOWN_LANGUAGE, detect_language

logger = logging.getLogger(__name__)

fallback_guard.install()

__all__ = [
    "Extracted",
    "decode_html",
    "extract_article",
    "extract_main",
    "extract_response",
    "known_language",
    "looks_binary",
    "parse_date",
]

# Published-time metadata, most specific first (Open Graph article, schema.org, Dublin Core, CMSs).
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "article:modified_time",
    "og:updated_time",
    "datemodified",
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x7fELF",
)
# Control characters no text page contains (tab, newlines, form feed and carriage return excepted).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or b > 13)
_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


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


def looks_binary(body: bytes) -> bool:
    """True for images, archives, PDFs and other bytes that no HTML page starts with."""
    head = body[:4096]
    if head.startswith(_BINARY_MAGIC):
        return True
    if b"\x00" in head:
        # UTF-16 pages have NULs too; they start with a byte-order mark.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and controls / len(head) > 0.05


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode page bytes; returns (text, warning) — a warning when the declared charset lies.

    Pages declared UTF-8 that are really Latin-1/cp1252 are common; decoding them as
    UTF-8 with replacement characters would lose every accented letter.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), None
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace"), None
    charset = (declared or "").strip().lower() or None
    if charset is None:
        m = _CHARSET_META.search(body[:4096])
        charset = m.group(1).decode("ascii", "replace").lower() if m else None
    if charset is None or charset in ("utf8", "utf-8", "us-ascii", "ascii"):
        try:
            return body.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            warning = None
            if charset is not None:
                warning = f"declared {charset} but is not valid UTF-8 ({exc.reason} at byte {exc.start}); decoded as cp1252"
            return body.decode("cp1252", errors="replace"), warning
    try:
        return body.decode(charset, errors="replace"), None
    except LookupError:
        return body.decode("utf-8", errors="replace"), f"unknown charset {charset!r}; decoded as UTF-8"


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 date; None when absent, unparseable or implausible."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    dt: datetime | None = None
    iso = value.replace("Z", "+00:00").replace("z", "+00:00")
    if re.match(r"^\d{4}-\d{2}-\d{2} \d", iso):
        iso = iso.replace(" ", "T", 1)
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            m = re.match(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", value)
            if m:
                try:
                    dt = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    dt = None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if dt < _EARLIEST or dt > datetime.now(UTC) + timedelta(days=2):
        return None
    return dt


def known_language(code: str) -> str | None:
    """A document's language as the crawler keeps it: None, not "und", when it cannot be told.

    `nlp.detect_language` answers "und" then; a raw document leaves its language empty
    instead, so what a feed or a page declares fills it and the analyzer decides later.
    """
    return None if code == UNKNOWN_LANGUAGE else code


def _meta_values(tree: Any) -> dict[str, str]:
    """Lower-cased meta name/property/itemprop → content (first one wins)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _json_ld_person(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        name = value.get("name")
        return name.strip() if isinstance(name, str) and name.strip() else None
    if isinstance(value, list):
        names = [n for n in (_json_ld_person(v) for v in value) if n]
        return "; ".join(dict.fromkeys(names)) or None
    return None


_ARTICLE_TYPES = ("article", "posting", "report", "blog")


def _structured_metadata(tree: Any) -> tuple[datetime | None, str | None]:
    """Publication date and author from JSON-LD, meta tags and <time> elements."""
    published: datetime | None = None
    author: str | None = None
    for obj in _json_ld_objects(tree):
        kind = obj.get("@type")
        kinds = " ".join(kind if isinstance(kind, list) else [str(kind or "")]).lower()
        if not any(t in kinds for t in _ARTICLE_TYPES) and "datePublished" not in obj:
            continue
        published = published or parse_date(obj.get("datePublished") or obj.get("dateCreated"))
        author = author or _json_ld_person(obj.get("author"))
    meta = _meta_values(tree)
    if published is None:
        for key in _DATE_META:
            published = parse_date(meta.get(key))
            if published:
                break
    if published is None:
        for time_el in tree.iter("time"):
            if time_el.get("itemprop") == "datePublished" or time_el.get("pubdate") is not None:
                published = parse_date(time_el.get("datetime"))
                if published:
                    break
    if author is None:
        for key in _AUTHOR_META:
            value = meta.get(key)
            if value and not value.startswith(("http://", "https://")):
                author = value
                break
    return published, author


def _canonical_href(tree: Any) -> str | None:
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href"):
            return str(link.get("href"))
    return None


def _parse_tree(page: str) -> Any:
    tree = trafilatura.load_html(page)
    if tree is None:
        raise NotHtmlError("the page has no HTML content")
    return tree


def _to_text(html: bytes | str) -> tuple[str, str | None]:
    if isinstance(html, bytes):
        if not html.strip():
            raise NotHtmlError("the page is empty")
        if looks_binary(html):
            raise NotHtmlError("the page is binary data, not HTML")
        return decode_html(html)
    return html, None


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
    page, _ = _to_text(html)
    tree = _parse_tree(page)
    leads = _lead_paragraphs(tree)
    return _polish(_main_text(tree, url), leads)


# Every expression trafilatura's byline search (AUTHOR_XPATHS, 2.3) can match needs an <author>
# element or one of these in an attribute; a page without any cannot have a byline it finds.
_BYLINE_HINTS = re.compile(
    r"author|byl|bbl|username|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
    r"journalist-name|screenname|writer",
    re.I,
)


_ATTRIBUTE_VALUES = XPath("//@*")


_BYLINE_WORDS = _BYLINE_HINTS.pattern.replace("\n", "").split("|")


def may_name_author(tree: Any, page: str | None = None) -> bool:
    """False when the page has no attribute or element trafilatura's byline search looks for.

    That search copies and scans the whole page (a quarter of an article's extraction time);
    most pages either give the author in their metadata or have no byline at all. With the
    page's source at hand, a page whose source never spells any of those words (nor hides
    letters in numeric character references, the only way an attribute could) is settled
    without touching the tree.
    """
    if page is not None and "&#" not in page:
        source = page.lower()  # substring searches: a regex alternation is slower per character
        if not any(word in source for word in _BYLINE_WORDS) and "<rel" not in source:
            return False
    # `//author`, and `rel='me'` (a child element, as trafilatura's expression is written)
    if tree.find(".//author") is not None or tree.find(".//rel") is not None:
        return True
    return _BYLINE_HINTS.search("\n".join(_ATTRIBUTE_VALUES(tree))) is not None


def _page_metadata(
    tree: Any, url: str, *, need_author: bool, need_date: bool, page: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """Title, author and date string as trafilatura finds them; author and date only when asked.

    The same steps as `trafilatura.metadata.extract_metadata`, without the fields we never
    use (site name, categories, tags, licence) and without the author and date searches
    when the page's structured metadata already gave them: they are most of its cost.
    """
    meta = trafilatura_metadata.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = trafilatura_metadata.extract_meta_json(tree, meta)
    except Exception as exc:  # trafilatura's JSON-LD reader has bugs on odd payloads
        logger.debug("JSON-LD metadata of %s unreadable: %s", url, exc)
    if not meta.title:
        meta.title = trafilatura_metadata.extract_title(tree)
    if need_author and not meta.author and may_name_author(tree, page):
        meta.author = trafilatura_metadata.extract_author(tree)
    if need_date:
        meta.url = meta.url or trafilatura_metadata.extract_url(tree, url)
        meta.date = find_date(tree, url=meta.url, extensive_search=False, original_date=True)
    meta.clean_and_trim()
    title = (meta.title or "").strip() or None
    author = ((meta.author or "").strip() or None) if need_author else None
    return title, author, meta.date if need_date else None


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
    page, warning = _to_text(html)
    tree = _parse_tree(page)
    canonical = resolve_canonical(url, _canonical_href(tree))
    published, author = _structured_metadata(tree)
    leads = _lead_paragraphs(tree)
    html_lang = tree.get("lang") if hasattr(tree, "get") else None
    title, found_author, found_date = _page_metadata(
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


def parse_html_fragment(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary, a Mastodon status)."""
    if not fragment or "<" not in fragment:
        return (fragment or "").strip()
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, Exception):  # lxml raises ParserError on junk
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in root.iter("p", "div", "li", "h1", "h2", "h3", "blockquote"):
        p.tail = "\n" + (p.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()
