"""Documents, crawl state and outbox messages as Elasticsearch sources, and back (pure)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.models import (
    Analysis,
    Engagement,
    PlaceMention,
    RawDocument,
    Sentiment,
    parse_datetime,
    sentiment_label,
)
from indexer.base import OutboxMessage, SourceState
from indexer.common import first_attempt, state_fields, state_from_fields
from indexer.mentions import per_place


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).isoformat()


def from_iso(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def raw_source(d: RawDocument) -> dict[str, Any]:
    """The fields of a raw document as collected."""
    e = d.engagement
    return {
        "id": d.id,
        "url": d.url,
        "source_id": d.source_id,
        "source_type": d.source_type,
        "title": d.title,
        "text": d.text,
        "published": iso(d.published),
        "collected": iso(d.collected),
        "author": d.author,
        "declared_lang": d.lang,
        "likes": e.likes,
        "reposts": e.reposts,
        "replies": e.replies,
        "followers": e.followers,
        "reach": e.reach,
        "raw": base64.b64encode(d.raw).decode("ascii") if d.raw else None,
        "content_hash": d.content_hash,
        "duplicate_of": d.duplicate_of,
        "story": d.duplicate_of or d.id,
    }


def analysis_source(d: RawDocument, a: Analysis) -> dict[str, Any]:
    """The analysis fields, with one nested mention per place."""
    mentions = []
    for key, (p, n, sent, conf) in per_place(a.places).items():
        mentions.append({
            "place_key": key,
            "name": p.name,
            "territory": p.territory,
            "watched": p.territory is not None,
            "kind": p.kind,
            "geonames_id": p.geonames_id,
            "location": {"lat": p.lat, "lon": p.lon} if p.lat is not None and p.lon is not None else None,
            "occurrences": n,
            "sentiment": sent,
            "label": sentiment_label(sent, a.lang),
            "confidence": conf,
            "reach": d.engagement.reach,
            "story": d.duplicate_of or d.id,
        })
    return {
        "analysed": True,
        "lang": a.lang,
        "sentiment": {"score": a.sentiment.score, "label": a.sentiment.label,
                      "positive": a.sentiment.positive, "negative": a.sentiment.negative},
        "places": [p.to_dict() for p in a.places],
        "mentions": mentions,
    }


def document_source(d: RawDocument, a: Analysis | None) -> dict[str, Any]:
    """The whole indexed document: raw fields, and the analysis when there is one."""
    source = raw_source(d)
    if a is None:
        source.update(analysed=False, lang=None, sentiment=None, places=[], mentions=[])
    else:
        source.update(analysis_source(d, a))
    return source


def merge_recollected(old: Mapping[str, Any], d: RawDocument) -> dict[str, Any]:
    """A document collected again: new raw fields; the analysis kept unless the text changed."""
    if old.get("content_hash") != d.content_hash or not old.get("analysed"):
        return document_source(d, None)
    source = dict(old)
    source.update(raw_source(d))
    source["mentions"] = [
        {**m, "reach": d.engagement.reach, "story": d.duplicate_of or d.id}
        for m in old.get("mentions") or []
    ]
    return source


def doc_from_source(s: Mapping[str, Any]) -> RawDocument:
    raw = s.get("raw")
    return RawDocument(
        id=s["id"], url=s["url"], source_id=s["source_id"], source_type=s["source_type"],
        text=s["text"], collected=from_iso(s.get("collected")) or datetime.min.replace(tzinfo=UTC),
        title=s.get("title"), published=from_iso(s.get("published")), author=s.get("author"),
        lang=s.get("declared_lang"),
        engagement=Engagement(s.get("likes") or 0, s.get("reposts") or 0, s.get("replies") or 0,
                              s.get("followers")),
        raw=base64.b64decode(raw) if raw else b"", duplicate_of=s.get("duplicate_of"),
    )


def analysis_from_source(s: Mapping[str, Any]) -> Analysis:
    sent = s.get("sentiment") or {}
    return Analysis(
        lang=s.get("lang") or "und",
        sentiment=Sentiment.from_dict(sent),
        places=tuple(PlaceMention.from_dict(p) for p in s.get("places") or ()),
    )


def message_source(m: OutboxMessage) -> dict[str, Any]:
    return {
        "key": m.key, "channel": m.channel, "payload": m.payload, "created": iso(m.created),
        "attempts": m.attempts, "next_attempt": iso(first_attempt(m)),
        "sent": iso(m.sent), "last_error": m.last_error,
    }


def message_from_source(s: Mapping[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        key=s["key"], channel=s["channel"], payload=s.get("payload") or {},
        created=from_iso(s.get("created")) or datetime.min.replace(tzinfo=UTC),
        attempts=int(s.get("attempts") or 0), next_attempt=from_iso(s.get("next_attempt")),
        sent=from_iso(s.get("sent")), last_error=s.get("last_error"),
    )


def state_source(s: SourceState) -> dict[str, Any]:
    return {"source_id": s.source_id, "state": state_fields(s)}


def state_from_source(s: Mapping[str, Any]) -> SourceState:
    return state_from_fields(s["state"])
