"""Ambassadors and critics: the accounts and outlets that talk about the watched territories, by weight."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from config import Config
from core.errors import InputError
from indexer import MentionFilter, Store, VoiceField

logger = logging.getLogger(__name__)

CANDIDATES = 200  # voices compared before keeping the heaviest
LATEST = 3  # latest mentions kept per voice
KINDS: tuple[tuple[str, VoiceField], ...] = (("account", "author"), ("outlet", "source"))


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
                 group_id: str | None = None, limit: int = 20, latest_for: int = 0) -> VoicesReport:
    """The `limit` heaviest accounts and outlets of the period, with sentiment, territories and
    dates; the first `latest_for` ambassadors and critics also get their latest mentions (one
    search each: only for the voices a reader is shown them for)."""
    scope = scope_territories(config, group_id)
    f = MentionFilter(since=since, until=until, territories=scope, watched_only=not scope)
    voices = [
        Voice(kind=kind, name=v.value, where=v.label or "", mentions=v.mentions, reach=v.reach,
              positive=v.positive, negative=v.negative,
              territories=_named(config, v.territories),
              first_seen=v.first_published, last_seen=v.last_published)
        for kind, by in KINDS
        for v in store.top_voices(f, by, CANDIDATES)
    ]
    voices.sort(key=lambda v: (-v.weight, -v.mentions, v.name))
    report = VoicesReport(since, until, scope, voices[:limit])
    shown = report.ambassadors[:latest_for] + report.critics[:latest_for]
    return replace(report, voices=[_with_latest(store, f, v) if v in shown else v for v in report.voices])


def _named(config: Config, territory_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Territory names in the watchlist's order (an id no longer watched keeps its id, last)."""
    mentioned = set(territory_ids)
    known = [t.name for t in config.territories if t.id in mentioned]
    return (*known, *sorted(mentioned - {t.id for t in config.territories}))


def _with_latest(store: Store, f: MentionFilter, voice: Voice) -> Voice:
    """The voice's latest mentions of the period, from its own documents."""
    mine = replace(f, authors=(voice.name,)) if voice.kind == "account" else replace(f, source_ids=(voice.name,))
    latest = tuple(
        LatestMention(title=h.doc.title or "", url=h.doc.url, published=h.doc.published,
                      snippet=" ".join(h.doc.text.split())[:200])
        for h in store.search("", mine, page=1, size=LATEST).hits
    )
    return replace(voice, latest=latest)


__all__ = ["LatestMention", "Voice", "VoicesReport", "build_voices", "scope_territories"]
