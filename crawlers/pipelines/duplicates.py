"""Deduplication: same canonical URL or identical content is one document; syndicated copies are grouped."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawlers.items import DocumentItem
from crawlers.session import CrawlSession, SourceRun

logger = logging.getLogger(__name__)


class DuplicatesPipeline:
    """Drops documents already stored (by id or content hash) and marks near-duplicate copies."""

    def __init__(self, session: CrawlSession, run: SourceRun, group_near_duplicates: bool = True) -> None:
        self.session = session
        self.run = run
        self.group_near_duplicates = group_near_duplicates
        self._ids: set[str] = set()
        self._hashes: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatesPipeline:
        if not crawler.settings.getbool("PLACEWATCH_DEDUPE_ENABLED", True):
            raise NotConfigured("PLACEWATCH_DEDUPE_ENABLED is off")
        session, run = CrawlSession.of(crawler), SourceRun.of(crawler)
        if session is None or run is None:
            raise NotConfigured("not a placewatch crawl")
        return cls(session, run, crawler.settings.getbool("PLACEWATCH_GROUP_NEAR_DUPLICATES", True))

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, DocumentItem):
            return item
        store, report = self.session.store, self.run.report
        doc = item.doc
        # Index-only existence checks: reading the stored row would read its raw page too. The
        # spider asked the store about a listing's pages at once; a page it was told is absent
        # is not asked about again (should another crawl store it meanwhile, the upsert of the
        # same id keeps one document).
        if doc.id in self._ids or (not self.run.known_absent(doc.id) and store.existing_ids([doc.id])):
            report.duplicates += 1
            raise DropItem(f"already stored: {doc.url}")
        digest = doc.content_hash
        if digest in self._hashes or store.existing_hashes([digest]):
            report.duplicates += 1
            raise DropItem(f"identical content already stored: {doc.url}")
        self._ids.add(doc.id)
        self._hashes.add(digest)
        if self.group_near_duplicates and doc.duplicate_of is None:
            group = self.session.near_duplicates.add(doc.id, doc.text, values=item.sketch)
            if group is not None and group != doc.id:
                logger.info("%s is a near-duplicate of document %s", doc.url, group)
                item.doc = doc.with_duplicate_of(group)
                report.grouped += 1
        return item
