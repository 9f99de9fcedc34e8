"""The `placewatch sources` view: each configured source with its crawl state."""

from __future__ import annotations

from typing import Any

from config.settings import Config
from indexer.base import SourceState


def source_rows(config: Config, states: list[SourceState]) -> list[dict[str, Any]]:
    """One row per configured source (and per stored state of a source no longer configured)."""
    by_id = {s.source_id: s for s in states}
    rows: list[dict[str, Any]] = []
    for src in config.sources:
        rows.append(_row(src.id, src.type, src.url, src.enabled, by_id.pop(src.id, None)))
    for sid, state in sorted(by_id.items()):
        rows.append(_row(sid, None, None, False, state))
    return rows


def _row(sid: str, stype: str | None, url: str | None, enabled: bool, s: SourceState | None) -> dict[str, Any]:
    return {
        "id": sid,
        "type": stype,
        "url": url,
        "enabled": enabled,
        "configured": stype is not None,
        "last_success": s.last_success.isoformat() if s and s.last_success else None,
        "last_attempt": s.last_attempt.isoformat() if s and s.last_attempt else None,
        "documents": s.documents if s else 0,
        "errors": s.errors if s else 0,
        "consecutive_errors": s.consecutive_errors if s else 0,
        "last_error": s.last_error if s else None,
        "next_attempt": s.next_attempt.isoformat() if s and s.next_attempt else None,
    }


def format_sources(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no sources configured: add [[sources]] to the config file"
    lines = [f"{'source':<24} {'type':<9} {'last success':<20} {'docs':>6} {'errors':>6}  last error"]
    for r in rows:
        last = (r["last_success"] or "never")[:19].replace("T", " ")
        err = r["last_error"] or ""
        state = "" if r["configured"] else " (not configured)"
        lines.append(
            f"{r['id'][:24]:<24} {(r['type'] or '-'):<9} {last:<20} {r['documents']:>6} "
            f"{r['consecutive_errors']:>6}  {err[:80]}{state}"
        )
    return "\n".join(lines)
