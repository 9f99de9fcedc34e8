"""Pure feed parsing: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom, JSON Feed, YouTube feeds, autodiscovery.

XML feeds take one of two paths. Well-formed UTF-8 RSS 2.0 (0.91, 0.92) and Atom 1.0 documents
made only of elements whose meaning feedparser's reading is reproduced here are read with lxml
(`_parse_xml_fast`, ~10x faster); everything else -- RDF, YouTube, broken or oddly encoded feeds,
DTDs, xml:base, HTML the sanitiser would change, unknown elements that feedparser maps onto a field
-- is read by feedparser (`_parse_xml_feed`). Both give the same Feed and the same FeedEntry fields,
except `raw`, the entry as stored for re-analysis, which has one of two shapes:

* feedparser path (and JSON Feed: the item as published): feedparser's entry dict made JSON-able,
  with its normalised keys -- "title", "title_detail", "link", "links", "id", "summary",
  "content", "published", "published_parsed" (a list of 9 ints), "author_detail", "tags", ...
* lxml path: the item element as written, xmltodict-style. Each child element is keyed by its tag
  with the document's namespace prefix ("title", "pubDate", "guid", "dc:creator",
  "content:encoded", "media:thumbnail"); its value is its text (not stripped) when it has no
  attributes and no children, else a dict of "@attribute" values ("@href", "@isPermaLink",
  "@url", "@type", "@length", "@term", "@xml:lang"), "#text" when it has text, and its own child
  elements the same way (an Atom "author" holds "name", "email"). A tag that occurs more than once
  ("category", "enclosure", "link" in Atom) maps to the list of its values in document order.
  Nothing the item says is dropped, except comments and processing instructions.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import entities as html_entities
from typing import Any
from urllib.parse import urljoin

import feedparser
from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date as _fp_parse_date
from feedparser.encodings import RE_XML_PI_ENCODING, parse_content_type
from feedparser.html import _BaseHTMLProcessor
from feedparser.html import _cp1252 as _CP1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree
from lxml import html as lxml_html

from crawlers.exceptions import PayloadShapeError
from crawlers.extract import decode_html, known_language, parse_date, parse_html_fragment
from nlp import detect_language

logger = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where the article is, and what the feed itself says about it."""

    key: str  # the entry's guid/id, else its link
    link: str | None
    title: str | None
    text: str  # the entry's content or summary as plain text
    published: datetime | None
    author: str | None = None
    lang: str | None = None
    views: int | None = None
    likes: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Feed:
    """A parsed feed; `problem` names what was malformed when the parser had to recover."""

    title: str | None
    link: str | None
    lang: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None


def looks_like_json(body: bytes) -> bool:
    """True when a body is a JSON document (JSON Feed or an API payload)."""
    return body.lstrip()[:1] in (b"{", b"[")


def looks_like_html(body: bytes) -> bool:
    """True for an HTML page rather than a feed (for autodiscovery)."""
    head = body[:2048].lstrip().lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head and b"<rss" not in head and b"<feed" not in head
    return head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )


def discover_feeds(body: bytes, base_url: str) -> list[str]:
    """Feed URLs an HTML page advertises with `<link rel="alternate" type="...">`."""
    page, _ = decode_html(body)
    try:
        tree = lxml_html.fromstring(page.encode("utf-8"))
    except (ValueError, Exception):  # lxml ParserError on an empty or junk document
        return []
    found: list[str] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = link.get("href")
        if "alternate" in rels and href and kind in FEED_TYPES:
            url = urljoin(base_url, href.strip())
            if url not in found:
                found.append(url)
    return found


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError):
        return None
    return parse_date(dt.isoformat())


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    # Most values of a feed entry are plain strings: answer them before the container checks.
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {
            k if type(k) is str else str(k): v if type(v) in _PLAIN else _jsonable(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):  # struct_time too: it is a tuple, kept as a list of ints
        return [v if type(v) in _PLAIN else _jsonable(v) for v in value]
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _entry_text(entry: Any, fields: dict[str, Any]) -> str:
    content = fields.get("content") or []
    for part in content:
        value = part.get("value") if isinstance(part, dict) else None
        if value:
            return parse_html_fragment(value)
    for key in ("summary", "media_description", "description"):
        # "description" is an alias feedparser resolves (to summary, else subtitle).
        value = entry.get(key) if key == "description" else fields.get(key)
        if isinstance(value, str) and value.strip():
            return parse_html_fragment(value)
    group = fields.get("media_group")
    if isinstance(group, dict) and isinstance(group.get("media_description"), str):
        return parse_html_fragment(group["media_description"])
    return ""


def _entry_link(fields: dict[str, Any], base: str | None) -> str | None:
    link = fields.get("link")
    if not link:
        for candidate in fields.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        guid = fields.get("id")
        if isinstance(guid, str) and guid.startswith(("http://", "https://")):
            link = guid
    return urljoin(base or "", link.strip()) if link else None


def _parse_xml_feed(body: bytes, url: str, content_type: str | None) -> Feed:
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    version = parsed.get("version") or ""
    problem = None
    if parsed.get("bozo"):
        problem = f"malformed feed: {parsed.get('bozo_exception')}"
    if not version and not parsed.entries:
        raise PayloadShapeError(problem or "not an RSS, Atom, RDF or JSON feed")
    meta = parsed.get("feed", {})
    feed_lang = (meta.get("language") or "").split("-")[0].lower() or None
    entries = []
    for entry in parsed.entries:
        # Read through a plain dict: FeedParserDict.get is a Python call resolving aliases,
        # ten times slower, and none of these keys is an alias. (feedparser's fallbacks from
        # "updated" to "published" only ever return what was already found empty.)
        fields = dict(entry)
        link = _entry_link(fields, url)
        key = fields.get("id") or link
        if not key:
            continue
        title = parse_html_fragment(fields.get("title") or "") or None
        text = _entry_text(entry, fields)
        published = _struct_to_datetime(
            fields.get("published_parsed")
            or fields.get("updated_parsed")
            or fields.get("created_parsed")
        )
        if published is None:
            published = parse_date(fields.get("published") or fields.get("updated"))
        author = fields.get("author") or None
        stats = fields.get("media_statistics") or {}
        rating = fields.get("media_starrating") or {}
        lang = feed_lang or known_language(detect_language(f"{title or ''}\n{text}"))
        entries.append(
            FeedEntry(
                key=str(key),
                link=link,
                title=title,
                text=text,
                published=published,
                author=author,
                lang=lang,
                views=_int_or_none(stats.get("views") if isinstance(stats, dict) else None),
                likes=_int_or_none(rating.get("count") if isinstance(rating, dict) else None),
                raw=_jsonable(fields),
            )
        )
    return Feed(
        title=meta.get("title"), link=meta.get("link"), lang=feed_lang,
        entries=tuple(entries), problem=problem,
    )


def _parse_json_feed(body: bytes, url: str) -> Feed:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise PayloadShapeError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise PayloadShapeError("JSON is not a JSON Feed (no 'items' list)")
    feed_lang = (data.get("language") or "").split("-")[0].lower() or None
    feed_authors = data.get("authors") or ([data["author"]] if data.get("author") else [])
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        link = urljoin(url, link) if isinstance(link, str) else None
        key = item.get("id") or link
        if not key:
            continue
        html_part = item.get("content_html")
        text = parse_html_fragment(html_part) if isinstance(html_part, str) else ""
        text = text or str(item.get("content_text") or item.get("summary") or "").strip()
        authors = item.get("authors") or ([item["author"]] if item.get("author") else feed_authors)
        names = [str(a["name"]) for a in authors if isinstance(a, dict) and a.get("name")]
        title = item.get("title") if isinstance(item.get("title"), str) else None
        lang = (item.get("language") or "").split("-")[0].lower() or feed_lang
        entries.append(
            FeedEntry(
                key=str(key),
                link=link,
                title=title,
                text=text,
                published=parse_date(item.get("date_published") or item.get("date_modified")),
                author=", ".join(names) or None,
                lang=lang or known_language(detect_language(f"{title or ''}\n{text}")),
                raw=item,
            )
        )
    return Feed(
        title=data.get("title"), link=data.get("home_page_url"), lang=feed_lang,
        entries=tuple(entries),
    )


# --- Fast path: lxml for well-formed UTF-8 RSS 2.0 and Atom 1.0 -----------------------------------
#
# feedparser is a pure-Python SAX parser (~0.1 ms an item). For the documents below the fast path
# reproduces what `_parse_xml_feed` returns, reusing feedparser's own small helpers (URL joining,
# date parsing, its list of safe HTML elements) so both agree by construction; whenever a feed has
# something whose feedparser reading it does not reproduce, it declines and feedparser parses it.


class _Decline(Exception):
    """The fast path cannot promise feedparser's reading of this feed."""


_ATOM_NS = "http://www.w3.org/2005/Atom"
# URLs that urljoin returns as they are, whatever the base: an http(s) scheme in lower case, a plain
# ASCII host, no ";" parameters, no empty "?" or "#" (urljoin drops those), nothing it strips.
_ABSOLUTE_URL = re.compile(
    r"https?://[-A-Za-z0-9.:@_~%!$&'()*+,=]+(?:/[^?#;\x00-\x20\x7f]*)?"
    r"(?:\?[^#;\x00-\x20\x7f]+)?(?:#[^;\x00-\x20\x7f]+)?\Z"
)
_RSS_VERSIONS = frozenset({"2.0", "0.91", "0.92"})
_XML_TYPES = frozenset({"application/xml", "application/xml-dtd", "application/xml-external-parsed-entity"})
_TEXT_XML_TYPES = frozenset({"text/xml", "text/xml-external-parsed-entity"})
_FP_NAMESPACES: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# feedparser reads an attribute in a namespace it does not know by its local name: "x:base" too.
_XML_BASE = re.compile(rb"[\s:]base\s*=", re.IGNORECASE)
_XML_VERSION = re.compile(rb"^<\?xml[^>]*version\s*=\s*['\"]1\.0['\"]")
# feedparser rewrites these after parsing: cp1252 code points (U+0080-U+009F), carriage returns,
# and text that re-decodes as UTF-8 once encoded as Latin-1 (its fix for double-encoded text).
_REWRITTEN = re.compile("[\x80-\x9f\r]|[\xc2-\xf4][\x80-\xbf]")
# Keys of feedparser's entry dict that _parse_xml_feed reads: an element feedparser does not know
# must not land on one of them.
_READ_KEYS = frozenset({
    "title", "link", "links", "id", "content", "summary", "description", "subtitle", "published",
    "updated", "created", "author", "media_description", "media_group", "media_statistics",
    "media_starrating", "language", "guidislink", "source",
})
# Elements feedparser handles whose handling cannot touch the fields we keep.
_HARMLESS = frozenset({
    "category", "comments", "enclosure", "media_content", "media_thumbnail", "sy_updateperiod",
    "sy_updatefrequency", "sy_updatebase", "wfw_commentrss", "wfw_comment", "slash_comments",
    "generator", "docs", "ttl", "cloud", "lastbuilddate", "pubdate", "copyright", "managingeditor",
    "webmaster", "rights", "icon", "logo", "rating",
})

# The HTML that feedparser's sanitizer passes through with the same text: tags of its allowed
# elements with plain attributes, known entity and character references, no comments or CDATA.
# textarea holds raw text in HTML parsers, so the sanitiser's rewriting inside it would show; and
# the sanitiser writes command, keygen and source as "<x />", which libxml2 closes there but not
# when written "<x>".
_ALLOWED_TAGS = frozenset(_HTMLSanitizer.acceptable_elements) - {"textarea", "command", "keygen", "source"}
_VOID_TAGS = frozenset(_BaseHTMLProcessor.elements_no_end_tag)
_HTML_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]*)"
    r"((?:\s+[A-Za-z_][-:.A-Za-z0-9_]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[-A-Za-z0-9./,:;+*%?!$()_#~@]+))?)*)"
    r"\s*(/?)>|<!--((?:[^<>-]|-(?!-))*)-->"
)
_AMP = re.compile("&")
_LITERAL_REF = re.compile(r"&(?:#([0-9]{1,7});|#x([0-9a-fA-F]{1,6});|([A-Za-z][A-Za-z0-9]*);|(?=\s)|$)")
_HTML_REF = re.compile(r"&(?:#([0-9]+);|#[xX]([0-9a-fA-F]+);|([A-Za-z][-.A-Za-z0-9]*)(;?))")


def _fp_key(el: Any) -> str:
    """The name feedparser dispatches an element on: its standard prefix (or the document's) + name."""
    if not el.tag.isascii():
        raise _Decline("non-ASCII element name")  # expat and libxml2 disagree on some
    qname = etree.QName(el)
    uri = (qname.namespace or "").lower()
    prefix = _FP_NAMESPACES.get(uri, el.prefix or "") if uri else ""
    if "backend.userland.com/rss" in uri:
        raise _Decline("userland namespace")
    local = qname.localname.lower()
    return f"{prefix}_{local}" if prefix else local


def _fp_handles(key: str) -> bool:
    return hasattr(StrictFeedParser, f"_start_{key}") or hasattr(StrictFeedParser, f"_end_{key}")


def _leaf(el: Any) -> str:
    """An element's text as feedparser pops it (stripped), for elements we can read exactly."""
    if len(el):  # child elements, comments or processing instructions
        raise _Decline("mixed content")
    text = (el.text or "").strip()
    if _REWRITTEN.search(text):
        raise _Decline("text feedparser rewrites")
    return text


def _simple_html(text: str) -> bool:
    """True when feedparser's URI resolver and sanitizer leave this HTML's text as it is."""
    pos = 0
    for m in _HTML_TAG.finditer(text):
        if not _plain_html_text(text[pos : m.start()]):
            return False
        pos = m.end()
        if m.group(5) is not None:
            continue  # a comment: no text on either side
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(4)
        if name not in _ALLOWED_TAGS:
            return False
        if closing and name in _VOID_TAGS:
            return False  # feedparser drops "</br>"; HTML parsers read it as "<br>"
        if self_closing and (closing or name not in _VOID_TAGS):
            return False
    return _plain_html_text(text[pos:])


def _plain_html_text(text: str) -> bool:
    if "<" in text:
        return False
    if "&" not in text:
        return True
    for amp in _AMP.finditer(text):
        m = _HTML_REF.match(text, amp.start())
        if m is None:
            if text.startswith("&#", amp.start()):
                return False  # a broken character reference
            continue  # a lone "&": text to both parsers
        dec, hexa, name, semi = m.groups()
        if dec is not None or hexa is not None:
            value = int(dec) if dec is not None else int(hexa, 16)
            if value in _CP1252 or value > 0x10FFFF:
                return False
        elif semi:
            if name not in html_entities.name2codepoint:
                return False
        elif name in html_entities.name2codepoint or name == "apos":
            return False  # "&amp " without its semicolon: the two HTML parsers may differ
    return True


def _literal_refs(text: str) -> bool:
    """True when feedparser's sanitiser writes each "&" of a tagless text back as it was."""
    for amp in _AMP.finditer(text):
        m = _LITERAL_REF.match(text, amp.start())
        if m is None:
            return False
        dec, hexa, name = m.groups()
        if dec is not None:
            if dec in ("39", "34") or int(dec) in _CP1252:
                return False  # feedparser rewrites these to the character itself
        elif hexa is not None:
            if hexa != hexa.lower() or int(hexa, 16) in _CP1252 or int(hexa, 16) > 0x10FFFF:
                return False
        elif name is not None and name not in html_entities.name2codepoint and name != "apos":
            return False
    return True


def _html_field(text: str) -> str:
    """Plain text of an HTML field feedparser would sanitise first."""
    if "<" not in text:
        # Without a tag the sanitised string is taken as it is, references and all.
        if "&" in text and not _literal_refs(text):
            raise _Decline("references the sanitiser rewrites")
    elif not _simple_html(text):
        raise _Decline("HTML the sanitiser may change")
    return parse_html_fragment(text)


def _check_encoding(body: bytes, content_type: str | None) -> None:
    mime, charset = parse_content_type(content_type or "application/xml")
    charset = charset.lower()
    if mime in _XML_TYPES or (mime.startswith("application/") and mime.endswith("+xml")):
        if charset not in ("", "utf-8"):
            raise _Decline("charset")
    elif mime in _TEXT_XML_TYPES or (mime.startswith("text/") and mime.endswith("+xml")):
        if charset != "utf-8" and (charset or not body.isascii()):
            raise _Decline("text/xml defaults to us-ascii")
    else:
        raise _Decline("not an XML media type")  # feedparser flags it as bozo
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body:
        raise _Decline("byte order mark or UTF-16/32")
    m = RE_XML_PI_ENCODING.match(body)
    if m and m.group(1).decode("utf-8", "replace").lower() != "utf-8":
        raise _Decline("declared encoding")
    if body.startswith(b"<?xml") and not _XML_VERSION.match(body):
        raise _Decline("not XML 1.0")
    body.decode("utf-8")  # UnicodeDecodeError: feedparser tries other encodings and says so
    if _DTD.search(body):
        raise _Decline("DTD")


def _check_bases(root: Any) -> None:
    """xml:base is only followed where it changes nothing we read: on Atom text constructs."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if any(k.rpartition("}")[2].lower() == "base" for k in el.attrib):
            if el.tag not in _ATOM_TEXT_TAGS or len(el):
                raise _Decline(f"xml:base on {el.tag}")


def _raw_value(el: Any) -> Any:
    """An element as stored: its text, or a dict of "@attribute", "#text" and child elements."""
    if not len(el) and not el.attrib:
        return el.text or ""
    value: dict[str, Any] = {f"@{_raw_attr(k, el.nsmap)}": v for k, v in el.attrib.items()}
    if el.text and el.text.strip():
        value["#text"] = el.text
    return _raw_children(el, value)


def _raw_children(el: Any, into: dict[str, Any]) -> dict[str, Any]:
    """Child elements by tag; a tag that occurs more than once holds the list of its values."""
    repeated: set[str] = set()
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = _raw_tag(child)
        value = _raw_value(child)
        if name not in into:
            into[name] = value
        elif name in repeated:
            into[name].append(value)
        else:
            into[name] = [into[name], value]
            repeated.add(name)
    return into


def _raw_tag(el: Any) -> str:
    tag: str = el.tag
    if not tag.isascii():
        raise _Decline("non-ASCII element name")  # expat and libxml2 disagree on some
    if tag[0] != "{":
        return tag
    uri, local = tag[1:].split("}", 1)
    if el.prefix:
        return f"{el.prefix}:{local}"
    return local if el.nsmap.get(None) == uri else tag


def _raw_attr(name: str, nsmap: dict[str | None, str]) -> str:
    if name[0] != "{":
        return name
    uri, local = name[1:].split("}", 1)
    if uri == _XML_NS:
        return f"xml:{local}"
    prefix = next((p for p, u in nsmap.items() if p and u == uri), None)
    return f"{prefix}:{local}" if prefix else name


_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XML_LANG = f"{{{_XML_NS}}}lang"
_XML_BASE_ATTR = f"{{{_XML_NS}}}base"
# In these, a base only serves to resolve links inside their HTML: the text stays the same.
_ATOM_TEXT_TAGS = frozenset(
    f"{{{_ATOM_NS}}}{name}" for name in ("title", "subtitle", "summary", "content", "rights")
)
_HTML_TYPES = frozenset(_FeedParserMixin.html_types)
_TEXT_TYPES = frozenset({"text/plain", "text/html"})
_ITUNES_HARMLESS = frozenset({
    "itunes_image", "itunes_explicit", "itunes_block", "itunes_keywords", "itunes_category",
})
_FEED_HARMLESS = (_HARMLESS | _ITUNES_HARMLESS) - {"itunes_category"} | {
    "description", "subtitle", "updated", "author", "contributor", "itunes_author",
    "itunes_subtitle", "itunes_summary",
}
_ENTRY_HARMLESS = _ITUNES_HARMLESS | {
    "category", "comments", "enclosure", "media_content", "media_thumbnail", "wfw_commentrss",
    "wfw_comment", "slash_comments", "rights", "contributor", "source", "georss_point",
}
_PERSON_PARTS = frozenset({"name", "email", "uri"})
# Channel elements with children of their own. feedparser stores what is inside an image or a
# textInput in that element's own dict; inside the others only the children listed are harmless.
_FEED_CONTAINERS: dict[str, frozenset[str]] = {
    "image": frozenset(),
    "textinput": frozenset(),
    "itunes_owner": frozenset({"itunes_name", "itunes_email"}),
    "itunes_category": frozenset({"itunes_category"}),
}


@dataclass
class _Item:
    """What feedparser would have stored for one entry, as far as `_parse_xml_feed` reads it."""

    title: str | None = None
    title_html: bool = False
    link: str | None = None  # the "link" key
    guid: str | None = None  # the "id" key
    guid_is_link: bool = False
    summary: str | None = None
    summary_html: bool = False
    content: str | None = None
    content_html: bool = False
    published: str | None = None
    updated: str | None = None
    author: str | None = None


class _FastReader:
    """One feed read with lxml the way feedparser would read it; raises _Decline where it can't."""

    def __init__(self, url: str) -> None:
        base = make_safe_absolute_uri("", url) or make_safe_absolute_uri(url) or ""
        # feedparser re-joins its base with itself on every element; once is enough to settle it.
        self.base: str = (make_safe_absolute_uri(base, base) or base) if base else ""
        self.dates: dict[tuple[str | None, str | None], datetime | None] = {}
        self.keys: dict[tuple[str, str | None], str] = {}

    def key(self, el: Any) -> str:
        cache = (el.tag, el.prefix)
        if cache not in self.keys:
            self.keys[cache] = _fp_key(el)
        return self.keys[cache]

    def resolve(self, uri: str) -> str:
        """feedparser's resolution of a URI against the feed's address."""
        return uri if _ABSOLUTE_URL.match(uri) else str(_urljoin(self.base, uri))

    def inert(self, el: Any) -> None:
        """An element feedparser handles without touching anything we read: it must hold no others."""
        if len(el):
            raise _Decline(f"nested elements in {el.tag}")

    def unknown(self, el: Any, key: str) -> None:
        """An element feedparser has no handler for is stored under its own name: keep it off ours."""
        if _fp_handles(key) or key in _READ_KEYS or len(el):
            raise _Decline(f"element {key}")

    def person(self, el: Any) -> str | None:
        """An Atom author as feedparser flattens it: "name (email)", name, or email."""
        if (el.text or "").strip():
            raise _Decline("author with text")
        parts: dict[str, str] = {}
        for child in el:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child)
            if key not in _PERSON_PARTS:
                self.unknown(child, key)
                continue
            if key in parts:
                raise _Decline(f"repeated author {key}")
            parts[key] = _leaf(child)
        name, email = parts.get("name"), parts.get("email")
        if name and email:
            return f"{name} ({email})"
        return name or email or None

    def text_type(self, el: Any, default: str) -> str:
        """The content type feedparser gives a text construct; only plain text and HTML are read."""
        for attr in el.attrib:
            if attr not in ("type", _XML_LANG, _XML_BASE_ATTR):
                raise _Decline(f"attribute {attr} on {el.tag}")  # mode="base64", src=...
        kind = _FeedParserMixin.map_content_type(el.get("type", default).lower())
        if kind not in _TEXT_TYPES:
            raise _Decline(f"content type {kind}")
        return str(kind)

    def href_link(self, el: Any) -> tuple[bool, str]:
        """A link with an href: (is it the alternate HTML page, its resolved URL)."""
        attrs = {}
        for name, value in el.attrib.items():
            if name[0] == "{" and name[1:].partition("}")[0].lower() not in _FP_NAMESPACES:
                raise _Decline("link attribute in an unknown namespace")  # read as a plain one
            attrs[name.lower()] = value
        if "url" in attrs or "uri" in attrs:
            raise _Decline("link with url/uri")
        self.inert(el)
        rel = attrs.get("rel", "alternate").lower()
        kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
        alternate = rel == "alternate" and _FeedParserMixin.map_content_type(kind) in _HTML_TYPES
        return alternate, self.resolve(attrs["href"])

    def id_value(self, el: Any) -> tuple[str, bool]:
        """A guid/id as feedparser pops it, and whether it stands for the link."""
        is_link = True
        for attr, value in el.attrib.items():
            if attr.lower() == "ispermalink":
                is_link = value == "true"
            elif attr != _XML_LANG:
                raise _Decline(f"attribute {attr} on {el.tag}")
        text = _leaf(el)
        return (self.resolve(text) if text and is_link else text), is_link

    def entry(self, item: _Item, raw: dict[str, Any], url: str, feed_lang: str | None) -> FeedEntry | None:
        # _entry_link, for an entry whose only "links" are not alternate pages
        link = item.link
        if not link and item.guid and item.guid.startswith(("http://", "https://")):
            link = item.guid
        if link:
            link = link.strip()
            link = link if _ABSOLUTE_URL.match(link) else urljoin(url or "", link)
        key = item.guid or link
        if not key:
            return None
        title = None
        if item.title is not None:
            title = (_html_field(item.title) if item.title_html else parse_html_fragment(item.title)) or None
        if item.content:
            text = _html_field(item.content) if item.content_html else parse_html_fragment(item.content)
        elif item.summary and item.summary.strip():
            text = _html_field(item.summary) if item.summary_html else parse_html_fragment(item.summary)
        else:
            text = ""
        dates = (item.published, item.updated)
        if dates in self.dates:  # feeds repeat their dates; each costs ~10 us to read
            published = self.dates[dates]
        else:
            parsed = (
                (_fp_parse_date(item.published) if item.published is not None else None)
                or (_fp_parse_date(item.updated) if item.updated is not None else None)
            )
            published = _struct_to_datetime(parsed)
            if published is None:
                published = parse_date(item.published or item.updated)
            self.dates[dates] = published
        return FeedEntry(
            key=str(key), link=link, title=title, text=text, published=published,
            author=item.author or None,
            lang=feed_lang or known_language(detect_language(f"{title or ''}\n{text}")),
            raw=raw,
        )

    def rss(self, root: Any, url: str) -> Feed:
        if root.get("version") not in _RSS_VERSIONS or len(root.attrib) != 1:
            raise _Decline("RSS version or attributes")
        children = [c for c in root if isinstance(c.tag, str)]
        if len(children) != 1 or children[0].tag != "channel" or children[0].attrib:
            raise _Decline("not a single plain channel")
        title: str | None = None
        link: str | None = None
        lang: str | None = None
        seen: set[str] = set()
        items = []
        for el in children[0]:
            if not isinstance(el.tag, str):
                continue
            key = self.key(el)
            if key == "item":
                items.append(el)
                continue
            if key == "link" and ("href" in el.attrib or "url" in el.attrib or "uri" in el.attrib):
                alternate, _ = self.href_link(el)  # atom:link rel="self" and the like
                if alternate:
                    raise _Decline("alternate atom:link in a channel")
                continue
            if key in ("title", "link", "language"):
                if key in seen or el.attrib:
                    raise _Decline(f"repeated or attributed channel {key}")
                seen.add(key)
                value = _leaf(el)
                if key == "title":
                    if _FeedParserMixin.looks_like_html(value):
                        raise _Decline("HTML channel title")
                    title = value
                elif key == "link":
                    link = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", self.resolve(value) if value else value)
                else:
                    lang = value
            elif key in _FEED_CONTAINERS:
                allowed = _FEED_CONTAINERS[key]
                for part in el:
                    if isinstance(part.tag, str):
                        if allowed and self.key(part) not in allowed:
                            raise _Decline(f"{self.key(part)} in {key}")
                        self.inert(part)
            elif key in _FEED_HARMLESS:
                self.inert(el)
            else:
                self.unknown(el, key)
        feed_lang = (lang or "").split("-")[0].lower() or None
        entries = []
        for el in items:
            for attr in el.attrib:
                if attr.lower() in ("lastmod", "href", "about", "base", "lang") or attr[0] == "{":
                    raise _Decline(f"item attribute {attr}")  # rdf:about, lastmod, href set fields
            entry = self.entry(self.rss_item(el), _raw_children(el, {}), url, feed_lang)
            if entry is not None:
                entries.append(entry)
        return Feed(title=title, link=link, lang=feed_lang, entries=tuple(entries))

    def rss_item(self, el: Any) -> _Item:
        item = _Item()
        seen: set[str] = set()
        link_text: str | None = None
        for child in el:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child)
            if key == "link" and ("href" in child.attrib or "url" in child.attrib or "uri" in child.attrib):
                alternate, _ = self.href_link(child)
                if alternate:
                    raise _Decline("alternate atom:link in an item")
                continue
            field = _RSS_FIELDS.get(key)
            if field is None:
                if key in _ENTRY_HARMLESS:
                    self.inert(child)
                else:
                    self.unknown(child, key)
                continue
            if field in seen:
                raise _Decline(f"repeated {field}")
            seen.add(field)
            if field == "id":
                item.guid, item.guid_is_link = self.id_value(child)
                continue
            if child.attrib and field != "author" and field != "published" and field != "updated":
                raise _Decline(f"attributes on {key}")  # type=, mode= change how it is read
            value = _leaf(child)
            if field == "title":
                item.title, item.title_html = value, bool(_FeedParserMixin.looks_like_html(value))
            elif field == "link":
                value = self.resolve(value) if value else value
                if "&" in value:
                    value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value.replace("&amp;", "&"))
                link_text = value
            elif field == "summary":
                item.summary, item.summary_html = value, True
            elif field == "content":
                item.content, item.content_html = value, True
            elif field == "published":
                item.published = value
            elif field == "updated":
                item.updated = value
            else:
                item.author = value
        # A permalink guid stands for the link, but any <link> element wins, even an empty one.
        if link_text is not None:
            item.link = link_text
        elif item.guid is not None and item.guid_is_link:
            item.link = item.guid
        if item.content is not None and item.summary is None:
            item.summary, item.summary_html = item.content, True
        return item

    def atom(self, root: Any, url: str) -> Feed:
        for attr in root.attrib:
            if attr != _XML_LANG:
                raise _Decline(f"attribute {attr} on feed")
        lang = root.get(_XML_LANG) or None
        title: str | None = None
        alternate_link: str | None = None
        id_link: str | None = None
        seen: set[str] = set()
        entries_el = []
        for el in root:
            if not isinstance(el.tag, str):
                continue
            key = self.key(el)
            if key == "entry":
                entries_el.append(el)
            elif key == "title":
                if key in seen:
                    raise _Decline("repeated feed title")
                seen.add(key)
                kind = self.text_type(el, "text/plain")
                title = _leaf(el)
                if kind == "text/html" and ("<" in title or "&" in title):
                    raise _Decline("HTML feed title")
            elif key == "link":
                if "href" not in el.attrib:
                    raise _Decline("link without href")
                alternate, href = self.href_link(el)
                if alternate:
                    alternate_link = href
            elif key == "id":
                if key in seen:
                    raise _Decline("repeated feed id")
                seen.add(key)
                value, is_link = self.id_value(el)
                if is_link:
                    id_link = value
            elif key in ("author", "contributor"):
                self.person(el)
            elif key in _FEED_HARMLESS:
                self.inert(el)
            else:
                self.unknown(el, key)
        feed_lang = (lang.replace("_", "-") if lang else "").split("-")[0].lower() or None
        entries = []
        for el in entries_el:
            for attr in el.attrib:
                if attr != _XML_LANG:
                    raise _Decline(f"attribute {attr} on entry")
            entry = self.entry(self.atom_entry(el), _raw_children(el, {}), url, feed_lang)
            if entry is not None:
                entries.append(entry)
        link = alternate_link if alternate_link is not None else id_link
        return Feed(title=title, link=link, lang=feed_lang, entries=tuple(entries))

    def atom_entry(self, el: Any) -> _Item:
        item = _Item()
        seen: set[str] = set()
        alternate_link: str | None = None
        for child in el:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child)
            if key == "link":
                if "href" not in child.attrib:
                    raise _Decline("link without href")
                alternate, href = self.href_link(child)
                if alternate:
                    alternate_link = href
                continue
            if key in ("title", "id", "summary", "content", "published", "updated", "author"):
                if key in seen:
                    raise _Decline(f"repeated {key}")
                seen.add(key)
            if key == "title":
                item.title_html = self.text_type(child, "text/plain") == "text/html"
                item.title = _leaf(child)
            elif key == "id":
                item.guid, item.guid_is_link = self.id_value(child)
            elif key == "summary":
                item.summary_html = self.text_type(child, "text/plain") == "text/html"
                item.summary = _leaf(child)
            elif key == "content":
                item.content_html = self.text_type(child, "text/plain") == "text/html"
                item.content = _leaf(child)
            elif key == "published":
                item.published = _leaf(child)
            elif key == "updated":
                item.updated = _leaf(child)
            elif key == "author":
                item.author = self.person(child)
            elif key == "contributor":
                self.person(child)
            elif key in _ENTRY_HARMLESS and key != "source":
                self.inert(child)
            else:
                self.unknown(child, key)
        if alternate_link is not None:
            item.link = alternate_link
        elif item.guid is not None and item.guid_is_link:
            item.link = item.guid
        if item.content is not None and item.summary is None:
            item.summary, item.summary_html = item.content, item.content_html
        return item


_RSS_FIELDS = {
    "title": "title", "link": "link", "guid": "id", "id": "id", "description": "summary",
    "content_encoded": "content", "pubdate": "published", "published": "published",
    "dc_date": "updated", "updated": "updated", "author": "author", "dc_creator": "author",
    "itunes_author": "author",
}


def _parse_xml_fast(body: bytes, url: str, content_type: str | None) -> Feed | None:
    """The feed read with lxml, or None when feedparser must read it (see the module docstring)."""
    try:
        _check_encoding(body, content_type)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, recover=False
        )
        root = etree.fromstring(body, parser)
        if len(parser.error_log):
            raise _Decline("parser warnings")  # e.g. an undeclared prefix: expat rejects it
        if _XML_BASE.search(body):
            _check_bases(root)
        reader = _FastReader(url)
        if root.tag == "rss":
            return reader.rss(root, url)
        if root.tag == f"{{{_ATOM_NS}}}feed":
            return reader.atom(root, url)
        raise _Decline(f"root {root.tag}")
    except _Decline as exc:
        logger.debug("feedparser reads %s: %s", url, exc)
    except Exception:  # not well-formed, not UTF-8, or a case we did not foresee
        logger.debug("feedparser reads %s", url, exc_info=True)
    return None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse any supported feed; raises PayloadShapeError when the body is not a feed at all."""
    if not body.strip():
        raise PayloadShapeError("empty feed")
    if looks_like_json(body):
        return _parse_json_feed(body, url)
    fast = _parse_xml_fast(body, url, content_type)
    return fast if fast is not None else _parse_xml_feed(body, url, content_type)
