"""The SQLite backend: schema and migrations (`schema`), SQL building (`sql`), rows (`rows`,
`writes`), questions (`queries`, `search`, `fts`) and the store itself (`store`)."""

from __future__ import annotations

from indexer.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
