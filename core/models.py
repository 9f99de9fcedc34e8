"""The small typed models every package shares: documents, mentions, analysis results."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Literal

SentimentLabel = Literal["positive", "neutral", "negative"]


NEUTRAL_BAND = 0.05  # |score| below this is neutral (VADER's convention), where no language says more
# The neutral band of a document's score per language, chosen by measurement (eval/nlp_sentiment.py).
NEUTRAL_BANDS: dict[str, float] = {"en": 0.1, "fr": 0.15}


def sentiment_label(score: float, lang: str | None = None, *, band: float | None = None) -> SentimentLabel:
    """The label of a sentiment score in [-1, 1]: neutral inside the language's band (or `band`)."""
    cut = band if band is not None else NEUTRAL_BANDS.get(lang or "", NEUTRAL_BAND)
    if score >= cut:
        return "positive"
    if score <= -cut:
        return "negative"
    return "neutral"


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def document_id(key: str) -> str:
    """A stable document id from a canonical URL or a source-native id."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def content_hash(text: str) -> str:
    """A hash of whitespace-normalised, case-folded text: identical content, same hash."""
    norm = " ".join(text.split()).casefold()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Engagement:
    """Reactions a post or article received, as the source reports them."""

    likes: int = 0
    reposts: int = 0
    replies: int = 0
    followers: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "likes": self.likes,
            "reposts": self.reposts,
            "replies": self.replies,
            "followers": self.followers,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Engagement:
        data = data or {}
        followers = data.get("followers")
        return cls(
            likes=int(data.get("likes") or 0),
            reposts=int(data.get("reposts") or 0),
            replies=int(data.get("replies") or 0),
            followers=int(followers) if followers is not None else None,
        )

    @property
    def reach(self) -> int:
        """Audience estimate: followers where known, else 1 (the document itself)."""
        return max(1, self.followers or 0)


SUMMARY_ONLY_RAW = b'{"summary_only": true, "item": '


def summary_only_raw(item: Any) -> bytes:
    """The raw payload of a summary-only document: its search item, marked (see RawDocument)."""
    return SUMMARY_ONLY_RAW + json.dumps(item, ensure_ascii=False, default=str).encode("utf-8") + b"}"


@dataclass(frozen=True)
class RawDocument:
    """A collected item (article or post), kept as collected: nothing is lost before analysis."""

    id: str
    url: str
    source_id: str
    source_type: str
    text: str
    collected: datetime
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    lang: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    raw: bytes = b""
    duplicate_of: str | None = None

    @property
    def summary_only(self) -> bool:
        """True when all there is of it is what a news search said: a title, a summary, a publisher.

        Such a document's raw payload is its search item wrapped as {"summary_only": true,
        "item": …}: the stores keep raw bytes as collected, so the mark travels with the
        document through every backend without a column of its own.
        """
        return self.raw.startswith(SUMMARY_ONLY_RAW)

    @cached_property
    def content_hash(self) -> str:
        """Same title and text, same hash (computed once: dedupe and the store both ask)."""
        return content_hash((self.title or "") + "\n" + self.text)

    @property
    def date_missing(self) -> bool:
        """True when the source gave no publication date (never faked with the crawl date)."""
        return self.published is None

    def with_duplicate_of(self, other_id: str | None) -> RawDocument:
        return replace(self, duplicate_of=other_id)


@dataclass(frozen=True)
class Sentiment:
    """Sentiment of a document or of the sentence around a mention."""

    score: float = 0.0
    label: SentimentLabel = "neutral"
    positive: float = 0.0
    negative: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "label": self.label,
            "positive": round(self.positive, 4),
            "negative": round(self.negative, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Sentiment:
        data = data or {}
        label = data.get("label", "neutral")
        if label not in ("positive", "neutral", "negative"):
            label = "neutral"
        return cls(
            score=float(data.get("score", 0.0)),
            label=label,
            positive=float(data.get("positive", 0.0)),
            negative=float(data.get("negative", 0.0)),
        )


@dataclass(frozen=True)
class PlaceMention:
    """One place named in a text; offsets index the analysed text (text[start:end] == self.text)."""

    text: str
    start: int
    end: int
    name: str
    territory: str | None = None
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str = "place"
    confidence: float = 1.0
    sentiment: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "name": self.name,
            "territory": self.territory,
            "geonames_id": self.geonames_id,
            "lat": self.lat,
            "lon": self.lon,
            "kind": self.kind,
            "confidence": round(self.confidence, 4),
            "sentiment": round(self.sentiment, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlaceMention:
        gid = data.get("geonames_id")
        return cls(
            text=str(data["text"]),
            start=int(data["start"]),
            end=int(data["end"]),
            name=str(data.get("name") or data["text"]),
            territory=data.get("territory"),
            geonames_id=int(gid) if gid is not None else None,
            lat=float(data["lat"]) if data.get("lat") is not None else None,
            lon=float(data["lon"]) if data.get("lon") is not None else None,
            kind=str(data.get("kind") or "place"),
            confidence=float(data.get("confidence", 1.0)),
            sentiment=float(data.get("sentiment", 0.0)),
        )

    @property
    def resolved(self) -> bool:
        """A watched territory or a gazetteer place: what rankings, shares and maps count. A place of
        the curated gazetteer that GeoNames has no id for (Provence, the Alps, Majorca) is one too:
        it comes with its position; a name the linker could not place comes with none."""
        return self.territory is not None or self.geonames_id is not None or (
            self.lat is not None and self.lon is not None)

    @property
    def place_key(self) -> str:
        """What counts as 'the same place' across documents: territory id, else GeoNames id, else
        name (the gazetteer's name for a curated place, whatever the surface: "Côte d'Azur" and
        "French Riviera" are one)."""
        if self.territory:
            return self.territory
        if self.geonames_id is not None:
            return f"geonames:{self.geonames_id}"
        return f"name:{self.name.casefold()}"


@dataclass(frozen=True)
class Analysis:
    """What the NLP pipeline found in one text."""

    lang: str
    sentiment: Sentiment
    places: tuple[PlaceMention, ...] = ()
    # names that may be places but that nothing links and the analysis does not trust: reported by
    # `analyze`, never stored, ranked or counted
    candidates: tuple[PlaceMention, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "sentiment": self.sentiment.to_dict(),
            "places": [p.to_dict() for p in self.places],
            "candidates": [p.to_dict() for p in self.candidates],
        }


@dataclass(frozen=True)
class EnrichedDocument:
    """A raw document with its analysis: what the store indexes and `export` writes."""

    doc: RawDocument
    analysis: Analysis

    def to_dict(self) -> dict[str, Any]:
        """The `export` line schema (DESIGN.md)."""
        d = self.doc
        return {
            "id": d.id,
            "url": d.url,
            "source": {"id": d.source_id, "type": d.source_type},
            "title": d.title,
            "text": d.text,
            "published": d.published.isoformat() if d.published else None,
            "collected": d.collected.isoformat(),
            "author": d.author,
            "lang": self.analysis.lang,
            "engagement": d.engagement.to_dict(),
            "duplicate_of": d.duplicate_of,
            "sentiment": self.analysis.sentiment.to_dict(),
            "places": [p.to_dict() for p in self.analysis.places],
            **({"summary_only": True} if d.summary_only else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnrichedDocument:
        """Read one `export` line; raises KeyError/ValueError/TypeError on a malformed one."""
        source = data["source"]
        published = data.get("published")
        doc = RawDocument(
            id=str(data["id"]),
            url=str(data["url"]),
            source_id=str(source["id"]),
            source_type=str(source["type"]),
            title=data.get("title"),
            text=str(data["text"]),
            published=parse_datetime(published) if published else None,
            collected=parse_datetime(data["collected"]),
            author=data.get("author"),
            lang=data.get("lang"),
            engagement=Engagement.from_dict(data.get("engagement")),
            duplicate_of=data.get("duplicate_of"),
            raw=summary_only_raw(None) if data.get("summary_only") is True else b"",
        )
        analysis = Analysis(
            lang=str(data.get("lang") or "und"),
            sentiment=Sentiment.from_dict(data.get("sentiment")),
            places=tuple(PlaceMention.from_dict(p) for p in data.get("places") or ()),
        )
        return cls(doc, analysis)


def parse_datetime(value: str) -> datetime:
    """Parse an ISO 8601 timestamp; naive values are taken as UTC."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
