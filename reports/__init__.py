"""What the store's figures add up to for a marketer: the ranking and share of voice report.

Public API: `build_top`, `TopReport`, `GroupShare`, `top_to_json`.
"""

from __future__ import annotations

from reports.top import GroupShare, TopReport, build_top, top_to_json

__all__ = ["GroupShare", "TopReport", "build_top", "top_to_json"]
