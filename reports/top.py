"""The ranking of the most talked-about places and the share of voice of competitor groups.

The numbers `placewatch top` prints, the digest sends and the board report shows come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config import Config
from core.errors import InputError
from indexer import MentionFilter, PlaceCount, Store


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


__all__ = ["GroupShare", "TopReport", "build_top", "top_to_json"]
