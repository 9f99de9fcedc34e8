"""Running crawls: the configured sources' spiders in one Scrapy CrawlerProcess, here or in a child."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import queue
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from config import Config, Source
from core.errors import PlacewatchError
from core.models import utcnow
from core.processes import follow_parent
from crawlers.claims import RENEW_EVERY
from crawlers.exceptions import CrawlTimeoutError, UnknownSourceError
from crawlers.session import SESSION_SETTING, SOURCE_SETTING, CrawlReport, CrawlSession
from crawlers.settings import crawl_settings
from crawlers.spiders import SPIDERS
from indexer import Store

logger = logging.getLogger(__name__)


def _level(value: Any) -> int:
    """A logging level from a LOG_LEVEL setting ("INFO" or 20); INFO when unreadable."""
    if isinstance(value, int):
        return value
    level = logging.getLevelName(str(value).upper())
    return level if isinstance(level, int) else logging.INFO


def select_sources(config: Config, source_ids: Sequence[str] | None) -> list[Source]:
    """The sources to crawl: the named ones (any unknown id is an error), else all enabled."""
    if not source_ids:
        return [s for s in config.sources if s.enabled]
    chosen = []
    for sid in source_ids:
        source = config.source(sid)
        if source is None:
            known = ", ".join(s.id for s in config.sources) or "none configured"
            raise UnknownSourceError(f"unknown source {sid!r} (known: {known})")
        chosen.append(source)
    return chosen


@contextmanager
def _collector_tuned_for_a_crawl() -> Iterator[None]:
    """Fewer, cheaper garbage collections while the reactor runs.

    Everything built before the crawl (modules, settings, spiders) lives as long as it: frozen,
    full collections no longer walk it. A crawl allocates a few objects per request, and most
    die young; collecting every 20,000 allocations instead of 700 cut the collector's time in
    the crawl process from 0.27 s to 0.07 s per 2,000 pages (bench/crawl.py). Restored after.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def crawl(
    config: Config,
    source_ids: Sequence[str] | None = None,
    *,
    force: bool = False,
    store: Store | None = None,
    probe: bool = False,
) -> CrawlReport:
    """Crawl the sources in this process, writing raw documents to the store.

    Scrapy's reactor cannot restart: call this at most once per process (or use
    `crawl_in_subprocess`). A source in back-off after repeated failures is skipped
    unless `force` is true. `probe` (`placewatch sources check`) asks each source once:
    its first listing, nothing followed, nothing stored but a renewed sign-in.
    """
    from scrapy.crawler import CrawlerProcess

    sources = select_sources(config, source_ids)
    own_store = store is None
    if store is None:
        from indexer import open_store

        store = open_store(config.store)
    settings = crawl_settings(config.crawl)
    session = None
    try:
        session = CrawlSession(config, store, settings["PLACEWATCH_EXTRACTION_WORKERS"], probe=probe)
        root_level = logging.root.level
        process = CrawlerProcess(
            settings={**settings, "LOG_INSTALL_ROOT_HANDLER": False, SESSION_SETTING: session}
        )
        logging.root.setLevel(root_level)  # Scrapy resets it; the caller's logging stays the caller's
        # Scrapy's dictConfig puts its loggers at DEBUG, and without its own root handler nothing
        # applies LOG_LEVEL: every response and item would make a record for the caller's handlers.
        logging.getLogger("scrapy").setLevel(max(_level(process.settings.get("LOG_LEVEL")), root_level))
        now = utcnow()
        scheduled = 0
        for source in sources:
            run = session.open_source(source)
            state = run.state
            if not (force or probe) and state.next_attempt is not None and state.next_attempt > now:
                run.report.skipped = (
                    f"backing off until {state.next_attempt.isoformat(timespec='seconds')} "
                    f"after {state.consecutive_errors} failed crawls"
                )
                logger.info("source %s: %s", source.id, run.report.skipped)
                continue
            busy = None if probe else session.claim_source(source.id)
            if busy is not None:
                run.report.skipped = busy
                logger.warning("source %s: %s", source.id, busy)
                continue
            crawler = process.create_crawler(SPIDERS[source.type])
            crawler.settings.set(SOURCE_SETTING, source.id, priority="cmdline")
            process.crawl(crawler)
            scheduled += 1
        if scheduled:
            from twisted.internet import task

            renewal = task.LoopingCall(session.renew_claims)
            renewal.start(RENEW_EVERY, now=False)
            with _collector_tuned_for_a_crawl():
                process.start()
        return session.report
    finally:
        if session is not None:
            session.release_claims()
            session.close()
        if own_store:
            store.close()


def _child(
    config: Config,
    source_ids: list[str] | None,
    force: bool,
    log_level: int,
    results: multiprocessing.Queue[tuple[str, Any]],
    probe: bool = False,
) -> None:
    follow_parent()  # killed with its parent (even by SIGKILL): never a crawl nobody waits for
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.root.handlers:
        handler.setLevel(log_level)
    try:
        results.put(("ok", crawl(config, source_ids, force=force, probe=probe)))
    except PlacewatchError as exc:
        results.put(("placewatch", (type(exc), str(exc))))
    except BaseException as exc:
        logger.exception("crawl failed")
        results.put(("error", f"{exc.__class__.__name__}: {exc}"))


def crawl_in_subprocess(
    config: Config,
    source_ids: Sequence[str] | None = None,
    timeout: float | None = None,
    *,
    force: bool = False,
    probe: bool = False,
) -> CrawlReport:
    """`crawl()` in a fresh child process (spawn), so it can be called any number of times."""
    select_sources(config, source_ids)  # unknown ids fail here, with a clear message
    ctx = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[str, Any]] = ctx.Queue()
    level = logging.getLogger().getEffectiveLevel()
    ids = list(source_ids) if source_ids else None
    child = ctx.Process(target=_child, args=(config, ids, force, level, results, probe), daemon=True)
    child.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            kind, payload = results.get(timeout=0.5)
            break
        except queue.Empty:
            if deadline is not None and time.monotonic() > deadline:
                child.terminate()
                child.join(5)
                raise CrawlTimeoutError(
                    f"crawl did not finish within {timeout:g}s and was stopped"
                ) from None
            if not child.is_alive() and results.empty():
                raise RuntimeError(f"crawl process died (exit code {child.exitcode})") from None
    child.join(10)
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "placewatch":
        exc_type, message = payload
        raise exc_type(message)
    raise RuntimeError(f"crawl process failed: {payload}")
