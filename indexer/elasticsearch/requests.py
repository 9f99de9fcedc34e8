"""Query DSL for the Elasticsearch store's questions, and their answers read back (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

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
from indexer.elasticsearch.documents import analysis_from_source, doc_from_source, iso

MAX_PLACES = 10_000  # terms buckets per aggregation: every place a ranking can show
EXACT_UP_TO = 40_000  # cardinality counts (syndicated stories) are exact below this


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
        period["gte"] = iso(f.since)
    if f.until is not None:
        period["lt"] = iso(f.until)
    if period:
        clauses.append({"range": {"published": period}})
    elif dated_only:
        clauses.append({"exists": {"field": "published"}})
    if f.source_types:
        clauses.append({"terms": {"source_type": list(f.source_types)}})
    if f.source_ids:
        clauses.append({"terms": {"source_id": list(f.source_ids)}})
    if f.authors:
        clauses.append({"terms": {"author": list(f.authors)}})
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
    """Per place: mentions, reach, and mentions by sentiment label, all from doc values.

    Names and locations come from `places_request` for the places shown: a `top_hits` per
    place would load each hit's whole `_source`, raw page included, to read one mention.
    """
    per_place = {
        **_count_aggs(f),
        "labels": {"terms": {"field": "mentions.label", "size": 3}, "aggs": _count_aggs(f)},
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
    """Places by mentions (then reach, then key), named by their key until `with_places`."""
    out: list[PlaceCount] = []
    for b in response["aggregations"]["m"]["f"]["places"]["buckets"]:
        labels = {lb["key"]: _bucket_count(lb, f) for lb in b["labels"]["buckets"]}
        out.append(PlaceCount(
            key=b["key"], name=b["key"], territory=None, kind="place",
            mentions=_bucket_count(b, f), reach=int(b["reach"]["value"]),
            positive=labels.get("positive", 0), neutral=labels.get("neutral", 0),
            negative=labels.get("negative", 0),
        ))
    out.sort(key=lambda p: (-p.mentions, -p.reach, p.key))
    return out


def places_request(keys: Sequence[str]) -> dict[str, Any]:
    """Name, territory, kind and location of a few places, from doc values (no `_source`)."""
    keyed = {"terms": {"mentions.place_key": list(keys)}}
    one = {"size": 1}
    return {
        "size": 0,
        "query": {"nested": {"path": "mentions", "query": keyed}},
        "aggs": {"m": {"nested": {"path": "mentions"}, "aggs": {"f": {"filter": keyed, "aggs": {
            "places": {"terms": {"field": "mentions.place_key", "size": len(keys)}, "aggs": {
                "name": {"terms": {"field": "mentions.name", **one}},
                "territory": {"terms": {"field": "mentions.territory", **one}},
                "kind": {"terms": {"field": "mentions.kind", **one}},
                "location": {"geo_centroid": {"field": "mentions.location"}},
            }},
        }}}}},
    }


PlaceMeta = tuple[str, str | None, str, float | None, float | None]  # name, territory, kind, lat, lon


def parse_places(response: Mapping[str, Any]) -> dict[str, PlaceMeta]:
    def first(b: Mapping[str, Any], name: str) -> str | None:
        buckets = b[name]["buckets"]
        return str(buckets[0]["key"]) if buckets else None

    out: dict[str, PlaceMeta] = {}
    for b in response["aggregations"]["m"]["f"]["places"]["buckets"]:
        location = (b.get("location") or {}).get("location") or {}
        out[b["key"]] = (first(b, "name") or b["key"], first(b, "territory"),
                         first(b, "kind") or "place", location.get("lat"), location.get("lon"))
    return out


def with_places(counts: Sequence[PlaceCount], places: Mapping[str, PlaceMeta]) -> list[PlaceCount]:
    """Ranked places with their names and locations filled in."""
    out = []
    for p in counts:
        meta = places.get(p.key)
        if meta is None:
            out.append(p)
            continue
        name, territory, kind, lat, lon = meta
        out.append(replace(p, name=name, territory=territory, kind=kind, lat=lat, lon=lon))
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


STORY_PAGE = 5_000  # (place, story) pairs per composite page: far below `search.max_buckets`


def share_request(f: MentionFilter, weighted: bool) -> dict[str, Any]:
    """Mentions (or reach) per place; reach with copies counted once is `story_reach_request`'s."""
    return {
        "size": 0,
        "query": filter_query(f),
        "aggs": {"m": _mention_filter_agg(f, {
            "places": {"terms": {"field": "mentions.place_key", "size": MAX_PLACES},
                       "aggs": _count_aggs(f)}
        })},
    }


def parse_share(response: Mapping[str, Any], f: MentionFilter, weighted: bool) -> ShareOfVoice:
    counts: dict[str, int] = {}
    for b in response["aggregations"]["m"]["f"]["places"]["buckets"]:
        counts[b["key"]] = int(b["reach"]["value"]) if weighted else _bucket_count(b, f)
    return share_of(counts, f, weighted)


def share_of(counts: dict[str, int], f: MentionFilter, weighted: bool) -> ShareOfVoice:
    for key in f.territories:
        counts.setdefault(key, 0)
    return ShareOfVoice(total=sum(counts.values()), counts=counts, weighted_by_reach=weighted)


def story_reach_request(f: MentionFilter, after: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One page of (place, story) pairs with the widest reach of the story's copies.

    A syndicated story reaches the audience of its widest copy, once. Paged with a composite
    aggregation, so a big group or a big place never meets `search.max_buckets` (65,536 per
    response) and never loses stories past a `terms` size.
    """
    composite: dict[str, Any] = {
        "size": STORY_PAGE,
        "sources": [{"place": {"terms": {"field": "mentions.place_key"}}},
                    {"story": {"terms": {"field": "mentions.story"}}}],
    }
    if after is not None:
        composite["after"] = dict(after)
    return {
        "size": 0,
        "query": filter_query(f),
        "aggs": {"m": _mention_filter_agg(f, {
            "pairs": {"composite": composite, "aggs": {"widest": {"max": {"field": "mentions.reach"}}}}
        })},
    }


def parse_story_reach(
    response: Mapping[str, Any], into: dict[str, int]
) -> Mapping[str, Any] | None:
    """Add a page's widest reaches into per-place totals; the next page's `after`, or None."""
    pairs = response["aggregations"]["m"]["f"]["pairs"]
    for b in pairs["buckets"]:
        place = b["key"]["place"]
        into[place] = into.get(place, 0) + int(b["widest"]["value"] or 0)
    if len(pairs["buckets"]) < STORY_PAGE:
        return None
    after: Mapping[str, Any] | None = pairs.get("after_key")
    return after


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


VOICE_FIELDS: dict[str, tuple[str, str]] = {  # kind of voice -> its field, how its reach adds up
    "author": ("author", "max"),
    "source": ("source_id", "sum"),
}


def voice_summaries_request(f: MentionFilter, by: VoiceField, values: Sequence[str]) -> dict[str, Any]:
    """For a few voices already ranked: sentiment, dates and watched territories, one bucket each."""
    field, _ = VOICE_FIELDS[by]
    query = filter_query(f)
    query["bool"]["filter"].append({"terms": {field: list(values)}})
    labels = {"terms": {"field": "mentions.label", "size": 3}, "aggs": _count_aggs(f)}
    watched = {"filter": {"term": {"mentions.watched": True}},
               "aggs": {"t": {"terms": {"field": "mentions.place_key", "size": MAX_PLACES}}}}
    return {
        "size": 0,
        "query": query,
        "aggs": {"v": {
            "terms": {"field": field, "size": max(1, len(values))},
            "aggs": {
                "first": {"min": {"field": "published"}},
                "last": {"max": {"field": "published"}},
                "m": _mention_filter_agg(f, {"labels": labels, "watched": watched}),
            },
        }},
    }


def _date_value(agg: Mapping[str, Any]) -> datetime | None:
    """A min/max date aggregation's value (epoch milliseconds; null without dated documents)."""
    value = agg.get("value")
    return datetime.fromtimestamp(value / 1000, UTC) if value is not None else None


def parse_voice_summaries(response: Mapping[str, Any], ranked: Sequence[RankedValue],
                          f: MentionFilter) -> list[VoiceSummary]:
    """The ranked voices, in their order, with what the summaries request found for each."""
    found = {str(b["key"]): b for b in response["aggregations"]["v"]["buckets"]}
    out = []
    for v in ranked:
        b = found.get(v.value)
        if b is None:
            out.append(VoiceSummary(v.value, v.mentions, v.reach, v.label))
            continue
        inner = b["m"]["f"]
        by_label = {lb["key"]: _bucket_count(lb, f) for lb in inner["labels"]["buckets"]}
        out.append(VoiceSummary(
            value=v.value, mentions=v.mentions, reach=v.reach, label=v.label,
            positive=by_label.get("positive", 0), negative=by_label.get("negative", 0),
            first_published=_date_value(b["first"]), last_published=_date_value(b["last"]),
            territories=tuple(sorted(str(t["key"]) for t in inner["watched"]["t"]["buckets"])),
        ))
    return out


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


_RENAMED = {"from": "from_", "_source": "source"}


def search_kwargs(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body as keyword arguments of the client's `search` (`from` is `from_`)."""
    return {_RENAMED.get(key, key): value for key, value in body.items()}
