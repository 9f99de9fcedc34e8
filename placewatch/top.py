"""The `placewatch top` report: ranking and share of voice, as data and as a terminal table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from config.settings import Config, parse_duration
from indexer.base import MentionFilter, PlaceCount, Store
from placewatch.errors import InputError


def parse_since(value: str, now: datetime) -> datetime:
    """'7d', '12h', '2w' back from now, or an ISO date such as 2026-11-01."""
    if re.fullmatch(r"\s*\d+\s*[smhdw]\s*", value):
        return now - parse_duration(value)
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since {value!r}: expected a duration like 7d or a date like 2026-11-01") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@dataclass(frozen=True)
class GroupShare:
    group_id: str
    name: str
    total: int
    rows: list[tuple[str, str, int, float]]  # territory id, name, mentions, share


@dataclass(frozen=True)
class TopReport:
    since: datetime
    until: datetime
    total: int
    places: list[PlaceCount]
    groups: list[GroupShare]
    undated: int


def build_top(
    store: Store, config: Config, since: datetime, until: datetime, group_id: str | None, limit: int
) -> TopReport:
    """Ranking of the most talked-about places and share of voice of competitor groups."""
    groups = config.groups
    territories: tuple[str, ...] = ()
    if group_id is not None:
        group = config.group(group_id)
        if group is None:
            known = ", ".join(g.id for g in config.groups) or "none configured"
            raise InputError(f"--group {group_id!r}: no such group (known: {known})")
        groups, territories = (group,), group.territories
    f = MentionFilter(since=since, until=until, territories=territories)
    places = store.ranking(f, limit=limit)
    total = store.share_of_voice(f).total
    shares: list[GroupShare] = []
    for g in groups:
        if not g.territories:
            continue
        sov = store.share_of_voice(MentionFilter(since=since, until=until, territories=g.territories))
        rows = sorted(
            (
                (tid, _territory_name(config, tid), sov.counts.get(tid, 0), sov.share(tid))
                for tid in g.territories
            ),
            key=lambda r: (-r[2], r[1]),
        )
        shares.append(GroupShare(g.id, g.name, sov.total, rows))
    return TopReport(since, until, total, places, shares, store.stats().undated)


def _territory_name(config: Config, tid: str) -> str:
    t = config.territory(tid)
    return t.name if t else tid


def top_to_json(report: TopReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "total_mentions": report.total,
        "undated_documents": report.undated,
        "places": [
            {
                "rank": i + 1,
                "key": p.key,
                "name": p.name,
                "territory": p.territory,
                "kind": p.kind,
                "mentions": p.mentions,
                "share": round(p.mentions / report.total, 4) if report.total else 0.0,
                "net_sentiment": round(p.net_sentiment, 3),
                "reach": p.reach,
            }
            for i, p in enumerate(report.places)
        ],
        "share_of_voice": [
            {
                "group": g.group_id,
                "name": g.name,
                "total": g.total,
                "territories": [
                    {"territory": tid, "name": name, "mentions": n, "share": round(s, 4)}
                    for tid, name, n, s in g.rows
                ],
            }
            for g in report.groups
        ],
    }


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
