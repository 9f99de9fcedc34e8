"""English sentiment: a plain factual statement about a place is no verdict; a clear verdict keeps its sign."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Analyzer

PLAIN = Path(__file__).resolve().parents[2] / "eval" / "data" / "en_plain_statements.txt"


# The sign model learnt only from rated texts and leans one way on any text; the verdict model
# (nlp/train_sentiment.py, trained with our own plain statements, never these) says when a text gives
# no verdict at all. Two timetable-like sentences are still read as verdicts: known, left visible.
STILL_A_VERDICT = pytest.mark.xfail(reason="the verdict model still reads this plain statement as a verdict")


@pytest.mark.parametrize("text", [
    "The museum opens at nine on Saturday in Lyon.",
    pytest.param("The train from Paris arrives at noon.", marks=STILL_A_VERDICT),
    "The council will meet in Denver on Tuesday to discuss the budget.",
    pytest.param("Rainfall in Brest averaged 110 millimetres in October.", marks=STILL_A_VERDICT),
    "The harbour in Saint-Malo has space for 1,200 boats.",
])
def test_a_plain_statement_about_a_place_is_neutral(analyzer: Analyzer, text: str) -> None:
    assert analyzer.analyze(text, lang="en").sentiment.label == "neutral"


def test_factual_news_is_not_counted_as_negative_voice(analyzer: Analyzer) -> None:
    """Most of these 22 factual sentences we wrote are neutral and few negative (14 were negative
    and 4 neutral before the verdict model): timetables do not inflate a place's negative voice."""
    lines = [t.strip() for t in PLAIN.read_text(encoding="utf-8").splitlines() if t.strip()]
    labels = [analyzer.analyze(t, lang="en").sentiment.label for t in lines]
    assert labels.count("negative") <= len(lines) // 4, labels
    assert labels.count("neutral") >= len(lines) * 2 // 3, labels


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


@pytest.mark.parametrize(("text", "label"), [
    ("We flew into Geneva on Friday. The bus took an hour. "
     "The old town of Annecy was beautiful and the food was wonderful.", "positive"),
    ("The ferry leaves Quiberon at nine. The hotel in Brest was dirty and the staff were rude.", "negative"),
])
def test_a_verdict_among_plain_sentences_is_still_a_verdict(analyzer: Analyzer, text: str, label: str) -> None:
    """The verdict model reads a text sentence by sentence: one telling sentence among timetables is
    a verdict (read as one bag of words, a whole post's words summed to none)."""
    assert analyzer.analyze(text, lang="en").sentiment.label == label
