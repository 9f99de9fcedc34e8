"""Ambassadors and critics: the accounts and outlets that talk about the watched territories, by weight."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from config import Config
from core.errors import InputError
from indexer import MentionFilter, RankedValue, Store

logger = logging.getLogger(__name__)

CANDIDATES = 200  # voices compared before keeping the heaviest
LATEST = 3  # latest mentions kept per voice


@dataclass(frozen=True)
class LatestMention:
    title: str
    url: str
    published: datetime | None
    snippet: str


@dataclass(frozen=True)
class Voice:
    """An account (author) or an outlet (source) with what it said about the territories in scope."""

    kind: str  # "account" | "outlet"
    name: str
    where: str  # accounts: the source they were read on; outlets: the kind of source
    mentions: int
    reach: int  # accounts: their audience; outlets: the audience summed over their mentions
    positive: int
    negative: int
    territories: tuple[str, ...]  # names of the watched territories it mentions
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    latest: tuple[LatestMention, ...] = ()

    @property
    def net_sentiment(self) -> float:
        return (self.positive - self.negative) / self.mentions if self.mentions else 0.0

    @property
    def weight(self) -> int:
        """Mentions weighted by reach: mentions × audience (an unknown audience counts as one)."""
        if self.kind == "outlet":
            return max(self.reach, self.mentions)
        return self.mentions * max(self.reach, 1)


@dataclass(frozen=True)
class VoicesReport:
    since: datetime
    until: datetime
    scope: tuple[str, ...]  # territory ids
    voices: list[Voice]  # heaviest first

    @property
    def ambassadors(self) -> list[Voice]:
        return [v for v in self.voices if v.net_sentiment > 0]

    @property
    def critics(self) -> list[Voice]:
        return [v for v in self.voices if v.net_sentiment < 0]


def scope_territories(config: Config, group_id: str | None) -> tuple[str, ...]:
    """The watched territories a report is about: one group's, or all of them."""
    if group_id is None:
        return tuple(t.id for t in config.territories)
    group = config.group(group_id)
    if group is None:
        known = ", ".join(g.id for g in config.groups) or "none configured"
        raise InputError(f"--group {group_id!r}: no such group (known: {known})")
    return group.territories


def build_voices(store: Store, config: Config, since: datetime, until: datetime,
                 group_id: str | None = None, limit: int = 20) -> VoicesReport:
    """The `limit` heaviest accounts and outlets of the period, with sentiment, territories and dates."""
    scope = scope_territories(config, group_id)
    f = MentionFilter(since=since, until=until, territories=scope, watched_only=not scope)
    names = {t.id: t.name for t in config.territories}
    voices: list[Voice] = []
    for kind, query, narrow in (("account", store.top_authors, "authors"),
                                ("outlet", store.top_sources, "source_ids")):
        voices += _ranked(store, f, kind, query, narrow, names)
    voices.sort(key=lambda v: (-v.weight, -v.mentions, v.name))
    kept = [_with_dates(store, f, v) for v in voices[:limit]]
    return VoicesReport(since, until, scope, kept)


Query = Callable[[MentionFilter, int], list[RankedValue]]


def _ranked(store: Store, f: MentionFilter, kind: str, query: Query, narrow: str,
            names: dict[str, str]) -> list[Voice]:
    """Every voice of one kind: counts, reach, sentiment and territories from a few grouped counts."""
    rows = query(f, CANDIDATES)
    positive = {r.value: r.mentions for r in query(replace(f, sentiment="positive"), CANDIDATES)}
    negative = {r.value: r.mentions for r in query(replace(f, sentiment="negative"), CANDIDATES)}
    talks: dict[str, list[str]] = {}
    for tid in f.territories:
        for r in query(replace(f, territories=(tid,)), CANDIDATES):
            talks.setdefault(r.value, []).append(names.get(tid, tid))
    return [
        Voice(kind=kind, name=r.value, where=r.label or "", mentions=r.mentions, reach=r.reach,
              positive=positive.get(r.value, 0), negative=negative.get(r.value, 0),
              territories=tuple(talks.get(r.value, ())))
        for r in rows
    ]


def _with_dates(store: Store, f: MentionFilter, voice: Voice) -> Voice:
    """First and last mention of the period and the latest ones, from the voice's own documents."""
    mine = replace(f, authors=(voice.name,)) if voice.kind == "account" else replace(f, source_ids=(voice.name,))
    page = store.search("", mine, page=1, size=LATEST)
    if not page.hits:
        return voice
    # the first mention from the other end: a page number from `total` would be wrong past the
    # store's count bound (a voice with more than 1,000 documents in the period)
    oldest = store.search("", mine, page=1, size=1, order="oldest").hits if page.total > 1 else page.hits[-1:]
    latest = tuple(
        LatestMention(title=h.doc.title or "", url=h.doc.url, published=h.doc.published,
                      snippet=" ".join(h.doc.text.split())[:200])
        for h in page.hits
    )
    first = oldest[0].doc.published if oldest else None
    return replace(voice, first_seen=first, last_seen=page.hits[0].doc.published, latest=latest)


__all__ = ["LatestMention", "Voice", "VoicesReport", "build_voices", "scope_territories"]
