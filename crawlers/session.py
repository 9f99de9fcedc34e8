"""What one crawl run shares (config, store, workers, near-duplicate index, report) and what each
source's crawl owns in it (`SourceRun`: its stored state, its counts, its errors).

Scrapy builds spiders, pipelines and middlewares from a crawler: they find the session in the
crawler's settings (`PLACEWATCH_SESSION`, shared, never copied) and their source by its id
(`PLACEWATCH_SOURCE`, one crawler per source), so no component reaches into another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from config import Config, Source, Territory
from core.models import document_id, utcnow
from crawlers.claims import CLAIM_FOR, busy_message, describe, gone, this_crawl
from crawlers.dedupe.index import PERMUTATIONS, NearDuplicateIndex
from crawlers.extraction.pool import ExtractionPool
from crawlers.urls import canonicalize_url
from indexer import SourceState, Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

RECENT = timedelta(days=30)  # syndicated copies appear within days of each other
SEEN_LIMIT = 5000  # keys of collected entries remembered per source
MAX_BACKOFF = timedelta(days=1)
SESSION_SETTING = "PLACEWATCH_SESSION"
SOURCE_SETTING = "PLACEWATCH_SOURCE"


@dataclass
class SourceReport:
    """What one source's crawl did."""

    source_id: str
    source_type: str
    fetched: int = 0  # HTTP responses received
    new_documents: int = 0
    duplicates: int = 0  # same URL or identical content already stored
    grouped: int = 0  # near-duplicate copies kept and grouped with a first copy
    errors: int = 0
    error_messages: list[str] = field(default_factory=list)
    failed: bool = False  # the source itself (feed, sitemap, API) could not be read
    skipped: str | None = None  # why the source was not crawled (back-off)
    limited: str | None = None  # why the source is read in a limited mode (no credentials)
    refused: int = 0  # links refused: not http(s), never fetched nor stored
    listed: int = 0  # entries, pages or posts the source's listings showed

    def line(self) -> str:
        if self.skipped:
            return f"{self.source_id} ({self.source_type}): skipped, {self.skipped}"
        text = (
            f"{self.source_id} ({self.source_type}): {self.fetched} fetched, "
            f"{self.new_documents} new documents"
        )
        if self.grouped:
            text += f" ({self.grouped} grouped as syndicated copies)"
        if self.refused:
            text += f", {self.refused} links refused (not http or https)"
        if self.errors:
            text += f", {self.errors} errors (last: {self.error_messages[-1]})"
        if self.limited:
            text += f" [limited: {self.limited}]"
        return text


@dataclass
class CrawlReport:
    """Per source: fetched, new documents, errors."""

    sources: dict[str, SourceReport] = field(default_factory=dict)

    @property
    def new_documents(self) -> int:
        return sum(r.new_documents for r in self.sources.values())

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.sources.values())

    @property
    def ok(self) -> bool:
        """False when some source could not be read at all."""
        return not any(r.failed for r in self.sources.values())

    def summary(self) -> str:
        lines = [r.line() for r in self.sources.values()]
        lines.append(
            f"total: {self.new_documents} new documents from {len(self.sources)} sources, "
            f"{self.errors} errors"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def refusal(url: str) -> str:
    """The one line for a link that is not http(s)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    shown = scheme if scheme.isascii() and scheme.isalnum() and len(scheme) <= 20 else "non-http"
    return f"refused a {shown}: link (only http and https links are followed)"


class SourceRun:
    """One source's crawl in this run: its stored state, what it collected, what went wrong.

    The session opens it; the source's spider reads the state to ask only for what is new and
    moves its markers (validators, cursor, newest ids) as it parses; the pipelines count what
    they drop and store; the store pipeline saves the state when the spider closes.
    """

    def __init__(
        self,
        source: Source,
        state: SourceState,
        store: Store,
        territories: tuple[Territory, ...] = (),
        probe: bool = False,
    ) -> None:
        self.source = source
        self.probe = probe  # `sources check`: its first listing is read, nothing is followed or stored
        self.territories = territories  # the watched territories a per_territory source asks about
        self.state = state
        self.report = SourceReport(source.id, source.type)
        self.started = utcnow()
        self.scheduled = 0  # documents promised: articles requested, entries and posts kept
        self.entry_failed = False  # the source itself (feed, sitemap, API) could not be read
        self.postponed_until: datetime | None = None
        self._store = store
        seen = state.extra.get("seen")
        self._seen: dict[str, None] = dict.fromkeys(seen if isinstance(seen, list) else [])
        self._stored: dict[str, bool] = {}  # document id -> in the store, asked a listing at a time

    @classmethod
    def of(cls, crawler: Crawler) -> SourceRun | None:
        """The run of the source a crawler was made for (None outside a placewatch crawl)."""
        session = CrawlSession.of(crawler)
        source_id = crawler.settings.get(SOURCE_SETTING)
        return session.runs.get(source_id) if session is not None and source_id else None

    # ------------------------------------------------------------------ accounting

    def record_error(self, message: str, fatal: bool = False) -> None:
        """Log and count an error for this source; the crawl goes on."""
        logger.warning("source %s: %s", self.source.id, message)
        self.report.errors += 1
        self.report.error_messages.append(message)
        self.state.last_error = message[:500]
        if fatal:
            self.entry_failed = True
            self.report.failed = True

    def refuse(self, url: str) -> None:
        """Count a link that is not http(s): never fetched, never stored. The line names its scheme
        only, never what it points to: it is the same whether a file exists there or not."""
        self.report.refused += 1
        self.record_error(refusal(url))

    def postpone(self, seconds: float) -> None:
        """The server asked us to come back later (Retry-After beyond what we wait in a crawl)."""
        until = utcnow() + timedelta(seconds=seconds)
        self.postponed_until = max(until, self.postponed_until or until)

    def room_left(self) -> int:
        """Documents this crawl may still emit (the source's max_items)."""
        return max(0, self.source.max_items - self.scheduled)

    def finish(self) -> SourceState:
        """The source state after the crawl: success, counts, back-off, seen entries."""
        st = self.state
        now = utcnow()
        st.last_attempt = self.started
        # Counted in the store, not added up: a crawl killed before saving, or two crawls of one
        # source, can never make the figure drift from what is stored.
        st.documents = self._store.count_raw(source_id=self.source.id)
        st.errors += self.report.errors
        if self.entry_failed:
            st.consecutive_errors += 1
            backoff = min(self.source.every * (2 ** min(st.consecutive_errors, 10)), MAX_BACKOFF)
            st.next_attempt = now + backoff
        else:
            st.consecutive_errors = 0
            st.last_success = now
            st.next_attempt = None
            if not self.report.errors:
                st.last_error = None
        if self.postponed_until is not None:
            st.next_attempt = max(self.postponed_until, st.next_attempt or self.postponed_until)
        st.extra["seen"] = list(self._seen)[-SEEN_LIMIT:]
        return st

    # ------------------------------------------------------------------ known items

    def is_known(self, key: str, url: str | None = None) -> bool:
        """True when an entry was collected before (its key or its canonical URL)."""
        if key in self._seen:
            return True
        if url:
            doc_id = document_id(canonicalize_url(url))
            if doc_id not in self._stored:
                self.look_up_stored([url])
            return self._stored[doc_id]
        return False

    def look_up_stored(self, urls: Iterable[str | None]) -> None:
        """Ask the store once which of a listing's pages it holds, before `is_known` asks about each."""
        ids = {document_id(canonicalize_url(u)) for u in urls if u} - self._stored.keys()
        if ids:
            found = self._store.existing_ids(ids)
            self._stored.update((i, i in found) for i in ids)

    def known_absent(self, doc_id: str) -> bool:
        """True when the store said, at listing time, that it does not hold this document."""
        return self._stored.get(doc_id) is False

    def mark_seen(self, key: str) -> None:
        self._seen.pop(key, None)
        self._seen[key] = None


class CrawlSession:
    """Shared by every crawler of one run (one reactor, one thread): no locking needed."""

    def __init__(
        self, config: Config, store: Store, extraction_workers: int = 0, probe: bool = False
    ) -> None:
        self.config = config
        self.probe = probe
        self.store = store
        self.extraction = ExtractionPool(extraction_workers, PERMUTATIONS)
        self.report = CrawlReport()
        self.runs: dict[str, SourceRun] = {}
        self.owner = this_crawl()
        self.claimed: list[str] = []  # sources this run holds (one crawl per source at a time)
        self._near_duplicates: NearDuplicateIndex | None = None
        self._claimed: set[str] = set()

    def __deepcopy__(self, memo: dict[int, Any]) -> CrawlSession:
        # Scrapy deep-copies the settings of every crawler it makes; the session is shared.
        return self

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlSession | None:
        """The session a crawler was made in (None outside a placewatch crawl)."""
        session = crawler.settings.get(SESSION_SETTING)
        return session if isinstance(session, CrawlSession) else None

    def open_source(self, source: Source) -> SourceRun:
        """Start a source's crawl from its stored state."""
        state = self.store.get_source_state(source.id) or SourceState(source.id)
        run = SourceRun(source, state, self.store, self.config.territories, self.probe)
        self.runs[source.id] = run
        self.report.sources[source.id] = run.report
        return run

    def claim_source(self, source_id: str) -> str | None:
        """Hold a source for this run; the line to print when another crawl holds it, else None."""
        now = utcnow()
        holder = self.store.claim_source(source_id, self.owner, now + CLAIM_FOR, now)
        if holder is not None and gone(holder):
            logger.info("source %s: taking over from %s, which is gone", source_id, describe(holder))
            holder = self.store.claim_source(source_id, self.owner, now + CLAIM_FOR, now, replace=holder)
        if holder is not None:
            return busy_message(holder)
        self.claimed.append(source_id)
        return None

    def renew_claims(self) -> None:
        """Keep holding the sources while the crawl runs (called every RENEW_EVERY seconds)."""
        now = utcnow()
        for source_id in self.claimed:
            try:
                self.store.claim_source(source_id, self.owner, now + CLAIM_FOR, now)
            except Exception as exc:  # the next renewal, or the claim's expiry, settles it
                logger.warning("source %s: could not renew this crawl's claim: %s", source_id, exc)

    def release_claims(self) -> None:
        for source_id in self.claimed:
            try:
                self.store.release_source(source_id, self.owner)
            except Exception as exc:  # expires by itself
                logger.warning("source %s: could not release this crawl's claim: %s", source_id, exc)
        self.claimed = []

    def claim(self, url: str) -> bool:
        """True for the first spider of this run to ask for a page (two sources list the same page)."""
        if url in self._claimed:
            return False
        self._claimed.add(url)
        return True

    def close(self) -> None:
        """Stop the extraction workers."""
        self.extraction.close()

    @property
    def near_duplicates(self) -> NearDuplicateIndex:
        """Loaded lazily from the recent stored documents, once per run."""
        if self._near_duplicates is None:
            index = NearDuplicateIndex()
            n = index.load(self.store.raw_documents(since=utcnow() - RECENT))
            logger.debug("near-duplicate index loaded with %d recent documents", n)
            self._near_duplicates = index
        return self._near_duplicates
