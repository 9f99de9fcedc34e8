"""`placewatch top` in the terminal: the period argument and the ranking as a table."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from config import parse_duration
from core.errors import UsageError
from reports import TopReport


def parse_since(value: str, now: datetime) -> datetime:
    """'7d', '12h', '2w' back from now, or an ISO date such as 2026-11-01; the start of a past period."""
    if re.fullmatch(r"\s*\d+\s*[smhdw]\s*", value):
        try:
            return now - parse_duration(value)
        except ValueError as exc:  # 0d, or longer than the ten years a period may span
            raise UsageError(f"--since {value!r}: {exc}") from None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r}: expected a duration like 7d or a date like 2026-11-01") from None
    dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    if dt >= now:
        raise UsageError(f"--since {value!r}: the period would start now or later; give a past date")
    return dt


def parse_until(value: str) -> datetime:
    """The end of a period: an ISO date or time such as 2026-12-01 (UTC unless it says otherwise)."""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--until {value!r}: expected a date like 2026-12-01 or 2026-12-01T08:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def format_top(report: TopReport) -> str:
    """A terminal table: counts beside shares, and the total they are shares of."""
    days = max(1, round((report.until - report.since) / timedelta(days=1)))
    lines = [
        f"Most talked-about places, last {days} days "
        f"({report.since:%Y-%m-%d} → {report.until:%Y-%m-%d}): "
        f"{report.total} mentions in all",
        "",
        f"{'#':>3}  {'place':<28} {'kind':<12} {'mentions':>8} {'share':>7} {'sentiment':>9}",
    ]
    for i, p in enumerate(report.places, 1):
        share = p.mentions / report.total if report.total else 0.0
        watched = "*" if p.territory else " "
        lines.append(
            f"{i:>3}  {watched}{p.name[:27]:<27} {p.kind[:12]:<12} {p.mentions:>8} "
            f"{share:>6.1%} {p.net_sentiment:>+9.2f}"
        )
    if not report.places:
        lines.append("     (no mentions in this period)")
    lines.append("     * watched territory")
    for g in report.groups:
        lines += ["", f"Share of voice — {g.name} ({g.group_id}): {g.total} mentions in all"]
        for _tid, name, n, s in g.rows:
            bar = "█" * round(s * 30)
            lines.append(f"     {name[:27]:<27} {n:>8} {s:>6.1%}  {bar}")
    if report.undated:
        lines += ["", f"{report.undated} documents have no publication date and are not in any period."]
    return "\n".join(lines)
