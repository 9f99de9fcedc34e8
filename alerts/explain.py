"""Why a territory spiked: observed vs expected, sources, terms, places, shared mentions, languages."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from core.models import RawDocument, SentimentLabel
from indexer import MentionFilter, RankedValue, Store

logger = logging.getLogger(__name__)

LANGS = ("fr", "en", "de", "es", "it", "nl", "pt")


@dataclass(frozen=True)
class SharedMention:
    """A document that drove the rise, with what its audience did with it."""

    title: str
    url: str
    source: str
    lang: str | None
    shares: int
    likes: int
    snippet: str
    outlets: int = 1  # how many outlets ran this story (syndicated and identical copies grouped)


@dataclass(frozen=True)
class Explanation:
    """Everything an alert says about one spike of one territory."""

    territory: str
    name: str
    start: datetime
    end: datetime
    observed: float
    expected: float
    score: float
    kind: str = "spike"
    detail: str = ""
    sources: list[RankedValue] = field(default_factory=list)
    terms: list[RankedValue] = field(default_factory=list)
    places: list[RankedValue] = field(default_factory=list)
    mentions: list[SharedMention] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    # Share alerts (share_jump, negative_surge): the share now and usually, of `total` mentions.
    share: float | None = None
    usual_share: float | None = None
    total: int | None = None
    of: str = ""  # what the share is of: a group's name, or the territory's own mentions
    # The territory's last days for the email's chart: (ISO start, mentions, expected, low, high).
    recent: list[tuple[str, float | None, float | None, float | None, float | None]] = field(
        default_factory=list
    )

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else float("inf")


def _shared(doc: RawDocument) -> SharedMention:
    text = " ".join(doc.text.split())
    return SharedMention(
        title=doc.title or text[:80],
        url=doc.url,
        source=doc.source_id,
        lang=doc.lang,
        shares=doc.engagement.reposts,
        likes=doc.engagement.likes,
        snippet=text[:240],
    )


def story_key(doc: RawDocument) -> str:
    """What makes copies one story: the document a syndicated copy was grouped with, else the
    title as read (case, accents' spacing and punctuation aside), else the text."""
    if doc.duplicate_of:
        return "dup:" + doc.duplicate_of
    title = " ".join(re.sub(r"[^\w]+", " ", (doc.title or "").casefold()).split())
    if len(title) >= 12:
        return "title:" + title
    return "text:" + " ".join(doc.text.casefold().split())[:300]


def _engagement(d: RawDocument) -> int:
    return d.engagement.reposts * 2 + d.engagement.likes + d.engagement.replies


def group_stories(docs: Iterable[RawDocument]) -> list[tuple[RawDocument, int]]:
    """Each story once: (its most-shared copy, how many outlets ran it), most shared first.

    A copy and its original share a key through `duplicate_of` or their title, so a wire story
    picked up by five outlets is one entry "and 4 other outlets", ranked by all its shares.
    """
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    docs = list(docs)
    for d in docs:  # one story if any key matches: the original's id, a copy's title
        keys = [story_key(d), "dup:" + d.id]
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
    stories: dict[str, list[RawDocument]] = {}
    for d in docs:
        stories.setdefault(find(story_key(d)), []).append(d)
    grouped = []
    for copies in stories.values():
        best = min(copies, key=lambda d: (-_engagement(d), -d.engagement.reach, d.url))
        grouped.append((best, len({c.source_id for c in copies}), sum(map(_engagement, copies))))
    grouped.sort(key=lambda g: (-g[2], -g[0].engagement.reach, g[0].url))
    return [(best, outlets) for best, outlets, _ in grouped]


def most_shared(store: Store, key: str, f: MentionFilter, limit: int = 5) -> list[SharedMention]:
    """Stories of the window shared the most, each once however many outlets ran it."""
    docs: dict[str, RawDocument] = {}
    labels: tuple[SentimentLabel, ...] = (
        (f.sentiment,) if f.sentiment else ("positive", "neutral", "negative")
    )
    for label in labels:
        for ex in store.mention_examples(key, f, label, limit=20):
            docs.setdefault(ex.doc.id, ex.doc)
    return [
        replace(_shared(d), outlets=outlets) for d, outlets in group_stories(docs.values())[:limit]
    ]


def language_split(store: Store, key: str, f: MentionFilter) -> dict[str, int]:
    """Mentions per language in the window; what no listed language holds goes to 'other'."""
    total = store.share_of_voice(f).counts.get(key, 0)
    split: dict[str, int] = {}
    for lang in LANGS:
        n = store.share_of_voice(MentionFilter(**{**f.__dict__, "langs": (lang,)})).counts.get(
            key, 0
        )
        if n:
            split[lang] = n
    rest = total - sum(split.values())
    if rest > 0:
        split["other"] = rest
    return split


def explain_spike(
    store: Store,
    territory: str,
    name: str,
    start: datetime,
    window: timedelta,
    observed: float,
    expected: float,
    score: float,
    kind: str = "spike",
    detail: str = "",
    sentiment: SentimentLabel | None = None,
    share: tuple[float, float, int, str] | None = None,
) -> Explanation:
    """Gather from the store what drove a territory's mentions in [start, start + window).

    `sentiment` narrows the reasons to the mentions the alert is about (the negative ones of
    a negative surge); `share` is (share, usual share, total, what it is a share of).
    """
    end = start + window
    f = MentionFilter(since=start, until=end, territories=(territory,), sentiment=sentiment)
    current, usual, total, of = share if share else (None, None, None, "")
    return Explanation(
        territory=territory,
        name=name,
        start=start,
        end=end,
        observed=observed,
        expected=expected,
        score=score,
        kind=kind,
        detail=detail,
        sources=store.top_sources(f, limit=5),
        terms=store.top_terms(f, limit=10),
        places=store.cooccurring_places(territory, f, limit=5),
        mentions=most_shared(store, territory, f),
        languages=language_split(store, territory, f),
        share=current,
        usual_share=usual,
        total=total,
        of=of,
    )


def explanation_from_dict(data: dict[str, Any]) -> Explanation:
    """An explanation back from the outbox (what `explanation_to_dict` wrote)."""

    def ranked(items: Any) -> list[RankedValue]:
        return [RankedValue(**item) for item in items or ()]

    def number(value: Any) -> float:
        return float("nan") if value is None else float(value)

    known = set(Explanation.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in known}
    values.update(
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        observed=number(data.get("observed")),
        expected=number(data.get("expected")),
        score=number(data.get("score")),
        sources=ranked(data.get("sources")),
        terms=ranked(data.get("terms")),
        places=ranked(data.get("places")),
        mentions=[SharedMention(**m) for m in data.get("mentions") or ()],
        recent=[tuple(r) for r in data.get("recent") or ()],
    )
    return Explanation(**values)


def explanation_to_dict(ex: Explanation) -> dict[str, Any]:
    """The explanation as JSON-safe values, kept in the outbox so a page can show it in its own language."""
    out = asdict(ex)
    out["start"], out["end"] = ex.start.isoformat(), ex.end.isoformat()
    for key in ("observed", "expected", "score"):
        value = out[key]
        out[key] = round(value, 3) if value == value and abs(value) != float("inf") else None
    return out
