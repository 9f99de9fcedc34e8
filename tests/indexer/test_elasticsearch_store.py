"""What the Elasticsearch store sends a cluster, checked offline against a loopback fake.

Each test answers as Elasticsearch 8.x documents it would and asserts the requests the
store made through the real client: TLS, prefix search, deep pages, refresh, rollover,
bucket limits, drop, concurrent writes, outbox retries, privileges and replicas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from config import load_config
from core.errors import StoreError
from indexer.base import MentionFilter, OutboxMessage, SourceState
from indexer.elasticsearch import ElasticsearchStore
from indexer.elasticsearch.documents import document_source
from indexer.elasticsearch.mappings import document_mappings
from tests.indexer.es_loopback import (
    Cluster,
    Request,
    bulk_actions,
    bulk_ok,
    hits,
    self_signed,
    serve,
)
from tests.indexer.store_corpus import T0, corpus

OLD, NEW = "pw-documents-000001", "pw-documents-000002"


def _cluster(indices: tuple[str, ...] = (OLD,), alias_exists: bool = True) -> Cluster:
    """A set-up cluster: the alias over `indices`, the small indices, empty answers."""
    c = Cluster()
    c.on("HEAD", r"/_alias/pw-documents", (200 if alias_exists else 404, {}))
    c.on("HEAD", r"/pw-(source-state|outbox|watchlists)", (200, {}))
    c.on("GET", r"/_alias/pw-documents", (200, {i: {"aliases": {"pw-documents": {}}} for i in indices}))
    c.on("GET", r"/pw-documents/_mapping", (200, {i: {"mappings": document_mappings()} for i in indices}))
    c.on("POST", r"/_mget", lambda r: (200, {"docs": [{**d, "found": False} for d in r.body["docs"]]}))
    c.on("PUT", r"/_bulk", bulk_ok)
    c.on("POST", r"/_bulk", bulk_ok)
    c.on("POST", r"/[^/]*/?_search", (200, hits([])))
    return c


@pytest.fixture
def cluster() -> Cluster:
    return _cluster()


@pytest.fixture
def store(cluster: Cluster) -> Iterator[ElasticsearchStore]:
    with serve(cluster) as url:
        s = ElasticsearchStore(url, index_prefix="pw", timeout=5)
        yield s
        s.close()


# ---------------------------------------------------------------- 1. TLS


def test_an_untrusted_certificate_is_named_as_such(tmp_path: Path) -> None:
    cert, key, _ = self_signed(tmp_path)
    with serve(_cluster(), cert, key) as url:
        store = ElasticsearchStore(url, index_prefix="pw", timeout=5)
        with pytest.raises(StoreError) as err:
            store.setup()
        store.close()
    message = str(err.value)
    assert "TLS certificate is not trusted" in message and "ca_certs" in message
    assert url in message and "\n" not in message


def test_the_clusters_ca_file_or_fingerprint_is_trusted(tmp_path: Path) -> None:
    cert, key, fingerprint = self_signed(tmp_path)
    colons = ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()  # as openssl prints it
    for trust in ({"ca_certs": cert}, {"ca_fingerprint": fingerprint}, {"ca_fingerprint": colons}):
        cluster = _cluster()
        with serve(cluster, cert, key) as url:
            store = ElasticsearchStore(url, index_prefix="pw", timeout=5, **trust)  # type: ignore[arg-type]
            store.setup()
            store.close()
        assert cluster.sent("HEAD", r"/_alias/pw-documents"), trust


def test_tls_settings_need_an_https_url(tmp_path: Path) -> None:
    cert, _, _ = self_signed(tmp_path)
    store = ElasticsearchStore("http://127.0.0.1:9", index_prefix="pw", ca_certs=cert)
    with pytest.raises(StoreError, match="need an https:// URL"):
        store.setup()
    store = ElasticsearchStore("https://127.0.0.1:9", index_prefix="pw", ca_fingerprint="abc")
    with pytest.raises(StoreError, match="64 hex digits"):
        store.setup()


def test_config_reads_the_ca_file_beside_it_and_the_fingerprint_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "placewatch.toml"
    path.write_text('[store]\nbackend = "elasticsearch"\nurl = "https://es.example:9200"\n'
                    'ca_certs = "certs/http_ca.crt"\nreplicas = 2\n')
    config = load_config(path, env={"PLACEWATCH_ES_CA_FINGERPRINT": "ab" * 32})
    assert config.store.ca_certs == tmp_path / "certs" / "http_ca.crt"
    assert config.store.ca_fingerprint == "ab" * 32
    assert config.store.replicas == 2


# ---------------------------------------------------------------- 2. prefix search


def _search_body(cluster: Cluster) -> dict[str, Any]:
    sent = cluster.sent("POST", r"/pw-documents/_search")
    assert sent, "no search was sent"
    return dict(sent[-1].body)


def test_a_one_word_prefix_is_a_prefix_query_on_every_word(store: ElasticsearchStore, cluster: Cluster) -> None:
    store.search("Ski*", MentionFilter())
    must = _search_body(cluster)["query"]["bool"]["must"][0]
    assert must == {"bool": {"should": [{"prefix": {"title": {"value": "ski"}}},
                                        {"prefix": {"text": {"value": "ski"}}}],
                             "minimum_should_match": 1}}
    assert "phrase_prefix" not in str(must)  # which expands only the first 50 words


def test_a_prefix_of_several_words_stays_a_phrase(store: ElasticsearchStore, cluster: Cluster) -> None:
    store.search("Val-Tho*", MentionFilter())
    must = _search_body(cluster)["query"]["bool"]["must"][0]
    assert must["multi_match"]["type"] == "phrase_prefix"
    assert must["multi_match"]["query"] == "val-tho"


# ---------------------------------------------------------------- 3. deep pages


def test_totals_are_tracked_to_the_window_then_said_to_be_a_lower_bound(
    store: ElasticsearchStore, cluster: Cluster
) -> None:
    d1, a1 = corpus()[0]
    cluster.on("POST", r"/pw-documents/_search",
               (200, hits([document_source(d1, a1)], total=10_000, relation="gte")))
    page = store.search("neige", MentionFilter())
    assert _search_body(cluster)["track_total_hits"] == 10_000
    assert (page.total, page.total_is_lower_bound) == (10_000, True)


def test_a_page_past_the_window_walks_there_in_a_point_in_time(
    store: ElasticsearchStore, cluster: Cluster
) -> None:
    d1, a1 = corpus()[0]
    walked: list[Request] = []

    def pit_search(r: Request) -> tuple[int, Any]:
        walked.append(r)
        if r.body.get("_source") is False:  # a skip: sort values only
            n = r.body["size"]
            start = r.body.get("search_after", [0])[0]
            return 200, {"pit_id": "pit-2", "hits": {"total": {"value": 0, "relation": "gte"}, "hits": [
                {"_id": f"x{i}", "sort": [start + i + 1]} for i in range(n)]}}
        answer = hits([document_source(d1, a1)], total=10_000, relation="gte")
        return 200, {**answer, "pit_id": "pit-3"}

    cluster.on("POST", r"/pw-documents/_pit", (200, {"id": "pit-1"}))
    cluster.on("POST", r"/_search", pit_search)
    cluster.on("DELETE", r"/_pit", (200, {"succeeded": True, "num_freed": 1}))
    page = store.search("neige", MentionFilter(), page=751, size=20)  # hits 15,000-15,019

    assert cluster.sent("POST", r"/pw-documents/_pit")[0].params["keep_alive"] == "1m"
    skips, final = walked[:-1], walked[-1]
    assert [r.body["size"] for r in skips] == [10_000, 5_000]
    assert skips[0].body["pit"]["id"] == "pit-1" and "search_after" not in skips[0].body
    assert skips[1].body["pit"]["id"] == "pit-2" and skips[1].body["search_after"] == [10_000]
    assert final.body["search_after"] == [15_000] and "from" not in final.body
    assert final.body["size"] == 20 and "highlight" in final.body
    assert {r.path for r in walked} == {"/_search"}  # a search in a point in time names no index
    assert cluster.sent("DELETE", r"/_pit")[0].body == {"id": "pit-3"}
    assert [h.doc.id for h in page.hits] == ["d1"]
    assert page.total >= 15_001 and page.total_is_lower_bound


# ---------------------------------------------------------------- 4. reads right after writes


def _refresh_of(requests: list[Request]) -> list[str | None]:
    return [r.params.get("refresh") for r in requests]


def test_the_last_batch_of_a_write_waits_until_searches_see_it(
    store: ElasticsearchStore, cluster: Cluster
) -> None:
    d1, a1 = corpus()[0]
    many = [replace(d1, id=f"n{i}") for i in range(501)]  # two batches of at most 500
    assert store.upsert_raw(many) == 501
    assert _refresh_of(cluster.sent("PUT", r"/_bulk")) == ["false", "wait_for"]
    del cluster.requests[:]
    store.save_analyses([(d1, a1)])
    store.import_documents([])
    store.enqueue([OutboxMessage("k1", "email", {"n": 1}, T0)])
    assert _refresh_of(cluster.sent("PUT", r"/_bulk")) == ["wait_for", "wait_for"]
    store.save_source_state(SourceState("feed", documents=3))
    store.mark_sent("k1", T0)
    store.mark_failed("k1", "451", T0 + timedelta(hours=1))
    assert cluster.sent("PUT", r"/pw-source-state/_doc/feed")[0].params["refresh"] == "wait_for"
    assert _refresh_of(cluster.sent("POST", r"/pw-outbox/_update/k1")) == ["wait_for", "wait_for"]
    assert not any(r.params.get("refresh") == "true" for r in cluster.requests)
    assert not cluster.sent("POST", r".*/_refresh")


def test_the_contract_suite_uses_the_stores_own_refresh_policy() -> None:
    source = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
    assert "refresh" not in source.split("def _es_store", 1)[1].split("return store", 1)[0].replace(
        "refresh policy", "")


# ---------------------------------------------------------------- 5. rollover


def test_after_a_rollover_documents_are_read_in_each_index_and_updated_where_they_live() -> None:
    (d1, a1), (d2, _a2) = corpus()[:2]
    cluster = _cluster(indices=(NEW, OLD))

    def mget(r: Request) -> tuple[int, Any]:
        docs = []
        for item in r.body["docs"]:
            found = item["_id"] == "d1" and item["_index"] == OLD
            docs.append({**item, "found": found, **({"_seq_no": 7, "_primary_term": 2,
                         "_source": document_source(d1, a1)} if found else {})})
        return 200, {"docs": docs}

    cluster.on("POST", r"/_mget", mget)
    with serve(cluster) as url, ElasticsearchStore(url, index_prefix="pw", timeout=5) as store:
        assert store.upsert_raw([d1, d2]) == 1
        assert store.existing_ids(["d1", "d2"]) == {"d1"}
    asked = cluster.sent("POST", r"/_mget")[0].body["docs"]
    assert {(d["_index"], d["_id"]) for d in asked} == {(i, d) for i in (OLD, NEW) for d in ("d1", "d2")}
    assert all("index" not in r.params and not r.path.startswith("/pw-documents/") for r in cluster.sent("POST", r".*/_mget"))
    actions = {meta["_id"]: (op, meta) for op, meta, _ in bulk_actions(cluster.sent("PUT", r"/_bulk")[0])}
    assert actions["d1"] == ("index", {"_index": OLD, "_id": "d1", "if_seq_no": 7, "if_primary_term": 2})
    assert actions["d2"] == ("create", {"_index": "pw-documents", "_id": "d2"})


def test_a_write_that_raced_another_is_redone_from_a_fresh_read(store: ElasticsearchStore, cluster: Cluster) -> None:
    d1, a1 = corpus()[0]
    reads = iter([
        {"_seq_no": 3, "_primary_term": 1, "_source": document_source(d1, None)},
        # meanwhile the crawl stored a new follower count
        {"_seq_no": 4, "_primary_term": 1, "_source": document_source(
            replace(d1, engagement=replace(d1.engagement, followers=9000)), None)},
    ])

    def mget(r: Request) -> tuple[int, Any]:
        return 200, {"docs": [{**d, "found": True, **next(reads)} for d in r.body["docs"]]}

    bulks: list[Request] = []

    def bulk(r: Request) -> tuple[int, Any]:
        bulks.append(r)
        if len(bulks) == 1:
            return 200, {"errors": True, "items": [{"index": {"_id": "d1", "status": 409, "error": {
                "type": "version_conflict_engine_exception"}}}]}
        return bulk_ok(r)

    cluster.on("POST", r"/_mget", mget)
    cluster.on("PUT", r"/_bulk", bulk)
    store.save_analyses([(d1, a1)])
    (_, first, _), = bulk_actions(bulks[0])
    (_, second, source), = bulk_actions(bulks[1])
    assert (first["if_seq_no"], second["if_seq_no"]) == (3, 4)
    assert source is not None and source["followers"] == 9000 and source["analysed"] is True


def test_a_document_that_never_stops_changing_is_a_clear_error(store: ElasticsearchStore, cluster: Cluster) -> None:
    d1, _ = corpus()[0]
    cluster.on("PUT", r"/_bulk", (200, {"errors": True, "items": [
        {"create": {"_id": "d1", "status": 409, "error": {"type": "version_conflict_engine_exception"}}}]}))
    with pytest.raises(StoreError, match="kept changing while storing raw documents"):
        store.upsert_raw([d1])
    assert len(cluster.sent("PUT", r"/_bulk")) == 5
    assert len(cluster.sent("GET", r"/_alias/pw-documents")) == 5  # each refused create looks again


# ---------------------------------------------------------------- 6. bucket limits


def test_reach_with_copies_once_pages_through_every_story(store: ElasticsearchStore, cluster: Cluster) -> None:
    from indexer.elasticsearch.requests import STORY_PAGE

    pages = [
        [({"place": "tignes", "story": f"s{i}"}, 10) for i in range(STORY_PAGE)],
        [({"place": "tignes", "story": "z"}, 5), ({"place": "val-thorens", "story": "z"}, 7)],
    ]

    def composite(r: Request) -> tuple[int, Any]:
        page = pages[len(cluster.sent("POST", r"/pw-documents/_search")) - 1]
        buckets = [{"key": k, "doc_count": 1, "widest": {"value": v}} for k, v in page]
        return 200, {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {"m": {"f": {
            "pairs": {"buckets": buckets, "after_key": page[-1][0]}}}}}

    cluster.on("POST", r"/pw-documents/_search", composite)
    f = MentionFilter(territories=("tignes", "val-thorens", "les-arcs"), syndicated_once=True)
    share = store.share_of_voice(f, weighted=True)
    sent = [r.body for r in cluster.sent("POST", r"/pw-documents/_search")]
    assert len(sent) == 2
    pairs = [b["aggs"]["m"]["aggs"]["f"]["aggs"]["pairs"]["composite"] for b in sent]
    assert "after" not in pairs[0] and pairs[1]["after"] == {"place": "tignes", "story": f"s{STORY_PAGE - 1}"}
    assert all(p["size"] <= 10_000 for p in pairs)
    assert share.counts == {"tignes": 10 * STORY_PAGE + 5, "val-thorens": 7, "les-arcs": 0}
    assert "65000" not in str(sent).replace("_", "")


def test_rankings_read_names_from_doc_values_never_a_whole_source(store: ElasticsearchStore, cluster: Cluster) -> None:
    counts = {"aggregations": {"m": {"f": {"places": {"buckets": [
        {"key": "val-thorens", "doc_count": 4, "reach": {"value": 3100.0},
         "labels": {"buckets": [{"key": "positive", "doc_count": 3}]}}]}}}},
        "hits": {"total": {"value": 4}, "hits": []}}
    names = {"aggregations": {"m": {"f": {"places": {"buckets": [
        {"key": "val-thorens", "doc_count": 4, "name": {"buckets": [{"key": "Val Thorens"}]},
         "territory": {"buckets": [{"key": "val-thorens"}]}, "kind": {"buckets": [{"key": "resort"}]},
         "location": {"location": {"lat": 45.3, "lon": 6.58}, "count": 4}}]}}}},
        "hits": {"total": {"value": 4}, "hits": []}}
    answers = iter([counts, names])
    cluster.on("POST", r"/pw-documents/_search", lambda r: (200, next(answers)))
    (vt,) = store.ranking(MentionFilter(), limit=5)
    assert (vt.name, vt.territory, vt.kind, vt.lat, vt.mentions, vt.positive) == (
        "Val Thorens", "val-thorens", "resort", 45.3, 4, 3)
    bodies = [r.body for r in cluster.sent("POST", r"/pw-documents/_search")]
    assert "top_hits" not in str(bodies)
    assert bodies[1]["query"]["nested"]["query"] == {"terms": {"mentions.place_key": ["val-thorens"]}}


def test_voices_are_ranked_then_summarised_for_the_kept_few(store: ElasticsearchStore, cluster: Cluster) -> None:
    """Two requests: the ranking, then sentiment, dates and territories for the voices kept
    only (a territory bucket under every voice of a corpus could pass the bucket limit)."""
    def voice(key: str, n: int, reach: float) -> dict[str, Any]:
        return {"key": key, "doc_count": n, "m": {"f": {"doc_count": n, "reach": {"value": reach}}},
                "label": {"buckets": [{"key": "masto"}]}}
    ranked = {"aggregations": {"v": {"buckets": [voice("bob", 2, 50.0), voice("Alice", 4, 2000.0),
                                                 voice("carol", 1, 1.0)]}},
              "hits": {"total": {"value": 7}, "hits": []}}
    summary = {"aggregations": {"v": {"buckets": [
        {"key": "Alice", "doc_count": 2, "first": {"value": 1772533800000.0},
         "last": {"value": 1772614800000.0},
         "m": {"f": {"labels": {"buckets": [{"key": "positive", "doc_count": 3},
                                            {"key": "negative", "doc_count": 1}]},
                     "watched": {"t": {"buckets": [{"key": "val-thorens", "doc_count": 2},
                                                   {"key": "chamonix", "doc_count": 2}]}}}}},
        {"key": "bob", "doc_count": 2, "first": {"value": None}, "last": {"value": None},
         "m": {"f": {"labels": {"buckets": []}, "watched": {"t": {"buckets": []}}}}},
    ]}}, "hits": {"total": {"value": 4}, "hits": []}}
    answers = iter([ranked, summary])
    cluster.on("POST", r"/pw-documents/_search", lambda r: (200, next(answers)))
    alice, bob = store.top_voices(MentionFilter(since=T0), "author", limit=2)
    assert (alice.value, alice.mentions, alice.reach, alice.positive, alice.negative) == ("Alice", 4, 2000, 3, 1)
    assert alice.first_published is not None and alice.first_published.isoformat() == "2026-03-03T10:30:00+00:00"
    assert alice.territories == ("chamonix", "val-thorens")
    assert (bob.first_published, bob.last_published, bob.territories) == (None, None, ())
    first, second = [r.body for r in cluster.sent("POST", r"/pw-documents/_search")]
    assert "watched" not in str(first)  # the ranking asks for no territory buckets
    assert {"terms": {"author": ["Alice", "bob"]}} in second["query"]["bool"]["filter"]
    assert second["aggs"]["v"]["terms"] == {"field": "author", "size": 2}


def test_outlets_sum_their_reach_and_no_voice_asks_nothing_more(store: ElasticsearchStore, cluster: Cluster) -> None:
    cluster.on("POST", r"/pw-documents/_search", (200, {**hits([]), "aggregations": {"v": {"buckets": []}}}))
    assert store.top_voices(MentionFilter(since=T0), "source") == []
    (only,) = [r.body for r in cluster.sent("POST", r"/pw-documents/_search")]
    assert only["aggs"]["v"]["terms"]["field"] == "source_id"
    assert only["aggs"]["v"]["aggs"]["m"]["aggs"]["f"]["aggs"]["reach"] == {"sum": {"field": "mentions.reach"}}


# ---------------------------------------------------------------- 7. drop


def test_drop_deletes_indices_by_name(store: ElasticsearchStore, cluster: Cluster) -> None:
    cluster.on("GET", r"/pw-documents-\*,pw-source-state,pw-outbox,pw-watchlists,pw-source-claims",
               (200, {OLD: {}, NEW: {}, "pw-source-state": {}, "pw-outbox": {}, "pw-watchlists": {}, "pw-source-claims": {}}))
    store.drop()
    (delete,) = cluster.sent("DELETE", r"/pw-.*")
    assert "*" not in delete.path
    assert delete.path == f"/{OLD},{NEW},pw-outbox,pw-source-claims,pw-source-state,pw-watchlists"
    assert cluster.sent("DELETE", r"/_index_template/pw-documents")


# ---------------------------------------------------------------- also settled


def test_highlighting_stops_before_the_analysis_limit(store: ElasticsearchStore, cluster: Cluster) -> None:
    store.search("neige", MentionFilter())
    assert _search_body(cluster)["highlight"]["max_analyzed_offset"] < 1_000_000


def test_outbox_updates_are_safe_to_retry(store: ElasticsearchStore, cluster: Cluster) -> None:
    store.mark_sent("k1", T0)
    store.mark_failed("k1", "451 later", T0 + timedelta(hours=1))
    sent, failed = (r.body["script"] for r in cluster.sent("POST", r"/pw-outbox/_update/k1"))
    assert "ctx.op = 'noop'" in sent["source"] and "ctx._source.sent != null" in sent["source"]
    assert "ctx.op = 'noop'" in failed["source"] and "params.next" in failed["source"]
    assert failed["params"] == {"error": "451 later", "next": (T0 + timedelta(hours=1)).isoformat()}


def test_a_daily_key_needs_no_template_privilege(store: ElasticsearchStore, cluster: Cluster) -> None:
    store.setup()
    assert not cluster.sent("PUT", r"/_index_template/.*")
    assert not cluster.sent("PUT", r"/pw-.*")


def test_a_new_cluster_gets_the_template_first_index_and_replicas(tmp_path: Path) -> None:
    for replicas, expected in ((None, {"auto_expand_replicas": "0-1"}), (2, {"number_of_replicas": 2})):
        cluster = _cluster(alias_exists=False)
        cluster.on("HEAD", r"/pw-(source-state|outbox|watchlists)", (404, {}))
        with serve(cluster) as url:
            ElasticsearchStore(url, index_prefix="pw", timeout=5, replicas=replicas).setup()
        (template,) = cluster.sent("PUT", r"/_index_template/pw-documents")
        settings = template.body["template"]["settings"]
        assert {k: settings[k] for k in expected} == expected
        assert "number_of_replicas" not in settings or replicas is not None
        created = {r.path: r.body for r in cluster.sent("PUT", r"/pw-.*")}
        assert created["/pw-documents-000001"]["aliases"] == {"pw-documents": {"is_write_index": True}}
        for small in ("/pw-source-state", "/pw-outbox", "/pw-watchlists"):
            assert {k: created[small]["settings"][k] for k in expected} == expected


def test_a_missing_privilege_is_one_clear_line(store: ElasticsearchStore, cluster: Cluster) -> None:
    cluster.on("POST", r"/pw-documents/_search", (403, {"error": {
        "root_cause": [{"type": "security_exception", "reason": "action [indices:data/read/search] is unauthorized"}],
        "type": "security_exception", "reason": "unauthorized"}, "status": 403}))
    with pytest.raises(StoreError) as err:
        store.search("neige", MentionFilter())
    assert "may not do this while searching" in str(err.value)
    assert "security_exception" in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------- watchlist changes


def test_indices_made_before_watchlist_labels_get_the_field_once() -> None:
    cluster = _cluster(indices=(NEW, OLD))
    old_mapping = document_mappings()
    del old_mapping["properties"]["watchlist"]
    cluster.on("GET", r"/pw-documents/_mapping", (200, {OLD: {"mappings": old_mapping},
                                                        NEW: {"mappings": document_mappings()}}))
    with serve(cluster) as url:
        ElasticsearchStore(url, index_prefix="pw", timeout=5).setup()
    (put,) = cluster.sent("PUT", r"/.*/_mapping")
    assert put.path == f"/{OLD}/_mapping" and put.body == {"properties": {"watchlist": {"type": "keyword"}}}
    (template,) = cluster.sent("PUT", r"/_index_template/pw-documents")
    assert template.body["template"]["mappings"]["properties"]["watchlist"] == {"type": "keyword"}


def test_an_analysis_is_saved_with_its_watchlist_label(store: ElasticsearchStore, cluster: Cluster) -> None:
    (d1, a1), (d2, a2) = corpus()[:2]
    cluster.on("POST", r"/_mget", lambda r: (200, {"docs": [
        {**d, "found": True, "_seq_no": 1, "_primary_term": 1,
         "_source": {**document_source(d1 if d["_id"] == "d1" else d2, a1), "watchlist": "old"}}
        for d in r.body["docs"]]}))
    store.save_analyses([(d1, a1)], watchlist="w1")
    store.save_analyses([(d2, a2)])
    first, second = (bulk_actions(r)[0][2] for r in cluster.sent("PUT", r"/_bulk"))
    assert first is not None and first["watchlist"] == "w1"
    assert second is not None and "watchlist" not in second  # made with an unknown watchlist


def test_candidates_are_phrases_or_mentions_of_one_label(store: ElasticsearchStore, cluster: Cluster) -> None:
    cluster.on("POST", r"/pw-documents/_search", lambda r: (200, hits(
        [] if "search_after" in r.body else [{"id": "d1"}, {"id": "d2"}])))
    since = T0 + timedelta(days=1)
    assert store.reanalysis_candidates("w1", [("val", "thorens"), ("valthorens",)], ["val-thorens"], since) == ["d1", "d2"]
    body = cluster.sent("POST", r"/pw-documents/_search")[0].body
    assert body["_source"] == ["id"] and body["sort"] == ["id"]
    query = body["query"]["bool"]
    assert {"term": {"watchlist": "w1"}} in query["filter"] and {"term": {"analysed": True}} in query["filter"]
    assert {"range": {"collected": {"gte": since.isoformat()}}} in query["filter"]
    phrases = {(c["multi_match"]["query"], tuple(c["multi_match"]["fields"])) for c in query["should"]
               if "multi_match" in c}
    assert ("val thorens", ("title", "text")) in phrases and ("valthorens", ("title.fr", "text.fr")) in phrases
    assert {"nested": {"path": "mentions", "query": {"terms": {"mentions.territory": ["val-thorens"]}}}} in query["should"]
    assert query["minimum_should_match"] == 1
    del cluster.requests[:]
    store.reanalysis_candidates("", None, [])
    unlabelled = cluster.sent("POST", r"/pw-documents/_search")[0].body["query"]["bool"]
    assert {"bool": {"must_not": [{"exists": {"field": "watchlist"}}]}} in unlabelled["filter"]
    assert "should" not in unlabelled


def test_labels_are_counted_unlabelled_included(store: ElasticsearchStore, cluster: Cluster) -> None:
    cluster.on("POST", r"/pw-documents/_search", (200, {**hits([]), "aggregations": {"labels": {"buckets": [
        {"key": "w1", "doc_count": 5}, {"key": "-", "doc_count": 2}]}}}))
    assert store.analyses_by_watchlist() == {"w1": 5, "": 2}


def test_a_removed_territorys_mentions_are_dropped_in_place(store: ElasticsearchStore, cluster: Cluster) -> None:
    d1, a1 = corpus()[0]  # Val Thorens and Chamonix
    cluster.on("POST", r"/pw-documents/_search", lambda r: (200, hits(
        [] if "search_after" in r.body else [{"id": "d1"}])))
    cluster.on("POST", r"/_mget", lambda r: (200, {"docs": [
        {**d, "found": True, "_seq_no": 4, "_primary_term": 1,
         "_source": {**document_source(d1, a1), "watchlist": "w0"}} for d in r.body["docs"]]}))
    assert store.drop_mentions(["chamonix"]) == 1
    query = cluster.sent("POST", r"/pw-documents/_search")[0].body["query"]
    assert query == {"nested": {"path": "mentions", "query": {"terms": {"mentions.territory": ["chamonix"]}}}}
    ((op, meta, source),) = bulk_actions(cluster.sent("PUT", r"/_bulk")[0])
    assert (op, meta["if_seq_no"]) == ("index", 4) and source is not None
    assert [m["place_key"] for m in source["mentions"]] == ["val-thorens"]
    assert [p["territory"] for p in source["places"]] == ["val-thorens"]
    assert source["watchlist"] == "w0" and source["sentiment"]["score"] == a1.sentiment.score
