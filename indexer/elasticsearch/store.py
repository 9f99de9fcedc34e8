"""ElasticsearchStore: the Store protocol on an Elasticsearch 8.x/9.x cluster (template, alias, nested mentions).

Longer than our usual ~600 lines on purpose: it is the one class that answers every method of the
Store protocol, each a few lines that call the builders beside it (requests, search, writes,
documents, watchlists, mappings); splitting the class would only split the protocol's answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
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
    VoiceField,
    VoiceSummary,
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
    from_iso,
    iso,
    merge_recollected,
    message_from_source,
    message_source,
    state_from_source,
    state_source,
)
from indexer.elasticsearch.mappings import (
    claims_mappings,
    index_template,
    names,
    outbox_mappings,
    small_index_settings,
    state_mappings,
)
from indexer.elasticsearch.requests import (
    VOICE_FIELDS,
    cooccurring_request,
    examples_request,
    filter_query,
    parse_cooccurring,
    parse_examples,
    parse_places,
    parse_ranking,
    parse_share,
    parse_stats,
    parse_story_reach,
    parse_voice_summaries,
    parse_voices,
    parse_volume,
    places_request,
    ranking_request,
    search_kwargs,
    share_of,
    share_request,
    stats_request,
    story_reach_request,
    voice_summaries_request,
    voices_request,
    volume_request,
    with_places,
)
from indexer.elasticsearch.search import (
    SEARCH_WINDOW,
    beyond_window,
    page_request,
    parse_search,
    search_request,
    skip_request,
)
from indexer.elasticsearch.watchlists import (
    candidate_queries,
    labels_request,
    mention_clause,
    parse_labels,
    watchlist_id,
    watchlists_mappings,
    without_territories,
)
from indexer.elasticsearch.writes import (
    CONFLICT_ROUNDS,
    MARK_FAILED,
    MARK_SENT,
    BulkOutcome,
    Stored,
    mget_docs,
    stored_from_mget,
    with_last,
    write_action,
)

logger = logging.getLogger(__name__)

BATCH = 500
PIT_KEEP_ALIVE = "1m"
# A write method's last batch waits until a search can see it (`refresh=wait_for`, at most
# `index.refresh_interval`, 1 s by default), so the next step of the same job reads what was
# just written; earlier batches do not wait. Nothing forces a refresh.
VISIBLE = "wait_for"


class ElasticsearchStore:
    """The Store protocol on Elasticsearch: one alias of rollover-ready document indices.

    Writes are visible to searches when a write method returns, and never overwrite a
    concurrent write (see `writes`). Documents are read by id in each concrete index behind
    the alias, so they are found after a rollover and updated where they live.
    """

    def __init__(self, url: str, *, index_prefix: str = "placewatch", api_key: str | None = None,
                 timeout: float = 30.0, ca_certs: Path | None = None,
                 ca_fingerprint: str | None = None, replicas: int | None = None,
                 client: Any = None) -> None:
        self.url = url
        self.prefix = index_prefix
        self.names = names(index_prefix)
        self._api_key = api_key
        self._timeout = timeout
        self._ca_certs = ca_certs
        self._ca_fingerprint = ca_fingerprint
        self._replicas = replicas
        self._client = client
        self._concrete: list[str] | None = None  # indices behind the alias, read once

    @classmethod
    def from_config(cls, config: StoreConfig) -> ElasticsearchStore:
        return cls(config.url, index_prefix=config.index_prefix, api_key=config.api_key,
                   ca_certs=config.ca_certs, ca_fingerprint=config.ca_fingerprint,
                   replicas=config.replicas)

    # ---------------------------------------------------------------- lifecycle

    @property
    def client(self) -> Any:
        if self._client is None:
            import elasticsearch

            options = client_options(self.url, self._api_key, self._timeout,
                                     ca_certs=self._ca_certs, ca_fingerprint=self._ca_fingerprint)
            if int(elasticsearch.__versionstr__.split(".")[0]) >= 9:
                options["transport_class"] = compat_transport()
            self._client = elasticsearch.Elasticsearch(**options)
        return self._client

    def _errors(self, what: str) -> AbstractContextManager[None]:
        return api_errors(self.url, what)

    def setup(self) -> None:
        """Create what is missing: on a new cluster the template and the first index behind the
        alias, and the small indices; safe every start.

        The template is saved only with the first index, so a daily key needs no cluster
        privilege (see the README's Elasticsearch section).
        """
        n = self.names
        es = self.client
        with self._errors("setting up indices"):
            if not es.indices.exists_alias(name=n["alias"]):
                es.indices.put_index_template(
                    name=n["template"], **index_template(self.prefix, replicas=self._replicas))
                self._create(n["first_index"], aliases={n["alias"]: {"is_write_index": True}})
            else:
                self._map_watchlist_label()
            small = ((n["state"], state_mappings()), (n["outbox"], outbox_mappings()),
                     (n["watchlists"], watchlists_mappings()),
                     (n["claims"], claims_mappings()))
            for index, mappings in small:
                if not es.indices.exists(index=index):
                    self._create(index, mappings=mappings,
                                 settings=small_index_settings(self._replicas))

    def _map_watchlist_label(self) -> None:
        """Indices made before analyses were labelled with their watchlist get the field (and
        the template, for the next rollover): once per cluster, with a key allowed to manage
        index templates and mappings."""
        n = self.names
        found = self.client.indices.get_mapping(index=n["alias"]).body
        missing = sorted(i for i, m in found.items()
                         if "watchlist" not in (m.get("mappings") or {}).get("properties", {}))
        if missing:
            logger.warning("adding the watchlist field to %s", ", ".join(missing))
            self.client.indices.put_index_template(
                name=n["template"], **index_template(self.prefix, replicas=self._replicas))
            self.client.indices.put_mapping(index=",".join(missing), properties={"watchlist": {"type": "keyword"}})

    def _create(self, index: str, **body: Any) -> None:
        """Create an index unless another process just did."""
        import elasticsearch

        try:
            self.client.indices.create(index=index, **body)
        except elasticsearch.BadRequestError as exc:
            if "resource_already_exists_exception" not in str(exc):
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
        """Delete this prefix's indices and template (tests, and `reset` of a throwaway store).

        Indices are deleted by name: since 8.0 a cluster refuses wildcard deletes
        (`action.destructive_requires_name`).
        """
        n = self.names
        with self._errors("deleting indices"):
            found = self.client.indices.get(
                index=f"{n['pattern']},{n['state']},{n['outbox']},{n['watchlists']},{n['claims']}", ignore_unavailable=True,
                allow_no_indices=True, expand_wildcards="all",
            )
            concrete = sorted(found.body)
            if concrete:
                self.client.options(ignore_status=404).indices.delete(index=",".join(concrete))
            self.client.options(ignore_status=404).indices.delete_index_template(name=n["template"])
        self._concrete = None

    def _search(self, body: dict[str, Any], index: str | None = None) -> Mapping[str, Any]:
        """One search; a body holding a point in time names no index."""
        target = None if "pit" in body else index or self.names["alias"]
        with self._errors("searching"):
            response = self.client.search(index=target, **search_kwargs(body))
            return response.body  # type: ignore[no-any-return]

    def _bulk(self, actions: Iterable[dict[str, Any]], what: str, refresh: str) -> BulkOutcome:
        """Write through streaming_bulk; version conflicts (409) are returned, not raised."""
        from elasticsearch import helpers

        outcome = BulkOutcome()
        with self._errors(what):
            for ok, item in helpers.streaming_bulk(
                self.client, actions, chunk_size=BATCH, max_retries=3, raise_on_error=False,
                refresh=refresh,
            ):
                op, result = next(iter(item.items()))
                if ok:
                    outcome.written += 1
                    outcome.created += op == "create"
                elif result.get("status") == 409:
                    outcome.conflicts.append(str(result.get("_id")))
                else:
                    raise StoreError(f"{self.url}: Elasticsearch rejected document "
                                     f"{result.get('_id')}: {result.get('error')}")
        return outcome

    # ---------------------------------------------------------------- reads and writes by id

    def _indices(self) -> list[str]:
        """The concrete indices behind the documents alias (one until the first rollover)."""
        if self._concrete is None:
            with self._errors("reading the documents alias"):
                found = self.client.indices.get_alias(name=self.names["alias"])
            self._concrete = sorted(found.body) or [self.names["first_index"]]
        return self._concrete

    def _existing(self, ids: Sequence[str], source: bool = True) -> dict[str, Stored]:
        """Stored documents by id, each with its concrete index and version."""
        if not ids:
            return {}
        with self._errors("reading documents"):
            resp = self.client.mget(docs=mget_docs(self._indices(), ids), source=source)
        return stored_from_mget(resp)

    def _write_documents(
        self, changes: Mapping[str, Callable[[dict[str, Any] | None], dict[str, Any]]],
        what: str, refresh: str,
    ) -> int:
        """Apply each change to the stored source (None when new); returns documents created.

        A change refused for a version conflict is redone from a fresh read: another job
        wrote the document in between, and its write is kept.
        """
        created, pending = 0, dict(changes)
        for _ in range(CONFLICT_ROUNDS):
            stored = self._existing(list(pending))
            actions = [
                write_action(self.names["alias"], doc_id, stored.get(doc_id),
                             change(stored[doc_id].source if doc_id in stored else None))
                for doc_id, change in pending.items()
            ]
            outcome = self._bulk(actions, what, refresh)
            created += outcome.created
            if not outcome.conflicts:
                return created
            # A refused create may mean the document lives in an index we did not know of.
            self._concrete = None
            pending = {doc_id: pending[doc_id] for doc_id in outcome.conflicts}
        raise StoreError(f"{self.url}: documents kept changing while {what} "
                         f"({', '.join(sorted(pending)[:3])}); try again")

    # ---------------------------------------------------------------- raw documents

    def upsert_raw(self, docs: Iterable[RawDocument]) -> int:
        new = 0
        for batch, last in with_last(batched(docs, BATCH)):
            changes = {d.id: _recollected(d) for d in last_per_id(batch, lambda d: d.id)}
            new += self._write_documents(changes, "storing raw documents", _refresh(last))
        return new

    def get_document(self, doc_id: str) -> RawDocument | None:
        found = self._existing([doc_id])
        return doc_from_source(found[doc_id].source) if doc_id in found else None

    def find_by_content_hash(self, content_hash: str) -> str | None:
        resp = self._search({"size": 1, "query": {"term": {"content_hash": content_hash}},
                             "sort": [{"collected": "asc"}, "id"], "_source": ["id"]})
        hits = resp["hits"]["hits"]
        return str(hits[0]["_source"]["id"]) if hits else None

    def existing_ids(self, doc_ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(doc_ids))
        found: set[str] = set()
        for i in range(0, len(wanted), BATCH):
            found.update(self._existing(wanted[i : i + BATCH], source=False))
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

    def _scan(self, query: dict[str, Any], fields: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every matching source (or only these fields of it), paged with search_after on the
        stable document id."""
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"size": BATCH, "query": query, "sort": ["id"]}
            if fields is not None:
                body["_source"] = fields
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

    def count_raw(self, since: datetime | None = None, source_id: str | None = None) -> int:
        clauses: list[dict[str, Any]] = []
        if since:
            clauses.append({"range": {"collected": {"gte": iso(since)}}})
        if source_id is not None:
            clauses.append({"term": {"source_id": source_id}})
        query = {"bool": {"filter": clauses}} if clauses else {"match_all": {}}
        with self._errors("counting documents"):
            return int(self.client.count(index=self.names["alias"], query=query)["count"])

    # ---------------------------------------------------------------- analyses

    def save_analyses(
        self, items: Iterable[tuple[RawDocument, Analysis]], watchlist: str | None = None
    ) -> int:
        count = 0
        for batch, last in with_last(batched(items, BATCH)):
            changes = {d.id: _analysed(d, a, watchlist) for d, a in last_per_id(batch, lambda i: i[0].id)}
            self._write_documents(changes, "storing analyses", _refresh(last))
            count += len(batch)
        return count

    def import_documents(self, docs: Iterable[EnrichedDocument]) -> int:
        count = 0
        for batch, last in with_last(batched(docs, BATCH)):
            changes = {e.doc.id: _imported(e) for e in last_per_id(batch, lambda e: e.doc.id)}
            self._write_documents(changes, "importing documents", _refresh(last))
            count += len(batch)
        return count

    def iter_documents(self) -> Iterator[EnrichedDocument]:
        for s in self._scan({"term": {"analysed": True}}):
            yield EnrichedDocument(doc_from_source(s), analysis_from_source(s))

    def get_documents(self, doc_ids: Sequence[str]) -> list[RawDocument]:
        wanted = list(dict.fromkeys(doc_ids))
        found: dict[str, Stored] = {}
        for i in range(0, len(wanted), BATCH):
            found.update(self._existing(wanted[i : i + BATCH]))
        return [doc_from_source(found[i].source) for i in wanted if i in found]

    # ---------------------------------------------------------------- watchlists

    def remember_watchlist(self, fingerprint: str, territories: list[dict[str, Any]]) -> None:
        with self._errors("saving a watchlist"):
            self.client.index(index=self.names["watchlists"], id=watchlist_id(fingerprint),
                              document={"fingerprint": fingerprint, "territories": territories},
                              refresh=VISIBLE)

    def watchlists(self) -> dict[str, list[dict[str, Any]]]:
        resp = self._search({"size": 10_000, "query": {"match_all": {}}}, index=self.names["watchlists"])
        return {h["_source"]["fingerprint"]: h["_source"]["territories"] for h in resp["hits"]["hits"]}

    def analyses_by_watchlist(self) -> dict[str, int]:
        return parse_labels(self._search(labels_request()))

    def reanalysis_candidates(
        self, watchlist: str, phrases: Sequence[Sequence[str]] | None,
        territories: Sequence[str], since: datetime | None = None,
    ) -> list[str]:
        found: dict[str, None] = {}
        for query in candidate_queries(watchlist, phrases, territories, since):
            found.update((s["id"], None) for s in self._scan(query, fields=["id"]))
        return list(found)

    def drop_mentions(self, territories: Sequence[str]) -> int:
        if not territories:
            return 0
        gone = set(territories)
        ids = [s["id"] for s in self._scan(mention_clause(sorted(gone)), fields=["id"])]
        for batch, last in with_last(batched(ids, BATCH)):
            self._write_documents({i: _without(gone) for i in batch}, "dropping mentions", _refresh(last))
        return len(ids)

    # ---------------------------------------------------------------- queries

    def stats(self) -> StoreStats:
        return parse_stats(self._search(stats_request()))

    def ranking(self, f: MentionFilter, limit: int = 20) -> list[PlaceCount]:
        top = parse_ranking(self._search(ranking_request(f)), f)[:limit]
        if not top:
            return top
        return with_places(top, parse_places(self._search(places_request([p.key for p in top]))))

    def volume(self, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]:
        return parse_volume(self._search(volume_request(f, bucket)), f)

    def share_of_voice(self, f: MentionFilter, weighted: bool = False) -> ShareOfVoice:
        if not (weighted and f.syndicated_once):
            return parse_share(self._search(share_request(f, weighted)), f, weighted)
        reach: dict[str, int] = {}
        after = parse_story_reach(self._search(story_reach_request(f)), reach)
        while after is not None:
            after = parse_story_reach(self._search(story_reach_request(f, after)), reach)
        return share_of(reach, f, weighted)

    def top_sources(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return self._ranked_voices(f, "source", limit)

    def top_authors(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]:
        return self._ranked_voices(f, "author", limit)

    def _ranked_voices(self, f: MentionFilter, by: VoiceField, limit: int) -> list[RankedValue]:
        field, reach = VOICE_FIELDS[by]
        return parse_voices(self._search(voices_request(f, field, reach=reach)), f, limit)

    def top_voices(self, f: MentionFilter, by: VoiceField, limit: int = 10) -> list[VoiceSummary]:
        # Ranked first, then summarised for the few kept: a territory bucket under every
        # voice of the corpus could pass the cluster's bucket limit.
        ranked = self._ranked_voices(f, by, limit)
        if not ranked:
            return []
        request = voice_summaries_request(f, by, [v.value for v in ranked])
        return parse_voice_summaries(self._search(request), ranked, f)

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
        request = search_request(query, f, page, size, order)
        if not beyond_window(request):
            return parse_search(self._search(request), page, size)
        return self._deep_page(request, page, size)

    def _deep_page(self, request: dict[str, Any], page: int, size: int) -> SearchPage:
        """A page past the result window: walk to it with search_after in a point in time."""
        with self._errors("searching"):
            pit = str(self.client.open_point_in_time(
                index=self.names["alias"], keep_alive=PIT_KEEP_ALIVE)["id"])
        try:
            skip, after = int(request["from"]), None
            while skip > 0:
                n = min(skip, SEARCH_WINDOW)
                resp = self._search(skip_request(request, pit, n, after))
                pit = str(resp.get("pit_id") or pit)
                hits = resp["hits"]["hits"]
                if len(hits) < n:  # fewer matches than the pages before this one
                    return SearchPage(total=int(request["from"]) - skip + len(hits), hits=[],
                                      page=page, size=size)
                after, skip = hits[-1]["sort"], skip - n
            resp = self._search(page_request(request, pit, after))
            pit = str(resp.get("pit_id") or pit)
            return parse_search(resp, page, size)
        finally:
            with self._errors("closing a point in time"):
                self.client.options(ignore_status=404).close_point_in_time(id=pit)

    # ---------------------------------------------------------------- crawl state

    def get_source_state(self, source_id: str) -> SourceState | None:
        with self._errors("reading source state"):
            resp = self.client.options(ignore_status=404).get(index=self.names["state"], id=source_id)
        return state_from_source(resp["_source"]) if resp.get("found") else None

    def save_source_state(self, state: SourceState) -> None:
        with self._errors("saving source state"):
            self.client.index(index=self.names["state"], id=state.source_id,
                              document=state_source(state), refresh=VISIBLE)

    def source_states(self) -> list[SourceState]:
        resp = self._search({"size": 10_000, "query": {"match_all": {}}, "sort": ["source_id"]},
                            index=self.names["state"])
        return [state_from_source(h["_source"]) for h in resp["hits"]["hits"]]

    def claim_source(
        self, source_id: str, owner: str, until: datetime, now: datetime, replace: str | None = None
    ) -> str | None:
        import elasticsearch

        index = self.names["claims"]
        for _ in range(5):  # another process may write between our read and our write
            with self._errors("claiming a source"):
                found = self.client.options(ignore_status=404).get(index=index, id=source_id)
            doc = {"owner": owner, "until": iso(until)}
            try:
                with self._errors("claiming a source"):
                    if not found.get("found"):
                        self.client.create(index=index, id=source_id, document=doc, refresh=VISIBLE)
                        return None
                    held = found["_source"]
                    taken = from_iso(held.get("until"))
                    if held.get("owner") not in (owner, replace) and taken is not None and taken > now:
                        return str(held.get("owner"))
                    self.client.index(index=index, id=source_id, document=doc, refresh=VISIBLE,
                                      if_seq_no=found["_seq_no"], if_primary_term=found["_primary_term"])
                    return None
            except elasticsearch.ConflictError:
                continue
        return "another crawl (the claim kept changing)"

    def release_source(self, source_id: str, owner: str) -> None:
        import elasticsearch

        index = self.names["claims"]
        with self._errors("releasing a source"):
            found = self.client.options(ignore_status=404).get(index=index, id=source_id)
        if not found.get("found") or found["_source"].get("owner") != owner:
            return
        try:
            with self._errors("releasing a source"):
                self.client.delete(index=index, id=source_id, refresh=VISIBLE,
                                   if_seq_no=found["_seq_no"], if_primary_term=found["_primary_term"])
        except elasticsearch.ConflictError:
            pass  # taken over meanwhile: no longer ours to release

    # ---------------------------------------------------------------- outbox

    def enqueue(self, messages: Sequence[OutboxMessage]) -> int:
        # A key already queued is refused (409) and left as it is.
        return self._bulk(
            ({"_op_type": "create", "_index": self.names["outbox"], "_id": m.key,
              "_source": message_source(m)} for m in first_per_key(messages)),
            "queueing messages", VISIBLE,
        ).created

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
                refresh=VISIBLE, retry_on_conflict=3,
            )

    def mark_sent(self, key: str, when: datetime) -> None:
        self._update_message(key, MARK_SENT, {"sent": iso(when)})

    def mark_failed(self, key: str, error: str, next_attempt: datetime) -> None:
        self._update_message(key, MARK_FAILED, {"error": error_text(error), "next": iso(next_attempt)})

    def sent_messages(self, since: datetime | None = None) -> list[OutboxMessage]:
        query: dict[str, Any] = {"exists": {"field": "sent"}}
        if since is not None:
            query = {"range": {"sent": {"gte": iso(since)}}}
        resp = self._search({"size": 10_000, "query": query, "sort": [{"sent": "desc"}]},
                            index=self.names["outbox"])
        return [message_from_source(h["_source"]) for h in resp["hits"]["hits"]]


def _refresh(last: bool) -> str:
    return VISIBLE if last else "false"


Change = Callable[[dict[str, Any] | None], dict[str, Any]]


def _recollected(d: RawDocument) -> Change:
    """A page collected again: new raw fields, the analysis kept unless the text changed."""
    return lambda old: merge_recollected(old, d) if old is not None else document_source(d, None)


def _analysed(d: RawDocument, a: Analysis, watchlist: str | None = None) -> Change:
    """An analysis saved onto its document (stored first if it never was), with its label."""
    def change(old: dict[str, Any] | None) -> dict[str, Any]:
        source = dict(old) if old is not None else document_source(d, None)
        source.update(analysis_source(doc_from_source(source), a))
        source.pop("watchlist", None)
        if watchlist is not None:
            source["watchlist"] = watchlist
        return source
    return change


def _without(territories: set[str]) -> Change:
    """A stored analysis without these territories' mentions, keeping its watchlist label."""
    def change(old: dict[str, Any] | None) -> dict[str, Any]:
        if old is None:  # documents are never deleted: it was there a moment ago
            raise StoreError("a document disappeared while its mentions were dropped; try again")
        source = dict(old)
        kept = without_territories(analysis_from_source(old), territories)
        source.update(analysis_source(doc_from_source(old), kept))
        return source
    return change


def _imported(e: EnrichedDocument) -> Change:
    """An exported document written back; an export carries no raw page: keep the one here."""
    def change(old: dict[str, Any] | None) -> dict[str, Any]:
        doc = e.doc
        if old is not None and not doc.raw:
            doc = replace(doc, raw=doc_from_source(old).raw)
        return document_source(doc, e.analysis)
    return change
