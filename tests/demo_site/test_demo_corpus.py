"""The demo corpus holds what the demo and the NLP tests rely on: volume, languages, hard cases."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from config import Config
from placewatch.demo_site import CorpusItem

RESORTS = {"val-thorens", "courchevel", "tignes", "les-arcs", "chamonix", "alpe-d-huez"}
CITIES = {"nice", "annecy", "lyon", "bordeaux"}


def ranking(items: list[CorpusItem]) -> list[tuple[str, int]]:
    """Territories by number of items whose gold places name them."""
    return Counter(p for item in items for p in item.places).most_common()


def dated(corpus: tuple[CorpusItem, ...], max_days: int) -> list[CorpusItem]:
    return [i for i in corpus if i.days_ago is not None and i.days_ago <= max_days]


def test_volume_and_languages(corpus: tuple[CorpusItem, ...]) -> None:
    langs = Counter(item.lang for item in corpus)
    kinds = Counter(item.kind for item in corpus)
    assert len(corpus) >= 70
    assert set(langs) == {"fr", "en"}
    assert langs["fr"] >= 25 and langs["en"] >= 25
    assert kinds["article"] >= 25 and kinds["post"] >= 25


def test_every_destination_is_covered(corpus: tuple[CorpusItem, ...]) -> None:
    counts = dict(ranking(list(corpus)))
    assert set(counts) == RESORTS | CITIES
    assert all(n >= 5 for n in counts.values()), counts


def test_items_spread_over_at_least_75_days(corpus: tuple[CorpusItem, ...]) -> None:
    days = {i.days_ago for i in corpus if i.days_ago is not None}
    assert min(days) == 0 and max(days) >= 75
    weeks_with_items = {d // 7 for d in days}
    assert len(weeks_with_items) >= 11


def test_slugs_are_unique_and_url_safe(corpus: tuple[CorpusItem, ...]) -> None:
    slugs = [i.slug for i in corpus]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)


def test_articles_read_like_articles(corpus: tuple[CorpusItem, ...]) -> None:
    for item in corpus:
        if item.kind == "article":
            words = len(item.text.split())
            assert 120 <= words <= 400, (item.slug, words)
            assert len(item.paragraphs) >= 3, item.slug


def test_posts_read_like_posts(corpus: tuple[CorpusItem, ...]) -> None:
    for item in corpus:
        if item.kind == "post":
            assert item.author_handle and item.followers, item.slug
            assert item.likes is not None and item.reposts is not None, item.slug
            assert len(item.paragraphs) == 1 and len(item.text) <= 320, item.slug


def test_gold_places_are_configured_territories(
    corpus: tuple[CorpusItem, ...], demo_config: Config
) -> None:
    ids = {t.id for t in demo_config.territories}
    for item in corpus:
        assert set(item.places) <= ids, item.slug


def test_gold_places_are_named_in_title_or_body(
    corpus: tuple[CorpusItem, ...], names: dict[str, tuple[str, ...]]
) -> None:
    for item in corpus:
        text = f"{item.title}\n{item.text}"
        for place in item.places:
            named = any(n.casefold() in text.casefold() for n in names[place])
            assert named or "contraction" in (item.notes or ""), (item.slug, place)


def test_exactly_one_undated_article(corpus: tuple[CorpusItem, ...]) -> None:
    undated = [i for i in corpus if i.days_ago is None]
    assert len(undated) == 1
    assert undated[0].kind == "article"


def test_syndicated_copy_shares_most_of_its_body(corpus: tuple[CorpusItem, ...]) -> None:
    by_slug = {i.slug: i for i in corpus}
    copies = [i for i in corpus if i.syndicated_from]
    assert len(copies) == 1
    copy, original = copies[0], by_slug[copies[0].syndicated_from or ""]
    assert copy.title != original.title
    assert copy.paragraphs[0] != original.paragraphs[0]
    assert copy.paragraphs[-1] != original.paragraphs[-1]
    assert SequenceMatcher(None, copy.text, original.text).ratio() >= 0.8
    assert set(copy.places) == set(original.places)


def test_les_arcs_spikes_over_two_days_in_both_languages(
    corpus: tuple[CorpusItem, ...],
) -> None:
    spike = [i for i in corpus if i.days_ago in (2, 3) and "les-arcs" in i.places]
    assert len(spike) >= 12
    assert {i.lang for i in spike} == {"fr", "en"}
    assert {i.days_ago for i in spike} == {2, 3}
    outside = [i for i in corpus if i.days_ago not in (2, 3) and "les-arcs" in i.places]
    assert 2 <= len(outside) <= 6


def test_last_week_ranks_les_arcs_first(corpus: tuple[CorpusItem, ...]) -> None:
    top = ranking(dated(corpus, 6))
    assert top[0][0] == "les-arcs"
    assert top[0][1] >= 3 * top[1][1]


def test_val_thorens_and_courchevel_lead_over_80_days(corpus: tuple[CorpusItem, ...]) -> None:
    top = ranking(dated(corpus, 80))
    assert {top[0][0], top[1][0]} == {"val-thorens", "courchevel"}
    assert top[1][1] > dict(top)["les-arcs"]


def test_leaders_are_steady_across_the_period(corpus: tuple[CorpusItem, ...]) -> None:
    for territory in ("val-thorens", "courchevel"):
        days = [i.days_ago for i in corpus if territory in i.places and i.days_ago is not None]
        for start in range(0, 80, 20):
            assert any(start <= d < start + 20 for d in days), (territory, start)


def test_nice_the_adjective_appears_beside_nice_the_city(corpus: tuple[CorpusItem, ...]) -> None:
    adjective_only = [
        i for i in corpus if i.lang == "en" and "nice" not in i.places and "nice" in i.text.lower()
    ]
    assert len(adjective_only) >= 2
    both = [i for i in corpus if "nice week in Nice" in i.text]
    assert len(both) == 1 and both[0].places == ("nice",)
    assert any(i.text.startswith("Nice ") and "nice" not in i.places for i in corpus)


def test_chili_the_dish_and_chili_the_country(corpus: tuple[CorpusItem, ...]) -> None:
    dish = [i for i in corpus if i.lang == "fr" and "chili con carne" in i.text]
    country = [i for i in corpus if i.lang == "fr" and "au Chili" in i.text]
    assert dish and country and not set(dish) & set(country)
    assert all("Chili" not in i.other_places for i in dish)
    assert all("Chili" in i.other_places for i in country)


def test_paris_hilton_is_not_paris(corpus: tuple[CorpusItem, ...]) -> None:
    items = [i for i in corpus if "Paris Hilton" in i.title + i.text]
    assert len(items) == 1
    assert "Paris" not in items[0].other_places


def test_names_outside_the_gold_are_marked_hard_cases(
    corpus: tuple[CorpusItem, ...], names: dict[str, tuple[str, ...]]
) -> None:
    for item in corpus:
        text = f"{item.title}\n{item.text}"
        for tid, variants in names.items():
            if tid not in item.places and any(v in text for v in variants):
                assert "hard case" in (item.notes or ""), (item.slug, tid)


def test_a_comment_names_a_resort_the_article_does_not(
    corpus: tuple[CorpusItem, ...], names: dict[str, tuple[str, ...]]
) -> None:
    found = []
    for item in corpus:
        body = item.title + item.text
        for comment in item.comments:
            for tid, variants in names.items():
                if any(v in comment.text for v in variants) and not any(
                    v in body for v in variants
                ):
                    assert tid not in item.places
                    found.append((item.slug, tid))
    assert found


def test_hard_cases_are_marked_in_notes(corpus: tuple[CorpusItem, ...]) -> None:
    notes = " ".join(i.notes or "" for i in corpus)
    for needle in (
        "adjective",
        "dish",
        "country",
        "Paris Hilton",
        "syndicated",
        "comment",
        "NO publication date",
        "spike",
    ):
        assert needle in notes, needle
