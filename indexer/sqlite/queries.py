"""Questions the SQLite store answers from its mentions and daily roll-ups: rankings, volume, voices."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from core.models import SentimentLabel
from indexer.base import (
    Bucket,
    MentionExample,
    MentionFilter,
    PlaceCount,
    RankedValue,
    ShareOfVoice,
    StoreStats,
    VoiceField,
    VoiceSummary,
    VolumePoint,
)
from indexer.common import TERMS_SAMPLE, document_text, top_terms_without_places
from indexer.sqlite.rows import analysis_from_row, doc_from_row, from_seconds
from indexer.sqlite.sql import (
    BUCKET_SQL,
    accumulate,
    count_expr,
    in_list,
    plan_period,
    rollup_where,
    where_mentions,
)


class Read(Protocol):
    """The store's read: one SQL statement and its parameters, all rows back."""

    def __call__(self, sql: str, params: Sequence[Any] = ...) -> list[sqlite3.Row]: ...


def stats(read: Read) -> StoreStats:
    r = read(
        """SELECT count(*), coalesce(sum(analysed), 0), coalesce(sum(published IS NULL), 0),
                  coalesce(sum(duplicate_of IS NOT NULL), 0) FROM documents"""
    )[0]
    mentions = read("SELECT count(*) FROM mentions")[0][0]
    return StoreStats(
        documents=r[0], analysed=r[1], pending=r[0] - r[1], mentions=mentions,
        undated=r[2], duplicates=r[3],
    )


def ranking(read: Read, f: MentionFilter, limit: int = 20) -> list[PlaceCount]:
    totals = place_totals(read, f)
    top = sorted(
        ((key, t) for key, t in totals.items() if t[0] > 0),
        key=lambda kt: (-kt[1][0], -kt[1][1], kt[0]),
    )[:limit]
    meta = places_of(read, [key for key, _ in top])
    out = []
    for key, (n, reach, positive, neutral, negative) in top:
        name, territory, kind, lat, lon = meta.get(key, (key, None, "place", None, None))
        out.append(PlaceCount(
            key=key, name=name, territory=territory, kind=kind, mentions=n, reach=reach,
            positive=positive, neutral=neutral, negative=negative, lat=lat, lon=lon,
        ))
    return out


def places_of(read: Read, keys: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    if not keys:
        return {}
    params: list[Any] = []
    rows = read(
        f"SELECT place_key, name, territory, kind, lat, lon FROM places "
        f"WHERE {in_list('place_key', keys, params)}",
        params,
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def place_totals(read: Read, f: MentionFilter) -> dict[str, list[int]]:
    """Per place: [mentions, reach, positive, neutral, negative] for the filter."""
    totals: dict[str, list[int]] = {}
    plan = plan_period(f)
    if plan is None:  # filters the roll-ups do not keep: count the mentions themselves
        where, params = where_mentions(f)
        rows = read(
            f"""SELECT m.place_key, {count_expr(f)}, sum(m.reach),
                       {count_expr(f, "m.label = 'positive'")},
                       {count_expr(f, "m.label = 'neutral'")},
                       {count_expr(f, "m.label = 'negative'")}
                FROM mentions m {where} GROUP BY m.place_key""",
            params,
        )
        return {r[0]: [int(v or 0) for v in r[1:]] for r in rows}
    for part in plan.raw:
        where, params = where_mentions(part)
        accumulate(totals, read(
            f"""SELECT m.place_key, count(*), sum(m.reach), sum(m.label = 'positive'),
                       sum(m.label = 'neutral'), sum(m.label = 'negative')
                FROM mentions m {where} GROUP BY m.place_key""",
            params,
        ))
    if plan.undated:
        where, params = where_mentions(f, undated_only=True)
        accumulate(totals, read(
            f"""SELECT m.place_key, count(*), sum(m.reach), sum(m.label = 'positive'),
                       sum(m.label = 'neutral'), sum(m.label = 'negative')
                FROM mentions m {where} GROUP BY m.place_key""",
            params,
        ))
    if plan.days is not None:
        table, where, params = rollup_where(f, plan.days)
        accumulate(totals, read(
            f"""SELECT place_key, sum(n), sum(reach), sum(positive), sum(neutral),
                       sum(negative) FROM {table} {where} GROUP BY place_key""",
            params,
        ))
    return totals


def volume(read: Read, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]:
    if bucket not in BUCKET_SQL:
        raise ValueError(f"unknown bucket {bucket!r}")
    plan = plan_period(f, dated_only=True) if bucket != "hour" else None
    parts = plan.raw if plan is not None else [f]
    points: dict[tuple[int, str], list[int]] = {}
    for part in parts:
        where, params = where_mentions(part, dated_only=True)
        accumulate(points, read(
            f"""SELECT {BUCKET_SQL[bucket]} AS b, m.place_key, {count_expr(part)},
                       sum(m.reach)
                FROM mentions m {where} GROUP BY b, m.place_key""",
            params,
        ), width=2)
    if plan is not None and plan.days is not None:
        table, where, params = rollup_where(f, plan.days)
        accumulate(points, read(
            f"""SELECT {BUCKET_SQL[bucket].replace("m.published", "day")} AS b, place_key,
                       sum(n), sum(reach)
                FROM {table} {where} GROUP BY b, place_key""",
            params,
        ), width=2)
    return [
        VolumePoint(bucket=from_seconds(b) or datetime.min, key=key, mentions=n, reach=reach)
        for (b, key), (n, reach) in sorted(points.items())
        if n > 0
    ]


def share_of_voice(read: Read, f: MentionFilter, weighted: bool = False) -> ShareOfVoice:
    if weighted and f.syndicated_once:
        # A syndicated story reaches the audience of its widest copy, once.
        where, params = where_mentions(f)
        rows = read(
            f"""SELECT place_key, sum(r) FROM (
                    SELECT m.place_key, max(m.reach) AS r FROM mentions m {where}
                    GROUP BY m.place_key, m.story)
                GROUP BY place_key""",
            params,
        )
        counts = {r[0]: int(r[1] or 0) for r in rows}
    else:
        index = 1 if weighted else 0
        counts = {k: t[index] for k, t in place_totals(read, f).items() if t[0] > 0}
    for key in f.territories:
        counts.setdefault(key, 0)
    return ShareOfVoice(total=sum(counts.values()), counts=counts, weighted_by_reach=weighted)


def top_sources(read: Read, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
    where, params = where_mentions(f)
    rows = read(
        f"""SELECT m.source_id, {count_expr(f)} AS n, sum(m.reach) AS reach,
                   max(m.source_type) AS t
            FROM mentions m {where} GROUP BY m.source_id ORDER BY n DESC, m.source_id LIMIT ?""",
        (*params, limit),
    )
    return [RankedValue(r[0], r[1], r[2] or 0, r[3]) for r in rows]


def top_authors(read: Read, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
    where, params = where_mentions(f)
    where += (" AND " if where else "WHERE ") + "m.author IS NOT NULL AND m.author != ''"
    rows = read(
        f"""SELECT m.author, {count_expr(f)} AS n, max(m.reach) AS reach,
                   max(m.source_id) AS s
            FROM mentions m {where} GROUP BY m.author
            ORDER BY n DESC, reach DESC, m.author LIMIT ?""",
        (*params, limit),
    )
    return [RankedValue(r[0], r[1], r[2] or 0, r[3]) for r in rows]


# Per kind of voice: its column, how its reach adds up, and what labels it.
VOICE_SQL = {
    "author": ("m.author", "max(m.reach)", "max(m.source_id)"),
    "source": ("m.source_id", "sum(m.reach)", "max(m.source_type)"),
}


def top_voices(read: Read, f: MentionFilter, by: VoiceField, limit: int = 10) -> list[VoiceSummary]:
    """One grouped pass over the filter's mentions (the (place, time) index covers it)."""
    column, reach, label = VOICE_SQL[by]
    where, params = where_mentions(f)
    where += (" AND " if where else "WHERE ") + f"{column} IS NOT NULL AND {column} != ''"
    rows = read(
        f"""SELECT {column} AS v, {count_expr(f)} AS n, {reach} AS r, {label},
                   {count_expr(f, "m.label = 'positive'")}, {count_expr(f, "m.label = 'negative'")},
                   min(m.published), max(m.published), group_concat(DISTINCT m.territory)
            FROM mentions m {where} GROUP BY v ORDER BY n DESC, r DESC, v LIMIT ?""",
        (*params, limit),
    )
    return [
        VoiceSummary(
            value=r[0], mentions=r[1], reach=r[2] or 0, label=r[3], positive=r[4] or 0,
            negative=r[5] or 0, first_published=from_seconds(r[6]), last_published=from_seconds(r[7]),
            # territory ids never hold a comma (config.fields), group_concat's separator
            territories=tuple(sorted(r[8].split(","))) if r[8] else (),
        )
        for r in rows
    ]


def cooccurring_places(read: Read, key: str, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
    scoped = MentionFilter(**{**f.__dict__, "territories": (key,)})
    where, params = where_mentions(scoped)
    rows = read(
        f"""SELECT o.place_key, max(o.name), count(DISTINCT o.doc_id) AS n
            FROM mentions m JOIN mentions o ON o.doc_id = m.doc_id AND o.place_key != m.place_key
            {where} GROUP BY o.place_key ORDER BY n DESC, o.place_key LIMIT ?""",
        (*params, limit),
    )
    return [RankedValue(r[0], r[2], 0, r[1]) for r in rows]


def top_terms(read: Read, f: MentionFilter, limit: int = 20) -> list[RankedValue]:
    """Terms of the latest documents of the filter, without the names of its places."""
    where, params = where_mentions(f)
    sample = f"SELECT m.doc_id FROM mentions m {where} ORDER BY m.published DESC LIMIT ?"
    params.append(TERMS_SAMPLE)
    rows = read(
        f"SELECT d.title, d.text, d.lang FROM documents d WHERE d.id IN ({sample})", params
    )
    # The names of the places in those documents (only the filter's, if it names some).
    name_params = list(params)
    scope = in_list("place_key", f.territories, name_params) if f.territories else "1"
    names = read(
        f"SELECT DISTINCT name FROM mentions WHERE doc_id IN ({sample}) AND {scope}", name_params
    )
    return top_terms_without_places(
        ((document_text(r[0], r[1]), r[2]) for r in rows), (r[0] for r in names), limit
    )


def mention_examples(
    read: Read, key: str, f: MentionFilter, label: SentimentLabel, limit: int = 5
) -> list[MentionExample]:
    scoped = MentionFilter(**{**f.__dict__, "territories": (key,), "sentiment": label})
    where, params = where_mentions(scoped)
    order = "m.sentiment DESC" if label == "positive" else "m.sentiment ASC"
    rows = read(
        f"""SELECT d.*, m.sentiment AS m_sentiment FROM mentions m
            JOIN documents d ON d.id = m.doc_id {where}
            ORDER BY {order}, m.reach DESC LIMIT ?""",
        (*params, limit),
    )
    out: list[MentionExample] = []
    for r in rows:
        doc = doc_from_row(r)
        for p in analysis_from_row(r).places:
            if p.place_key == key:
                out.append(MentionExample(doc, key, p.start, p.end, r["m_sentiment"]))
                break
    return out
