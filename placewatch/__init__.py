"""The commands: the `placewatch` CLI, the demo and its bundled site, the scheduler's jobs.

This is the top layer: it parses arguments, prints, and calls the feature packages
(`config`, `crawlers`, `nlp`, `indexer`, `alerts`, `dashboard`, `reports`), which build on
the foundation (`core`). Nothing below imports from here.
"""

from __future__ import annotations

from core.version import __version__

__all__ = ["__version__"]
