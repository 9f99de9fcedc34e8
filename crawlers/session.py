"""What one crawl run shares between its spiders: config, store, near-duplicate index, report."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from config import Config
from core.models import utcnow
from crawlers.dedupe.index import PERMUTATIONS, NearDuplicateIndex
from crawlers.extraction.pool import ExtractionPool
from indexer import Store

logger = logging.getLogger(__name__)

RECENT = timedelta(days=30)  # syndicated copies appear within days of each other


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

    def line(self) -> str:
        if self.skipped:
            return f"{self.source_id} ({self.source_type}): skipped, {self.skipped}"
        text = (
            f"{self.source_id} ({self.source_type}): {self.fetched} fetched, "
            f"{self.new_documents} new documents"
        )
        if self.grouped:
            text += f" ({self.grouped} grouped as syndicated copies)"
        if self.errors:
            text += f", {self.errors} errors (last: {self.error_messages[-1]})"
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


class CrawlSession:
    """Shared by every spider of one run (one reactor, one thread): no locking needed."""

    def __init__(self, config: Config, store: Store, extraction_workers: int = 0) -> None:
        self.config = config
        self.store = store
        self.extraction = ExtractionPool(extraction_workers, PERMUTATIONS)
        self.report = CrawlReport()
        self._near_duplicates: NearDuplicateIndex | None = None
        self._claimed: set[str] = set()

    def claim(self, url: str) -> bool:
        """True for the first spider of this run to ask for a page (two sources list the same page)."""
        if url in self._claimed:
            return False
        self._claimed.add(url)
        return True

    def source_report(self, source_id: str, source_type: str) -> SourceReport:
        if source_id not in self.report.sources:
            self.report.sources[source_id] = SourceReport(source_id, source_type)
        return self.report.sources[source_id]

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
