"""Skip trafilatura's readability comparison when it provably cannot change the result.

In precision mode trafilatura extracts the main text, then runs readability on a copy of the
page and keeps readability's text instead only when (trafilatura 2.3, `external.py`):

- its own text is empty, or readability's is more than twice as long, or
- its own text has no paragraph text or more tables than paragraphs, or
- its own text is unclean (asides, figures, navigation left in) or shorter than
  `min_extracted_size`, in which case justext is tried as well.

Readability returns part of the page's text, so its length is bounded by the length of the
whole page's text with whitespace collapsed. When our text is long enough, clean, made of
paragraphs and at least half that bound, none of the rules above can fire: the comparison
would return exactly what it was given. It is most of an article page's extraction time
(about 0.3 ms of 1.9 ms on a typical page); skipping it keeps the output identical, which
`tests/crawlers/test_fallback_guard.py` checks on every labelled page we have.
"""

from __future__ import annotations

from typing import Any

from lxml.etree import XPath
from trafilatura import core as trafilatura_core
from trafilatura import external as trafilatura_external

_compare_extraction = trafilatura_external.compare_extraction
_UNCLEAN = XPath(trafilatura_external.SANITIZED_XPATH)
_PARAGRAPH_TEXT = XPath(".//p//text()")
# The page's text outside the elements readability drops before it starts.
_READABLE_TEXT = XPath(
    ".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::fencedframe)]"
)

# Pages the guard let through since the process started, and pages it sent on to readability.
counts = {"skipped": 0, "compared": 0}


def readable_length(tree: Any) -> int:
    """Length of the page's readable text as trafilatura's trim() counts it: an upper bound of
    what readability can return, which is part of that text (whitespace collapsed)."""
    return len(" ".join("".join(_READABLE_TEXT(tree)).split()))


def readability_cannot_win(raw_tree: Any, body: Any, text: str, options: Any) -> bool:
    """True when `compare_extraction` is certain to return (body, text) unchanged."""
    if options.focus != "precision" or len(text) < options.min_extracted_size:
        return False
    if 2 * len(text) < readable_length(raw_tree):
        return False  # readability could find more than twice as much
    if not _PARAGRAPH_TEXT(body) or len(body.findall(".//table")) > len(body.findall(".//p")):
        return False
    return not _UNCLEAN(body)


def guarded_compare_extraction(
    cleaned_tree: Any, raw_tree: Any, body: Any, text: str, options: Any
) -> tuple[Any, str]:
    """trafilatura's `compare_extraction`, skipped when it cannot change the result."""
    if readability_cannot_win(raw_tree, body, text, options):
        counts["skipped"] += 1
        return body, text
    counts["compared"] += 1
    return _compare_extraction(cleaned_tree, raw_tree, body, text, options)  # type: ignore[no-any-return]


def install() -> None:
    """Route trafilatura's comparison step through the guard (idempotent)."""
    trafilatura_core.compare_extraction = guarded_compare_extraction  # type: ignore[assignment]


def uninstall() -> None:
    """Back to trafilatura's own comparison (the equivalence test compares both)."""
    trafilatura_core.compare_extraction = _compare_extraction
