"""ElasticsearchStore: the Store protocol on an Elasticsearch 8.x/9.x cluster (template, alias, nested mentions)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from config import StoreConfig
from core.batching import batched
from core.errors import StoreError
from core.models import Analysis, EnrichedDocument, RawDocument, SentimentLabel
from indexer.base import (
    Bucket,
    MentionExample,
    MentionFilter,
    OutboxMessage,
    PlaceCount,
    RankedValue,
    SearchOrder,
    SearchPage,
    ShareOfVoice,
    SourceState,
    StoreStats,
    VolumePoint,
)
from indexer.common import (
    TERMS_SAMPLE,
    document_text,
    error_text,
    first_per_key,
    last_per_id,
    top_terms_without_places,
)
from indexer.elasticsearch.client import api_errors, client_options, compat_transport
from indexer.elasticsearch.documents import (
    analysis_from_source,
    analysis_source,
    doc_from_source,
    document_source,
    iso,
    merge_recollected,
    message_from_source,
    message_source,
    state_from_source,
    state_source,
)
from indexer.elasticsearch.mappings import index_template, names, outbox_mappings, state_mappings
from indexer.elasticsearch.requests import (
    cooccurring_request,
    examples_request,
    filter_query,
    parse_cooccurring,
    parse_examples,
    parse_ranking,
    parse_share,
    parse_stats,
    parse_voices,
    parse_volume,
    ranking_request,
    search_kwargs,
    share_request,
    stats_request,
    voices_request,
    volume_request,
)
from indexer.elasticsearch.search import parse_search, search_request

logger = logging.getLogger(__name__)

BATCH = 500


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
                options["transport_class"] = compat_transport()
            self._client = elasticsearch.Elasticsearch(**options)
        return self._client

    def _errors(self, what: str) -> AbstractContextManager[None]:
        return api_errors(self.url, what)

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
        for batch in batched(docs, BATCH):
            latest = last_per_id(batch, lambda d: d.id)
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
        query = {"range": {"collected": {"gte": iso(since)}}} if since else {"match_all": {}}
        for s in self._scan(query):
            yield doc_from_source(s)

    def count_raw(self, since: datetime | None = None) -> int:
        query = {"range": {"collected": {"gte": iso(since)}}} if since else {"match_all": {}}
        with self._errors("counting documents"):
            return int(self.client.count(index=self.names["alias"], query=query)["count"])

    # ---------------------------------------------------------------- analyses

    def save_analyses(self, items: Iterable[tuple[RawDocument, Analysis]]) -> int:
        count = 0
        for batch in batched(items, BATCH):
            latest = last_per_id(batch, lambda item: item[0].id)
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
        for batch in batched(docs, BATCH):
            latest = last_per_id(batch, lambda e: e.doc.id)
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
        place_names = (m["name"] for s in hits for m in s.get("mentions") or ()
                       if not keys or m["place_key"] in keys)
        texts = ((document_text(s.get("title"), s["text"]), s.get("lang")) for s in hits)
        return top_terms_without_places(texts, place_names, limit)

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
        unique = first_per_key(messages)
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
                "filter": [{"range": {"next_attempt": {"lte": iso(now)}}}],
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
                 "ctx._source.last_error = null", {"sent": iso(when)})

    def mark_failed(self, key: str, error: str, next_attempt: datetime) -> None:
        self._update_message(
            key, "ctx._source.attempts += 1; ctx._source.last_error = params.error; "
                 "ctx._source.next_attempt = params.next", {"error": error_text(error), "next": iso(next_attempt)})

    def sent_messages(self, since: datetime | None = None) -> list[OutboxMessage]:
        query: dict[str, Any] = {"exists": {"field": "sent"}}
        if since is not None:
            query = {"range": {"sent": {"gte": iso(since)}}}
        resp = self._search({"size": 10_000, "query": query, "sort": [{"sent": "desc"}]},
                            index=self.names["outbox"])
        return [message_from_source(h["_source"]) for h in resp["hits"]["hits"]]


def _stored(source: Mapping[str, Any]) -> dict[str, Any]:
    """A stored source without the bookkeeping `_index` key."""
    return {k: v for k, v in source.items() if k != "_index"}
