"""SQL building for the SQLite store: WHERE clauses from filters, roll-up plans, search-key ranges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from indexer.base import MentionFilter
from indexer.sqlite.rows import from_seconds, to_seconds
from indexer.sqlite.schema import KEY_MAX_SECONDS, search_key

BUCKET_SQL = {
    "hour": "(m.published / 3600) * 3600",
    "day": "(m.published / 86400) * 86400",
    # 1970-01-01 was a Thursday: shift by three days so weeks start on Monday.
    "week": "((m.published + 259200) / 604800) * 604800 - 259200",
}


DAY = 86400


@dataclass(frozen=True)
class PeriodPlan:
    """How to count a period: whole UTC days from the roll-ups, ragged edges from mentions."""

    days: tuple[int | None, int | None] | None  # [first day, end day) read from the roll-ups
    raw: list[MentionFilter]  # parts of the period counted from the mentions table
    undated: bool = False  # also count undated mentions (no period asked)


def plan_period(f: MentionFilter, dated_only: bool = False) -> PeriodPlan | None:
    """Split a filter into roll-up days and raw edges, or None when roll-ups cannot answer it."""
    if f.source_ids or f.authors or f.syndicated_once or f.sentiment:
        return None
    since, until = to_seconds(f.since), to_seconds(f.until)
    first = -(-since // DAY) * DAY if since is not None else None
    end = until // DAY * DAY if until is not None else None
    if first is not None and end is not None and first >= end:
        return PeriodPlan(None, [f])
    raw: list[MentionFilter] = []
    if since is not None and first is not None and since < first:
        raw.append(replace(f, since=f.since, until=from_seconds(first)))
    if until is not None and end is not None and end < until:
        raw.append(replace(f, since=from_seconds(end), until=f.until))
    return PeriodPlan((first, end), raw, undated=since is None and until is None and not dated_only)


def rollup_where(
    f: MentionFilter, days: tuple[int | None, int | None]
) -> tuple[str, str, list[Any]]:
    """The roll-up table for a filter, and the WHERE clause over its whole days."""
    params: list[Any] = []
    clauses: list[str] = []
    first, end = days
    if first is not None:
        clauses.append("day >= ?")
        params.append(first)
    if end is not None:
        clauses.append("day < ?")
        params.append(end)
    if f.territories:
        clauses.append(in_list("place_key", f.territories, params))
    if f.watched_only:
        clauses.append("place_key IN (SELECT place_key FROM places WHERE territory IS NOT NULL)")
    table = "place_days"
    if f.langs or f.source_types:
        table = "place_days_by"
        if f.langs:
            clauses.append(in_list("lang", f.langs, params))
        if f.source_types:
            clauses.append(in_list("source_type", f.source_types, params))
    return table, ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def accumulate(into: dict[Any, list[int]], rows: Iterable[Sequence[Any]], width: int = 1) -> None:
    """Add grouped rows (key columns first, then counts) into running totals."""
    for r in rows:
        key = r[0] if width == 1 else tuple(r[:width])
        values = [int(v or 0) for v in r[width:]]
        current = into.get(key)
        if current is None:
            into[key] = values
        else:
            for i, v in enumerate(values):
                current[i] += v


def count_expr(f: MentionFilter, condition: str | None = None) -> str:
    """Count mentions, or distinct syndicated stories when copies count once."""
    if f.syndicated_once:
        inner = f"CASE WHEN {condition} THEN m.story END" if condition else "m.story"
        return f"count(DISTINCT {inner})"
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)" if condition else "count(*)"


def in_list(column: str, values: Sequence[str], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})"


def period_and_sources(alias: str, f: MentionFilter, clauses: list[str], params: list[Any]) -> None:
    """The filters mentions and documents share, on the table `alias` (m or d)."""
    if f.since is not None:
        clauses.append(f"{alias}.published >= ?")
        params.append(to_seconds(f.since))
    if f.until is not None:
        clauses.append(f"{alias}.published < ?")
        params.append(to_seconds(f.until))
    if f.source_types:
        clauses.append(in_list(f"{alias}.source_type", f.source_types, params))
    if f.source_ids:
        clauses.append(in_list(f"{alias}.source_id", f.source_ids, params))
    if f.authors:
        clauses.append(in_list(f"{alias}.author", f.authors, params))
    if f.langs:
        clauses.append(in_list(f"{alias}.lang", f.langs, params))


def where_mentions(
    f: MentionFilter, dated_only: bool = False, undated_only: bool = False
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if undated_only:
        clauses.append("m.published IS NULL")
    if dated_only and f.since is None and f.until is None:
        clauses.append("m.published IS NOT NULL")
    period_and_sources("m", f, clauses, params)
    if f.territories:
        clauses.append(in_list("m.place_key", f.territories, params))
    if f.sentiment:
        clauses.append("m.label = ?")
        params.append(f.sentiment)
    if f.watched_only:
        clauses.append("m.territory IS NOT NULL")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def where_documents(f: MentionFilter) -> tuple[str, list[Any]]:
    """Document-level filters for search: a document matches when one of its mentions does."""
    mention_filter = bool(f.territories or f.sentiment or f.watched_only)
    clauses: list[str] = []
    params: list[Any] = []
    period_and_sources("d", f, clauses, params)
    if mention_filter:
        inner, inner_params = where_mentions(
            MentionFilter(territories=f.territories, sentiment=f.sentiment,
                          watched_only=f.watched_only)
        )
        # Checked per candidate document: matches arrive in order, and a page stops early.
        clauses.append(f"EXISTS (SELECT 1 FROM mentions m {inner} AND m.doc_id = d.id)")
        params.extend(inner_params)
    if f.syndicated_once:
        clauses.append("d.duplicate_of IS NULL")
    return ("".join(" AND " + c for c in clauses)), params


def key_range(f: MentionFilter) -> tuple[int | None, int | None]:
    """The [low, high) search keys of the documents published in the filter's period."""
    since, until = to_seconds(f.since), to_seconds(f.until)
    if since is None and until is None:
        return None, None
    low = search_key(since, 0) if since is not None else search_key(-KEY_MAX_SECONDS, 0)
    high = search_key(until, 0) if until is not None else None
    return low, high


def rowid_range(column: str, low: int | None, high: int | None) -> tuple[str, list[Any]]:
    """' AND column >= low AND column < high' for the bounds that are set."""
    sql, params = "", []
    if low is not None:
        sql += f" AND {column} >= ?"
        params.append(low)
    if high is not None:
        sql += f" AND {column} < ?"
        params.append(high)
    return sql, params
