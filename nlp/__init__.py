"""Natural-language analysis: language, place mentions (watchlist and world) and sentiment."""

from __future__ import annotations

from nlp.jsonl import run_analyze
from nlp.langid import detect_language
from nlp.pipeline import Analyzer, build_analyzer

__all__ = ["Analyzer", "build_analyzer", "detect_language", "run_analyze"]
