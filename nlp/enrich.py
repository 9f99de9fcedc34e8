"""Enrichment over a store: analyse new documents, and bring stored analyses up to the watchlist.

Every analysis is saved with the fingerprint of the watchlist it was made with. After a change,
`update_analyses` re-analyses only the documents whose text holds a name of a territory that
was added, removed or edited (found with the store's full-text index, spelled as the watchlist
matcher folds names) or whose stored analysis mentions one; every other analysis is already what
the new watchlist gives. A removed territory's mentions are dropped first, without analysis.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from config import Territory
from core.batching import batched
from core.models import Analysis, RawDocument
from indexer import Store
from nlp.changes import MISREAD, fingerprint, index_may_misread, watchlist_change, watchlist_entries

logger = logging.getLogger(__name__)

BATCH = 256  # documents read and saved at a time
Progress = Callable[[int], None]


class Analyses(Protocol):
    """What analyses documents: an `Analyzer`, or an `AnalysisPool` of worker processes."""

    @property
    def territories(self) -> tuple[Territory, ...]: ...

    def analyze_many(self, items: Iterable[tuple[str, str | None, str | None]]) -> Iterator[Analysis]: ...


@dataclass(frozen=True)
class EnrichReport:
    documents: int
    mentions: int
    dropped: int = 0  # documents that lost a removed territory's mentions without analysis


def analyse_documents(analyzer: Analyses, docs: list[RawDocument]) -> list[tuple[RawDocument, Analysis]]:
    """Analyse a batch of documents (text, title and declared language), same order."""
    results = analyzer.analyze_many((d.text, d.title, d.lang) for d in docs)
    return list(zip(docs, results, strict=True))


def analyse_stream(
    analyzer: Analyses, batches: Iterable[list[RawDocument]], batch_size: int = BATCH
) -> Iterator[list[tuple[RawDocument, Analysis]]]:
    """Analyse batches of documents as one stream (worker processes never wait for the next
    batch to be read), yielding them analysed in batches of `batch_size`, in order."""
    waiting: deque[RawDocument] = deque()

    def items() -> Iterator[tuple[str, str | None, str | None]]:
        for batch in batches:
            for d in batch:
                waiting.append(d)
                yield d.text, d.title, d.lang

    done: list[tuple[RawDocument, Analysis]] = []
    for analysis in analyzer.analyze_many(items()):
        done.append((waiting.popleft(), analysis))
        if len(done) >= batch_size:
            yield done
            done = []
    if done:
        yield done


def save_labelled(store: Store, analysed: list[tuple[RawDocument, Analysis]], label: str) -> int:
    """Save analyses with their watchlist label; a text the full-text index may read otherwise
    than the matcher is labelled apart, so it is re-analysed after any change. Returns mentions."""
    misread_ids = {d.id for d, _ in analysed if index_may_misread(d.text)}
    plain = [(d, a) for d, a in analysed if d.id not in misread_ids]
    misread = [(d, a) for d, a in analysed if d.id in misread_ids]
    store.save_analyses(plain, watchlist=label)
    if misread:
        store.save_analyses(misread, watchlist=label + MISREAD)
    return sum(len(a.places) for _, a in analysed)


def current_label(store: Store, analyzer: Analyses) -> str:
    """The fingerprint of the watchlist an analyzer works with, remembered by the store."""
    entries = watchlist_entries(analyzer.territories)
    label = fingerprint(entries)
    store.remember_watchlist(label, entries)
    return label


def enrich_pending(
    store: Store, analyzer: Analyses, batch_size: int = BATCH, progress: Progress | None = None
) -> EnrichReport:
    """Analyse every raw document not analysed yet; safe to run again (nothing counted twice)."""
    label = current_label(store, analyzer)
    in_flight: set[str] = set()

    def pending() -> Iterator[list[RawDocument]]:
        while True:
            # documents being analysed are still pending in the store: ask past them
            docs = [d for d in store.pending_analysis(limit=batch_size + len(in_flight)) if d.id not in in_flight]
            if not docs:
                return
            in_flight.update(d.id for d in docs)
            yield docs

    documents = mentions = 0
    for analysed in analyse_stream(analyzer, pending(), batch_size):
        mentions += save_labelled(store, analysed, label)
        in_flight.difference_update(d.id for d, _ in analysed)
        documents += len(analysed)
        logger.info("enriched %d documents", documents)
        if progress:
            progress(len(analysed))
    return EnrichReport(documents, mentions)


def reanalyze(
    store: Store,
    analyzer: Analyses,
    since: datetime | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> EnrichReport:
    """Re-run analysis over every stored raw document collected since a date; no re-crawl."""
    label = current_label(store, analyzer)
    documents = mentions = 0
    for analysed in analyse_stream(analyzer, batched(store.raw_documents(since), batch_size), batch_size):
        mentions += save_labelled(store, analysed, label)
        documents += len(analysed)
        if progress:
            progress(len(analysed))
    return EnrichReport(documents, mentions)


@dataclass(frozen=True)
class WatchlistUpdate:
    """What bringing the stored analyses up to the current watchlist takes."""

    fingerprint: str
    documents: list[str]  # ids of the documents to analyse again
    changed: frozenset[str]  # territories added, removed or edited since some stored analysis
    removed: frozenset[str]  # territories whose stored mentions are dropped without analysis
    adopted: int = 0  # analyses without a label, taken as made with the current watchlist

    def __bool__(self) -> bool:
        # a removed territory's mentions are only in documents that are to be read again
        return bool(self.documents)


def plan_update(store: Store, territories: Iterable[Territory], since: datetime | None = None) -> WatchlistUpdate:
    """Which stored analyses the current watchlist changes: per stored label, the territories
    that differ and the documents that can hold them (full-text index plus stored mentions)."""
    entries = watchlist_entries(tuple(territories))
    label = fingerprint(entries)
    store.remember_watchlist(label, entries)
    remembered = store.watchlists()
    counts = store.analyses_by_watchlist()
    adopted = 0
    if counts.get("") and "" not in remembered:
        # Made before analyses remembered their watchlist: nothing says with which one, and
        # re-analysing all of them unasked could take hours; `reanalyze --all` is there for that.
        adopted = counts[""]
        logger.warning(
            "%d analyses were made before placewatch remembered watchlists: taken as made with the "
            "current one (run `placewatch reanalyze --all` once if the watchlist changed since)", adopted,
        )
        store.remember_watchlist("", entries)
        remembered[""] = entries
    documents: dict[str, None] = {}
    changed: set[str] = set()
    removed: set[str] = set()
    for stored in sorted(counts):
        base = stored.removesuffix(MISREAD)
        if base == label:
            continue
        old = remembered.get(base)
        change = watchlist_change(old if old is not None else [], entries)
        if old is not None and not change:
            continue
        changed |= change.changed
        removed |= change.removed
        # unknown watchlist, or texts the index may misread: every document with that label
        phrases = None if old is None or stored.endswith(MISREAD) else change.phrases
        found = store.reanalysis_candidates(stored, phrases, sorted(change.changed), since)
        documents.update(dict.fromkeys(found))
    return WatchlistUpdate(label, list(documents), frozenset(changed), frozenset(removed), adopted)


def update_analyses(
    store: Store,
    analyzer: Analyses,
    plan: WatchlistUpdate,
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> EnrichReport:
    """Carry out a plan: drop removed territories' mentions, then re-analyse the documents it
    names, each saved with the current watchlist's label. Safe to interrupt and run again."""
    if plan.fingerprint != current_label(store, analyzer):
        raise ValueError("the plan was made for another watchlist than the analyzer's")
    dropped = store.drop_mentions(sorted(plan.removed)) if plan.removed else 0
    if dropped:
        logger.info("dropped the mentions of %s from %d documents", ", ".join(sorted(plan.removed)), dropped)
    batches = (store.get_documents(ids) for ids in batched(plan.documents, batch_size))
    documents = mentions = 0
    for analysed in analyse_stream(analyzer, batches, batch_size):
        mentions += save_labelled(store, analysed, plan.fingerprint)
        documents += len(analysed)
        if progress:
            progress(len(analysed))
    return EnrichReport(documents, mentions, dropped)


class LogProgress:
    """A progress callback that logs done/total, rate and time left, at most every `every` s."""

    def __init__(self, total: int, what: str, every: float = 30.0, level: int = logging.WARNING) -> None:
        self.total, self.what, self.every, self.level = total, what, every, level
        self.done = 0
        self.started = self._last = time.monotonic()

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last < self.every and self.done < self.total:
            return
        self._last = now
        rate = self.done / max(now - self.started, 1e-6)
        left = (self.total - self.done) / rate if rate else 0.0
        logger.log(self.level, "%s: %d/%d documents (%.0f/s, ~%.0f s left)",
                   self.what, self.done, self.total, rate, left)
