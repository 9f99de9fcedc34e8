"""The place components of the spaCy pipeline: the watchlist matcher and the place linker.

The linker finds candidates (`nlp/candidates.py`), weighs the evidence for each (`nlp/evidence.py`)
and links the ones it keeps (`nlp/linking.py`); the places go to `doc.spans["places"]`, each span
carrying its analyze-schema fields in `span._.pw_place`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.candidates import EVERYDAY_BRAND_WORDS, Candidate, CandidateFinder, EntityLabels, cue_words
from nlp.evidence import CUES, TRAVEL_WORDS, WEAK_CUES, Evidence, document_features, shouting_ratio
from nlp.extensions import CANDIDATES, PLACES, doc_text, register_extensions
from nlp.gazetteer import Gazetteer, load_gazetteer
from nlp.linking import link
from nlp.place_model import load_place_model
from nlp.watchlist import WatchlistMatcher

logger = logging.getLogger(__name__)

CUED_NAMES = {"fr"}  # languages whose candidates include unknown names after a cue word ("à Moudon")
# languages whose tokenizer cuts a hyphenated name into pieces ("Aix", "-", "en", "-", "Provence"):
# their gazetteer scan counts words, not tokens (French keeps the name one token: no new candidate
# on HIPE, and its model stays as trained)
HYPHEN_PIECES = {"en"}
# languages whose streets and numbered roads are candidates of their own (the English corpora count them)
STREETS = {"en"}
# languages whose streets named after a town are candidates of their own ("rue de Strasbourg")
NAMED_STREETS = {"fr"}
# languages where a masculine article before a name says a region or a country, never a city: "au
# Québec", "du Québec" is the province, "à Québec" the city
REGION_ARTICLES = {"fr"}


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
        cities: str,
        scan_gazetteer: bool,
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
        self.cities = cities
        self.scan_gazetteer = scan_gazetteer
        self.lexicon_lang = lexicon_lang
        self.model_lang = lexicon_lang or "en"
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
            # names after a cue are candidates in French only: in English (leave one corpus out)
            # they lowered F1 from 0.821 to 0.814, where NER already reads most such names
            cued = cue_words(self.cues) if self.lexicon_lang in CUED_NAMES else frozenset()
            finder = CandidateFinder(self.territories, gaz, self.labels, self.scan_gazetteer, cued,
                                     self.lexicon_lang in HYPHEN_PIECES, self.lexicon_lang in STREETS,
                                     EVERYDAY_BRAND_WORDS if self.lexicon_lang == "en" else frozenset(),
                                     self.lexicon_lang in NAMED_STREETS, self.lexicon_lang in REGION_ARTICLES)
            evidence = Evidence(gaz, self.labels.person, self.cues, self.weak_cues, self.travel_words,
                                self.lexicon_lang, self._package)
            self._parts = (finder, evidence)
        return self._parts

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_parts"] = None  # rebuilt lazily (with the gazetteer) in a worker process
        return state

    def __call__(self, doc: Doc) -> Doc:
        places, candidates = self.mentions(doc)
        doc.spans[PLACES] = self._spans(doc, places)
        doc.spans[CANDIDATES] = self._spans(doc, candidates)
        return doc

    @staticmethod
    def _spans(doc: Doc, records: list[dict[str, Any]]) -> list[Span]:
        spans = []
        for record in records:
            span = doc.char_span(record["start"], record["end"], alignment_mode="expand")
            if span is None:  # pragma: no cover - a candidate always covers at least one token
                continue
            span._.pw_place = record
            spans.append(span)
        return spans

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def weigh(self, doc: Doc, finder: CandidateFinder | None = None) -> list[tuple[Candidate, dict[str, float]]]:
        """The document's candidates with their features (what the model decides on); `finder`
        replaces the component's own (training simulates watchlists with one)."""
        return self._weigh(doc, finder)[2]

    def _weigh(
        self, doc: Doc, finder: CandidateFinder | None = None
    ) -> tuple[str, tuple[list[int], list[int]], list[tuple[Candidate, dict[str, float]]]]:
        """The document's text, its sentence bounds (starts, ends) and its weighed candidates (Doc.sents
        is rebuilt from the tokens on every access: it is read once here)."""
        text = doc_text(doc)
        if not text.strip():
            return text, ([], []), []
        own, evidence = self.parts
        cands = (finder or own).find(doc, doc._.pw_territory_hits or ())
        if not cands:
            return text, ([], []), []
        sents = list(doc.sents)
        sent_starts = [s.start_char for s in sents]
        sent_ends = [s.end_char for s in sents]
        shouting = shouting_ratio(doc) > 0.6
        weighed = [(c, evidence.features(doc, text, c, sent_starts, sent_ends, shouting)) for c in cands]
        document_features(text, doc._.pw_title, weighed)
        return text, (sent_starts, sent_ends), weighed

    def mentions(self, doc: Doc) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The place mentions of a document and the unlinked names left as candidates, as
        analyze-schema dicts in text order."""
        text, bounds, weighed = self._weigh(doc)
        if not weighed:
            return [], []
        model = load_place_model(self.model_lang)
        scored = [(c, model.probability(f)) for c, f in weighed]
        return link(text, doc._.pw_title, scored, self.parts[1], self.territories, bounds, model.thresholds)


class TerritoryMatcherComponent:
    """spaCy component: records watchlist hits (territories and aliases) on the Doc."""

    def __init__(self, name: str, territories: Sequence[dict[str, Any]]) -> None:
        register_extensions()
        self.name = name
        self.matcher = WatchlistMatcher(territories)

    def __call__(self, doc: Doc) -> Doc:
        doc._.pw_territory_hits = [
            [h.start, h.end, h.territory, h.tagged, h.cased, h.words] for h in self.matcher.find(doc_text(doc))
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
        "cities": "cities5000",
        "scan_gazetteer": True,
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
    cities: str,
    scan_gazetteer: bool,
    lexicon_lang: str,
) -> PlaceLinker:
    """Place linker; cue and travel words are per language, territories mirror the config;
    `lexicon_lang` names the shipped place model (nlp/data/places_<lang>.json.gz) and lexicons."""
    return PlaceLinker(
        name, territories, place_labels, person_labels, blocking_labels, demonym_labels, cues, weak_cues, travel_words,
        cities, scan_gazetteer, lexicon_lang, nlp,
    )
