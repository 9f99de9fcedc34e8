"""Analysis on several cores: worker processes, each with its own Analyzer, fed batches in order.

Each worker loads the French and English pipelines and the gazetteer (~0.55-0.6 GB once it has
analysed a few hundred documents), so memory grows with the number of workers: `[nlp] processes`
caps it. Texts travel to the workers and small analyses come back; at most `IN_FLIGHT` batches
per worker wait in the queue, and workers are replaced after `TASKS_PER_WORKER` batches, so a
pass over a million documents holds no more in memory than a small one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING

from config import Config, Territory
from core.batching import batched
from core.errors import AnalysisError
from core.models import Analysis

if TYPE_CHECKING:
    from nlp.enrich import Analyses
    from nlp.pipeline import Analyzer

logger = logging.getLogger(__name__)

BATCH = 64  # texts per task (spaCy's own batch size)
IN_FLIGHT = 2  # tasks queued per worker: one running, one ready
# A worker is replaced after this many batches (32,000 documents): spaCy's string store grows with
# every new word it meets, and a new worker costs ~6 CPU seconds, about 1 % of what it analysed.
TASKS_PER_WORKER = 500
# Below this many documents, starting workers (each loads its models, ~5-10 s) costs more
# than it saves: the caller's own Analyzer does the work.
MIN_DOCUMENTS = 500
WARM_LANGUAGES = ("fr", "en")  # the others load on first use

Item = tuple[str, str | None, str | None]  # text, title, declared language

_analyzer: Analyzer | None = None  # the worker process's own


def _start_worker(config: Config) -> None:
    """Load the pipelines now: every worker is ready before the first batch, none stalls mid-pass."""
    global _analyzer
    from nlp.pipeline import build_analyzer

    # Ctrl-C and SIGTERM are the calling process's to handle: it stops the pool after the running
    # batches (a worker dying of them would be a traceback, and a broken pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _analyzer = build_analyzer(config)
    for lang in WARM_LANGUAGES:
        _analyzer.pipeline(lang)


def _ready() -> int:
    time.sleep(0.05)  # long enough for another worker to take the next one
    return os.getpid()


def _analyse(items: list[Item]) -> list[Analysis]:
    assert _analyzer is not None, "worker not started"
    return list(_analyzer.analyze_many(items))


def available_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def analysis_processes(config: Config) -> int:
    """How many processes analyse: `[nlp] processes`, else one per available core."""
    return config.nlp.processes or available_cores()


class AnalysisPool:
    """Analyses like an Analyzer (`territories`, `analyze_many`), in `processes` worker
    processes started on first use and stopped by `close` (or the end of a `with` block)."""

    def __init__(self, config: Config, processes: int) -> None:
        self.config = config
        self.territories: tuple[Territory, ...] = tuple(config.territories)
        self.processes = max(1, processes)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            logger.info("starting %d analysis processes", self.processes)
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self.config,), max_tasks_per_child=TASKS_PER_WORKER,
            )
        return self._executor

    def start(self) -> None:
        """Start every worker and wait until each has loaded its pipelines (benchmarks, and
        callers who would rather wait before their first batch than during it)."""
        ready: set[int] = set()
        try:
            while len(ready) < self.processes:
                futures = [self._pool().submit(_ready) for _ in range(self.processes)]
                ready.update(f.result() for f in futures)
        except BrokenProcessPool:
            self._executor = None
            raise AnalysisError("an analysis process died while loading its models (out of memory?): "
                                "set [nlp] processes lower") from None

    def analyze_many(self, items: Iterable[Item]) -> Iterator[Analysis]:
        """Analyse (text, title, lang) triples on the workers; results come in the same order."""
        window: deque[Future[list[Analysis]]] = deque()
        try:
            for batch in batched(items, BATCH):
                window.append(self._pool().submit(_analyse, batch))
                while len(window) >= self.processes * IN_FLIGHT:
                    yield from window.popleft().result()
            while window:
                yield from window.popleft().result()
        except BrokenProcessPool:
            self._executor = None
            raise AnalysisError(
                "an analysis process died (out of memory?): set [nlp] processes lower"
            ) from None
        finally:
            for future in window:
                future.cancel()


@contextmanager
def analyses_for(config: Config, documents: int, analyzer: Analyzer | None = None) -> Iterator[Analyses]:
    """What analyses `documents` documents: worker processes when there are enough of them and
    more than one process is allowed, else `analyzer` (or a new one) in this process."""
    processes = analysis_processes(config)
    if processes > 1 and documents >= MIN_DOCUMENTS:
        with AnalysisPool(config, processes) as pool:
            yield pool
        return
    if analyzer is None:
        from nlp.pipeline import build_analyzer

        analyzer = build_analyzer(config)
    yield analyzer


__all__ = [
    "MIN_DOCUMENTS",
    "AnalysisPool",
    "analyses_for",
    "analysis_processes",
    "available_cores",
]
