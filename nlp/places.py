"""The place components of the spaCy pipeline: the watchlist matcher and the place linker.

The linker finds candidates (`nlp/candidates.py`), weighs the evidence for each (`nlp/evidence.py`)
and links the ones it keeps (`nlp/linking.py`); the places go to `doc.spans["places"]`, each span
carrying its analyze-schema fields in `span._.pw_place`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.candidates import CandidateFinder, EntityLabels
from nlp.evidence import CUES, TRAVEL_WORDS, WEAK_CUES, Evidence, shouting_ratio
from nlp.extensions import PLACES, register_extensions
from nlp.gazetteer import Gazetteer, load_gazetteer
from nlp.linking import link
from nlp.text import fold_key
from nlp.watchlist import WatchlistMatcher

logger = logging.getLogger(__name__)


class PlaceLinker:
    """spaCy component: finds place mentions, disambiguates them and links them to the gazetteer."""

    def __init__(
        self,
        name: str,
        territories: Sequence[dict[str, Any]],
        place_labels: Sequence[str],
        person_labels: Sequence[str],
        blocking_labels: Sequence[str],
        demonym_labels: Sequence[str],
        cues: Sequence[str],
        weak_cues: Sequence[str],
        travel_words: Sequence[str],
        min_confidence: float,
        cities: str,
        scan_gazetteer: bool,
        unlinked_penalty: float = 0.0,
        lexicon_lang: str = "",
        nlp: Language | None = None,
    ) -> None:
        register_extensions()
        self.name = name
        self.territories = {str(t["id"]): dict(t) for t in territories}
        self.labels = EntityLabels(
            frozenset(place_labels), frozenset(person_labels), frozenset(blocking_labels), frozenset(demonym_labels)
        )
        self.cues = list(cues)
        self.weak_cues = list(weak_cues)
        self.travel_words = list(travel_words)
        self.min_confidence = min_confidence
        self.cities = cities
        self.scan_gazetteer = scan_gazetteer
        self.unlinked_penalty = unlinked_penalty
        self.lexicon_lang = lexicon_lang
        self._parts: tuple[CandidateFinder, Evidence] | None = None
        # the model package whose lemmatizer tables give the common words (read from disk, since the
        # pipeline leaves the lemmatizer out); the pipeline itself does not travel with the component
        self._package = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}" if nlp is not None else ""

    @property
    def gazetteer(self) -> Gazetteer:
        return load_gazetteer(self.cities)

    @property
    def parts(self) -> tuple[CandidateFinder, Evidence]:
        """The candidate finder and the evidence weigher, built on first use (the gazetteer loads then)."""
        if self._parts is None:
            gaz = self.gazetteer
            finder = CandidateFinder(self.territories, gaz, self.labels, self.scan_gazetteer)
            evidence = Evidence(gaz, self.labels.person, self.cues, self.weak_cues, self.travel_words,
                                self.unlinked_penalty, self.lexicon_lang, self._package)
            self._parts = (finder, evidence)
        return self._parts

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_parts"] = None  # rebuilt lazily (with the gazetteer) in a worker process
        return state

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for record in self.mentions(doc):
            span = doc.char_span(record["start"], record["end"], alignment_mode="expand")
            if span is None:  # pragma: no cover - a candidate always covers at least one token
                continue
            span._.pw_place = record
            spans.append(span)
        doc.spans[PLACES] = spans
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def mentions(self, doc: Doc) -> list[dict[str, Any]]:
        """The place mentions of a document as analyze-schema dicts, in text order."""
        text = doc.text
        if not text.strip():
            return []
        finder, evidence = self.parts
        cands = finder.find(doc, doc._.pw_territory_hits or ())
        if not cands:
            return []
        sents = list(doc.sents)
        sent_starts = [s.start_char for s in sents]
        sent_ends = [s.end_char for s in sents]
        shouting = shouting_ratio(doc) > 0.6
        title_keys = {fold_key(w) for w in re.findall(r"[\w'-]+", doc._.pw_title or "")}
        scored = []
        for c in cands:
            z = evidence.score(doc, text, c, sent_starts, sent_ends, shouting)
            if fold_key(text[c.start : c.end]) in title_keys:
                z += 0.5
            scored.append((c, z))
        return link(text, doc._.pw_title, scored, evidence, self.territories, (sent_starts, sent_ends),
                    self.min_confidence)


class TerritoryMatcherComponent:
    """spaCy component: records watchlist hits (territories and aliases) on the Doc."""

    def __init__(self, name: str, territories: Sequence[dict[str, Any]]) -> None:
        register_extensions()
        self.name = name
        self.matcher = WatchlistMatcher(territories)

    def __call__(self, doc: Doc) -> Doc:
        doc._.pw_territory_hits = [
            [h.start, h.end, h.territory, h.tagged, h.cased, h.words] for h in self.matcher.find(doc.text)
        ]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(
    "placewatch_territories",
    default_config={"territories": []},
)
def make_territory_matcher(
    nlp: Language, name: str, territories: list[dict[str, Any]]
) -> TerritoryMatcherComponent:
    """Watchlist matcher; `territories` mirrors the [[territories]] tables of the config."""
    return TerritoryMatcherComponent(name, territories)


@Language.factory(
    "placewatch_places",
    default_config={
        "territories": [],
        "place_labels": ["GPE", "LOC", "FAC"],
        "person_labels": ["PERSON", "PER"],
        "blocking_labels": ["ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP"],
        "demonym_labels": ["NORP"],
        "cues": CUES["en"],
        "weak_cues": WEAK_CUES["en"],
        "travel_words": TRAVEL_WORDS["en"],
        "min_confidence": 0.5,
        "cities": "cities5000",
        "scan_gazetteer": True,
        "unlinked_penalty": 0.0,
        "lexicon_lang": "",
    },
)
def make_place_linker(
    nlp: Language,
    name: str,
    territories: list[dict[str, Any]],
    place_labels: list[str],
    person_labels: list[str],
    blocking_labels: list[str],
    demonym_labels: list[str],
    cues: list[str],
    weak_cues: list[str],
    travel_words: list[str],
    min_confidence: float,
    cities: str,
    scan_gazetteer: bool,
    unlinked_penalty: float,
    lexicon_lang: str,
) -> PlaceLinker:
    """Place linker; cue and travel words are per language, territories mirror the config;
    `unlinked_penalty` is the log-odds an NER-only name no gazetteer knows loses (NER's coarseness)."""
    return PlaceLinker(
        name, territories, place_labels, person_labels, blocking_labels, demonym_labels, cues, weak_cues, travel_words,
        min_confidence, cities, scan_gazetteer, unlinked_penalty, lexicon_lang, nlp,
    )
