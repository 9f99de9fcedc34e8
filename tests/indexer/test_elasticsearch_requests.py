"""Elasticsearch request building, checked without a cluster: mapping, Query DSL, errors."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from core.errors import QuerySyntaxError, StoreError
from indexer.base import HIGHLIGHT_END, HIGHLIGHT_START, MentionFilter
from indexer.elasticsearch import ElasticsearchStore
from indexer.elasticsearch.documents import doc_from_source, document_source, merge_recollected
from indexer.elasticsearch.mappings import index_template, names
from indexer.elasticsearch.requests import (
    parse_places,
    parse_ranking,
    ranking_request,
    volume_request,
    with_places,
)
from indexer.elasticsearch.search import search_request, to_es
from indexer.query import parse_query
from tests.indexer.store_corpus import T0, corpus


def test_template_maps_ids_text_dates_places() -> None:
    body = index_template("pw")
    assert body["index_patterns"] == ["pw-documents-*"]
    props = body["template"]["mappings"]["properties"]
    assert body["template"]["mappings"]["dynamic"] == "strict"
    for key in ("id", "source_id", "source_type", "author", "lang", "story", "content_hash"):
        assert props[key]["type"] == "keyword"
    assert props["published"]["type"] == props["collected"]["type"] == "date"
    assert props["text"]["fields"]["fr"]["analyzer"] == "fr_folded"
    assert props["text"]["fields"]["en"]["analyzer"] == "en_folded"
    analyzers = body["template"]["settings"]["analysis"]["analyzer"]
    assert {"folded", "fr_folded", "en_folded"} <= set(analyzers)
    assert "asciifolding" in analyzers["fr_folded"]["filter"]
    assert props["mentions"]["type"] == "nested"
    assert props["mentions"]["properties"]["location"]["type"] == "geo_point"
    assert props["raw"]["type"] == "binary"
    assert props["places"]["enabled"] is False


def test_alias_points_at_a_rollover_ready_first_index() -> None:
    n = names("pw")
    assert n["alias"] == "pw-documents"
    assert n["first_index"] == "pw-documents-000001"
    assert n["first_index"].startswith(n["pattern"].rstrip("*"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("neige", {"multi_match": {"query": "neige", "type": "phrase",
                                   "fields": ["title", "title.fr", "title.en", "text", "text.fr", "text.en"]}}),
        ("Séj*", {"bool": {"should": [{"prefix": {"title": {"value": "sej"}}},
                                      {"prefix": {"text": {"value": "sej"}}}],
                           "minimum_should_match": 1}}),
    ],
)
def test_terms(query: str, expected: dict) -> None:
    node = parse_query(query)
    assert node is not None
    assert to_es(node) == expected


def _texts(dsl: object) -> list[str]:
    """The query strings in a DSL tree, in order."""
    if isinstance(dsl, dict):
        if "multi_match" in dsl:
            return [dsl["multi_match"]["query"]]
        return [t for v in dsl.values() for t in _texts(v)]
    if isinstance(dsl, list):
        return [t for v in dsl for t in _texts(v)]
    return []


def test_boolean_structure() -> None:
    dsl = to_es(parse_query("Thorens NOT neige"))  # type: ignore[arg-type]
    assert _texts(dsl["bool"]["must"]) == ["Thorens"]
    assert _texts(dsl["bool"]["must_not"]) == ["neige"]
    dsl = to_es(parse_query("(neige OR pluie) AND Chamonix"))  # type: ignore[arg-type]
    left, right = dsl["bool"]["must"]
    assert left["bool"]["minimum_should_match"] == 1
    assert _texts(left["bool"]["should"]) == ["neige", "pluie"]
    assert _texts(right) == ["Chamonix"]
    phrase = to_es(parse_query('"lifts closed"'))  # type: ignore[arg-type]
    assert phrase["multi_match"]["type"] == "phrase"
    assert phrase["multi_match"]["query"] == "lifts closed"


def test_search_request_folds_fields_into_filters_and_highlights() -> None:
    req = search_request("Thorens lang:en territory:tignes sentiment:negative", MentionFilter(), 3, 20)
    assert req["from"] == 40 and req["size"] == 20
    filters = req["query"]["bool"]["filter"]
    assert {"terms": {"lang": ["en"]}} in filters
    nested = next(c["nested"] for c in filters if "nested" in c)
    inner = nested["query"]["bool"]["filter"]
    assert {"terms": {"mentions.place_key": ["tignes"]}} in inner
    assert {"term": {"mentions.label": "negative"}} in inner
    assert _texts(req["query"]["bool"]["must"]) == ["Thorens"]
    assert req["highlight"]["pre_tags"] == [HIGHLIGHT_START]
    assert req["highlight"]["post_tags"] == [HIGHLIGHT_END]
    assert req["track_total_hits"] == 10_000  # exact up to the result window, then "N+"


def test_an_authors_filter_is_a_document_level_term_filter() -> None:
    """The author is a keyword on the document (as the contract suite checks on a real cluster)."""
    filters = search_request("", MentionFilter(authors=("Alice", "bob")), 1, 20)["query"]["bool"]["filter"]
    assert {"terms": {"author": ["Alice", "bob"]}} in filters


def test_search_request_sorts_newest_first_unless_relevance_is_asked() -> None:
    newest = [{"published": {"order": "desc", "missing": "_last"}}, "id"]
    assert search_request("neige", MentionFilter(), 1, 20)["sort"] == newest
    assert search_request("", MentionFilter(), 1, 20)["sort"] == newest
    assert search_request("neige", MentionFilter(), 1, 20, "relevance")["sort"] == ["_score", *newest]
    oldest = [{"published": {"order": "asc", "missing": "_last"}}, "id"]
    assert search_request("", MentionFilter(), 1, 20, "oldest")["sort"] == oldest
    assert search_request("neige", MentionFilter(), 1, 20, "oldest")["sort"] == oldest


@pytest.mark.parametrize(("query", "position"), [("neige AND (pluie", 10), ('"unclosed', 0)])
def test_search_syntax_errors_say_where(query: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        search_request(query, MentionFilter(), 1, 20)
    assert err.value.position == position


def test_ranking_request_counts_in_the_nested_mentions() -> None:
    f = MentionFilter(since=T0, until=T0 + timedelta(days=7), sentiment="negative",
                      watched_only=True, langs=("fr",), syndicated_once=True)
    req = ranking_request(f)
    filters = req["query"]["bool"]["filter"]
    assert {"range": {"published": {"gte": T0.isoformat(),
                                    "lt": (T0 + timedelta(days=7)).isoformat()}}} in filters
    assert {"terms": {"lang": ["fr"]}} in filters
    agg = req["aggs"]["m"]
    assert agg["nested"] == {"path": "mentions"}
    inner = agg["aggs"]["f"]["filter"]["bool"]["filter"]
    assert {"term": {"mentions.label": "negative"}} in inner
    assert {"term": {"mentions.watched": True}} in inner
    places = agg["aggs"]["f"]["aggs"]["places"]
    assert places["aggs"]["stories"]["cardinality"]["field"] == "mentions.story"
    assert req["size"] == 0


@pytest.mark.parametrize(("bucket", "interval"), [("hour", "1h"), ("day", "1d"), ("week", "1w")])
def test_volume_buckets_are_calendar_intervals_in_utc(bucket: str, interval: str) -> None:
    req = volume_request(MentionFilter(), bucket)  # type: ignore[arg-type]
    hist = req["aggs"]["t"]["date_histogram"]
    assert (hist["calendar_interval"], hist["time_zone"]) == (interval, "UTC")
    assert {"exists": {"field": "published"}} in req["query"]["bool"]["filter"]
    with pytest.raises(ValueError):
        volume_request(MentionFilter(), "month")  # type: ignore[arg-type]


def test_parse_ranking() -> None:
    response = {"aggregations": {"m": {"f": {"places": {"buckets": [
        {"key": "chamonix", "doc_count": 2, "reach": {"value": 3000.0},
         "labels": {"buckets": [{"key": "positive", "doc_count": 2}]}},
        {"key": "val-thorens", "doc_count": 4, "reach": {"value": 3100.0},
         "labels": {"buckets": [{"key": "positive", "doc_count": 3}, {"key": "negative", "doc_count": 1}]}},
    ]}}}}}
    places = {"aggregations": {"m": {"f": {"places": {"buckets": [
        {"key": "chamonix", "name": {"buckets": [{"key": "Chamonix"}]},
         "territory": {"buckets": [{"key": "chamonix"}]}, "kind": {"buckets": [{"key": "resort"}]},
         "location": {"count": 0}},
        {"key": "val-thorens", "name": {"buckets": [{"key": "Val Thorens"}]},
         "territory": {"buckets": [{"key": "val-thorens"}]}, "kind": {"buckets": [{"key": "resort"}]},
         "location": {"location": {"lat": 45.3, "lon": 6.58}, "count": 4}},
    ]}}}}}
    vt, cham = with_places(parse_ranking(response, MentionFilter()), parse_places(places))
    assert (vt.key, vt.mentions, vt.reach, vt.positive, vt.negative, vt.lat) == (
        "val-thorens", 4, 3100, 3, 1, 45.3)
    assert (cham.name, cham.neutral) == ("Chamonix", 0)


def test_documents_keep_raw_payload_and_one_mention_per_place() -> None:
    d1, a1 = corpus()[0]
    a1 = replace(a1, places=(*a1.places, a1.places[0]))  # Val Thorens named twice
    source = document_source(d1, a1)
    assert doc_from_source(source) == d1
    assert [m["place_key"] for m in source["mentions"]] == ["val-thorens", "chamonix"]
    vt = source["mentions"][0]
    assert (vt["occurrences"], vt["label"], vt["reach"], vt["story"]) == (2, "positive", 1000, "d1")
    assert vt["location"] == {"lat": 45.298, "lon": 6.58}
    pending = document_source(d1, None)
    assert pending["analysed"] is False and pending["mentions"] == []


def test_recollected_document_keeps_analysis_unless_text_changed() -> None:
    d1, a1 = corpus()[0]
    old = document_source(d1, a1)
    more_followers = replace(d1, engagement=replace(d1.engagement, followers=5000))
    merged = merge_recollected(old, more_followers)
    assert merged["analysed"] is True
    assert {m["reach"] for m in merged["mentions"]} == {5000}
    edited = merge_recollected(old, replace(d1, text=d1.text + " Edit."))
    assert edited["analysed"] is False and edited["mentions"] == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_cluster_is_a_clear_store_error() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    store = ElasticsearchStore(url, index_prefix="pw", timeout=2)
    start = time.monotonic()
    with pytest.raises(StoreError) as err:
        store.setup()
    assert time.monotonic() - start < 15
    message = str(err.value)
    assert url in message and "cannot reach Elasticsearch" in message
    assert "\n" not in message
    with pytest.raises(StoreError):
        store.upsert_raw([corpus()[0][0]])
    store.close()


def test_every_request_is_a_valid_client_call() -> None:
    import inspect

    from elasticsearch import Elasticsearch

    from indexer.elasticsearch.requests import (
        cooccurring_request,
        examples_request,
        places_request,
        search_kwargs,
        share_request,
        stats_request,
        story_reach_request,
        voice_summaries_request,
        voices_request,
    )
    from indexer.elasticsearch.search import page_request, skip_request

    accepted = set(inspect.signature(Elasticsearch.search).parameters)
    f = MentionFilter(since=T0, territories=("val-thorens",), syndicated_once=True)
    for body in (
        ranking_request(f), volume_request(f, "day"), share_request(f, True), stats_request(),
        voices_request(f, "author", reach="max"), voice_summaries_request(f, "source", ["masto"]),
        cooccurring_request("val-thorens", f),
        examples_request("val-thorens", f, "negative", 5), search_request("neige", f, 2, 10),
        places_request(["val-thorens"]), story_reach_request(f, {"place": "a", "story": "b"}),
        skip_request(search_request("neige", f, 600, 20), "pit", 10, [1]),
        page_request(search_request("neige", f, 600, 20), "pit", [1]),
    ):
        assert set(search_kwargs(body)) <= accepted
