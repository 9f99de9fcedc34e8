"""A place's name is no verdict: "Lourdes" (heavy), "Nice" (nice), "Rodez" (prowl) must not colour sentiment."""

from __future__ import annotations

import pytest

from nlp import Analyzer
from nlp.sentiment import without_places


def test_place_names_are_blanked_keeping_offsets() -> None:
    text = "Séjour à Nice puis Lourdes."
    out = without_places(text, [(9, 13), (19, 26)])
    assert out == "Séjour à      puis        ." and len(out) == len(text)
    assert without_places(text, []) == text


@pytest.mark.parametrize(
    "text",
    ["Pèlerinage à Lourdes ce dimanche.", "Le marché de Rodez a lieu le samedi."],
)
def test_a_french_place_name_is_no_verdict(analyzer: Analyzer, text: str) -> None:
    a = analyzer.analyze(text, lang="fr")
    assert a.places, "the place must be found for this test to mean anything"
    assert a.sentiment.label == "neutral"
    assert all(p.sentiment == 0.0 for p in a.places)


def test_an_english_place_name_is_no_verdict(analyzer: Analyzer) -> None:
    nice = analyzer.analyze("We flew to Nice on Monday.", lang="en")
    paris = analyzer.analyze("We flew to Paris on Monday.", lang="en")
    assert [p.name for p in nice.places] == ["Nice"]
    assert nice.sentiment.label == paris.sentiment.label
    assert abs(nice.sentiment.score - paris.sentiment.score) < 0.05


def test_the_verdict_around_a_place_still_counts(analyzer: Analyzer) -> None:
    a = analyzer.analyze("Nice est magnifique. Séjour horrible à Lourdes.", lang="fr")
    by = {p.name: p.sentiment for p in a.places}
    assert by["Nice"] > 0 > by["Lourdes"]
