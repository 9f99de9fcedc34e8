"""What the lxml reader may promise: the feeds, elements and HTML whose feedparser reading it
reproduces exactly, and the item as written (`raw`). Anything else raises `Decline`.

feedparser is a pure-Python SAX parser (~0.1 ms an item). For the documents accepted here the
lxml reader (`via_lxml`) reproduces what `via_feedparser` returns, reusing feedparser's own small
helpers (URL joining, date parsing, its list of safe HTML elements) so both agree by construction;
whenever a feed has something whose feedparser reading it does not reproduce, it declines and
feedparser parses it.
"""

from __future__ import annotations

import logging
import re
from html import entities as html_entities
from typing import Any

from feedparser.api import StrictFeedParser
from feedparser.encodings import RE_XML_PI_ENCODING, parse_content_type
from feedparser.html import _BaseHTMLProcessor
from feedparser.html import _cp1252 as _CP1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer
from lxml import etree

from crawlers.extraction import parse_html_fragment

logger = logging.getLogger(__name__)


class Decline(Exception):
    """The fast path cannot promise feedparser's reading of this feed."""


ATOM_NS = "http://www.w3.org/2005/Atom"
# URLs that urljoin returns as they are, whatever the base: an http(s) scheme in lower case, a plain
# ASCII host, no ";" parameters, no empty "?" or "#" (urljoin drops those), nothing it strips.
ABSOLUTE_URL = re.compile(
    r"https?://[-A-Za-z0-9.:@_~%!$&'()*+,=]+(?:/[^?#;\x00-\x20\x7f]*)?"
    r"(?:\?[^#;\x00-\x20\x7f]+)?(?:#[^;\x00-\x20\x7f]+)?\Z"
)
RSS_VERSIONS = frozenset({"2.0", "0.91", "0.92"})
_XML_TYPES = frozenset({"application/xml", "application/xml-dtd", "application/xml-external-parsed-entity"})
_TEXT_XML_TYPES = frozenset({"text/xml", "text/xml-external-parsed-entity"})
FP_NAMESPACES: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# feedparser reads an attribute in a namespace it does not know by its local name: "x:base" too.
XML_BASE = re.compile(rb"[\s:]base\s*=", re.IGNORECASE)
_XML_VERSION = re.compile(rb"^<\?xml[^>]*version\s*=\s*['\"]1\.0['\"]")
# feedparser rewrites these after parsing: cp1252 code points (U+0080-U+009F), carriage returns,
# and text that re-decodes as UTF-8 once encoded as Latin-1 (its fix for double-encoded text).
_REWRITTEN = re.compile("[\x80-\x9f\r]|[\xc2-\xf4][\x80-\xbf]")
# Keys of feedparser's entry dict that `via_feedparser` reads: an element feedparser does not know
# must not land on one of them.
READ_KEYS = frozenset({
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


def fp_key(el: Any) -> str:
    """The name feedparser dispatches an element on: its standard prefix (or the document's) + name."""
    if not el.tag.isascii():
        raise Decline("non-ASCII element name")  # expat and libxml2 disagree on some
    qname = etree.QName(el)
    uri = (qname.namespace or "").lower()
    prefix = FP_NAMESPACES.get(uri, el.prefix or "") if uri else ""
    if "backend.userland.com/rss" in uri:
        raise Decline("userland namespace")
    local = qname.localname.lower()
    return f"{prefix}_{local}" if prefix else local


def fp_handles(key: str) -> bool:
    return hasattr(StrictFeedParser, f"_start_{key}") or hasattr(StrictFeedParser, f"_end_{key}")


def leaf(el: Any) -> str:
    """An element's text as feedparser pops it (stripped), for elements we can read exactly."""
    if len(el):  # child elements, comments or processing instructions
        raise Decline("mixed content")
    text = (el.text or "").strip()
    if _REWRITTEN.search(text):
        raise Decline("text feedparser rewrites")
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


def html_field(text: str) -> str:
    """Plain text of an HTML field feedparser would sanitise first."""
    if "<" not in text:
        # Without a tag the sanitised string is taken as it is, references and all.
        if "&" in text and not _literal_refs(text):
            raise Decline("references the sanitiser rewrites")
    elif not _simple_html(text):
        raise Decline("HTML the sanitiser may change")
    return parse_html_fragment(text)


def check_encoding(body: bytes, content_type: str | None) -> None:
    mime, charset = parse_content_type(content_type or "application/xml")
    charset = charset.lower()
    if mime in _XML_TYPES or (mime.startswith("application/") and mime.endswith("+xml")):
        if charset not in ("", "utf-8"):
            raise Decline("charset")
    elif mime in _TEXT_XML_TYPES or (mime.startswith("text/") and mime.endswith("+xml")):
        if charset != "utf-8" and (charset or not body.isascii()):
            raise Decline("text/xml defaults to us-ascii")
    else:
        raise Decline("not an XML media type")  # feedparser flags it as bozo
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body:
        raise Decline("byte order mark or UTF-16/32")
    m = RE_XML_PI_ENCODING.match(body)
    if m and m.group(1).decode("utf-8", "replace").lower() != "utf-8":
        raise Decline("declared encoding")
    if body.startswith(b"<?xml") and not _XML_VERSION.match(body):
        raise Decline("not XML 1.0")
    body.decode("utf-8")  # UnicodeDecodeError: feedparser tries other encodings and says so
    if _DTD.search(body):
        raise Decline("DTD")


def check_bases(root: Any) -> None:
    """xml:base is only followed where it changes nothing we read: on Atom text constructs."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if any(k.rpartition("}")[2].lower() == "base" for k in el.attrib):
            if el.tag not in _ATOM_TEXT_TAGS or len(el):
                raise Decline(f"xml:base on {el.tag}")


def _raw_value(el: Any) -> Any:
    """An element as stored: its text, or a dict of "@attribute", "#text" and child elements."""
    if not len(el) and not el.attrib:
        return el.text or ""
    value: dict[str, Any] = {f"@{_raw_attr(k, el.nsmap)}": v for k, v in el.attrib.items()}
    if el.text and el.text.strip():
        value["#text"] = el.text
    return raw_children(el, value)


def raw_children(el: Any, into: dict[str, Any]) -> dict[str, Any]:
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
        raise Decline("non-ASCII element name")  # expat and libxml2 disagree on some
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
XML_LANG = f"{{{_XML_NS}}}lang"
XML_BASE_ATTR = f"{{{_XML_NS}}}base"
# In these, a base only serves to resolve links inside their HTML: the text stays the same.
_ATOM_TEXT_TAGS = frozenset(
    f"{{{ATOM_NS}}}{name}" for name in ("title", "subtitle", "summary", "content", "rights")
)
HTML_TYPES = frozenset(_FeedParserMixin.html_types)
TEXT_TYPES = frozenset({"text/plain", "text/html"})
_ITUNES_HARMLESS = frozenset({
    "itunes_image", "itunes_explicit", "itunes_block", "itunes_keywords", "itunes_category",
})
FEED_HARMLESS = (_HARMLESS | _ITUNES_HARMLESS) - {"itunes_category"} | {
    "description", "subtitle", "updated", "author", "contributor", "itunes_author",
    "itunes_subtitle", "itunes_summary",
}
ENTRY_HARMLESS = _ITUNES_HARMLESS | {
    "category", "comments", "enclosure", "media_content", "media_thumbnail", "wfw_commentrss",
    "wfw_comment", "slash_comments", "rights", "contributor", "source", "georss_point",
}
PERSON_PARTS = frozenset({"name", "email", "uri"})
# Channel elements with children of their own. feedparser stores what is inside an image or a
# textInput in that element's own dict; inside the others only the children listed are harmless.
FEED_CONTAINERS: dict[str, frozenset[str]] = {
    "image": frozenset(),
    "textinput": frozenset(),
    "itunes_owner": frozenset({"itunes_name", "itunes_email"}),
    "itunes_category": frozenset({"itunes_category"}),
}

