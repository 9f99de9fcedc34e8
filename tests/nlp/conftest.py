"""Fixtures for the NLP tests: one Analyzer with a small watchlist, loaded once per session."""

from __future__ import annotations

import pytest

from config.settings import Territory
from nlp import Analyzer

WATCHLIST = (
    Territory(id="val-thorens", name="Val Thorens", kind="resort",
              aliases=("Val Tho", "#valthorens", "@valthorens"), groups=("alps",)),
    Territory(id="alpe-d-huez", name="L'Alpe d'Huez", kind="resort", aliases=("Alpe d'Huez",)),
    Territory(id="annecy", name="Annecy", kind="city", lat=45.9, lon=6.12),
    Territory(id="saint-etienne", name="Saint-Étienne", kind="city"),
    Territory(id="nice", name="Nice", kind="city"),
    Territory(id="chamonix", name="Chamonix", kind="resort", exclude=("Chamonix FC",)),
)


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(WATCHLIST)
