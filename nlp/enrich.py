"""Enrichment: analyse stored raw documents and save their analyses (the `enrich` and `reanalyze` jobs)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from core.batching import batched
from core.models import Analysis, RawDocument
from indexer import Store

if TYPE_CHECKING:
    from nlp import Analyzer

logger = logging.getLogger(__name__)

BATCH = 256


@dataclass(frozen=True)
class EnrichReport:
    documents: int
    mentions: int


def analyse_documents(analyzer: Analyzer, docs: list[RawDocument]) -> list[tuple[RawDocument, Analysis]]:
    """Analyse a batch of documents (text, title and declared language), same order."""
    results = analyzer.analyze_many((d.text, d.title, d.lang) for d in docs)
    return list(zip(docs, results, strict=True))


def enrich_pending(store: Store, analyzer: Analyzer, batch_size: int = BATCH) -> EnrichReport:
    """Analyse every raw document not analysed yet; safe to run again (nothing counted twice)."""
    documents = mentions = 0
    while True:
        docs = store.pending_analysis(limit=batch_size)
        if not docs:
            break
        analysed = analyse_documents(analyzer, docs)
        store.save_analyses(analysed)
        documents += len(analysed)
        mentions += sum(len(a.places) for _, a in analysed)
        logger.info("enriched %d documents", documents)
    return EnrichReport(documents, mentions)


def reanalyze(
    store: Store,
    analyzer: Analyzer,
    since: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> EnrichReport:
    """Re-run analysis over stored raw documents (after a watchlist change); no re-crawl."""
    documents = mentions = 0
    for batch in batched(store.raw_documents(since), batch_size):
        analysed = analyse_documents(analyzer, batch)
        store.save_analyses(analysed)
        documents += len(analysed)
        mentions += sum(len(a.places) for _, a in analysed)
        if progress:
            progress(len(analysed))
    return EnrichReport(documents, mentions)
