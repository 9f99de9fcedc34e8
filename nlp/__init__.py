"""Natural-language analysis: language, place mentions (watchlist and world) and sentiment.

Public API: `Analyzer` and `build_analyzer` (the spaCy pipelines), `detect_language`,
`looks_like_text`, the enrichment jobs over a store (`enrich_pending`, `reanalyze`,
`EnrichReport`), bringing stored analyses up to a changed watchlist (`plan_update`,
`update_analyses`, `WatchlistUpdate`, `LogProgress`), and analysis on several cores
(`AnalysisPool`, `analyses_for`, `analysis_processes`). Imported on first use: the crawler
needs only the language identifier, not spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.enrich import (
        Analyses,
        EnrichReport,
        LogProgress,
        WatchlistUpdate,
        enrich_pending,
        plan_update,
        reanalyze,
        update_analyses,
    )
    from nlp.langid import UNKNOWN as UNKNOWN_LANGUAGE
    from nlp.langid import classify as classify_language
    from nlp.langid import detect_language
    from nlp.langid import load as load_language_model
    from nlp.pipeline import Analyzer, build_analyzer
    from nlp.text import looks_like_text
    from nlp.workers import AnalysisPool, analyses_for, analysis_processes

__all__ = [
    "UNKNOWN_LANGUAGE",
    "Analyses",
    "AnalysisPool",
    "Analyzer",
    "EnrichReport",
    "LogProgress",
    "WatchlistUpdate",
    "analyses_for",
    "analysis_processes",
    "build_analyzer",
    "classify_language",
    "detect_language",
    "enrich_pending",
    "load_language_model",
    "looks_like_text",
    "plan_update",
    "reanalyze",
    "update_analyses",
]

# public name -> (module, name there)
_HOMES = {
    "Analyzer": ("nlp.pipeline", "Analyzer"),
    "build_analyzer": ("nlp.pipeline", "build_analyzer"),
    "UNKNOWN_LANGUAGE": ("nlp.langid", "UNKNOWN"),
    "classify_language": ("nlp.langid", "classify"),
    "detect_language": ("nlp.langid", "detect_language"),
    "load_language_model": ("nlp.langid", "load"),
    "looks_like_text": ("nlp.text", "looks_like_text"),
    "EnrichReport": ("nlp.enrich", "EnrichReport"),
    "enrich_pending": ("nlp.enrich", "enrich_pending"),
    "reanalyze": ("nlp.enrich", "reanalyze"),
    "Analyses": ("nlp.enrich", "Analyses"),
    "LogProgress": ("nlp.enrich", "LogProgress"),
    "WatchlistUpdate": ("nlp.enrich", "WatchlistUpdate"),
    "plan_update": ("nlp.enrich", "plan_update"),
    "update_analyses": ("nlp.enrich", "update_analyses"),
    "AnalysisPool": ("nlp.workers", "AnalysisPool"),
    "analyses_for": ("nlp.workers", "analyses_for"),
    "analysis_processes": ("nlp.workers", "analysis_processes"),
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        module, attr = _HOMES[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
