"""Place mentions on the bundled demo corpus (real-looking tourism posts and articles) against its gold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.settings import load_config
from nlp import Analyzer
from placewatch.demo import write_demo_config
from placewatch.demo_site import load_corpus

# Measured 2026-12-06 with the trained place decision (issue 12): watchlist recall 119/119, precision
# 119/120 (Bordeaux the wine in a restaurant review). Watched resorts the gazetteer knows only as small
# towns (Chamonix, Tignes) had fallen to 113/119 under the learnt threshold until the watchlist's own
# evidence was learnt apart (nlp/train_places.fit_weights) and an unambiguous watched name was kept
# whatever the model says (nlp/evidence.Evidence.vouches).
MIN_PRECISION = 0.99
MIN_RECALL = 0.99
# A place outside the watchlist is plausible when the item's gold names it. Measured 2026-12-06: 16
# confident reports the gold does not list, all real places (France, Europe, Saône, Tarentaise,
# Croix-Rousse, Plagne, Granges twice, …), one linked to the wrong namesake (Saint-Jean → Saint John);
# the 16th (Granges at 0.752 in a guide's post) came with the French model retrained for plural demonyms.
# The gold lists France or Europe where an item names them by their adjective ("the French Alps",
# "European food capitals"): English adjectives link to their place, as GeoWebNews counts modifiers.
CONFIDENT = 0.75
MAX_CONFIDENT_UNLISTED = 16

pytestmark = pytest.mark.slow  # both spaCy pipelines over the whole demo corpus


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, Any]]:
    config = load_config(write_demo_config(Path(tmp_path_factory.mktemp("demo")), "http://127.0.0.1:1"))
    analyzer = Analyzer(config.territories)
    items = load_corpus()
    texts = [("\n\n".join((item.title, *item.paragraphs)), item.title, item.lang) for item in items]
    return list(zip(items, analyzer.analyze_many(texts), strict=True))


def test_watchlist_territories_match_the_gold(results: list[tuple[Any, Any]]) -> None:
    tp = fp = fn = 0
    for item, analysis in results:
        found = {p.territory for p in analysis.places if p.territory}
        gold = set(item.places)
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    assert tp / (tp + fp) >= MIN_PRECISION, (tp, fp)
    assert tp / (tp + fn) >= MIN_RECALL, (tp, fn)


def test_nice_the_adjective_is_not_nice_the_city(results: list[tuple[Any, Any]]) -> None:
    for item, analysis in results:
        if item.slug in ("post-annecy-local-bakery", "post-ski-dad-nice-day-courchevel"):
            assert "nice" not in {p.territory for p in analysis.places}, item.slug


def test_other_places_are_plausible(results: list[tuple[Any, Any]]) -> None:
    unlisted = []
    for item, analysis in results:
        for p in analysis.places:
            if p.territory is None and p.confidence >= CONFIDENT and not (
                {p.name, p.text} & set(item.other_places)
            ):
                unlisted.append((item.slug, p.text, p.name, p.confidence))
    assert len(unlisted) <= MAX_CONFIDENT_UNLISTED, unlisted
    # common words and first names NER tags as places are never asserted
    assert not {u[1] for u in unlisted} & {"Vagère", "Karim", "Bloqués", "Chapeau", "Tarif"}, unlisted
