"""The Elasticsearch backend: the layout as code (`mappings`), documents as sources (`documents`),
pure request builders (`requests`, `search`), the client (`client`) and the store (`store`)."""

from __future__ import annotations

from indexer.elasticsearch.store import ElasticsearchStore

__all__ = ["ElasticsearchStore"]
