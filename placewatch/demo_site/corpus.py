"""The bundled demo corpus: typed items loaded from the JSON files shipped beside this module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

Kind = Literal["article", "post"]
CORPUS_PACKAGE = "placewatch.demo_site"
CORPUS_DIR = "data"
SITE_NAME = "Alpes & Cités Tourisme"


@dataclass(frozen=True)
class Comment:
    """A reader comment under an article: page boilerplate, never part of the article's text."""

    author: str
    text: str


@dataclass(frozen=True)
class CorpusItem:
    """One article or social post of the demo site, with its gold annotations."""

    slug: str
    kind: Kind
    lang: str
    title: str
    author: str
    days_ago: int | None
    hour: int
    paragraphs: tuple[str, ...]
    places: tuple[str, ...]
    author_handle: str | None = None
    followers: int | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    comments: tuple[Comment, ...] = ()
    section: str | None = None
    other_places: tuple[str, ...] = ()
    sentiment: str | None = None
    syndicated_from: str | None = None
    notes: str | None = None

    @property
    def path(self) -> str:
        """The URL path the demo site serves this item on."""
        folder = "articles" if self.kind == "article" else "posts"
        return f"/{folder}/{self.slug}.html"

    @property
    def text(self) -> str:
        """The body text: paragraphs separated by blank lines (title and comments excluded)."""
        return "\n\n".join(self.paragraphs)

    def published(self, reference: datetime) -> datetime | None:
        """Publication time relative to `reference`; None for an undated item.

        Items of day 0 whose hour is still to come are clamped to one minute before the
        reference, so that nothing is ever published in the future.
        """
        if self.days_ago is None:
            return None
        ref = reference if reference.tzinfo else reference.replace(tzinfo=UTC)
        day = ref - timedelta(days=self.days_ago)
        when = day.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        return min(when, ref - timedelta(minutes=1))


def item_from_dict(data: dict[str, Any]) -> CorpusItem:
    """Build a typed item from one JSON object of the corpus files."""
    kind = data["kind"]
    if kind not in ("article", "post"):
        raise ValueError(f"{data.get('slug')}: unknown kind {kind!r}")
    handle = data.get("author_handle")
    title = data.get("title") or f"{data['author']} (@{handle})"
    return CorpusItem(
        slug=data["slug"],
        kind=kind,
        lang=data["lang"],
        title=title,
        author=data["author"],
        days_ago=data.get("days_ago"),
        hour=int(data.get("hour", 9)),
        paragraphs=tuple(data["paragraphs"]),
        places=tuple(data.get("places", [])),
        author_handle=handle,
        followers=data.get("followers"),
        likes=data.get("likes"),
        reposts=data.get("reposts"),
        replies=data.get("replies"),
        comments=tuple(Comment(c["author"], c["text"]) for c in data.get("comments", [])),
        section=data.get("section"),
        other_places=tuple(data.get("other_places", [])),
        sentiment=data.get("sentiment"),
        syndicated_from=data.get("syndicated_from"),
        notes=data.get("notes"),
    )


@lru_cache(maxsize=1)
def load_corpus() -> tuple[CorpusItem, ...]:
    """All items of the demo corpus, in a stable order (newest first, undated last)."""
    folder = resources.files(CORPUS_PACKAGE).joinpath(CORPUS_DIR)
    items: list[CorpusItem] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            items.extend(item_from_dict(d) for d in json.loads(entry.read_text("utf-8")))
    slugs = [i.slug for i in items]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise ValueError(f"demo corpus: duplicate slugs {duplicates}")
    return tuple(sorted(items, key=sort_key))


def sort_key(item: CorpusItem) -> tuple[int, int, int, str]:
    """Newest first; undated items last."""
    if item.days_ago is None:
        return (1, 0, 0, item.slug)
    return (0, item.days_ago, -item.hour, item.slug)
