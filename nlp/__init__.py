"""Natural-language analysis: language, place mentions (watchlist and world) and sentiment."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.jsonl import run_analyze
    from nlp.langid import detect_language
    from nlp.pipeline import Analyzer, build_analyzer

__all__ = ["Analyzer", "build_analyzer", "detect_language", "run_analyze"]

# Imported on first use: the crawler needs only the language identifier, not spaCy.
_HOMES = {
    "Analyzer": "nlp.pipeline",
    "build_analyzer": "nlp.pipeline",
    "detect_language": "nlp.langid",
    "run_analyze": "nlp.jsonl",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
