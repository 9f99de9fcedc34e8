"""Watchlist matching: spellings, hashtags, handles, elisions and abbreviations of territory names."""

from __future__ import annotations

import pytest

from nlp.pipeline import territory_config
from nlp.text import fold
from nlp.watchlist import WatchlistMatcher, alias_pattern, excluded
from tests.helpers import WATCHLIST

MATCHER = WatchlistMatcher(territory_config(WATCHLIST))


@pytest.mark.parametrize(
    ("text", "surface", "territory"),
    [
        ("Week-end à Val Thorens", "Val Thorens", "val-thorens"),
        ("VAL THORENS ouvre samedi", "VAL THORENS", "val-thorens"),
        ("val-thorens en février", "val-thorens", "val-thorens"),
        ("Vive #valthorens", "#valthorens", "val-thorens"),
        ("Vive #ValThorens !", "#ValThorens", "val-thorens"),
        ("merci @valthorens", "@valthorens", "val-thorens"),
        ("on monte à Val Tho demain", "Val Tho", "val-thorens"),
        ("le lac d'Annecy", "Annecy", "annecy"),
        ("le lac d’Annecy", "Annecy", "annecy"),
        ("montée de l'Alpe d'Huez", "l'Alpe d'Huez", "alpe-d-huez"),
        ("grimper l’Alpe d’Huez", "l’Alpe d’Huez", "alpe-d-huez"),
        ("Alpe-d'Huez", "Alpe-d'Huez", "alpe-d-huez"),
        ("match à Saint-Étienne", "Saint-Étienne", "saint-etienne"),
        ("match à St Etienne", "St Etienne", "saint-etienne"),
        ("match à St-Étienne", "St-Étienne", "saint-etienne"),
        ("match à ST. ETIENNE", "ST. ETIENNE", "saint-etienne"),
        ("match at saint etienne", "saint etienne", "saint-etienne"),
    ],
)
def test_spellings_of_a_territory_are_found(text: str, surface: str, territory: str) -> None:
    hits = MATCHER.find(text)
    assert [(h.text, h.territory) for h in hits] == [(surface, territory)]
    assert text[hits[0].start : hits[0].end] == surface


@pytest.mark.parametrize("text", ["Valthorensia", "Annecyville", "le mot nicely", "interval thorens"])
def test_names_inside_other_words_are_not_found(text: str) -> None:
    assert MATCHER.find(text) == []


def test_hashtags_and_handles_are_flagged() -> None:
    hits = MATCHER.find("#valthorens @valthorens Val Thorens")
    assert [h.tagged for h in hits] == [True, True, False]


def test_fold_keeps_offsets() -> None:
    text = "Œuvre à Saint-Étienne — l’été"
    assert len(fold(text)) == len(text)


def test_exclude_phrase_vetoes_only_its_sentence() -> None:
    assert excluded("Chamonix FC a gagné hier.", ["Chamonix FC"])
    assert not excluded("Ski à Chamonix cet hiver.", ["Chamonix FC"])


def test_alias_pattern_is_accent_and_case_insensitive() -> None:
    assert alias_pattern("Saint-Étienne") == alias_pattern("st etienne")


@pytest.mark.parametrize(
    ("text", "surface", "territory"),
    [
        ("Chapeau aux pisteurs des Arcs et aux gars du PGHM", "des Arcs", "les-arcs"),
        ("On skie aux Arcs cette semaine", "aux Arcs", "les-arcs"),
        ("Les Arcs ouvrent samedi", "Les Arcs", "les-arcs"),
        ("la fête du Grand-Bornand", "du Grand-Bornand", "le-grand-bornand"),
        ("on monte au Grand-Bornand", "au Grand-Bornand", "le-grand-bornand"),
    ],
)
def test_a_leading_french_article_contracts(text: str, surface: str, territory: str) -> None:
    matcher = WatchlistMatcher([{"id": "les-arcs", "name": "Les Arcs"},
                                {"id": "le-grand-bornand", "name": "Le Grand-Bornand"}])
    assert [(h.text, h.territory) for h in matcher.find(text)] == [(surface, territory)]
