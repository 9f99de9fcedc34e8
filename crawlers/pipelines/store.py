"""Batched writes of collected documents to the store, and the source's state at the end."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from core.models import RawDocument
from crawlers.items import DocumentItem

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upserts documents in batches; on close, flushes and saves the spider's source state."""

    def __init__(self, batch_size: int = 50, crawler: Crawler | None = None) -> None:
        self.batch_size = max(1, batch_size)
        self.crawler = crawler
        self._batch: list[RawDocument] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler.settings.getint("PLACEWATCH_STORE_BATCH", 50), crawler)

    def _spider(self, spider: Spider | None) -> Spider:
        found = spider or (self.crawler.spider if self.crawler else None)
        assert found is not None, "StorePipeline needs a spider"
        return found

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        spider = self._spider(spider)
        if isinstance(item, DocumentItem):
            self._batch.append(item.doc)
            if len(self._batch) >= self.batch_size:
                self.flush(spider)
        return item

    def flush(self, spider: Spider) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        new = spider.session.store.upsert_raw(batch)  # type: ignore[attr-defined]
        spider.report.new_documents += new  # type: ignore[attr-defined]
        logger.debug("stored %d documents (%d new) from %s", len(batch), new, spider.name)

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = self._spider(spider)
        try:
            self.flush(spider)
        except Exception as exc:  # a store failure must still leave the state saved
            logger.exception("could not store documents of %s", spider.name)
            spider.record_error(f"store write failed: {exc}")  # type: ignore[attr-defined]
        spider.save_state()  # type: ignore[attr-defined]
