"""Safe rendering of untrusted crawled text: inert Markdown/HTML, highlighted matches, CSV cells."""

from __future__ import annotations

import re
import string
from urllib.parse import quote

import pandas as pd

from indexer import HIGHLIGHT_END, HIGHLIGHT_START

# Every ASCII punctuation character becomes a numeric character reference: Markdown,
# HTML, Streamlit's directives (:red[…]) and LaTeX ($…$) then all see plain text.
_INERT = {c: f"&#{ord(c)};" for c in string.punctuation}
_SPACE = re.compile(r"\s+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MATCH = re.compile(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_END}", re.S)


def inert(text: str | None) -> str:
    """Crawled text as Markdown that renders literally: no tags, links, emphasis or headings."""
    flat = _SPACE.sub(" ", text or "").strip()
    return "".join(_INERT.get(c, c) for c in flat)


def mark(text: str) -> str:
    """Inert text wrapped in a <mark> tag (the only HTML the dashboard adds)."""
    return f"<mark>{inert(text)}</mark>"


def highlight_snippet(snippet: str) -> str:
    """A store snippet with matches between the highlight markers: escape first, then mark."""
    out: list[str] = []
    pos = 0
    for m in _MATCH.finditer(snippet):
        out.append(inert(snippet[pos:m.start()]))
        out.append(mark(m.group(1)))
        pos = m.end()
    out.append(inert(snippet[pos:].replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")))
    return " ".join(part for part in out if part)


def plain_snippet(snippet: str) -> str:
    """A snippet with its highlight markers removed, for tables and CSV."""
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def highlight_mention(text: str, start: int, end: int, context: int = 160) -> str:
    """The mention at text[start:end] marked, with some context either side, all inert."""
    start, end = max(0, start), min(len(text), max(start, end))
    before = text[max(0, start - context):start]
    after = text[end:end + context]
    lead = "… " if start > context else ""
    tail = " …" if end + context < len(text) else ""
    return f"{lead}{inert(before)} {mark(text[start:end])} {inert(after)}{tail}".strip()


# What may stay as is in a link; anything else (quotes, spaces, brackets, parentheses, angle
# brackets, backslashes, control characters) is percent-encoded so Markdown and HTML see one URL.
_URL_SAFE = "-._~:/?#@!$&*+,;=%"


def safe_url(url: object) -> str | None:
    """A link target for a crawled URL: http(s) only, percent-encoded; None for anything else.

    A javascript:, data: or file: link is never a link; a missing URL (None, a pandas NaN) is none.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not re.match(r"^https?://[^/?#\s]", url, re.I):
        return None
    return quote(url, safe=_URL_SAFE)


def csv_cell(value: object) -> object:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a quote first."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets read accents) with formula-safe text cells."""
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object:
            safe[col] = safe[col].map(csv_cell)
    return safe.to_csv(index=False).encode("utf-8-sig")
