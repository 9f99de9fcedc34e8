"""A small hand-made corpus whose every count the contract tests know by heart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.models import (
    Analysis,
    Engagement,
    PlaceMention,
    RawDocument,
    Sentiment,
    sentiment_label,
)

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
COLLECTED = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
PERIOD = (T0, T0 + timedelta(days=14))

CHILE = "geonames:3895114"
MONT_BLANC = "geonames:2994000"


def place(text: str, doc_text: str, territory: str | None, sentiment: float,
          geonames_id: int | None = None, name: str | None = None, kind: str = "resort",
          lat: float | None = None, lon: float | None = None) -> PlaceMention:
    start = doc_text.index(text)
    return PlaceMention(
        text=text, start=start, end=start + len(text), name=name or text, territory=territory,
        geonames_id=geonames_id, kind=kind, confidence=0.9, sentiment=sentiment, lat=lat, lon=lon,
    )


def raw(doc_id: str, text: str, *, source: str, type_: str, published: datetime | None,
        author: str | None, followers: int | None, duplicate_of: str | None = None,
        lang: str | None = None, title: str | None = None) -> RawDocument:
    return RawDocument(
        id=doc_id, url=f"https://example.org/{doc_id}", source_id=source, source_type=type_,
        text=text, collected=COLLECTED, title=title, published=published, author=author,
        lang=lang, engagement=Engagement(likes=3, reposts=1, replies=0, followers=followers),
        raw=f"<html><body>{text}</body></html>".encode(), duplicate_of=duplicate_of,
    )


def analysis(lang: str, score: float, *places: PlaceMention) -> Analysis:
    return Analysis(lang=lang, sentiment=Sentiment(score, sentiment_label(score), 0.1, 0.0),
                    places=tuple(places))


D1_TEXT = "Superbe séjour à Val Thorens, la neige est parfaite. Chamonix aussi."
D2_TEXT = "Val Thorens lifts closed again, terrible queues at the gondola."
D4_TEXT = "Chamonix et le Mont Blanc, un classique."
D5_TEXT = "Nice weather in Tignes, skiing in Chile next year."
D6_TEXT = "Chamonix sous la pluie, mauvais temps toute la semaine."
D7_TEXT = "Val Thorens again, great snow and fresh neige everywhere."


def corpus() -> list[tuple[RawDocument, Analysis]]:
    """Seven documents: one syndicated copy (d3 of d1), one undated (d4), one before the period (d6)."""
    vt = "val-thorens"
    return [
        (
            raw("d1", D1_TEXT, source="feed-a", type_="rss", published=T0 + timedelta(days=1, hours=10, minutes=15),
                author="Alice", followers=1000, title="Séjour au ski"),
            analysis("fr", 0.5, place("Val Thorens", D1_TEXT, vt, 0.6, lat=45.298, lon=6.58),
                     place("Chamonix", D1_TEXT, "chamonix", 0.2)),
        ),
        (
            # Sunday 23:30: still the week starting Monday T0.
            raw("d2", D2_TEXT, source="masto", type_="mastodon", published=T0 + timedelta(days=6, hours=23, minutes=30),
                author="bob", followers=50),
            analysis("en", -0.6, place("Val Thorens", D2_TEXT, vt, -0.7, lat=45.298, lon=6.58)),
        ),
        (
            raw("d3", D1_TEXT, source="feed-b", type_="rss", published=T0 + timedelta(days=2, hours=9),
                author="Alice", followers=2000, duplicate_of="d1", title="Séjour au ski"),
            analysis("fr", 0.5, place("Val Thorens", D1_TEXT, vt, 0.6, lat=45.298, lon=6.58),
                     place("Chamonix", D1_TEXT, "chamonix", 0.2)),
        ),
        (
            raw("d4", D4_TEXT, source="feed-a", type_="rss", published=None, author="Alice", followers=1000),
            analysis("fr", 0.0, place("Chamonix", D4_TEXT, "chamonix", 0.0),
                     place("Mont Blanc", D4_TEXT, None, 0.0, geonames_id=2994000, kind="mountain")),
        ),
        (
            raw("d5", D5_TEXT, source="reddit-skiing", type_="reddit", published=T0 + timedelta(days=9, hours=15),
                author="carol", followers=None),
            analysis("en", 0.4, place("Tignes", D5_TEXT, "tignes", 0.5),
                     place("Chile", D5_TEXT, None, 0.0, geonames_id=3895114, kind="country",
                           lat=-30.0, lon=-71.0)),
        ),
        (
            raw("d6", D6_TEXT, source="feed-a", type_="rss", published=T0 - timedelta(days=40),
                author="Alice", followers=1000),
            analysis("fr", -0.5, place("Chamonix", D6_TEXT, "chamonix", -0.5)),
        ),
        (
            raw("d7", D7_TEXT, source="masto", type_="mastodon", published=T0 + timedelta(days=3, hours=8),
                author="bob", followers=50),
            analysis("en", 0.7, place("Val Thorens", D7_TEXT, vt, 0.8, lat=45.298, lon=6.58)),
        ),
    ]
