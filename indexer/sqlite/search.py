"""Full-text search on the SQLite store: newest first through the date-keyed FTS5 index."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from indexer.base import HIGHLIGHT_END, HIGHLIGHT_START, MentionFilter, SearchOrder, SearchPage
from indexer.query import with_fields
from indexer.sqlite.fts import to_fts5
from indexer.sqlite.queries import Read, place_totals
from indexer.sqlite.rows import hits_from_rows
from indexer.sqlite.schema import KEY_SPAN, KEY_UNDATED
from indexer.sqlite.sql import in_list, key_range, rowid_range, where_documents, where_mentions

# A search filtered to places with at most this many mentions in the period (and a
# quarter of the query's matches) starts from their mentions rather than from the matches.
PLACE_FIRST_MAX = 20_000
PLACE_FIRST_RATIO = 4
# Searches count matches exactly up to this many (more than a page's reach), then say "N+".
SEARCH_COUNT_LIMIT = 1000


def search_documents(
    read: Read, query: str, f: MentionFilter, page: int = 1, size: int = 20,
    order: SearchOrder = "newest",
) -> SearchPage:
    """Newest or oldest first (undated last), or by relevance; counts exactly up to a bound.

    The full-text index is keyed by `search_key`, so matches come out newest first
    and a period is a key range: a page reads only as far as it shows. The count
    stops past `SEARCH_COUNT_LIMIT` (or past the page asked for, if further).
    """
    fts, fields = to_fts5(query)
    f = with_fields(f, fields)
    page = max(1, page)
    low, high = key_range(f)
    if order == "newest" and few_place_mentions(read, fts, f, low, high):
        return search_by_place(read, fts, f, page, size, low, high)
    where, params = where_documents(f)
    key = "documents_fts.rowid" if fts else "d.search_key"
    ranged, range_params = rowid_range(key, low, high)
    where += ranged
    params += range_params
    if fts:
        base = f"""FROM documents_fts JOIN documents d ON d.search_key = documents_fts.rowid
                   WHERE documents_fts MATCH ? AND d.analysed = 1 {where}"""
        params.insert(0, fts)
        snippet = f"snippet(documents_fts, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 24)"
    else:
        base = f"FROM documents d WHERE d.analysed = 1 {where}"
        snippet = "substr(d.text, 1, 200)"
    ordering = f"{key} DESC"
    if order == "oldest":  # undated keys are the lowest: they go last here too
        ordering = f"{key} < {KEY_UNDATED + KEY_SPAN}, {key} ASC"
    if order == "relevance" and fts:
        ordering = f"bm25(documents_fts), {key} DESC"
    cap = max(SEARCH_COUNT_LIMIT, page * size + 1)
    found = read(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT ?)", (*params, cap + 1))
    total = int(found[0][0])
    rows = []
    if (page - 1) * size < total:
        rows = read(
            f"SELECT d.*, {snippet} AS snip {base} ORDER BY {ordering} LIMIT ? OFFSET ?",
            (*params, size, (page - 1) * size),
        )
    return SearchPage(total=min(total, cap), hits=hits_from_rows(rows), page=page, size=size,
                      total_is_lower_bound=total > cap)


def few_place_mentions(
    read: Read, fts: str, f: MentionFilter, low: int | None, high: int | None
) -> bool:
    """Whether the filter's places have far fewer mentions in the period than the query
    has matches: then listing their documents and keeping the matches reads less than
    walking the matches and checking their places one by one."""
    if not f.territories:
        return False
    scope = MentionFilter(since=f.since, until=f.until, territories=f.territories)
    mentions = sum(t[0] for t in place_totals(read, scope).values())
    if mentions > PLACE_FIRST_MAX:
        return False
    if not fts:
        return True
    ranged, params = rowid_range("rowid", low, high)
    matches = read(
        f"SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ? {ranged}",
        (fts, *params),
    )[0][0]
    # Walking the matches stops once it has a page and the count's bound: it wins unless
    # the places are much rarer than the matches.
    return mentions * PLACE_FIRST_RATIO < int(matches)


def search_by_place(
    read: Read, fts: str, f: MentionFilter, page: int, size: int, low: int | None, high: int | None
) -> SearchPage:
    """Search starting from the mentions of a few places: every key, then one page."""
    mention_where, params = where_mentions(MentionFilter(
        since=f.since, until=f.until, territories=f.territories, sentiment=f.sentiment,
        watched_only=f.watched_only,
    ))
    doc_where, doc_params = where_documents(replace(
        f, since=None, until=None, territories=(), sentiment=None, watched_only=False
    ))
    params += doc_params
    match = ""
    if fts:
        ranged, range_params = rowid_range("rowid", low, high)
        match = (" AND d.search_key IN (SELECT rowid FROM documents_fts "
                 f"WHERE documents_fts MATCH ? {ranged})")
        params += [fts, *range_params]
    # CROSS JOIN keeps the mentions as the outer loop.
    keys = [r[0] for r in read(
        f"""SELECT DISTINCT d.search_key FROM mentions m CROSS JOIN documents d
            ON d.id = m.doc_id {mention_where} AND d.analysed = 1 {doc_where}{match}
            ORDER BY d.search_key DESC""",
        params,
    )]
    shown = keys[(page - 1) * size : page * size]
    rows: list[sqlite3.Row] = []
    if shown and fts:
        in_params: list[Any] = [fts]
        rows = read(
            f"""SELECT d.*, snippet(documents_fts, 1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}',
                       ' … ', 24) AS snip
                FROM documents_fts JOIN documents d ON d.search_key = documents_fts.rowid
                WHERE documents_fts MATCH ? AND {in_list("documents_fts.rowid", shown, in_params)}
                ORDER BY documents_fts.rowid DESC""",
            in_params,
        )
    elif shown:
        in_params = []
        rows = read(
            f"""SELECT d.*, substr(d.text, 1, 200) AS snip FROM documents d
                WHERE {in_list("d.search_key", shown, in_params)} ORDER BY d.search_key DESC""",
            in_params,
        )
    return SearchPage(total=len(keys), hits=hits_from_rows(rows), page=page, size=size)
