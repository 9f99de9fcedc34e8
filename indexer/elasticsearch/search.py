"""Full-text search on the Elasticsearch store: the search language as Query DSL, hits read back."""

from __future__ import annotations

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
from indexer.query import And, Field, Node, Not, Or, Term, parse_query, split_fields, with_fields


def _fold(text: str) -> str:
    """Lowercase without accents, as the `folded` analyzer indexes words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def to_es(node: Node) -> dict[str, Any]:
    """Translate a parsed query (without field filters) into Query DSL, as `to_fts5` does for SQLite."""
    if isinstance(node, Term):
        if node.prefix:
            return {"multi_match": {"query": _fold(node.text), "type": "phrase_prefix",
                                    "fields": ["title", "text"]}}
        return {"multi_match": {"query": node.text, "type": "phrase", "fields": list(TEXT_FIELDS)}}
    if isinstance(node, And):
        if isinstance(node.right, Not):
            return {"bool": {"must": [to_es(node.left)], "must_not": [to_es(node.right.operand)]}}
        if isinstance(node.left, Not):
            return {"bool": {"must": [to_es(node.right)], "must_not": [to_es(node.left.operand)]}}
        return {"bool": {"must": [to_es(node.left), to_es(node.right)]}}
    if isinstance(node, Or):
        return {"bool": {"should": [to_es(node.left), to_es(node.right)], "minimum_should_match": 1}}
    if isinstance(node, Not):
        raise QuerySyntaxError("NOT must follow a term it excludes from (e.g. 'ski NOT chili')", 0)
    if isinstance(node, Field):
        raise QuerySyntaxError("field filters can only be combined with AND", 0)
    raise TypeError(f"not a query node: {node!r}")


def search_request(query: str, f: MentionFilter, page: int, size: int,
                   order: SearchOrder = "newest") -> dict[str, Any]:
    """A highlighted, paged search, newest first or by relevance; raises QuerySyntaxError."""
    node, fields = split_fields(parse_query(query))
    f = with_fields(f, fields)
    clauses = document_clauses(f)
    if f.syndicated_once:
        clauses.append({"bool": {"must_not": [{"exists": {"field": "duplicate_of"}}]}})
    bool_query: dict[str, Any] = {"filter": clauses}
    request: dict[str, Any] = {
        "from": (max(1, page) - 1) * size,
        "size": size,
        "track_total_hits": True,
        "_source": {"excludes": ["raw", "mentions"]},
    }
    if node is not None:
        bool_query["must"] = [to_es(node)]
        newest = [{"published": {"order": "desc", "missing": "_last"}}, "id"]
        request["sort"] = ["_score", *newest] if order == "relevance" else newest
        request["highlight"] = {
            "pre_tags": [HIGHLIGHT_START],
            "post_tags": [HIGHLIGHT_END],
            "encoder": "default",
            "fields": {name: {"fragment_size": 160, "number_of_fragments": 1}
                       for name in ("text", "text.fr", "text.en", "title", "title.fr", "title.en")},
        }
    else:
        request["sort"] = [{"published": {"order": "desc", "missing": "_last"}}, "id"]
    request["query"] = {"bool": bool_query}
    return request


def parse_search(response: Mapping[str, Any], page: int, size: int) -> SearchPage:
    hits = []
    for h in response["hits"]["hits"]:
        s = h["_source"]
        highlight = h.get("highlight") or {}
        snippet = next(
            (highlight[name][0] for name in ("text", "text.fr", "text.en", "title", "title.fr",
                                              "title.en") if highlight.get(name)),
            (s.get("text") or "")[:200],
        )
        analysis = analysis_from_source(s)
        hits.append(SearchHit(
            doc=doc_from_source(s), snippet=snippet, sentiment=analysis.sentiment.label,
            places=tuple(dict.fromkeys(p.name for p in analysis.places)),
        ))
    total = response["hits"]["total"]
    return SearchPage(total=int(total["value"] if isinstance(total, dict) else total), hits=hits,
                      page=max(1, page), size=size)
