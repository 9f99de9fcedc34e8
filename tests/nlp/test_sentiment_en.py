"""English sentiment: a plain factual statement about a place is no verdict; a clear verdict keeps its sign."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Analyzer

PLAIN = Path(__file__).resolve().parents[2] / "eval" / "data" / "en_plain_statements.txt"


# Known defect, left open on purpose: the English model's intercept (rated NYT sentences without a
# lexicon word lean negative) makes a plain statement negative. Scoring such texts without it made
# these pass but lowered sign accuracy from 0.806 to 0.801 (CV) against a floor of 0.80, with the
# held-out check about as far from it: reverted.
PLAIN_DEFECT = pytest.mark.xfail(reason="the English intercept reads a plain statement as negative (see above)")


@pytest.mark.parametrize("text", [
    "The museum opens at nine on Saturday in Lyon.",
    "The train from Paris arrives at noon.",
    "The council will meet in Denver on Tuesday to discuss the budget.",
    "Rainfall in Brest averaged 110 millimetres in October.",
    "The harbour in Saint-Malo has space for 1,200 boats.",
])
@PLAIN_DEFECT
def test_a_plain_statement_about_a_place_is_neutral(analyzer: Analyzer, text: str) -> None:
    assert analyzer.analyze(text, lang="en").sentiment.label == "neutral"


@PLAIN_DEFECT
def test_factual_news_is_not_counted_as_negative_voice(analyzer: Analyzer) -> None:
    """14 of these 22 sentences we wrote are negative (4 neutral): share of negative voice is
    inflated by every timetable."""
    lines = [t.strip() for t in PLAIN.read_text(encoding="utf-8").splitlines() if t.strip()]
    labels = [analyzer.analyze(t, lang="en").sentiment.label for t in lines]
    assert labels.count("negative") <= len(lines) // 3, labels
    assert labels.count("neutral") >= len(lines) // 3, labels


@pytest.mark.parametrize(("text", "label"), [
    ("The old town of Annecy is beautiful and the lake is wonderful.", "positive"),
    ("We loved our stay in Lyon, the food was excellent.", "positive"),
    ("Visiting Bordeaux was a great experience, we will come back.", "positive"),
    ("The hotel in Brest was dirty and the staff were rude.", "negative"),
    ("The museum in Denver was a disappointing waste of money.", "negative"),
    ("Traffic in Marseille was a nightmare and the beach was filthy.", "negative"),
])
def test_a_clear_verdict_keeps_its_sign(analyzer: Analyzer, text: str, label: str) -> None:
    assert analyzer.analyze(text, lang="en").sentiment.label == label
