"""APScheduler wiring for `placewatch run`: crawl, enrich and alert jobs on their configured intervals."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from config.settings import Config
from core.models import utcnow

logger = logging.getLogger(__name__)


def crawl_job(config: Config, source_id: str) -> None:
    """Collect one source in a child process (Scrapy's reactor cannot restart in this one)."""
    from crawlers import crawl_in_subprocess

    report = crawl_in_subprocess(config, [source_id])
    logger.info("crawl %s: %s", source_id, report.summary())


def enrich_job(config: Config, analyzer_holder: dict[str, Any]) -> None:
    """Apply a watchlist change to the stored analyses (the first run after a start notices it),
    then analyse what the crawls stored; the in-process analyzer is loaded once and kept. A stop
    asked for mid-pass ends it after the batch at hand: the next start goes on from there."""
    from nlp import build_analyzer
    from placewatch.jobs import Stopped
    from placewatch.jobs import enrich_job as enrich

    if "analyzer" not in analyzer_holder:
        analyzer_holder["analyzer"] = build_analyzer(config)
    try:
        outcome = enrich(config, analyzer_holder["analyzer"], analyzer_holder.get("stop"))
    except Stopped:
        logger.warning("enrich stopped before the end of its pass; the next start goes on from there")
        return
    if outcome.enriched.documents:
        logger.info("enriched %d documents, %d mentions", outcome.enriched.documents, outcome.enriched.mentions)


def alert_job(config: Config) -> None:
    """Detect spikes, send the digest when due, deliver what the outbox holds."""
    from placewatch.jobs import alert_job as check

    logger.info("alerts: %s", check(config))


def build_scheduler(config: Config, stop: threading.Event | None = None) -> BackgroundScheduler:
    """One job per source, one enrich job, one alert job; each runs at start, then on its interval.
    `stop`, once set, also ends a long enrich pass early."""
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone="UTC",
    )
    now = utcnow()
    for i, source in enumerate(s for s in config.sources if s.enabled):
        scheduler.add_job(
            crawl_job, "interval", seconds=source.every.total_seconds(), args=(config, source.id),
            id=f"crawl:{source.id}", name=f"crawl {source.id}",
            next_run_time=now + timedelta(seconds=i),  # stagger the first crawls a little
        )
    scheduler.add_job(
        enrich_job, "interval", seconds=config.crawl.enrich_every.total_seconds(),
        args=(config, {"stop": stop}), id="enrich", name="enrich", next_run_time=now + timedelta(seconds=1),
    )
    scheduler.add_job(
        alert_job, "interval", seconds=config.alerts.every.total_seconds(), args=(config,),
        id="alerts", name="alerts", next_run_time=now + timedelta(seconds=2),
    )
    return scheduler


def run_service(config: Config, stop: threading.Event | None = None) -> None:
    """Run the scheduler until SIGTERM/SIGINT (or `stop` is set), then stop cleanly."""
    stop = stop or threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        logger.warning("received %s, stopping after the running jobs", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    scheduler = build_scheduler(config, stop)
    scheduler.start()
    jobs = ", ".join(f"{j.name} every {j.trigger.interval}" for j in scheduler.get_jobs())
    logger.warning("placewatch running: %s", jobs)
    print(f"placewatch running ({len(scheduler.get_jobs())} jobs); stop with Ctrl-C or SIGTERM", flush=True)
    stop.wait()
    scheduler.shutdown(wait=True)
    print("placewatch stopped", flush=True)
