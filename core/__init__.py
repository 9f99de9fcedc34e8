"""The foundation every package shares: typed models, the project's errors, the version.

It imports nothing of ours; everything else may import it.
"""

from __future__ import annotations

from core.version import __version__

__all__ = ["__version__"]
