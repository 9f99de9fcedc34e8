"""ElasticsearchStore: the Store protocol on an Elasticsearch 8.x/9.x cluster (template, alias, nested mentions)."""

from __future__ import annotations

import base64
import logging
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from config import StoreConfig
from core.errors import QuerySyntaxError, StoreError
from core.models import (
    Analysis,
    Engagement,
    EnrichedDocument,
    PlaceMention,
    RawDocument,
    Sentiment,
    SentimentLabel,
    parse_datetime,
    sentiment_label,
)
from indexer.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Bucket,
    MentionExample,
    MentionFilter,
    OutboxMessage,
    PlaceCount,
    RankedValue,
    SearchHit,
    SearchOrder,
    SearchPage,
    ShareOfVoice,
    SourceState,
    StoreStats,
    VolumePoint,
)
from indexer.mentions import per_place
from indexer.query import And, Field, Node, Not, Or, Term, parse_query, split_fields, with_fields
from indexer.terms import terms_of, top_terms_of

logger = logging.getLogger(__name__)

BATCH = 500
MAX_PLACES = 10_000  # terms buckets per aggregation: every place a ranking can show
EXACT_UP_TO = 40_000  # cardinality counts (syndicated stories) are exact below this
TEXT_FIELDS = ("title", "title.fr", "title.en", "text", "text.fr", "text.en")
TERMS_SAMPLE = 2000  # latest documents read for top terms, as the SQLite store does

# ---------------------------------------------------------------- index layout (pure)


def names(prefix: str) -> dict[str, str]:
    """Index, alias and template names for a prefix."""
    return {
        "alias": f"{prefix}-documents",
        "template": f"{prefix}-documents",
        "first_index": f"{prefix}-documents-000001",
        "pattern": f"{prefix}-documents-*",
        "state": f"{prefix}-source-state",
        "outbox": f"{prefix}-outbox",
    }


ANALYSIS_SETTINGS: dict[str, Any] = {
    "filter": {
        "fr_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu",
                         "lorsqu", "puisqu"],
        },
        "fr_stop": {"type": "stop", "stopwords": "_french_"},
        "fr_stemmer": {"type": "stemmer", "language": "light_french"},
        "en_stop": {"type": "stop", "stopwords": "_english_"},
        "en_possessive": {"type": "stemmer", "language": "possessive_english"},
        "en_stemmer": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        # Accents are optional in every field: French users often type without them.
        "folded": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        "fr_folded": {
            "tokenizer": "standard",
            "filter": ["fr_elision", "lowercase", "fr_stop", "asciifolding", "fr_stemmer"],
        },
        "en_folded": {
            "tokenizer": "standard",
            "filter": ["en_possessive", "lowercase", "en_stop", "asciifolding", "en_stemmer"],
        },
    },
}


def _text_field() -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "folded",
        "fields": {
            "fr": {"type": "text", "analyzer": "fr_folded"},
            "en": {"type": "text", "analyzer": "en_folded"},
        },
    }


def document_mappings() -> dict[str, Any]:
    """The explicit mapping of enriched documents.

    Mentions are `nested`: a ranking filtered on a mention's sentiment or territory must
    count that very mention, not any mention of a document that matched (an object or
    flattened field would mix the fields of a document's different places).
    """
    keyword = {"type": "keyword"}
    return {
        "dynamic": "strict",
        "properties": {
            "id": keyword,
            "url": {"type": "keyword", "index": False},
            "source_id": keyword,
            "source_type": keyword,
            "title": _text_field(),
            "text": _text_field(),
            "published": {"type": "date"},
            "collected": {"type": "date"},
            "author": keyword,
            "declared_lang": keyword,
            "lang": keyword,
            "likes": {"type": "integer"},
            "reposts": {"type": "integer"},
            "replies": {"type": "integer"},
            "followers": {"type": "long"},
            "reach": {"type": "long"},
            "raw": {"type": "binary"},  # base64, stored as collected, never indexed
            "content_hash": keyword,
            "duplicate_of": keyword,
            "story": keyword,
            "analysed": {"type": "boolean"},
            "sentiment": {
                "properties": {
                    "score": {"type": "float"},
                    "label": keyword,
                    "positive": {"type": "float"},
                    "negative": {"type": "float"},
                }
            },
            # The analysis as the pipeline wrote it, for export and examples; not indexed.
            "places": {"type": "object", "enabled": False},
            "mentions": {
                "type": "nested",
                "properties": {
                    "place_key": keyword,
                    "name": keyword,
                    "territory": keyword,
                    "watched": {"type": "boolean"},
                    "kind": keyword,
                    "geonames_id": {"type": "long"},
                    "location": {"type": "geo_point"},
                    "occurrences": {"type": "integer"},
                    "sentiment": {"type": "float"},
                    "label": keyword,
                    "confidence": {"type": "float"},
                    # Copied from the document so mention aggregations need no reverse_nested.
                    "reach": {"type": "long"},
                    "story": keyword,
                },
            },
        },
    }


def index_template(prefix: str, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """The body of the documents index template (rollover-ready through the alias)."""
    n = names(prefix)
    return {
        "index_patterns": [n["pattern"]],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "analysis": ANALYSIS_SETTINGS,
            },
            "mappings": document_mappings(),
        },
        "meta": {"placewatch_schema": 1},
    }


def state_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "source_id": {"type": "keyword"},
            "state": {"type": "object", "enabled": False},
        },
    }


def outbox_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "key": {"type": "keyword"},
            "channel": {"type": "keyword"},
            "payload": {"type": "object", "enabled": False},
            "created": {"type": "date"},
            "attempts": {"type": "integer"},
            "next_attempt": {"type": "date"},
            "sent": {"type": "date"},
            "last_error": {"type": "keyword", "index": False},
        },
    }


# ---------------------------------------------------------------- documents (pure)


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).isoformat()


def _from_iso(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def raw_source(d: RawDocument) -> dict[str, Any]:
    """The fields of a raw document as collected."""
    e = d.engagement
    return {
        "id": d.id,
        "url": d.url,
        "source_id": d.source_id,
        "source_type": d.source_type,
        "title": d.title,
        "text": d.text,
        "published": _iso(d.published),
        "collected": _iso(d.collected),
        "author": d.author,
        "declared_lang": d.lang,
        "likes": e.likes,
        "reposts": e.reposts,
        "replies": e.replies,
        "followers": e.followers,
        "reach": e.reach,
        "raw": base64.b64encode(d.raw).decode("ascii") if d.raw else None,
        "content_hash": d.content_hash,
        "duplicate_of": d.duplicate_of,
        "story": d.duplicate_of or d.id,
    }


def analysis_source(d: RawDocument, a: Analysis) -> dict[str, Any]:
    """The analysis fields, with one nested mention per place."""
    mentions = []
    for key, (p, n, sent, conf) in per_place(a.places).items():
        mentions.append({
            "place_key": key,
            "name": p.name,
            "territory": p.territory,
            "watched": p.territory is not None,
            "kind": p.kind,
            "geonames_id": p.geonames_id,
            "location": {"lat": p.lat, "lon": p.lon} if p.lat is not None and p.lon is not None else None,
            "occurrences": n,
            "sentiment": sent,
            "label": sentiment_label(sent),
            "confidence": conf,
            "reach": d.engagement.reach,
            "story": d.duplicate_of or d.id,
        })
    return {
        "analysed": True,
        "lang": a.lang,
        "sentiment": {"score": a.sentiment.score, "label": a.sentiment.label,
                      "positive": a.sentiment.positive, "negative": a.sentiment.negative},
        "places": [p.to_dict() for p in a.places],
        "mentions": mentions,
    }


def document_source(d: RawDocument, a: Analysis | None) -> dict[str, Any]:
    """The whole indexed document: raw fields, and the analysis when there is one."""
    source = raw_source(d)
    if a is None:
        source.update(analysed=False, lang=None, sentiment=None, places=[], mentions=[])
    else:
        source.update(analysis_source(d, a))
    return source


def merge_recollected(old: Mapping[str, Any], d: RawDocument) -> dict[str, Any]:
    """A document collected again: new raw fields; the analysis kept unless the text changed."""
    if old.get("content_hash") != d.content_hash or not old.get("analysed"):
        return document_source(d, None)
    source = dict(old)
    source.update(raw_source(d))
    source["mentions"] = [
        {**m, "reach": d.engagement.reach, "story": d.duplicate_of or d.id}
        for m in old.get("mentions") or []
    ]
    return source


def doc_from_source(s: Mapping[str, Any]) -> RawDocument:
    raw = s.get("raw")
    return RawDocument(
        id=s["id"], url=s["url"], source_id=s["source_id"], source_type=s["source_type"],
        text=s["text"], collected=_from_iso(s.get("collected")) or datetime.min.replace(tzinfo=UTC),
        title=s.get("title"), published=_from_iso(s.get("published")), author=s.get("author"),
        lang=s.get("declared_lang"),
        engagement=Engagement(s.get("likes") or 0, s.get("reposts") or 0, s.get("replies") or 0,
                              s.get("followers")),
        raw=base64.b64decode(raw) if raw else b"", duplicate_of=s.get("duplicate_of"),
    )


def analysis_from_source(s: Mapping[str, Any]) -> Analysis:
    sent = s.get("sentiment") or {}
    return Analysis(
        lang=s.get("lang") or "und",
        sentiment=Sentiment.from_dict(sent),
        places=tuple(PlaceMention.from_dict(p) for p in s.get("places") or ()),
    )


# ---------------------------------------------------------------- queries (pure)


def mention_clauses(f: MentionFilter, key: str | None = None) -> list[dict[str, Any]]:
    """Filters on one mention (inside the nested context)."""
    clauses: list[dict[str, Any]] = []
    territories = (key,) if key is not None else f.territories
    if territories:
        clauses.append({"terms": {"mentions.place_key": list(territories)}})
    if f.sentiment:
        clauses.append({"term": {"mentions.label": f.sentiment}})
    if f.watched_only:
        clauses.append({"term": {"mentions.watched": True}})
    return clauses


def document_clauses(f: MentionFilter, dated_only: bool = False) -> list[dict[str, Any]]:
    """Filters on the document: period, source, language, and one matching mention."""
    clauses: list[dict[str, Any]] = [{"term": {"analysed": True}}]
    period: dict[str, Any] = {}
    if f.since is not None:
        period["gte"] = _iso(f.since)
    if f.until is not None:
        period["lt"] = _iso(f.until)
    if period:
        clauses.append({"range": {"published": period}})
    elif dated_only:
        clauses.append({"exists": {"field": "published"}})
    if f.source_types:
        clauses.append({"terms": {"source_type": list(f.source_types)}})
    if f.source_ids:
        clauses.append({"terms": {"source_id": list(f.source_ids)}})
    if f.langs:
        clauses.append({"terms": {"lang": list(f.langs)}})
    inner = mention_clauses(f)
    if inner:
        clauses.append({"nested": {"path": "mentions", "query": {"bool": {"filter": inner}}}})
    return clauses


def filter_query(f: MentionFilter, dated_only: bool = False) -> dict[str, Any]:
    return {"bool": {"filter": document_clauses(f, dated_only)}}


def _mention_filter_agg(f: MentionFilter, aggs: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    clauses = mention_clauses(f, key)
    return {
        "nested": {"path": "mentions"},
        "aggs": {
            "f": {
                "filter": {"bool": {"filter": clauses}} if clauses else {"match_all": {}},
                "aggs": aggs,
            }
        },
    }


def _count_aggs(f: MentionFilter) -> dict[str, Any]:
    """What each bucket counts: mentions, reach, and stories when copies count once."""
    aggs: dict[str, Any] = {"reach": {"sum": {"field": "mentions.reach"}}}
    if f.syndicated_once:
        aggs["stories"] = {"cardinality": {"field": "mentions.story",
                                           "precision_threshold": EXACT_UP_TO}}
    return aggs


def ranking_request(f: MentionFilter) -> dict[str, Any]:
    """Per place: mentions, reach, mentions by sentiment label, name and location."""
    per_place = {
        **_count_aggs(f),
        "labels": {"terms": {"field": "mentions.label", "size": 3}, "aggs": _count_aggs(f)},
        "top": {"top_hits": {"size": 1, "_source": {"includes": [
            "mentions.name", "mentions.territory", "mentions.kind", "mentions.location"]}}},
    }
    return {
        "size": 0,
        "query": filter_query(f),
        "aggs": {"m": _mention_filter_agg(f, {
            "places": {"terms": {"field": "mentions.place_key", "size": MAX_PLACES},
                       "aggs": per_place}
        })},
    }


def _bucket_count(bucket: Mapping[str, Any], f: MentionFilter) -> int:
    if f.syndicated_once:
        return int(bucket["stories"]["value"])
    return int(bucket["doc_count"])


def parse_ranking(response: Mapping[str, Any], f: MentionFilter) -> list[PlaceCount]:
    out: list[PlaceCount] = []
    for b in response["aggregations"]["m"]["f"]["places"]["buckets"]:
        labels = {lb["key"]: _bucket_count(lb, f) for lb in b["labels"]["buckets"]}
        top = b["top"]["hits"]["hits"][0]["_source"] if b["top"]["hits"]["hits"] else {}
        location = top.get("location") or {}
        out.append(PlaceCount(
            key=b["key"], name=top.get("name") or b["key"], territory=top.get("territory"),
            kind=top.get("kind") or "place", mentions=_bucket_count(b, f),
            reach=int(b["reach"]["value"]), positive=labels.get("positive", 0),
            neutral=labels.get("neutral", 0), negative=labels.get("negative", 0),
            lat=location.get("lat"), lon=location.get("lon"),
        ))
    out.sort(key=lambda p: (-p.mentions, -p.reach, p.key))
    return out


INTERVALS: dict[str, str] = {"hour": "1h", "day": "1d", "week": "1w"}


def volume_request(f: MentionFilter, bucket: Bucket) -> dict[str, Any]:
    """Mentions per place per calendar bucket (UTC; weeks start on Monday)."""
    if bucket not in INTERVALS:
        raise ValueError(f"unknown bucket {bucket!r}")
    return {
        "size": 0,
        "query": filter_query(f, dated_only=True),
        "aggs": {"t": {
            "date_histogram": {"field": "published", "calendar_interval": INTERVALS[bucket],
                               "time_zone": "UTC", "min_doc_count": 1},
            "aggs": {"m": _mention_filter_agg(f, {
                "places": {"terms": {"field": "mentions.place_key", "size": MAX_PLACES},
                           "aggs": _count_aggs(f)}
            })},
        }},
    }


def parse_volume(response: Mapping[str, Any], f: MentionFilter) -> list[VolumePoint]:
    points = []
    for t in response["aggregations"]["t"]["buckets"]:
        when = datetime.fromtimestamp(t["key"] / 1000, UTC)
        for b in t["m"]["f"]["places"]["buckets"]:
            points.append(VolumePoint(bucket=when, key=b["key"], mentions=_bucket_count(b, f),
                                      reach=int(b["reach"]["value"])))
    points.sort(key=lambda p: (p.bucket, p.key))
    return points


def share_request(f: MentionFilter, weighted: bool) -> dict[str, Any]:
    aggs = _count_aggs(f)
    if weighted and f.syndicated_once:
        # A syndicated story reaches the audience of its widest copy, once.
        aggs = {
            "stories": {"terms": {"field": "mentions.story", "size": 65_000},
                        "aggs": {"widest": {"max": {"field": "mentions.reach"}}}},
            "reach": {"sum_bucket": {"buckets_path": "stories>widest"}},
        }
    return {
        "size": 0,
        "query": filter_query(f),
        "aggs": {"m": _mention_filter_agg(f, {
            "places": {"terms": {"field": "mentions.place_key", "size": MAX_PLACES}, "aggs": aggs}
        })},
    }


def parse_share(response: Mapping[str, Any], f: MentionFilter, weighted: bool) -> ShareOfVoice:
    counts: dict[str, int] = {}
    for b in response["aggregations"]["m"]["f"]["places"]["buckets"]:
        counts[b["key"]] = int(b["reach"]["value"]) if weighted else _bucket_count(b, f)
    for key in f.territories:
        counts.setdefault(key, 0)
    return ShareOfVoice(total=sum(counts.values()), counts=counts, weighted_by_reach=weighted)


def voices_request(f: MentionFilter, field: str, reach: str = "sum") -> dict[str, Any]:
    """Mentions per document-level value (source or author), counted in the nested context."""
    query = filter_query(f)
    if field == "author":
        query["bool"]["filter"].append({"exists": {"field": "author"}})
    return {
        "size": 0,
        "query": query,
        "aggs": {"v": {
            "terms": {"field": field, "size": MAX_PLACES},
            "aggs": {
                "m": _mention_filter_agg(f, {
                    **_count_aggs(f), "reach": {reach: {"field": "mentions.reach"}},
                }),
                "label": {"terms": {"field": "source_type" if field == "source_id" else "source_id",
                                    "size": 1}},
            },
        }},
    }


def parse_voices(response: Mapping[str, Any], f: MentionFilter, limit: int) -> list[RankedValue]:
    out = []
    for b in response["aggregations"]["v"]["buckets"]:
        inner = b["m"]["f"]
        n = _bucket_count(inner, f)
        if n <= 0 or b["key"] == "":
            continue
        labels = b["label"]["buckets"]
        out.append(RankedValue(str(b["key"]), n, int(inner["reach"]["value"] or 0),
                               labels[0]["key"] if labels else None))
    out.sort(key=lambda v: (-v.mentions, -v.reach, v.value))
    return out[:limit]


def cooccurring_request(key: str, f: MentionFilter) -> dict[str, Any]:
    scoped = MentionFilter(**{**f.__dict__, "territories": (key,)})
    return {
        "size": 0,
        "query": filter_query(scoped),
        "aggs": {"m": {
            "nested": {"path": "mentions"},
            "aggs": {"others": {
                "filter": {"bool": {"must_not": [{"term": {"mentions.place_key": key}}]}},
                "aggs": {"places": {
                    "terms": {"field": "mentions.place_key", "size": MAX_PLACES},
                    "aggs": {"name": {"terms": {"field": "mentions.name", "size": 1}}},
                }},
            }},
        }},
    }


def parse_cooccurring(response: Mapping[str, Any], limit: int) -> list[RankedValue]:
    out = []
    for b in response["aggregations"]["m"]["others"]["places"]["buckets"]:
        name = b["name"]["buckets"][0]["key"] if b["name"]["buckets"] else None
        out.append(RankedValue(b["key"], int(b["doc_count"]), 0, name))
    out.sort(key=lambda v: (-v.mentions, v.value))
    return out[:limit]


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


def examples_request(key: str, f: MentionFilter, label: SentimentLabel, limit: int) -> dict[str, Any]:
    scoped = MentionFilter(**{**f.__dict__, "territories": (key,), "sentiment": label})
    nested_filter = {"bool": {"filter": mention_clauses(scoped)}}
    return {
        "size": limit,
        "query": filter_query(scoped),
        "_source": {"excludes": ["raw"]},
        "sort": [
            {"mentions.sentiment": {"order": "desc" if label == "positive" else "asc",
                                    "mode": "max" if label == "positive" else "min",
                                    "nested": {"path": "mentions", "filter": nested_filter}}},
            {"reach": {"order": "desc"}},
            "id",
        ],
    }


def parse_examples(response: Mapping[str, Any], key: str) -> list[MentionExample]:
    out = []
    for h in response["hits"]["hits"]:
        s = h["_source"]
        sentiment = next((m["sentiment"] for m in s.get("mentions") or () if m["place_key"] == key), 0.0)
        for p in analysis_from_source(s).places:
            if p.place_key == key:
                out.append(MentionExample(doc_from_source(s), key, p.start, p.end, sentiment))
                break
    return out


def stats_request() -> dict[str, Any]:
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"match_all": {}},
        "aggs": {
            "analysed": {"filter": {"term": {"analysed": True}}},
            "undated": {"filter": {"bool": {"must_not": [{"exists": {"field": "published"}}]}}},
            "duplicates": {"filter": {"exists": {"field": "duplicate_of"}}},
            "mentions": {"nested": {"path": "mentions"}},
        },
    }


def parse_stats(response: Mapping[str, Any]) -> StoreStats:
    a = response["aggregations"]
    total = int(response["hits"]["total"]["value"])
    analysed = int(a["analysed"]["doc_count"])
    return StoreStats(documents=total, analysed=analysed, pending=total - analysed,
                      mentions=int(a["mentions"]["doc_count"]), undated=int(a["undated"]["doc_count"]),
                      duplicates=int(a["duplicates"]["doc_count"]))


def message_source(m: OutboxMessage) -> dict[str, Any]:
    return {
        "key": m.key, "channel": m.channel, "payload": m.payload, "created": _iso(m.created),
        "attempts": m.attempts, "next_attempt": _iso(m.next_attempt or m.created),
        "sent": _iso(m.sent), "last_error": m.last_error,
    }


def message_from_source(s: Mapping[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        key=s["key"], channel=s["channel"], payload=s.get("payload") or {},
        created=_from_iso(s.get("created")) or datetime.min.replace(tzinfo=UTC),
        attempts=int(s.get("attempts") or 0), next_attempt=_from_iso(s.get("next_attempt")),
        sent=_from_iso(s.get("sent")), last_error=s.get("last_error"),
    )


def state_source(s: SourceState) -> dict[str, Any]:
    data = dict(s.__dict__)
    for key in ("last_attempt", "last_success", "next_attempt"):
        data[key] = _iso(data[key])
    return {"source_id": s.source_id, "state": data}


def state_from_source(s: Mapping[str, Any]) -> SourceState:
    data = dict(s["state"])
    for key in ("last_attempt", "last_success", "next_attempt"):
        data[key] = _from_iso(data.get(key))
    known = set(SourceState.__dataclass_fields__)
    return SourceState(**{k: v for k, v in data.items() if k in known})


_RENAMED = {"from": "from_", "_source": "source"}


def search_kwargs(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body as keyword arguments of the client's `search` (`from` is `from_`)."""
    return {_RENAMED.get(key, key): value for key, value in body.items()}


def client_options(url: str, api_key: str | None, timeout: float = 30.0) -> dict[str, Any]:
    """Keyword arguments of the official client: retries on 429/5xx and timeouts, API key auth."""
    options: dict[str, Any] = {
        "hosts": [url],
        "request_timeout": timeout,
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": (429, 502, 503, 504),
    }
    if api_key:
        options["api_key"] = api_key
    return options


# ---------------------------------------------------------------- the store


def _compat_transport() -> type:
    """A transport asking 8.x-compatible responses, so a 9.x client also talks to 8.x servers.

    Elasticsearch 9 answers requests made `compatible-with=8`; Elasticsearch 8 refuses
    `compatible-with=9`, which the 9.x client sends by default.
    """
    from elastic_transport import Transport

    class Compat8Transport(Transport):  # type: ignore[misc]
        def perform_request(self, method: str, target: str, **kwargs: Any) -> Any:
            headers = kwargs.get("headers")
            if headers is not None:
                for name in ("accept", "content-type"):
                    value = headers.get(name)
                    if value and "compatible-with=9" in value:
                        headers[name] = value.replace("compatible-with=9", "compatible-with=8")
            return super().perform_request(method, target, **kwargs)

    return Compat8Transport


class ElasticsearchStore:
    """The Store protocol on Elasticsearch: one alias of rollover-ready document indices."""

    def __init__(self, url: str, *, index_prefix: str = "placewatch", api_key: str | None = None,
                 refresh: bool = False, timeout: float = 30.0, client: Any = None) -> None:
        self.url = url
        self.prefix = index_prefix
        self.names = names(index_prefix)
        self._refresh = refresh
        self._api_key = api_key
        self._timeout = timeout
        self._client = client

    @classmethod
    def from_config(cls, config: StoreConfig) -> ElasticsearchStore:
        return cls(config.url, index_prefix=config.index_prefix, api_key=config.api_key)

    # ---------------------------------------------------------------- lifecycle

    @property
    def client(self) -> Any:
        if self._client is None:
            import elasticsearch

            options = client_options(self.url, self._api_key, self._timeout)
            if int(elasticsearch.__versionstr__.split(".")[0]) >= 9:
                options["transport_class"] = _compat_transport()
            self._client = elasticsearch.Elasticsearch(**options)
        return self._client

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Turn transport and API failures into one-line StoreErrors."""
        import elasticsearch

        try:
            yield
        except elasticsearch.ConnectionError as exc:
            raise StoreError(f"{self.url}: cannot reach Elasticsearch while {what} ({_reason(exc)})") from None
        except elasticsearch.AuthenticationException:
            raise StoreError(f"{self.url}: Elasticsearch refused the API key (check PLACEWATCH_ES_API_KEY)") from None
        except elasticsearch.ApiError as exc:
            raise StoreError(f"{self.url}: Elasticsearch error while {what}: {_reason(exc)}") from None
        except elasticsearch.TransportError as exc:
            raise StoreError(f"{self.url}: Elasticsearch failed while {what} ({_reason(exc)})") from None

    def setup(self) -> None:
        """Save the template, create the first index behind the alias and the small indices; safe every start."""
        n = self.names
        es = self.client
        with self._errors("setting up indices"):
            es.indices.put_index_template(name=n["template"], **index_template(self.prefix))
            if not es.indices.exists_alias(name=n["alias"]):
                try:
                    es.indices.create(index=n["first_index"],
                                      aliases={n["alias"]: {"is_write_index": True}})
                except Exception as exc:  # another process created it first
                    if "resource_already_exists" not in str(exc):
                        raise
            for index, mappings in ((n["state"], state_mappings()), (n["outbox"], outbox_mappings())):
                if not es.indices.exists(index=index):
                    try:
                        es.indices.create(index=index, mappings=mappings,
                                          settings={"number_of_shards": 1, "number_of_replicas": 0})
                    except Exception as exc:
                        if "resource_already_exists" not in str(exc):
                            raise

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ElasticsearchStore:
        self.setup()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def drop(self) -> None:
        """Delete this prefix's indices and template (tests, and `reset` of a throwaway store)."""
        n = self.names
        with self._errors("deleting indices"):
            self.client.options(ignore_status=404).indices.delete(
                index=f"{n['pattern']},{n['state']},{n['outbox']}")
            self.client.options(ignore_status=404).indices.delete_index_template(name=n["template"])

    def _search(self, body: dict[str, Any], index: str | None = None) -> Mapping[str, Any]:
        with self._errors("searching"):
            response = self.client.search(index=index or self.names["alias"], **search_kwargs(body))
            return response.body  # type: ignore[no-any-return]

    def _bulk(self, actions: Iterable[dict[str, Any]], what: str) -> int:
        """Write through streaming_bulk; returns how many actions succeeded (409 on create ignored)."""
        from elasticsearch import helpers

        done = 0
        with self._errors(what):
            for ok, item in helpers.streaming_bulk(
                self.client, actions, chunk_size=BATCH, max_retries=3, raise_on_error=False,
                refresh="true" if self._refresh else "false",
            ):
                if ok:
                    done += 1
                    continue
                result = next(iter(item.values()))
                if result.get("status") == 409:
                    continue
                raise StoreError(f"{self.url}: Elasticsearch rejected document "
                                 f"{result.get('_id')}: {result.get('error')}")
        return done

    # ---------------------------------------------------------------- raw documents

    def _existing(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored sources by id; each remembers its concrete index under `_index`."""
        if not ids:
            return {}
        with self._errors("reading documents"):
            resp = self.client.mget(index=self.names["alias"], ids=list(ids))
        return {d["_id"]: {**d["_source"], "_index": d["_index"]} for d in resp["docs"] if d.get("found")}

    def _index_of(self, existing: Mapping[str, Any] | None) -> str:
        """Where a document is written: after a rollover, updates go to the index holding it."""
        return str(existing["_index"]) if existing else self.names["alias"]

    def upsert_raw(self, docs: Iterable[RawDocument]) -> int:
        new = 0
        for batch in _batched(docs, BATCH):
            latest = list({d.id: d for d in batch}.values())
            existing = self._existing([d.id for d in latest])
            new += sum(1 for d in latest if d.id not in existing)
            self._bulk(
                ({"_op_type": "index", "_index": self._index_of(existing.get(d.id)), "_id": d.id,
                  "_source": merge_recollected(_stored(existing[d.id]), d) if d.id in existing
                  else document_source(d, None)}
                 for d in latest),
                "storing raw documents",
            )
        return new

    def get_document(self, doc_id: str) -> RawDocument | None:
        found = self._existing([doc_id])
        return doc_from_source(_stored(found[doc_id])) if doc_id in found else None

    def find_by_content_hash(self, content_hash: str) -> str | None:
        resp = self._search({"size": 1, "query": {"term": {"content_hash": content_hash}},
                             "sort": [{"collected": "asc"}, "id"], "_source": ["id"]})
        hits = resp["hits"]["hits"]
        return str(hits[0]["_source"]["id"]) if hits else None

    def existing_ids(self, doc_ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(doc_ids))
        found: set[str] = set()
        for i in range(0, len(wanted), BATCH):
            with self._errors("reading documents"):
                resp = self.client.mget(
                    index=self.names["alias"], ids=wanted[i : i + BATCH], source=False
                )
            found.update(d["_id"] for d in resp["docs"] if d.get("found"))
        return found

    def existing_hashes(self, content_hashes: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(content_hashes))
        found: set[str] = set()
        for i in range(0, len(wanted), BATCH):
            chunk = wanted[i : i + BATCH]
            resp = self._search({
                "size": 0, "query": {"terms": {"content_hash": chunk}},
                "aggs": {"hashes": {"terms": {"field": "content_hash", "size": len(chunk)}}},
            })
            found.update(b["key"] for b in resp["aggregations"]["hashes"]["buckets"])
        return found

    def pending_analysis(self, limit: int = 500) -> list[RawDocument]:
        resp = self._search({"size": limit, "query": {"term": {"analysed": False}},
                             "sort": [{"collected": "asc"}, "id"]})
        return [doc_from_source(h["_source"]) for h in resp["hits"]["hits"]]

    def _scan(self, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every matching source, paged with search_after on the stable document id."""
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"size": BATCH, "query": query, "sort": ["id"]}
            if after is not None:
                body["search_after"] = after
            hits = self._search(body)["hits"]["hits"]
            if not hits:
                return
            for h in hits:
                yield h["_source"]
            after = hits[-1]["sort"]

    def raw_documents(self, since: datetime | None = None) -> Iterator[RawDocument]:
        query = {"range": {"collected": {"gte": _iso(since)}}} if since else {"match_all": {}}
        for s in self._scan(query):
            yield doc_from_source(s)

    def count_raw(self, since: datetime | None = None) -> int:
        query = {"range": {"collected": {"gte": _iso(since)}}} if since else {"match_all": {}}
        with self._errors("counting documents"):
            return int(self.client.count(index=self.names["alias"], query=query)["count"])

    # ---------------------------------------------------------------- analyses

    def save_analyses(self, items: Iterable[tuple[RawDocument, Analysis]]) -> int:
        count = 0
        for batch in _batched(items, BATCH):
            latest = list({d.id: (d, a) for d, a in batch}.values())
            existing = self._existing([d.id for d, _ in latest])
            actions = []
            for d, a in latest:
                source = _stored(existing[d.id]) if d.id in existing else document_source(d, None)
                source.update(analysis_source(doc_from_source(source), a))
                actions.append({"_op_type": "index", "_index": self._index_of(existing.get(d.id)),
                                "_id": d.id, "_source": source})
            self._bulk(actions, "storing analyses")
            count += len(batch)
        return count

    def import_documents(self, docs: Iterable[EnrichedDocument]) -> int:
        count = 0
        for batch in _batched(docs, BATCH):
            latest = list({e.doc.id: e for e in batch}.values())
            existing = self._existing([e.doc.id for e in latest])
            actions = []
            for e in latest:
                doc = e.doc
                if e.doc.id in existing and not doc.raw:
                    # An export carries no raw payload: keep the one collected here.
                    kept = doc_from_source(_stored(existing[e.doc.id])).raw
                    doc = RawDocument(**{**doc.__dict__, "raw": kept})
                actions.append({"_op_type": "index", "_index": self._index_of(existing.get(doc.id)),
                                "_id": doc.id, "_source": document_source(doc, e.analysis)})
            self._bulk(actions, "importing documents")
            count += len(batch)
        return count

    def iter_documents(self) -> Iterator[EnrichedDocument]:
        for s in self._scan({"term": {"analysed": True}}):
            yield EnrichedDocument(doc_from_source(s), analysis_from_source(s))

    # ---------------------------------------------------------------- queries

    def stats(self) -> StoreStats:
        return parse_stats(self._search(stats_request()))

    def ranking(self, f: MentionFilter, limit: int = 20) -> list[PlaceCount]:
        return parse_ranking(self._search(ranking_request(f)), f)[:limit]

    def volume(self, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]:
        return parse_volume(self._search(volume_request(f, bucket)), f)

    def share_of_voice(self, f: MentionFilter, weighted: bool = False) -> ShareOfVoice:
        return parse_share(self._search(share_request(f, weighted)), f, weighted)

    def top_sources(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return parse_voices(self._search(voices_request(f, "source_id")), f, limit)

    def top_authors(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return parse_voices(self._search(voices_request(f, "author", reach="max")), f, limit)

    def cooccurring_places(self, key: str, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return parse_cooccurring(self._search(cooccurring_request(key, f)), limit)

    def top_terms(self, f: MentionFilter, limit: int = 20) -> list[RankedValue]:
        resp = self._search({
            "size": TERMS_SAMPLE, "query": filter_query(f),
            "sort": [{"published": {"order": "desc", "missing": "_last"}}, "id"],
            "_source": ["title", "text", "lang", "mentions.name", "mentions.place_key"],
        })
        hits = [h["_source"] for h in resp["hits"]["hits"]]
        keys = set(f.territories)
        place_words = {
            word for s in hits for m in s.get("mentions") or ()
            if not keys or m["place_key"] in keys for word in terms_of(m["name"])
        }
        texts = (((s.get("title") or "") + "\n" + s["text"], s.get("lang")) for s in hits)
        return [RankedValue(term, n) for term, n in top_terms_of(texts)
                if term not in place_words][:limit]

    def mention_examples(self, key: str, f: MentionFilter, label: SentimentLabel,
                         limit: int = 5) -> list[MentionExample]:
        return parse_examples(self._search(examples_request(key, f, label, limit)), key)

    def search(self, query: str, f: MentionFilter, page: int = 1, size: int = 20,
               order: SearchOrder = "newest") -> SearchPage:
        return parse_search(self._search(search_request(query, f, page, size, order)), page, size)

    # ---------------------------------------------------------------- crawl state

    def get_source_state(self, source_id: str) -> SourceState | None:
        with self._errors("reading source state"):
            resp = self.client.options(ignore_status=404).get(index=self.names["state"], id=source_id)
        return state_from_source(resp["_source"]) if resp.get("found") else None

    def save_source_state(self, state: SourceState) -> None:
        with self._errors("saving source state"):
            self.client.index(index=self.names["state"], id=state.source_id,
                              document=state_source(state), refresh=self._refresh_param())

    def source_states(self) -> list[SourceState]:
        resp = self._search({"size": 10_000, "query": {"match_all": {}}, "sort": ["source_id"]},
                            index=self.names["state"])
        return [state_from_source(h["_source"]) for h in resp["hits"]["hits"]]

    def _refresh_param(self) -> str:
        return "true" if self._refresh else "false"

    # ---------------------------------------------------------------- outbox

    def enqueue(self, messages: Sequence[OutboxMessage]) -> int:
        unique = list({m.key: m for m in reversed(messages)}.values())
        return self._bulk(
            ({"_op_type": "create", "_index": self.names["outbox"], "_id": m.key,
              "_source": message_source(m)} for m in unique),
            "queueing messages",
        )

    def due_messages(self, now: datetime) -> list[OutboxMessage]:
        resp = self._search({
            "size": 10_000,
            "query": {"bool": {
                "must_not": [{"exists": {"field": "sent"}}],
                "filter": [{"range": {"next_attempt": {"lte": _iso(now)}}}],
            }},
            "sort": [{"created": "asc"}, "key"],
        }, index=self.names["outbox"])
        return [message_from_source(h["_source"]) for h in resp["hits"]["hits"]]

    def _update_message(self, key: str, script: str, params: dict[str, Any]) -> None:
        with self._errors("updating the outbox"):
            self.client.options(ignore_status=404).update(
                index=self.names["outbox"], id=key, script={"source": script, "params": params},
                refresh=self._refresh_param(), retry_on_conflict=3,
            )

    def mark_sent(self, key: str, when: datetime) -> None:
        self._update_message(
            key, "ctx._source.sent = params.sent; ctx._source.attempts += 1; "
                 "ctx._source.last_error = null", {"sent": _iso(when)})

    def mark_failed(self, key: str, error: str, next_attempt: datetime) -> None:
        self._update_message(
            key, "ctx._source.attempts += 1; ctx._source.last_error = params.error; "
                 "ctx._source.next_attempt = params.next", {"error": error[:500], "next": _iso(next_attempt)})

    def sent_messages(self, since: datetime | None = None) -> list[OutboxMessage]:
        query: dict[str, Any] = {"exists": {"field": "sent"}}
        if since is not None:
            query = {"range": {"sent": {"gte": _iso(since)}}}
        resp = self._search({"size": 10_000, "query": query, "sort": [{"sent": "desc"}]},
                            index=self.names["outbox"])
        return [message_from_source(h["_source"]) for h in resp["hits"]["hits"]]


def _stored(source: Mapping[str, Any]) -> dict[str, Any]:
    """A stored source without the bookkeeping `_index` key."""
    return {k: v for k, v in source.items() if k != "_index"}


def _reason(exc: Exception) -> str:
    """One line saying why a request failed."""
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            root = (error.get("root_cause") or [error])[0]
            return f"{root.get('type')}: {root.get('reason')}"
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:300]


def _batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = [
    "ElasticsearchStore",
    "document_mappings",
    "index_template",
    "ranking_request",
    "search_request",
    "to_es",
    "volume_request",
]
