"""Batched writes of collected documents to the store, and the source's state when its spider closes."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.models import RawDocument
from crawlers.items import DocumentItem
from crawlers.session import CrawlSession, SourceRun
from indexer import SourceState, Store

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upserts documents in batches; on close, flushes and saves the source's state."""

    def __init__(self, store: Store, run: SourceRun, batch_size: int = 50) -> None:
        self.store = store
        self.run = run
        self.batch_size = max(1, batch_size)
        self._batch: list[RawDocument] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        session, run = CrawlSession.of(crawler), SourceRun.of(crawler)
        if session is None or run is None:
            raise NotConfigured("not a placewatch crawl")
        return cls(session.store, run, crawler.settings.getint("PLACEWATCH_STORE_BATCH", 50))

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, DocumentItem) and not self.run.probe:
            self._batch.append(item.doc)
            if len(self._batch) >= self.batch_size:
                self.flush()
        return item

    def flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        new = self.store.upsert_raw(batch)
        self.run.report.new_documents += new
        logger.debug("stored %d documents (%d new) from %s", len(batch), new, self.run.source.id)

    def close_spider(self, spider: Spider | None = None) -> None:
        try:
            self.flush()
        except Exception as exc:  # a store failure must still leave the state saved
            logger.exception("could not store documents of %s", self.run.source.id)
            self.run.record_error(f"store write failed: {exc}")
        if self.run.probe:
            self.keep_sign_in()
            return
        self.store.save_source_state(self.run.finish())

    def keep_sign_in(self) -> None:
        """After `sources check`: only a renewed token or session is kept (never open one per check)."""
        auth = self.run.state.extra.get("auth")
        stored = self.store.get_source_state(self.run.source.id) or SourceState(self.run.source.id)
        if auth is not None and stored.extra.get("auth") != auth:
            stored.extra["auth"] = auth
            self.store.save_source_state(stored)
