"""Page bytes to text: binary detection, charset decoding, HTML fragments to plain text."""

from __future__ import annotations

import logging
import re

from lxml import html as lxml_html

from crawlers.exceptions import NotHtmlError

logger = logging.getLogger(__name__)

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



def page_text(html: bytes | str) -> tuple[str, str | None]:
    """A page as text, and a warning when its declared charset lies; raises NotHtmlError for
    an empty or binary body."""
    if isinstance(html, bytes):
        if not html.strip():
            raise NotHtmlError("the page is empty")
        if looks_binary(html):
            raise NotHtmlError("the page is binary data, not HTML")
        return decode_html(html)
    return html, None



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
