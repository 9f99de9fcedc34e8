"""The Store protocol every backend implements, and the typed values its queries return."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from core.models import Analysis, EnrichedDocument, RawDocument, SentimentLabel

Bucket = Literal["hour", "day", "week"]
SearchOrder = Literal["newest", "oldest", "relevance"]  # newest or oldest first (undated last), or best match first
VoiceField = Literal["author", "source"]  # an account, or an outlet (a source id)

# Snippets mark matched terms with these control characters; the dashboard and the
# emails escape the text first and only then turn the markers into <mark> tags.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"


@dataclass(frozen=True)
class MentionFilter:
    """Which mentions a query looks at. Empty tuples mean 'all'.

    Mentions are placed in time by their document's publication date; documents
    without one are left out of any period (and counted by `StoreStats.undated`).
    """

    since: datetime | None = None
    until: datetime | None = None
    territories: tuple[str, ...] = ()  # place keys: territory ids or 'geonames:<id>'
    source_types: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # accounts as the documents name them (an ambassador's mentions)
    langs: tuple[str, ...] = ()
    sentiment: SentimentLabel | None = None  # label of the sentence around the mention
    watched_only: bool = False  # only watchlist territories, not gazetteer places
    syndicated_once: bool = False  # count a group of syndicated copies once


@dataclass(frozen=True)
class PlaceCount:
    """A place's mention count in a period, with what a ranking shows beside it."""

    key: str
    name: str
    territory: str | None
    kind: str
    mentions: int
    reach: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    lat: float | None = None
    lon: float | None = None

    @property
    def net_sentiment(self) -> float:
        """(positive - negative) / mentions, in [-1, 1]."""
        return (self.positive - self.negative) / self.mentions if self.mentions else 0.0


@dataclass(frozen=True)
class VolumePoint:
    """Mentions of one place in one time bucket."""

    bucket: datetime
    key: str
    mentions: int
    reach: int = 0


@dataclass(frozen=True)
class ShareOfVoice:
    """Shares always travel with their counts and the total they are shares of."""

    total: int
    counts: dict[str, int]
    weighted_by_reach: bool = False

    def share(self, key: str) -> float:
        return self.counts.get(key, 0) / self.total if self.total else 0.0


@dataclass(frozen=True)
class RankedValue:
    """A labelled count: a source, an author, a co-occurring place or term."""

    value: str
    mentions: int
    reach: int = 0
    label: str | None = None


@dataclass(frozen=True)
class VoiceSummary:
    """An account or an outlet in a filter, ranked as `top_authors` / `top_sources` rank them
    (mentions, then reach, then name), with what the ambassadors page shows beside it."""

    value: str  # the author, or the source id
    mentions: int
    reach: int = 0  # accounts: their widest audience; outlets: the audience summed over mentions
    label: str | None = None  # accounts: a source they were read on; outlets: the source type
    positive: int = 0  # mentions labelled positive (counted as `mentions` is)
    negative: int = 0
    first_published: datetime | None = None  # its first and last dated mention in the filter
    last_published: datetime | None = None
    territories: tuple[str, ...] = ()  # the watched territories it mentions in the filter, sorted


@dataclass(frozen=True)
class SearchHit:
    """One document found by full-text search, with a highlighted snippet."""

    doc: RawDocument
    snippet: str  # matched terms between HIGHLIGHT_START and HIGHLIGHT_END
    sentiment: str | None = None
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    """One page of hits. A backend may stop counting past a bound: `total` is then that
    bound and `total_is_lower_bound` is true (show "1,000+"); it is always more than the
    hits up to and including this page, so "is there a next page" stays `page*size < total`.
    """

    total: int
    hits: list[SearchHit]
    page: int
    size: int
    total_is_lower_bound: bool = False


@dataclass(frozen=True)
class MentionExample:
    """A mention in its document, for 'example positive/negative mentions'."""

    doc: RawDocument
    key: str
    start: int
    end: int
    sentiment: float


@dataclass
class SourceState:
    """Per-source crawl state, persisted so crawls are incremental and health is visible."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None  # newest id, since_id, or API cursor
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    documents: int = 0
    errors: int = 0  # errors counted in total
    consecutive_errors: int = 0
    last_error: str | None = None
    next_attempt: datetime | None = None  # back-off after failures
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoreStats:
    documents: int
    analysed: int
    pending: int
    mentions: int
    undated: int
    duplicates: int


@dataclass(frozen=True)
class OutboxMessage:
    """An alert or digest waiting to be delivered; `key` makes delivery idempotent."""

    key: str
    channel: str  # "email" | "webhook"
    payload: dict[str, Any]
    created: datetime
    attempts: int = 0
    next_attempt: datetime | None = None
    sent: datetime | None = None
    last_error: str | None = None


@runtime_checkable
class Store(Protocol):
    """Everything placewatch keeps: raw documents, analyses, mentions, crawl state, outbox."""

    # lifecycle
    def setup(self) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Store:
        """`with open_store(config.store) as store:` closes the store however the block ends."""
        ...
    def __exit__(self, *exc: object) -> None: ...

    # raw documents (as collected)
    def upsert_raw(self, docs: Iterable[RawDocument]) -> int:
        """Insert or update raw documents by id; returns how many were new."""
        ...

    def get_document(self, doc_id: str) -> RawDocument | None: ...

    def find_by_content_hash(self, content_hash: str) -> str | None:
        """Id of a stored document with exactly this content, if any."""
        ...

    def existing_ids(self, doc_ids: Iterable[str]) -> set[str]:
        """Which of these document ids are stored: one round trip, no document read."""
        ...

    def existing_hashes(self, content_hashes: Iterable[str]) -> set[str]:
        """Which of these content hashes a stored document has: one round trip, no document read."""
        ...

    def pending_analysis(self, limit: int = 500) -> list[RawDocument]:
        """Raw documents not analysed yet (or whose analysis was reset)."""
        ...

    def raw_documents(self, since: datetime | None = None) -> Iterator[RawDocument]:
        """All raw documents collected since a date, for re-analysis."""
        ...

    def count_raw(self, since: datetime | None = None, source_id: str | None = None) -> int:
        """Raw documents collected since a date (all of them without one), of one source if given."""
        ...

    # analyses and mentions
    def save_analyses(
        self, items: Iterable[tuple[RawDocument, Analysis]], watchlist: str | None = None
    ) -> int:
        """Store analyses (replacing earlier ones of the same documents); returns the count.

        `watchlist` labels them with the watchlist they were made with (its fingerprint);
        None: not known (what `import_documents` stores too)."""
        ...

    def import_documents(self, docs: Iterable[EnrichedDocument]) -> int: ...
    def get_documents(self, doc_ids: Sequence[str]) -> list[RawDocument]:
        """The stored documents of these ids, in that order (ids not stored are left out)."""
        ...

    # what a watchlist change can affect (see `nlp.enrich.update_analyses`)
    def remember_watchlist(self, fingerprint: str, territories: list[dict[str, Any]]) -> None:
        """Keep the territories a watchlist fingerprint stands for (replacing what it stood for)."""
        ...

    def watchlists(self) -> dict[str, list[dict[str, Any]]]:
        """Every remembered watchlist: fingerprint -> its territories."""
        ...

    def analyses_by_watchlist(self) -> dict[str, int]:
        """How many analysed documents carry each watchlist label ('' for those without one)."""
        ...

    def reanalysis_candidates(
        self, watchlist: str, phrases: Sequence[Sequence[str]] | None,
        territories: Sequence[str], since: datetime | None = None,
    ) -> list[str]:
        """Ids of the analysed documents labelled `watchlist` ('' for none), collected since a
        date, whose title or text holds one of the phrases (words as the full-text index
        splits them, in order), or whose analysis mentions one of the territories.
        `phrases` None: every document with that label."""
        ...

    def drop_mentions(self, territories: Sequence[str]) -> int:
        """Remove these territories' mentions from every stored analysis, without analysing
        anything again (the documents keep their label); returns the documents changed."""
        ...

    def iter_documents(self) -> Iterator[EnrichedDocument]: ...

    # queries
    def stats(self) -> StoreStats: ...
    def ranking(self, f: MentionFilter, limit: int = 20) -> list[PlaceCount]: ...
    def volume(self, f: MentionFilter, bucket: Bucket = "day") -> list[VolumePoint]: ...
    def share_of_voice(self, f: MentionFilter, weighted: bool = False) -> ShareOfVoice: ...
    def top_sources(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]: ...
    def top_authors(self, f: MentionFilter, limit: int = 10) -> list[RankedValue]: ...
    def top_voices(self, f: MentionFilter, by: VoiceField, limit: int = 10) -> list[VoiceSummary]:
        """The `limit` accounts ("author") or outlets ("source") with the most mentions in the
        filter, each with its sentiment counts, first and last mention and watched territories:
        what `top_authors`/`top_sources` and a query per territory and per voice would say."""
        ...

    def cooccurring_places(self, key: str, f: MentionFilter, limit: int = 10) -> list[RankedValue]: ...
    def top_terms(self, f: MentionFilter, limit: int = 20) -> list[RankedValue]: ...
    def mention_examples(
        self, key: str, f: MentionFilter, label: SentimentLabel, limit: int = 5
    ) -> list[MentionExample]: ...
    def search(
        self, query: str, f: MentionFilter, page: int = 1, size: int = 20,
        order: SearchOrder = "newest",
    ) -> SearchPage: ...

    # crawl state
    def get_source_state(self, source_id: str) -> SourceState | None: ...
    def save_source_state(self, state: SourceState) -> None: ...
    def source_states(self) -> list[SourceState]: ...
    def claim_source(
        self, source_id: str, owner: str, until: datetime, now: datetime, replace: str | None = None
    ) -> str | None:
        """Hold a source for one crawl until `until` (the same owner renews it); None when held,
        else the owner holding it. A claim past its time, or held by `replace` (a crawl known to
        be dead), is taken over."""
        ...

    def release_source(self, source_id: str, owner: str) -> None:
        """Let go of a source this owner holds (another owner's claim is left alone)."""
        ...

    # alert outbox
    def enqueue(self, messages: Sequence[OutboxMessage]) -> int:
        """Queue messages; a key already queued or sent is ignored. Returns how many were new."""
        ...

    def due_messages(self, now: datetime) -> list[OutboxMessage]: ...
    def mark_sent(self, key: str, when: datetime) -> None: ...
    def mark_failed(self, key: str, error: str, next_attempt: datetime) -> None: ...
    def sent_messages(self, since: datetime | None = None) -> list[OutboxMessage]: ...
