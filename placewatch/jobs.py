"""The enrich and alert jobs, shared by the CLI commands and the scheduler of `placewatch run`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from config import Config
from core.models import utcnow

if TYPE_CHECKING:
    from alerts import CheckReport
    from nlp import Analyzer, EnrichReport


def enrich_job(config: Config, analyzer: Analyzer | None = None) -> EnrichReport:
    """Analyse every stored document not analysed yet (the analyzer is built if not given)."""
    from indexer import open_store
    from nlp import build_analyzer, enrich_pending

    analyzer = analyzer or build_analyzer(config)
    with open_store(config.store) as store:
        return enrich_pending(store, analyzer)


def alert_job(config: Config) -> CheckReport:
    """Detect spikes, send the digest when due, deliver what the outbox holds."""
    from alerts import run_due
    from indexer import open_store

    with open_store(config.store) as store:
        return run_due(config, store, utcnow())


__all__ = ["alert_job", "enrich_job"]
