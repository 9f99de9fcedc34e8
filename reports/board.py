"""The board report's figures: headline numbers, ranking with change, share of voice, sentiment,
spikes, top mentions, ambassadors and critics — gathered once from the store, rendered elsewhere."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from config import Config
from core.models import RawDocument
from indexer import MentionFilter, Store
from reports.top import GroupShare, TopReport, build_top
from reports.voices import VoicesReport, build_voices, scope_territories

logger = logging.getLogger(__name__)

RANKED = 15  # places in the report's ranking
TOP_MENTIONS = 8
OUTBOX_HORIZON = timedelta(days=3650)


@dataclass(frozen=True)
class RankedPlace:
    rank: int
    key: str
    name: str
    watched: bool
    mentions: int
    share: float  # of the period's total, as `top` computes it
    previous: int
    net_sentiment: float

    @property
    def change(self) -> int:
        return self.mentions - self.previous


@dataclass(frozen=True)
class SpikeNote:
    """A detected alert of the period, from the outbox, with what explains it."""

    start: datetime
    name: str
    kind: str
    observed: float
    expected: float
    score: float | None
    share: float | None
    usual_share: float | None
    total: int | None
    sources: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class TopMention:
    title: str
    url: str
    source: str
    author: str
    published: datetime | None
    places: tuple[str, ...]
    likes: int
    shares: int
    replies: int
    reach: int


@dataclass(frozen=True)
class BoardReport:
    since: datetime
    until: datetime
    group_id: str | None
    group_name: str | None
    top: TopReport
    places: list[RankedPlace]
    previous_total: int
    series: list[tuple[GroupShare, pd.DataFrame]]  # share of voice over time, per group
    bucket: str
    sentiment: pd.DataFrame  # place, mentions, positive, neutral, negative, net_sentiment
    spikes: list[SpikeNote]
    mentions: list[TopMention]
    voices: VoicesReport
    my_territory: tuple[str, int, float, str] | None  # name, mentions, share in its group, group name

    @property
    def days(self) -> int:
        return max(1, round((self.until - self.since) / timedelta(days=1)))


def bucket_for(since: datetime, until: datetime) -> str:
    """Chart resolution: days up to a quarter, weeks beyond (as the dashboard does)."""
    return "day" if until - since <= timedelta(days=91) else "week"


def build_board(store: Store, config: Config, since: datetime, until: datetime,
                group_id: str | None = None) -> BoardReport:
    """Everything the board report shows for [since, until), numbers from the same queries as `top`."""
    top = build_top(store, config, since, until, group_id, RANKED)
    before = since - (until - since)
    scope_all = tuple(p.key for p in top.places)
    previous = {p.key: p.mentions for p in store.ranking(
        MentionFilter(since=before, until=since, territories=scope_all), limit=len(scope_all))} if scope_all else {}
    group = config.group(group_id) if group_id else None
    prev_total = store.share_of_voice(
        MentionFilter(since=before, until=since, territories=group.territories if group else ())).total
    places = [
        RankedPlace(i + 1, p.key, p.name, p.territory is not None, p.mentions,
                    p.mentions / top.total if top.total else 0.0, previous.get(p.key, 0), p.net_sentiment)
        for i, p in enumerate(top.places)
    ]
    bucket = bucket_for(since, until)
    series = [(g, _share_series(store, config, g, since, until, bucket)) for g in top.groups]
    scope = scope_territories(config, group_id)
    return BoardReport(
        since=since, until=until, group_id=group_id, group_name=group.name if group else None,
        top=top, places=places, previous_total=prev_total, series=series, bucket=bucket,
        sentiment=_sentiment(store, config, scope, since, until),
        spikes=_spikes(store, config, scope, since, until),
        mentions=_top_mentions(store, config, scope, since, until),
        voices=build_voices(store, config, since, until, group_id, limit=20),
        my_territory=_my_territory(config, top),
    )


def _share_series(store: Store, config: Config, group: GroupShare, since: datetime, until: datetime,
                  bucket: str) -> pd.DataFrame:
    keys = tuple(tid for tid, *_ in group.rows)
    points = store.volume(MentionFilter(since=since, until=until, territories=keys), bucket)  # type: ignore[arg-type]
    names = {tid: name for tid, name, *_ in group.rows}
    df = pd.DataFrame([{"bucket": p.bucket, "key": p.key, "value": p.mentions} for p in points],
                      columns=["bucket", "key", "value"])
    if df.empty:
        return df.assign(place=[], total=[], share=[])
    df["place"] = df["key"].map(lambda k: names.get(k, k))
    df["total"] = df.groupby("bucket")["value"].transform("sum")
    df["share"] = df["value"] / df["total"].where(df["total"] > 0, 1)
    return df


def _sentiment(store: Store, config: Config, scope: tuple[str, ...], since: datetime,
               until: datetime) -> pd.DataFrame:
    rows = store.ranking(MentionFilter(since=since, until=until, territories=scope, watched_only=not scope),
                         limit=max(1, len(scope) or RANKED))
    return pd.DataFrame(
        [{"place": p.name, "mentions": p.mentions, "positive": p.positive, "neutral": p.neutral,
          "negative": p.negative, "net_sentiment": round(p.net_sentiment, 2)} for p in rows if p.mentions],
        columns=["place", "mentions", "positive", "neutral", "negative", "net_sentiment"],
    )


def _spikes(store: Store, config: Config, scope: tuple[str, ...], since: datetime,
            until: datetime) -> list[SpikeNote]:
    """The alerts detected in the period (what the Alerts page lists), oldest first."""
    messages = [*store.sent_messages(), *store.due_messages(until + OUTBOX_HORIZON)]
    seen: dict[tuple[str, str], SpikeNote] = {}
    for m in messages:
        a = m.payload.get("alert")
        if not isinstance(a, dict) or (scope and a.get("territory") not in scope):
            continue
        try:
            start = datetime.fromisoformat(str(a.get("start")))
        except ValueError:
            continue
        if not since <= start < until:
            continue
        note = SpikeNote(
            start=start, name=str(a.get("name") or a.get("territory")), kind=str(a.get("kind") or "spike"),
            observed=_float(a.get("observed")), expected=_float(a.get("expected")),
            score=_maybe(a.get("score")), share=_maybe(a.get("share")), usual_share=_maybe(a.get("usual_share")),
            total=int(a["total"]) if isinstance(a.get("total"), int) else None,
            sources=tuple(str(s.get("value", "")) for s in a.get("sources") or () if isinstance(s, dict))[:3],
            terms=tuple(str(t.get("value", "")) for t in a.get("terms") or () if isinstance(t, dict))[:6],
        )
        seen.setdefault((str(a.get("territory")), start.isoformat() + note.kind), note)
    return sorted(seen.values(), key=lambda n: (n.start, n.name))


def _float(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _maybe(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _top_mentions(store: Store, config: Config, scope: tuple[str, ...], since: datetime,
                  until: datetime) -> list[TopMention]:
    """The period's most shared documents about the territories in scope (by engagement, then reach)."""
    names = {t.id: t.name for t in config.territories}
    docs: dict[str, tuple[RawDocument, set[str]]] = {}
    f = MentionFilter(since=since, until=until)
    for key in scope:
        for label in ("positive", "neutral", "negative"):
            for ex in store.mention_examples(key, f, label, limit=10):  # type: ignore[arg-type]
                docs.setdefault(ex.doc.id, (ex.doc, set()))[1].add(names.get(key, key))
    ranked = sorted(docs.values(), key=lambda d: (
        -(d[0].engagement.reposts * 2 + d[0].engagement.likes + d[0].engagement.replies),
        -d[0].engagement.reach, -(d[0].published.timestamp() if d[0].published else 0), d[0].url))
    return [
        TopMention(title=d.title or " ".join(d.text.split())[:100], url=d.url, source=d.source_id,
                   author=d.author or "", published=d.published, places=tuple(sorted(places)),
                   likes=d.engagement.likes, shares=d.engagement.reposts, replies=d.engagement.replies,
                   reach=d.engagement.reach)
        for d, places in ranked[:TOP_MENTIONS]
    ]


def _my_territory(config: Config, top: TopReport) -> tuple[str, int, float, str] | None:
    """[ui] territory's mentions and share in its first group, when it is set."""
    tid = config.ui.territory
    territory = config.territory(tid) if tid else None
    if territory is None:
        return None
    for g in top.groups:
        for key, name, n, share in g.rows:
            if key == tid:
                return name, n, share, g.name
    return None


__all__ = ["BoardReport", "RankedPlace", "SpikeNote", "TopMention", "bucket_for", "build_board"]
