"""Indexing and queries: the Store protocol and its backends (SQLite default, Elasticsearch)."""

from __future__ import annotations

from config import StoreConfig
from indexer.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Bucket,
    MentionExample,
    MentionFilter,
    OutboxMessage,
    PlaceCount,
    RankedValue,
    SearchHit,
    SearchOrder,
    SearchPage,
    ShareOfVoice,
    SourceState,
    Store,
    StoreStats,
    VoiceField,
    VoiceSummary,
    VolumePoint,
)
from indexer.sqlite import SqliteStore


def open_store(config: StoreConfig) -> Store:
    """Open (and set up) the configured backend; use it as `with open_store(...) as store:`."""
    if config.backend == "elasticsearch":
        from indexer.elasticsearch import ElasticsearchStore

        es: Store = ElasticsearchStore.from_config(config)
        es.setup()
        return es
    store = SqliteStore(config.path)
    store.setup()
    return store


__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "Bucket",
    "MentionExample",
    "MentionFilter",
    "OutboxMessage",
    "PlaceCount",
    "RankedValue",
    "SearchHit",
    "SearchOrder",
    "SearchPage",
    "ShareOfVoice",
    "SourceState",
    "SqliteStore",
    "Store",
    "StoreStats",
    "VoiceField",
    "VoiceSummary",
    "VolumePoint",
    "open_store",
]
