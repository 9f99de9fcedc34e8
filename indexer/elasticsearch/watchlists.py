"""What a watchlist change can affect, on Elasticsearch: requests finding the candidates, and
remembered watchlists as documents (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from core.models import Analysis
from indexer.elasticsearch.documents import iso

# Phrases per request: a long change becomes several requests, far below the clause limit.
PHRASES_PER_REQUEST = 100
# Words in the folded fields are the standard tokenizer's; the French fields also drop elided
# articles ("d'Annecy" is one word in the folded field, "annecy" in the French one), where a
# removed stop word leaves a gap in a phrase: hence the slop.
FOLDED_FIELDS = ["title", "text"]
FRENCH_FIELDS = ["title.fr", "text.fr"]
FRENCH_SLOP = 2
UNLABELLED_ID = "-"  # the remembered watchlist of unlabelled analyses (an _id cannot be empty)


def label_filter(watchlist: str) -> dict[str, Any]:
    """Documents analysed with this watchlist label ('' for analyses without one)."""
    if not watchlist:
        return {"bool": {"must_not": [{"exists": {"field": "watchlist"}}]}}
    return {"term": {"watchlist": watchlist}}


def scope_filters(watchlist: str, since: datetime | None) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = [{"term": {"analysed": True}}, label_filter(watchlist)]
    if since is not None:
        filters.append({"range": {"collected": {"gte": iso(since)}}})
    return filters


def phrase_clauses(phrases: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """One pair of phrase queries per run of words: folded fields exact, French fields with slop."""
    clauses: list[dict[str, Any]] = []
    for words in phrases:
        text = " ".join(w for w in words if w.strip())
        if text:
            clauses.append({"multi_match": {"query": text, "type": "phrase", "fields": FOLDED_FIELDS}})
            clauses.append({"multi_match": {"query": text, "type": "phrase", "fields": FRENCH_FIELDS,
                                            "slop": FRENCH_SLOP}})
    return clauses


def mention_clause(territories: Sequence[str]) -> dict[str, Any]:
    return {"nested": {"path": "mentions", "query": {"terms": {"mentions.territory": list(territories)}}}}


def candidate_queries(
    watchlist: str, phrases: Sequence[Sequence[str]] | None, territories: Sequence[str],
    since: datetime | None,
) -> list[dict[str, Any]]:
    """Queries whose matches together are `Store.reanalysis_candidates`."""
    filters = scope_filters(watchlist, since)
    if phrases is None:
        return [{"bool": {"filter": filters}}]
    runs = list(dict.fromkeys(tuple(p) for p in phrases))
    shoulds = [phrase_clauses(runs[i : i + PHRASES_PER_REQUEST]) for i in range(0, len(runs), PHRASES_PER_REQUEST)]
    if territories:
        shoulds[:1] = [[mention_clause(list(dict.fromkeys(territories))), *(shoulds[0] if shoulds else [])]]
    return [{"bool": {"filter": filters, "should": s, "minimum_should_match": 1}} for s in shoulds if s]


def labels_request() -> dict[str, Any]:
    """Analysed documents counted per watchlist label (missing: UNLABELLED_ID)."""
    return {
        "size": 0, "track_total_hits": False, "query": {"term": {"analysed": True}},
        "aggs": {"labels": {"terms": {"field": "watchlist", "missing": UNLABELLED_ID, "size": 10_000}}},
    }


def parse_labels(response: Mapping[str, Any]) -> dict[str, int]:
    buckets = response["aggregations"]["labels"]["buckets"]
    return {("" if b["key"] == UNLABELLED_ID else str(b["key"])): int(b["doc_count"]) for b in buckets}


def watchlist_id(fingerprint: str) -> str:
    return fingerprint or UNLABELLED_ID


def without_territories(analysis: Analysis, territories: set[str]) -> Analysis:
    """The analysis without these territories' mentions; the rest as it was."""
    return Analysis(analysis.lang, analysis.sentiment,
                    tuple(p for p in analysis.places if p.territory not in territories))


def watchlists_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "fingerprint": {"type": "keyword"},
            "territories": {"type": "object", "enabled": False},
        },
    }
