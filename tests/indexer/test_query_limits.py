"""Long, deep and strange searches: results or one clear sentence, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import QuerySyntaxError
from indexer.base import MentionFilter
from indexer.elasticsearch.search import search_request
from indexer.query import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, parse_query, with_fields
from indexer.sqlite import SqliteStore
from indexer.sqlite.fts import to_fts5
from tests.indexer.store_corpus import corpus


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    with SqliteStore(Path(tmp_path_factory.mktemp("q")) / "q.db") as s:
        items = corpus()
        s.upsert_raw(d for d, _ in items)
        s.save_analyses(items)
        yield s


def _ids(store: SqliteStore, query: str) -> list[str]:
    return [h.doc.id for h in store.search(query, MentionFilter(), size=50).hits]


def test_a_hundred_words_give_results(store: SqliteStore) -> None:
    words = " OR ".join(["Thorens"] + [f"mot{i}" for i in range(99)])
    assert _ids(store, words) == _ids(store, "Thorens")
    anded = " ".join(["Thorens"] * 100)
    assert _ids(store, anded) == _ids(store, "Thorens")
    body = search_request(anded, MentionFilter(), 1, 20)["query"]["bool"]["must"][0]
    assert len(body["bool"]["must"]) == 100  # one flat level, not a hundred nested ones


def test_parentheses_nested_to_the_limit_give_results(store: SqliteStore) -> None:
    deep = "(" * MAX_DEPTH + "Thorens" + ")" * MAX_DEPTH
    assert _ids(store, deep) == _ids(store, "Thorens")
    alternating = "Thorens"
    for i in range(MAX_DEPTH):
        alternating = f"(x{i} OR {alternating})" if i % 2 else f"(y{i} {alternating})"
    store.search(alternating, MentionFilter())  # no FTS5 parser overflow
    search_request(alternating, MentionFilter(), 1, 20)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        (" ".join(["ski"] * (MAX_TERMS + 1)), f"more than {MAX_TERMS} terms"),
        ("(" * (MAX_DEPTH + 1) + "ski" + ")" * (MAX_DEPTH + 1), f"nested more than {MAX_DEPTH} deep"),
        ("(" * 700 + "ski" + ")" * 700, f"nested more than {MAX_DEPTH} deep"),  # never a RecursionError
        ("ski " * 400, f"searches take at most {MAX_QUERY_CHARS:,}"),
        ("NOT " * 300 + "ski", "NOT must follow a term"),
        ("sentiment:happy", "unknown sentiment 'happy' (use positive, neutral or negative)"),
        ("Thorens sentiment:positive sentiment:negative", "sentiment: can be given once"),
        ("lang:french", "lang: takes a language code such as fr or en"),
    ],
)
def test_what_the_language_refuses_is_one_clear_sentence(store: SqliteStore, query: str, says: str) -> None:
    for attempt in (lambda: store.search(query, MentionFilter()),
                    lambda: search_request(query, MentionFilter(), 1, 20)):
        with pytest.raises(QuerySyntaxError) as err:
            attempt()
        assert says in str(err.value) and "\n" not in str(err.value)


def test_a_nul_or_a_control_character_separates_words(store: SqliteStore) -> None:
    assert _ids(store, "Thorens\x00neige") == _ids(store, "Thorens neige")
    assert _ids(store, "\x1bThorens\x07") == _ids(store, "Thorens")
    fts, _ = to_fts5("ski\x00")
    assert "\x00" not in fts


def test_a_sentiment_filter_filters(store: SqliteStore) -> None:
    negative = store.search("sentiment:negative", MentionFilter(), size=50)
    assert negative.hits and all(h.sentiment == "negative" or h.places for h in negative.hits)
    assert negative.total < store.search("", MentionFilter(), size=50).total
    assert with_fields(MentionFilter(), {"sentiment": ["Positive"]}).sentiment == "positive"
    assert parse_query("sentiment:NEUTRAL") is not None
