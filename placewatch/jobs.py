"""The enrich and alert jobs, shared by the CLI commands and the scheduler of `placewatch run`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from config import Config
from core.models import utcnow

if TYPE_CHECKING:
    from alerts import CheckReport
    from indexer import Store
    from nlp import Analyzer, EnrichReport, WatchlistUpdate

logger = logging.getLogger(__name__)


class Stopped(Exception):
    """Raised inside a long pass when the service is asked to stop; the pass resumes at the next start."""


def stoppable(progress: Callable[[int], None] | None, stop: threading.Event | None) -> Callable[[int], None]:
    """A progress callback that also ends the pass (after the batch just saved) once `stop` is set."""
    def step(n: int) -> None:
        if progress is not None:
            progress(n)
        if stop is not None and stop.is_set():
            raise Stopped
    return step


@dataclass(frozen=True)
class EnrichOutcome:
    """What an enrich job did: analyses brought up to a changed watchlist, then new documents."""

    enriched: EnrichReport
    updated: EnrichReport | None = None  # None: the stored analyses matched the watchlist


def describe_update(plan: WatchlistUpdate) -> str:
    """One line for the log: what changed and how much it re-analyses."""
    edited = sorted(plan.changed - plan.removed)
    parts = [f"added or edited: {', '.join(edited)}"] if edited else []
    if plan.removed:
        parts.append(f"removed: {', '.join(sorted(plan.removed))}")
    return (f"watchlist changed ({'; '.join(parts) or 'order'}): re-analysing the "
            f"{len(plan.documents)} documents that can mention these territories")


def watchlist_job(
    config: Config, store: Store, analyzer: Analyzer | None = None, stop: threading.Event | None = None
) -> EnrichReport | None:
    """Bring the stored analyses up to the configured watchlist, if it changed, with progress in
    the log; None when nothing had to change. Raises Stopped when `stop` is set mid-pass."""
    from nlp import LogProgress, analyses_for, plan_update, update_analyses

    plan = plan_update(store, config.territories)
    if not plan:
        return None
    logger.warning("%s", describe_update(plan))
    started = time.monotonic()
    with analyses_for(config, len(plan.documents), analyzer) as analyses:
        progress = stoppable(LogProgress(len(plan.documents), "watchlist change"), stop)
        report = update_analyses(store, analyses, plan, progress)
    logger.warning(
        "watchlist change applied in %.0f s: %d documents re-analysed (%d place mentions), "
        "%d lost a removed territory's mentions", time.monotonic() - started,
        report.documents, report.mentions, report.dropped,
    )
    return report


def enrich_job(
    config: Config, analyzer: Analyzer | None = None, stop: threading.Event | None = None
) -> EnrichOutcome:
    """Apply a watchlist change to the stored analyses, then analyse every document not analysed
    yet; several processes when there is enough to do (the analyzer is built if needed). With
    `stop`, either pass ends after its current batch once it is set (raising Stopped)."""
    from indexer import open_store
    from nlp import analyses_for, enrich_pending
    from nlp.workers import MIN_DOCUMENTS

    with open_store(config.store) as store:
        updated = watchlist_job(config, store, analyzer, stop)
        pending = len(store.pending_analysis(limit=MIN_DOCUMENTS))
        with analyses_for(config, pending, analyzer) as analyses:
            enriched = enrich_pending(store, analyses, progress=stoppable(None, stop))
    return EnrichOutcome(enriched, updated)


def alert_job(config: Config) -> CheckReport:
    """Detect spikes, send the digest when due, deliver what the outbox holds."""
    from alerts import run_due
    from indexer import open_store

    with open_store(config.store) as store:
        return run_due(config, store, utcnow())


__all__ = ["EnrichOutcome", "Stopped", "alert_job", "describe_update", "enrich_job", "watchlist_job"]
