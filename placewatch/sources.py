"""The `placewatch sources` view (each source with its crawl state and reading mode) and `sources check`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from config.settings import Config, Source
from crawlers import source_access
from indexer import SourceState

if TYPE_CHECKING:
    from crawlers import CrawlReport


def source_rows(config: Config, states: list[SourceState]) -> list[dict[str, Any]]:
    """One row per configured source (and per stored state of a source no longer configured)."""
    by_id = {s.source_id: s for s in states}
    rows: list[dict[str, Any]] = []
    for src in config.sources:
        state = by_id.pop(src.id, None)
        rows.append({**_row(src.id, src.type, src.url, src.enabled, state), **_mode(src, state)})
    for sid, state in sorted(by_id.items()):
        rows.append({**_row(sid, None, None, False, state), "mode": None, "mode_reason": None})
    return rows


def _mode(source: Source, state: SourceState | None) -> dict[str, Any]:
    """How the source can be read: ok, limited (why, what to set) or failing (why, what to set)."""
    access = source_access(source)
    if access.mode != "ok":
        return {"mode": access.mode, "mode_reason": access.line().split(": ", 1)[1]}
    if state is not None and state.consecutive_errors and state.last_error:
        return {"mode": "failing", "mode_reason": state.last_error}
    return {"mode": "ok", "mode_reason": access.why}


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
        if r.get("mode") in ("limited", "failing") and (r["mode_reason"] != err or len(err) > 80):
            lines.append(f"{'':<24} {r['mode']}: {r['mode_reason']}")
    return "\n".join(lines)


def check_lines(config: Config, report: CrawlReport) -> tuple[list[str], bool]:
    """One line per source asked by `sources check`: ok / limited (why) / failing (why, what to set);
    and whether every source can be read."""
    lines, readable = [], True
    for source in config.sources:
        r = report.sources.get(source.id)
        if r is None:
            continue
        access = source_access(source)
        head = f"{source.id} ({source.type}): "
        if r.failed or (r.errors and not r.listed):
            readable = False
            why = r.error_messages[-1] if r.error_messages else "no answer"
            fix = f"; {access.fix}" if access.fix and access.fix not in why else ""
            lines.append(f"{head}failing: {why}{fix}")
        elif access.mode == "limited":
            lines.append(f"{head}limited: {access.why}; {access.fix} ({r.listed} read)")
        else:
            lines.append(f"{head}ok ({r.listed} read)" + (f"; {access.why}" if access.why else ""))
    return lines, readable
