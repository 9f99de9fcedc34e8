"""Full-text search on the Elasticsearch store: the search language as Query DSL, hits read back."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from core.errors import QuerySyntaxError
from indexer.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    MentionFilter,
    SearchHit,
    SearchOrder,
    SearchPage,
)
from indexer.elasticsearch.documents import analysis_from_source, doc_from_source
from indexer.elasticsearch.mappings import TEXT_FIELDS
from indexer.elasticsearch.requests import document_clauses
from indexer.query import (
    And,
    Field,
    Node,
    Not,
    Or,
    Term,
    chain,
    parse_query,
    split_fields,
    split_negated,
    with_fields,
)

# Totals are counted exactly up to here, then reported as a lower bound; a page reaching past
# it is fetched with search_after in a point in time (the index's `max_result_window`).
SEARCH_WINDOW = 10_000
PIT_KEEP_ALIVE = "1m"
# Highlighting re-analyses the text; past the index's `highlight.max_analyzed_offset`
# (1,000,000 characters by default) Elasticsearch refuses the whole search unless asked
# to stop there.
HIGHLIGHT_MAX_OFFSET = 999_999
_HIGHLIGHTED = ("text", "text.fr", "text.en", "title", "title.fr", "title.en")
_ONE_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lowercase without accents, as the `folded` analyzer indexes words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _prefix(text: str) -> dict[str, Any]:
    """Words starting with `text`, in the title or the text.

    One word: a `prefix` query on the folded fields, which matches every word with that
    start (a `phrase_prefix` expands only the first 50, so `ski*` would miss documents).
    Several words (`val-tho*`): a phrase whose last word is a prefix, as FTS5 reads it.
    """
    folded = _fold(text)
    if _ONE_WORD.fullmatch(folded):
        return {"bool": {"should": [{"prefix": {name: {"value": folded}}} for name in ("title", "text")],
                         "minimum_should_match": 1}}
    return {"multi_match": {"query": folded, "type": "phrase_prefix", "fields": ["title", "text"],
                            "max_expansions": 1000}}


def to_es(node: Node) -> dict[str, Any]:
    """Translate a parsed query (without field filters) into Query DSL, as `to_fts5` does for SQLite."""
    if isinstance(node, Term):
        if node.prefix:
            return _prefix(node.text)
        return {"multi_match": {"query": node.text, "type": "phrase", "fields": list(TEXT_FIELDS)}}
    if isinstance(node, And):
        positive, negative = split_negated(chain(node))
        query: dict[str, Any] = {"must": [to_es(p) for p in positive]}
        if negative:
            query["must_not"] = [to_es(x) for x in negative]
        return {"bool": query}
    if isinstance(node, Or):
        return {"bool": {"should": [to_es(p) for p in chain(node)], "minimum_should_match": 1}}
    if isinstance(node, Not):
        raise QuerySyntaxError("NOT must follow a term it excludes from (e.g. 'ski NOT chili')", 0)
    if isinstance(node, Field):
        raise QuerySyntaxError("field filters can only be combined with AND", 0)
    raise TypeError(f"not a query node: {node!r}")


def search_request(query: str, f: MentionFilter, page: int, size: int,
                   order: SearchOrder = "newest") -> dict[str, Any]:
    """A highlighted, paged search, newest or oldest first or by relevance; raises QuerySyntaxError."""
    node, fields = split_fields(parse_query(query))
    f = with_fields(f, fields)
    clauses = document_clauses(f)
    if f.syndicated_once:
        clauses.append({"bool": {"must_not": [{"exists": {"field": "duplicate_of"}}]}})
    bool_query: dict[str, Any] = {"filter": clauses}
    request: dict[str, Any] = {
        "from": (max(1, page) - 1) * size,
        "size": size,
        "track_total_hits": SEARCH_WINDOW,
        "_source": {"excludes": ["raw", "mentions"]},
    }
    by_date = [{"published": {"order": "asc" if order == "oldest" else "desc", "missing": "_last"}}, "id"]
    if node is not None:
        bool_query["must"] = [to_es(node)]
        request["sort"] = ["_score", *by_date] if order == "relevance" else by_date
        request["highlight"] = {
            "pre_tags": [HIGHLIGHT_START],
            "post_tags": [HIGHLIGHT_END],
            "encoder": "default",
            "max_analyzed_offset": HIGHLIGHT_MAX_OFFSET,
            "fields": {name: {"fragment_size": 160, "number_of_fragments": 1} for name in _HIGHLIGHTED},
        }
    else:
        request["sort"] = by_date
    request["query"] = {"bool": bool_query}
    return request


def beyond_window(request: Mapping[str, Any]) -> bool:
    """Whether a search page reaches past what `from` + `size` may ask."""
    return int(request["from"]) + int(request["size"]) > SEARCH_WINDOW


def skip_request(request: Mapping[str, Any], pit: str, n: int, after: list[Any] | None) -> dict[str, Any]:
    """The next `n` hits' sort values only, in a point in time: the walk to a deep page."""
    body: dict[str, Any] = {
        "size": n, "query": request["query"], "sort": request["sort"], "_source": False,
        "track_total_hits": False, "pit": {"id": pit, "keep_alive": PIT_KEEP_ALIVE},
    }
    if after is not None:
        body["search_after"] = after
    return body


def page_request(request: Mapping[str, Any], pit: str, after: list[Any] | None) -> dict[str, Any]:
    """The page itself once the walk has reached it: the search, after the last skipped hit."""
    body = {k: v for k, v in request.items() if k != "from"}
    body["pit"] = {"id": pit, "keep_alive": PIT_KEEP_ALIVE}
    if after is not None:
        body["search_after"] = after
    return body


def parse_search(response: Mapping[str, Any], page: int, size: int) -> SearchPage:
    hits = []
    for h in response["hits"]["hits"]:
        s = h["_source"]
        highlight = h.get("highlight") or {}
        snippet = next(
            (highlight[name][0] for name in _HIGHLIGHTED if highlight.get(name)),
            (s.get("text") or "")[:200],
        )
        analysis = analysis_from_source(s)
        hits.append(SearchHit(
            doc=doc_from_source(s), snippet=snippet, sentiment=analysis.sentiment.label,
            places=tuple(dict.fromkeys(p.name for p in analysis.places)),
        ))
    total = response["hits"]["total"]
    count = int(total["value"] if isinstance(total, dict) else total)
    lower_bound = isinstance(total, dict) and total.get("relation") == "gte"
    page = max(1, page)
    # A deep page counts at least what lies before it.
    count = max(count, (page - 1) * size + len(hits))
    return SearchPage(total=count, hits=hits, page=page, size=size, total_is_lower_bound=lower_bound)
