"""Article extraction off the reactor thread: worker processes shared by the spiders of one crawl.

Each worker is a child process the reactor talks to through its stdin and stdout pipes
(length-prefixed pickles), so the crawl process runs no extra thread: an executor's
feeder and manager threads would take the GIL from the reactor on every page.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
from pathlib import Path
from typing import Any

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.protocol import ProcessProtocol
from twisted.python.failure import Failure

from crawlers.dedupe.shingles import Permutations, Sketch
from crawlers.extraction import Extracted
from crawlers.extraction.worker import HEADER as _HEADER
from crawlers.extraction.worker import frame as _frame
from crawlers.extraction.worker import process_page

logger = logging.getLogger(__name__)

Page = tuple[Extracted, Sketch | None]  # what a worker returns for one page


class WorkerDied(RuntimeError):
    """Raised for the pages a worker held when it exited; they are extracted in the crawl process."""


class _Worker(ProcessProtocol):
    """The crawl's side of one worker: pages sent, replies matched to their Deferreds."""

    def __init__(self) -> None:
        self.pending: dict[int, Deferred[Page]] = {}
        self.alive = True
        self._buffer = bytearray()
        self._seq = 0

    def send(self, message: Any) -> None:
        pipe: Any = self.transport  # zope interfaces type poorly: write(data) on the child's stdin
        pipe.write(_frame(message))

    def submit(self, body: bytes, url: str, charset: str | None) -> Deferred[Page]:
        self._seq += 1
        done: Deferred[Page] = Deferred()
        self.pending[self._seq] = done
        self.send((self._seq, body, url, charset))
        return done

    def childDataReceived(self, childFD: int, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _HEADER:
            size = int.from_bytes(self._buffer[:_HEADER], "big")
            if len(self._buffer) < _HEADER + size:
                return
            frame = bytes(self._buffer[_HEADER : _HEADER + size])
            del self._buffer[: _HEADER + size]
            seq, ok, value = pickle.loads(frame)
            done = self.pending.pop(seq, None)
            if done is not None:
                done.callback(value) if ok else done.errback(Failure(value))

    def childConnectionLost(self, childFD: int) -> None:
        if childFD == 1:
            self._died("its output closed")

    def processEnded(self, reason: Failure) -> None:
        self._died(str(reason.value))

    def _died(self, why: str) -> None:
        if not self.alive:
            return
        self.alive = False
        if self.pending:
            logger.warning("extraction worker stopped (%s); extracting in the crawl process", why)
        pending, self.pending = self.pending, {}
        for done in pending.values():
            done.errback(Failure(WorkerDied(why)))

    def stop(self) -> None:
        """Close its input (it exits at EOF) and reap it, so its resources are accounted for."""
        self.alive = False
        pid = getattr(self.transport, "pid", None)
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass  # already gone, or the reactor reaped it


class ExtractionPool:
    """Extracts pages in `workers` child processes while the reactor keeps downloading.

    Extraction (trafilatura, metadata, language id) is most of a page's CPU time; in the
    reactor thread it stalls every download meanwhile. With no workers (one CPU) or after
    a worker died, pages are extracted inline: slower, never lost.
    """

    def __init__(self, workers: int, permutations: Permutations | None = None) -> None:
        self.workers = max(0, workers)
        self.permutations = permutations  # MinHash permutations the workers sketch texts with
        self._live: list[_Worker] = []
        self._started = False

    def start(self) -> None:
        """Spawn the workers, once; spiders call it with their first article request (so the
        workers load while the page downloads) and a crawl that finds nothing new starts none."""
        if self._started:
            return
        self._started = True
        from twisted.internet import reactor as installed

        reactor: Any = installed  # the one Scrapy installed
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
        level = str(logging.getLogger().getEffectiveLevel())
        code = "from crawlers.extraction.worker import main; main()"
        for _ in range(self.workers):
            worker = _Worker()
            try:
                reactor.spawnProcess(
                    worker, sys.executable, [sys.executable, "-c", code, level], env=env,
                    childFDs={0: "w", 1: "r", 2: 2},
                )
            except OSError as exc:
                logger.warning("cannot start an extraction worker (%s); extracting inline", exc)
                break
            if self.permutations is not None:
                worker.send(("permutations", self.permutations))
            self._live.append(worker)
        if self._live:
            logger.info("extracting articles in %d worker processes", len(self._live))

    async def extract(self, body: bytes, url: str, declared_charset: str | None = None) -> Page:
        """`process_page` in the least busy worker (or inline): the article and the shingle hashes
        of its text; raises what extraction raises (NotHtmlError)."""
        self.start()
        live = [w for w in self._live if w.alive]
        if live:
            worker = min(live, key=lambda w: len(w.pending))
            try:
                return await maybe_deferred_to_future(worker.submit(body, url, declared_charset))
            except WorkerDied:
                pass
        return process_page(body, url, declared_charset, self.permutations)

    def close(self) -> None:
        for worker in self._live:
            worker.stop()
        self._live = []
