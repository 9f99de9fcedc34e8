"""Sentiment of documents and of the sentence around each place mention, in French and English."""

from __future__ import annotations

import bisect
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from core.models import Sentiment, sentiment_label
from nlp.extensions import PLACES, doc_text, register_extensions

logger = logging.getLogger(__name__)

LONG_TEXT = 5000  # beyond this, a document's score is the mean of its sentences' scores
MAX_SENTENCES = 2000  # sentences scored per document at most

Scorer = Callable[[str], tuple[float, float, float]]  # text → (score, positive, negative)
MODEL_EN = Path(__file__).parent / "data" / "sentiment_en.json.gz"  # made by nlp/train_sentiment.py
MODEL_FR = Path(__file__).parent / "data" / "sentiment_fr.json.gz"  # made by nlp/train_sentiment.py


@lru_cache(maxsize=1)
def _vader_en() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _vader_fr() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fuzzywuzzy warns about its pure-Python fallback
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(analyzer: Any, text: str) -> tuple[float, float, float]:
    """VADER compound, positive and negative proportions of a text."""
    s = analyzer.polarity_scores(text)
    return float(s["compound"]), float(s["pos"]), float(s["neg"])


def vader_en_scores(text: str) -> tuple[float, float, float]:
    """VADER (English) scores of a text."""
    return vader_scores(_vader_en(), text)


def vader_fr_scores(text: str) -> tuple[float, float, float]:
    """vaderSentiment-fr scores of a text (kept for comparison in eval/nlp_sentiment.py)."""
    return vader_scores(_vader_fr(), text)


@lru_cache(maxsize=1)
def _english_model() -> Scorer:
    from nlp.linear import LinearSentiment

    if not MODEL_EN.exists():
        logger.warning("%s missing: English sentiment falls back to VADER", MODEL_EN)
        return vader_en_scores
    return LinearSentiment.load(MODEL_EN, vader_en_scores).scores


@lru_cache(maxsize=1)
def _french_model() -> Scorer:
    from nlp.sentiment_structure import StructureSentiment

    if not MODEL_FR.exists():
        logger.warning("%s missing: French sentiment falls back to vaderSentiment-fr", MODEL_FR)
        return vader_fr_scores
    return StructureSentiment.load(MODEL_FR).scores


def scorer_for(lang: str) -> Scorer | None:
    """The sentiment scorer chosen by measurement for a language, None when we have none.

    English: logistic model over VADER scores and words, trained on the MIT ratings.
    French: how lexicon evidence adds up (negated, after a contrast, opening sentence…), learnt
    from the English ratings and read with vaderSentiment-fr's (MIT) and textblob-fr's (MIT package,
    PDDL lexicon) lexicons, French idioms and negation (nlp/sentiment_structure.py)."""
    if lang == "en":
        return _english_model()
    if lang == "fr":
        return _french_model()
    return None


def to_sentiment(scores: tuple[float, float, float], lang: str) -> Sentiment:
    """The Sentiment of a scorer's (score, positive, negative), labelled with the language's band."""
    score, pos, neg = scores
    score = max(-1.0, min(1.0, score)) if math.isfinite(score) else 0.0
    return Sentiment(score=score, label=sentiment_label(score, lang), positive=pos, negative=neg)


def without_places(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with each place name blanked (same length): a name is no verdict, yet the lexicons
    read "Lourdes" as heavy, "Nice" as nice and "Rodez" as prowling."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


class SentimentComponent:
    """spaCy component: document sentiment in `doc._.pw_sentiment`, each place's in `span._.pw_sentiment`."""

    def __init__(self, name: str, lang: str) -> None:
        register_extensions()
        self.name = name
        self.lang = lang

    def scorer(self, doc: Doc) -> Scorer | None:
        return scorer_for(doc._.pw_lang or self.lang)

    def __call__(self, doc: Doc) -> Doc:
        scorer = self.scorer(doc)
        raw = doc_text(doc)
        if scorer is None or not raw.strip():
            doc._.pw_sentiment = Sentiment().to_dict()
            return doc
        places = doc.spans.get(PLACES, ())
        text = without_places(raw, [(p.start_char, p.end_char) for p in places])
        sentences = list(doc.sents) if len(text) > LONG_TEXT or places else []
        cache: dict[int, float] = {}

        def sentence_text(i: int) -> str:
            return text[sentences[i].start_char : sentences[i].end_char]

        def sentence_score(i: int) -> float:
            if i not in cache:
                cache[i] = scorer(sentence_text(i))[0] if len(cache) < MAX_SENTENCES else 0.0
            return cache[i]

        if len(text) <= LONG_TEXT:
            doc_scores = scorer(text)
        else:
            step = max(1, len(sentences) // MAX_SENTENCES)  # a spread sample of long documents
            parts = [scorer(sentence_text(i)) for i in range(0, len(sentences), step)[:MAX_SENTENCES]]
            n = max(1, len(parts))
            doc_scores = (
                sum(p[0] for p in parts) / n, sum(p[1] for p in parts) / n, sum(p[2] for p in parts) / n
            )
        doc._.pw_sentiment = to_sentiment(doc_scores, self.lang).to_dict()
        ends = [s.end_char for s in sentences]
        for span in places:
            i = bisect.bisect_right(ends, span._.pw_place["start"])
            span._.pw_sentiment = round(sentence_score(i), 4) if i < len(sentences) else 0.0
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(
    "placewatch_sentiment",
    default_config={"lang": "en"},
)
def make_sentiment(nlp: Language, name: str, lang: str) -> SentimentComponent:
    """Sentiment scorer for one language; its neutral band is the language's (core.models)."""
    return SentimentComponent(name, lang)
