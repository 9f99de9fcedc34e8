"""Per-territory sources: what each asks for a watched territory (a search query, hashtags, a feed URL)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote_plus

from config import Territory

_NOT_IN_A_TAG = re.compile(r"[^\w]+")


def territory_names(territory: Territory) -> tuple[str, ...]:
    """Its name, then the aliases a text would contain (hashtags and handles left out), once each."""
    names: dict[str, str] = {}
    for name in (territory.name, *territory.aliases):
        name = " ".join(name.split())
        if name and not name.startswith(("#", "@")):
            names.setdefault(name.casefold(), name)
    return tuple(names.values())


def territory_query(territory: Territory) -> str:
    """A search query matching any of its names: `"Val Thorens" OR "Val Tho"`."""
    quoted = ('"' + name.replace('"', " ").strip() + '"' for name in territory_names(territory))
    return " OR ".join(quoted)


def hashtag(name: str) -> str:
    """The hashtag people write for a name: lower case, without spaces or punctuation (#valthorens)."""
    return _NOT_IN_A_TAG.sub("", name.casefold()).strip("_")


def _unaccented(tag: str) -> str:
    decomposed = unicodedata.normalize("NFKD", tag)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def territory_hashtags(territory: Territory) -> tuple[str, ...]:
    """Hashtags for a territory: from its names (also without accents) and its aliases that are hashtags."""
    tags: dict[str, None] = {}
    for name in territory_names(territory):
        tag = hashtag(name)
        for variant in (tag, _unaccented(tag)):
            if variant:
                tags.setdefault(variant, None)
    for alias in territory.aliases:
        if alias.startswith("#") and hashtag(alias):
            tags.setdefault(hashtag(alias), None)
    return tuple(tags)


def feed_url_for(url: str, query: str) -> str:
    """A news-search feed's URL with the query in place of its `{query}` placeholder (URL-encoded)."""
    return url.replace("{query}", quote_plus(query))
