"""Place mentions: watchlist hits, NER and gazetteer candidates, disambiguated and linked to GeoNames."""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from nlp.extensions import register_extensions
from nlp.gazetteer import GazEntry, Gazetteer, load_gazetteer
from nlp.text import fold, fold_key, is_all_caps, is_capitalised
from nlp.watchlist import WatchlistMatcher, excluded

logger = logging.getLogger(__name__)

# Words right before a place name that announce one ("in Paris", "à Nice", "au Chili").
CUES = {
    "en": ["in", "to", "from", "at", "near", "into", "across", "via", "over", "visit", "visiting",
           "visited", "towards", "outside", "around", "throughout", "inside"],
    "fr": ["à", "en", "au", "aux", "vers", "depuis", "dans", "visiter", "pour", "sur",
           "près", "quitter", "rejoindre", "jusqu'à"],
}
WEAK_CUES = {"en": ["of", "and", "for", "on"], "fr": ["de", "d'", "du", "des", "et", "l'"]}
# Vocabulary of travel and geography that makes a place reading likelier in the sentence.
TRAVEL_WORDS = {
    "en": ["visit", "trip", "travel", "hotel", "holiday", "vacation", "tourism", "tourist",
           "beach", "ski", "resort", "flight", "city", "town", "village", "region", "country",
           "capital", "weekend", "stay", "airport", "mountains", "border", "state", "county"],
    "fr": ["visite", "voyage", "sejour", "vacances", "hotel", "tourisme", "touriste", "plage",
           "ski", "station", "vol", "ville", "village", "region", "pays", "capitale",
           "week-end", "aeroport", "montagne", "frontiere", "departement", "commune"],
}
SMALL_PLACE = 100_000  # population under which an alternate-name-only link needs more evidence
COMMON_NOUN_TOWN = 200_000  # a town smaller than this that spells a common noun is likelier the noun
WATCHED_COMPANY = 2  # other watched places confidently found that make a document about them
UNVERIFIED_CONFIDENCE = 0.7  # most confidence a name no gazetteer or watchlist confirms can have
LEADING_ARTICLES = {"the", "le", "la", "les", "l'", "l’"}
INDEFINITE_ARTICLES = {"a", "an", "un", "une"}
# Titles before a person's name ("M. Baroche", "Mrs Kellogg"): the name after one is a person.
HONORIFICS = {"m", "mm", "mme", "mmes", "mlle", "mr", "mrs", "ms", "dr", "me", "sir", "lord", "lady"}
# Word classes a place name never takes: a capitalised token the tagger reads so is a common word
# ("Nice little bakery", "Bloqués dans la cabine").
# A sentence break inside an entity: OCR lost the space ("Suisse.-Groupe B", "Israël.-Groupe C").
OCR_GLUE = re.compile(r"\.\s*[-—–]")
OCR_GLUED_NAME = re.compile(r"([^\W\d_]{3,})\.[-—–]")
# An all-caps name that opens a dispatch or a section: "PARIS, 15 (Havas). —", "VAUD. — D'une enquête".
DATELINE = re.compile(r"\s*[.,]?\s*(?:\d|[-—–]|\(|\n|$)")
# A place and a date opening a dispatch: "Berne, 15 septembre", "Gènes 16 août".
DATED = re.compile(r"\s*,?\s*\d{1,2}\s*(?:er\s+)?[^\W\d_]{3,}")
# What follows a person in results and lists of members: "Olano (Esp)", "Chuard (Lausanne)".
AFFILIATION = re.compile(r"\s*[({]\s*[A-ZÀ-Ý][\w.'-]*\s*[,)}]")
# What separates the items of an enumeration: "Chanel, Lanvin et Patou".
LIST_GAP = re.compile(r"\s*(?:,|;|&|et|and)\s*")
# What precedes one: a rank in results, "3. Tchmil", "155. Beuchat".
RANK = re.compile(r"(?:^|\s)\d{1,3}\s*\.\s*$")
NON_NAME_POS = {"ADJ", "ADV", "VERB", "AUX", "PRON", "DET", "ADP", "INTJ", "NUM", "CCONJ", "SCONJ", "PART"}


@dataclass
class Candidate:
    """A span that may name a place, with the evidence gathered for it."""

    start: int
    end: int
    source: str  # territory | ner | gazetteer | demonym
    territory: str | None = None
    tagged: bool = False
    cased: bool = True
    words: int = 1
    ner_place: bool = False
    entries: list[GazEntry] = field(default_factory=list)
    in_name: bool = False  # inside an organisation's or a facility's name (Ohio Department of ...)
    other_reading: bool = False  # NER reads exactly this span as a person or an organisation
    named: bool = False  # NER reads some entity here, whatever its label: a name, not a common word
    # a generic head before a known name ("canton de Vaud", "lac de Neuchâtel", "rue de Brest"): a
    # place, but not the one the name links to, so it stays unlinked
    known_tail: bool = False

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end


def sigmoid(z: float) -> float:
    """Logistic squashing of an evidence score into a confidence in (0, 1)."""
    return 1.0 / (1.0 + math.exp(-z))


def trim_span(span: Span) -> tuple[int, int]:
    """Character bounds of an entity without a leading article or a trailing possessive."""
    tokens = list(span)
    while len(tokens) > 1 and (tokens[0].lower_ in LEADING_ARTICLES or tokens[0].is_space or (
            tokens[0].is_lower and is_capitalised(tokens[1].text))):
        tokens = tokens[1:]  # "de France", "ia France" (OCR): the name starts at the capital
    while len(tokens) > 1 and (tokens[-1].lower_ in ("'s", "’s", "'", "’") or tokens[-1].is_space
                               or tokens[-1].text.endswith(("'", "’"))):
        tokens = tokens[:-1]  # "Palafour jusqu’": an elided word is never the end of a name
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def proper_tail(surface: str) -> str:
    """The proper name after a generic head: 'canton de Vaud' → 'Vaud', 'mer Baltique' → 'Baltique';
    '' when the text opens with a capital (it is a name already) or has no capitalised word."""
    words = surface.split()
    if not words or is_capitalised(words[0]):
        return ""
    for i, w in enumerate(words):
        if is_capitalised(w):
            return " ".join(words[i:]).lstrip("'’")
        if "'" in w or "’" in w:  # "d'Aboukir", "l'Erff"
            tail = re.split(r"['’]", w, maxsplit=1)[1]
            if is_capitalised(tail):
                return " ".join([tail, *words[i + 1 :]])
    return ""


@lru_cache(maxsize=4)
def model_nouns(package: str) -> frozenset[str]:
    """Folded nouns of a spaCy model package's lemmatizer tables, read from disk (the pipeline
    leaves the lemmatizer out for speed); empty when the package ships none."""
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    try:
        root = get_package_path(package)
    except (ImportError, ModuleNotFoundError, TypeError):
        return frozenset()
    for path in root.glob("*/lemmatizer/lookups"):
        lookups = Lookups().from_disk(path)
        if lookups.has_table("lemma_index") and "noun" in lookups.get_table("lemma_index"):
            return frozenset(fold(w) for w in lookups.get_table("lemma_index")["noun"])
    return frozenset()


@lru_cache(maxsize=4)
def model_inflections(package: str) -> Any:
    """The lemmatizer lookup table of a spaCy model package: inflected forms of common words
    ("relevons", "emportez", "nées", "tramways") to their lemmas; None when the package has none.
    A capitalised inflected form is a sentence's first word or a headline word, not a name."""
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    try:
        root = get_package_path(package)
    except (ImportError, ModuleNotFoundError, TypeError):
        return None
    for path in root.glob("*/lemmatizer/lookups"):
        lookups = Lookups().from_disk(path)
        if lookups.has_table("lemma_lookup"):
            return lookups.get_table("lemma_lookup")
    return None


@lru_cache(maxsize=4)
def lexicon_words(lang: str) -> frozenset[str]:
    """Folded words of the sentiment lexicon shipped for a language (VADER, vaderSentiment-fr):
    evaluative common words ("nice", "super", "grand") that a capitalised name may also spell."""
    if lang == "en":
        import vaderSentiment

        path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
        return frozenset(fold(line.split("\t", 1)[0]) for line in path.read_text(encoding="utf-8").splitlines())
    if lang == "fr":
        from nlp.french import lexicon

        return frozenset(w for w in lexicon()[0] if " " not in w)
    return frozenset()


PENN_CLASSES = (("NNP", "PROPN"), ("NN", "NOUN"), ("JJ", "ADJ"), ("RB", "ADV"), ("VB", "VERB"), ("MD", "AUX"),
                ("PRP", "PRON"), ("DT", "DET"), ("IN", "ADP"), ("UH", "INTJ"), ("CD", "NUM"), ("CC", "CCONJ"))


def word_class(token: Token) -> str:
    """Universal part of speech of a token, from the fine Penn tag where no attribute ruler ran."""
    if token.pos_:
        return token.pos_
    return next((pos for prefix, pos in PENN_CLASSES if token.tag_.startswith(prefix)), "X")


def previous_word(doc: Doc, i: int) -> str:
    """The folded word before token i, skipping line breaks (OCR and social text break lines anywhere)."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    return fold(doc[j].text) if j >= 0 else ""


def cue_before_article(doc: Doc, i: int) -> str:
    """The folded word before the article that precedes token i ("pour" in "pour la Crimée")."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    if j >= 0 and doc[j].text.endswith(("'", "’")) and j > 0 and doc[j].idx == doc[j - 1].idx + len(doc[j - 1]):
        return ""  # "jusqu'" is a word of its own, not an article
    return previous_word(doc, j) if j >= 0 else ""


def letters(text: str) -> int:
    """Number of letters in a text."""
    return sum(1 for c in text if c.isalpha())


def shouting_ratio(doc: Doc) -> float:
    """Share of capitalised words: near 1 for all-caps or title-case text, where case says little."""
    words = [t for t in doc[:400] if t.is_alpha and len(t) > 3]
    if not words:
        return 0.0
    return sum(1 for t in words if t.text[0].isupper()) / len(words)


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
        self.place_labels = set(place_labels)
        self.person_labels = set(person_labels)
        self.blocking_labels = set(blocking_labels)
        self.demonym_labels = set(demonym_labels)
        self.demonym_evidence = 0.5  # "Russian forces": a modifier mention of Russia, less sure
        self.cues = {fold(c) for c in cues}
        self.weak_cues = {fold(c) for c in weak_cues}
        self.travel_words = {fold(w) for w in travel_words}
        self.min_confidence = min_confidence
        self.cities = cities
        self.scan_gazetteer = scan_gazetteer
        self.unlinked_penalty = unlinked_penalty
        self.lexicon_lang = lexicon_lang
        self._gazetteer: Gazetteer | None = None
        # the model package whose lemmatizer tables give the common words (read from disk, since the
        # pipeline leaves the lemmatizer out); the pipeline itself does not travel with the component
        self._package = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}" if nlp is not None else ""

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer(self.cities)
        return self._gazetteer

    @property
    def common_words(self) -> frozenset[str]:
        return lexicon_words(self.lexicon_lang)

    @property
    def common_nouns(self) -> frozenset[str]:
        """Folded common nouns the model's own lemmatizer knows ("union", "empire", "canton"):
        a capitalised one that names only a town is more often the noun ("l'Union", "de l'Empire")."""
        return model_nouns(self._package)

    def is_inflected_word(self, surface: str) -> bool:
        """True when the word is an inflected form of a common word in the model's lexicon."""
        table = model_inflections(self._package)
        return table is not None and surface.lower() in table

    def is_common_noun(self, surface: str) -> bool:
        """True when the word or its singular is a common noun of the model's lexicon."""
        word = fold(surface)
        return word in self.common_nouns or (word.endswith("s") and word[:-1] in self.common_nouns)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_gazetteer"] = None  # reloaded lazily in a worker process
        return state

    def __call__(self, doc: Doc) -> Doc:
        doc._.pw_places = [c for c in self.mentions(doc)]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    # -- candidates -------------------------------------------------------------------------

    def candidates(self, doc: Doc) -> list[Candidate]:
        """Watchlist hits first, then NER places, then gazetteer names NER did not tag."""
        found: list[Candidate] = []
        for start, end, tid, tagged, cased, words in doc._.pw_territory_hits or ():
            found.append(Candidate(start, end, "territory", tid, tagged, cased, words))
        territory_hits = sorted(found, key=lambda c: c.end)
        hit_ends = [c.end for c in territory_hits]
        persons: list[tuple[int, int]] = []
        others: list[tuple[int, int]] = []
        for ent in doc.ents:
            if ent.label_ in self.place_labels:
                start, end = trim_span(ent)
                cand = Candidate(start, end, "ner", ner_place=True, words=len(ent))
                k = bisect.bisect_left(hit_ends, start + 1)
                same = [c for c in territory_hits[k : k + 3] if c.overlaps(cand)]
                for c in same:
                    c.ner_place = True
                if not same:
                    found.append(cand)
            elif ent.label_ in self.demonym_labels and len(ent) == 1:
                country = self.gazetteer.demonym_country(ent.text)
                if country is not None:
                    found.append(Candidate(ent.start_char, ent.end_char, "demonym", entries=[country]))
            elif ent.label_ in self.person_labels:
                persons.append((ent.start_char, ent.end_char))
            elif ent.label_ in self.blocking_labels and not OCR_GLUE.search(ent.text):
                # an entity running over a sentence break ("Suisse.-Groupe B") is OCR glue, not a name
                others.append(trim_span(ent))
        if self.scan_gazetteer:
            found.extend(self._gazetteer_candidates(doc, found, []))
        ent_bounds = sorted((e.start_char, e.end_char) for e in doc.ents)
        ent_starts = [s for s, _ in ent_bounds]
        kept: list[Candidate] = []
        text = doc.text  # Doc.text is rebuilt from the tokens on every access
        person_names: dict[str, set[str]] = {}
        # "Olano", "Zulle" (of "Alex Zulle"): names NER reads as a person at least as often as a place
        person_reads: Counter[str] = Counter()
        for s, e in persons:
            name = text[s:e].strip()
            if " " in name:
                person_names.setdefault(name.split()[0], set()).add(name)
            if name.split():
                person_reads[name.split()[-1]] += 1
        place_reads = Counter(text[c.start : c.end] for c in found if c.ner_place)
        for c in found:
            surface = text[c.start : c.end]
            if not c.tagged and surface.split() and any(
                    text.startswith(name, c.start) and len(name) > len(surface)
                    for name in person_names.get(surface.split()[0], ())):
                continue  # "Paris Hilton" read as a person elsewhere in the document: a person here too
            if c.source != "demonym":
                c.entries = self._entries(text[c.start : c.end], c.territory)
            if c.source == "ner" and not c.entries:
                tail = proper_tail(text[c.start : c.end])
                c.known_tail = bool(tail) and tail in self.gazetteer
                if not c.territory and not c.tagged and person_reads[surface] >= max(1, place_reads[surface]):
                    continue  # a name no gazetteer knows that NER reads as a person as often as a place
            # NER reads headlines and datelines in capitals poorly ("PARIS" as MISC): a known
            # place name in capitals keeps its place reading unless NER sees a person there
            caps = is_all_caps(text[c.start : c.end]) and bool(c.entries)
            if not (c.ner_place or c.tagged):
                if any(s <= c.start and c.end <= e and (s, e) != (c.start, c.end) for s, e in persons):
                    continue  # a name inside a person's name (Paris Hilton) is not a place
                # NER reads the whole span as a person or an organisation (Orange, the telecom):
                # only other, confident place readings in the same document can overturn that.
                c.other_reading = (c.start, c.end) in persons or (not caps and (c.start, c.end) in others)
            c.in_name = not caps and any(s <= c.start and c.end <= e for s, e in others)
            k = bisect.bisect_right(ent_starts, c.end) - 1
            c.named = c.ner_place or any(s < c.end and c.start < e for s, e in ent_bounds[max(0, k - 2) : k + 1])
            kept.append(c)
        return kept

    def _gazetteer_candidates(
        self, doc: Doc, found: list[Candidate], blocked: list[tuple[int, int]]
    ) -> Iterator[Candidate]:
        taken = [(c.start, c.end) for c in found] + blocked
        taken.sort()
        starts = [s for s, _ in taken]
        max_words = min(3, self.gazetteer.max_words)
        i = 0
        n = len(doc)
        while i < n:
            tok = doc[i]
            if not (tok.is_alpha and len(tok) > 2 and tok.text[0].isupper()):
                glued = OCR_GLUED_NAME.match(tok.text)
                if glued and tok.text[0].isupper() and self.gazetteer.is_scannable(glued.group(1)):
                    s, e = tok.idx, tok.idx + len(glued.group(1))  # "Suisse.-Groupe": OCR lost a space
                    k = bisect.bisect_right(starts, e) - 1
                    if not any(ts < e and s < te for ts, te in taken[max(0, k - 3) : k + 1]):
                        yield Candidate(s, e, "gazetteer")
                i += 1
                continue
            hit = None
            for size in range(min(max_words, n - i), 0, -1):
                span = doc[i : i + size]
                if not span[-1].is_alpha:
                    continue
                if self.gazetteer.is_scannable(span.text):
                    hit = span
                    break
            if hit is None:
                i += 1
                continue
            s, e = hit.start_char, hit.end_char
            k = bisect.bisect_right(starts, e) - 1
            clash = any(ts < e and s < te for ts, te in taken[max(0, k - 3) : k + 1])
            if not clash:
                yield Candidate(s, e, "gazetteer", words=len(hit))
            i = hit.end

    def _entries(self, surface: str, territory: str | None) -> list[GazEntry]:
        if territory is not None:
            t = self.territories[territory]
            return self.gazetteer.lookup(str(t["name"]))
        entries = self.gazetteer.lookup(surface)
        if not entries and surface.lower().startswith(("st ", "st. ")):
            entries = self.gazetteer.lookup("Saint " + surface.split(" ", 1)[1])
        return entries

    # -- disambiguation ---------------------------------------------------------------------

    def context_countries(self, doc: Doc, cands: list[Candidate]) -> Counter[str]:
        """Countries of the document's unambiguous places: the context for ambiguous ones."""
        ctx: Counter[str] = Counter()
        seen: set[str] = set()
        text = doc.text
        for c in cands:
            key = fold_key(text[c.start : c.end])
            if c.entries and key not in seen:
                seen.add(key)
                ctx[c.entries[0].country] += 1
        title = doc._.pw_title
        if title:
            for word in re.findall(r"[A-ZÀ-Ý][\w'-]+(?: [A-ZÀ-Ý][\w'-]+)?", title):
                entries = self.gazetteer.lookup(word)
                if len(entries) == 1:
                    ctx[entries[0].country] += 1
        return ctx

    @staticmethod
    def choose(entries: list[GazEntry], ctx: Counter[str], follower: str | None) -> GazEntry | None:
        """Pick the sense: importance prior plus agreement with the document's other places."""
        if not entries:
            return None

        def score(e: GazEntry) -> float:
            own = 1 if e is entries[0] else 0  # the name's own first reading is in the counts
            s = e.prior + 1.5 * min(3, max(0, ctx[e.country] - own))
            if follower and e.country == follower:
                s += 4.0  # "Paris, Texas", "Portland, Maine"
            return s

        return max(entries, key=score)

    def mentions(self, doc: Doc) -> list[dict[str, Any]]:
        """The place mentions of a document as analyze-schema dicts (sentiment filled later)."""
        text = doc.text
        if not text.strip():
            return []
        cands = self.candidates(doc)
        if not cands:
            return []
        sents = list(doc.sents)
        sent_starts = [s.start_char for s in sents]
        sent_ends = [s.end_char for s in sents]
        ctx = self.context_countries(doc, cands)
        shouting = shouting_ratio(doc) > 0.6
        title_keys = {fold_key(w) for w in re.findall(r"[\w'-]+", doc._.pw_title or "")}
        scored: list[tuple[Candidate, float]] = []
        for c in cands:
            z = self._evidence(doc, text, c, sent_starts, sent_ends, shouting)
            if fold_key(text[c.start : c.end]) in title_keys:
                z += 0.5
            scored.append((c, z))
        # One sense per document: a name read confidently as a place once is a place elsewhere too.
        sure = {fold_key(text[c.start : c.end]) for c, z in scored if z >= 2.0}
        # A document about several watched places (a ranking of resorts, a trip report): another
        # watched name there is likelier the place than NER's person or organisation reading.
        watched = {c.territory for c, z in scored if c.territory and z >= 2.0}
        lowered = set(re.findall(r"(?<![\w.])[a-zà-ÿ][\w'-]*", text[:200_000]))
        out: list[dict[str, Any]] = []
        for c, z in scored:
            key = fold_key(text[c.start : c.end])
            if key in sure and z < 2.0:
                z += 2.5
            elif c.territory and c.cased and len(watched - {c.territory}) >= WATCHED_COMPANY:
                z += 1.5
            if c.words == 1 and not c.tagged and key in lowered:
                z -= 1.5 if c.source == "gazetteer" else 0.5  # also used as a common word here
            conf = sigmoid(z)
            if conf < self.min_confidence:
                continue
            k = bisect.bisect_right(sent_starts, c.start) - 1
            sent = text[sent_starts[k] : sent_ends[k]] if k >= 0 else text
            if c.territory and excluded(sent, self.territories[c.territory].get("exclude") or ()):
                continue
            if self._weak_link(text[c.start : c.end], c):
                # a small town's other name (Granges → Grenchen): a place, but which one is unsure
                out.append(self._mention(text, c, min(conf, UNVERIFIED_CONFIDENCE), None))
                continue
            if not c.entries and not c.territory:
                conf = min(conf, UNVERIFIED_CONFIDENCE)
            follower = self._follower_country(text, c.end)
            out.append(self._mention(text, c, conf, self.choose(c.entries, ctx, follower)))
        out.sort(key=lambda m: m["start"])
        return out

    def _follower_country(self, text: str, end: int) -> str | None:
        m = re.match(r",\s*([A-Z][\w.]+(?: [A-Z]\w+)?)", text[end : end + 40])
        if not m:
            return None
        entries = [e for e in self.gazetteer.lookup(m.group(1)) if e.kind != "city"]
        return entries[0].country if entries else None

    def _evidence(
        self,
        doc: Doc,
        text: str,
        c: Candidate,
        sent_starts: list[int],
        sent_ends: list[int],
        shouting: bool,
    ) -> float:
        """Sum of weighted evidence that the candidate names a place (log-odds)."""
        surface = text[c.start : c.end]
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        first = span[0] if span is not None and len(span) else None
        prev_word = previous_word(doc, first.i) if first is not None else ""
        if prev_word in LEADING_ARTICLES and first is not None and is_capitalised(surface):
            # "pour la Crimée", "sur les Vosges", "in the Alps": the cue comes before the article
            before = cue_before_article(doc, first.i)
            if before in self.cues:
                prev_word = before
        k = bisect.bisect_right(sent_starts, c.start) - 1
        sent_start = sent_starts[k] if k >= 0 else 0
        line_start = max(sent_start, text.rfind("\n", 0, c.start) + 1)  # a line starts like a sentence
        sentence_initial = not text[line_start : c.start].strip(" \t\n\"'«“(-*•#@")
        # a known name in capitals opening a dispatch or a section is a dateline or a heading
        dateline = bool(c.entries) and (
            (is_all_caps(surface) and (sentence_initial or DATELINE.match(text, c.end) is not None))
            or (sentence_initial and DATED.match(text, c.end) is not None))  # "Berne, 15 septembre"
        if dateline:
            sentence_initial = False
        if c.source == "demonym":
            return self.demonym_evidence
        z = {"territory": -1.0, "ner": -1.0, "gazetteer": -1.8}[c.source]
        if c.ner_place:
            z += 2.5
        if c.territory:
            # a watched name the user chose: likely the place unless the word is a common one, which
            # the checks below (sentence start, tagger, lower-case use, NER's reading) catch
            z += 2.5 if c.words > 1 or c.tagged else 1.5
        if c.tagged:
            z += 2.5
        if c.entries:
            top = c.entries[0]
            z += 1.0 + max(-1.0, min(1.2, 0.3 * (top.prior - 5.0)))
            if self._weak_link(surface, c):
                z -= 2.0  # a small town's alternate name (Granges → Grenchen): more likely a local name
        if prev_word in self.cues or dateline:
            z += 1.5
        elif prev_word in self.weak_cues:
            z += 0.4
        if not c.cased and not c.tagged:
            z -= 2.5 if c.words == 1 else 0.5
        elif first is not None and (first.tag_ in ("NNP", "NNPS") or first.pos_ == "PROPN"):
            z += 0.5
        if sentence_initial and not c.ner_place and not c.tagged and prev_word not in self.cues:
            # a capitalised first word is a name only if NER sees an entity there ("Tignes has
            # announced"); otherwise it may be any word ("Nice to meet you")
            if c.territory:
                z -= 0.5  # a watched name: only a common-word reading (below) makes it doubtful
            else:
                z -= 2.0 if c.words == 1 else 1.0
        if c.words == 1 and not c.tagged and first is not None:
            if word_class(first) in NON_NAME_POS:
                z -= 3.0  # read as an adjective or a verb: a common word, whatever NER says
            elif not c.entries and not c.territory and word_class(first) != "PROPN" and (
                    not self.common_nouns or self.is_common_noun(surface)):
                # a common noun no gazetteer knows ("Etat", "Département"); a word the model's own
                # lexicon does not know as a noun is a name the tagger misread ("Angleterre")
                z -= 1.5 * self.unlinked_penalty
        if c.words == 1 and not c.territory and c.entries and prev_word not in self.cues and \
                all(e.kind == "city" and e.population < COMMON_NOUN_TOWN for e in c.entries) and \
                fold(surface) in self.common_nouns:
            z -= 2.0  # "l'Union", "de l'Empire", "la Confédération": a common noun a town also spells
        if c.entries and not c.territory and not c.tagged and self.gazetteer.accents_differ(surface):
            z -= 1.5  # "Marché" is not "Marche": the accent makes it another word
        if c.words == 1 and not c.tagged and not c.ner_place and fold(surface) in self.common_words:
            z -= 2.5 if sentence_initial else 1.0  # "Nice day!", "Super ambiance": an evaluative word
        if prev_word.rstrip(".") in HONORIFICS and not c.tagged:
            z -= 3.0
        if span is not None and not c.tagged and self._after_indefinite(doc, span):
            z -= 2.0  # "a 2010 Bordeaux,", "un Russe vient": a wine, a person, not the place
        if letters(surface) < 2:
            z -= 5.0
        if not c.entries and not c.territory and c.words == 1 and not c.tagged:
            # nothing but NER vouches for it: where NER is coarse (French LOC also tags peoples and
            # common nouns), one more clue is needed (a cue, a proper-noun reading)
            z -= self.unlinked_penalty
            if self.unlinked_penalty and self.is_inflected_word(surface):
                z -= 1.5  # "Relevons", "Emportez", "Tramways": an inflected common word
            if self.gazetteer.is_demonym(surface):
                z -= 3.0  # "les Autrichiens", "the Vaudois": people, not a place
        if c.other_reading:
            # a watched territory is a name the user asked for, and a known place right after "à",
            # "in", "près de" is read so by the sentence itself: NER's other reading weighs less
            z -= 1.0 if c.territory or (c.entries and prev_word in self.cues) else 2.5
        if shouting and not c.ner_place and not c.territory:
            z -= 1.0
        if c.known_tail:
            z += 1.5
        elif not is_capitalised(surface) and not c.tagged and c.source == "ner" and not proper_tail(surface):
            z -= 4.0  # but "île de Terceira", "vallée de Lungnez": a generic head before a name
        if not c.entries and not c.territory and not c.tagged and (
                self._affiliated(text, c.end) or RANK.search(text, max(0, c.start - 8), c.start)):
            z -= 2.0  # a name no gazetteer knows, ranked or with a place in brackets: a person
        if not c.entries and not c.territory and not c.tagged and self._listed_with_people(doc, text, c):
            z -= 2.0  # "Chanel, Lanvin, Lucien Lelong": a name no gazetteer knows, listed among people
        if first is not None and first.lower_.rstrip(".") in HONORIFICS and c.words > 1 and not c.tagged:
            z -= 3.0  # "M. Wou": the title is inside the span
        sent_end = sent_ends[k] if k >= 0 else len(text)
        words = set(re.findall(r"[\w-]+", fold(text[sent_start:sent_end])))
        if words & self.travel_words:
            z += 0.4
        return z

    def _weak_link(self, surface: str, c: Candidate) -> bool:
        """True when the only link is a small town's alternate name (Granges → Grenchen)."""
        if c.territory or not c.entries:
            return False
        top = c.entries[0]
        return top.kind == "city" and top.population < SMALL_PLACE and not self.gazetteer.is_primary(surface)

    @staticmethod
    def _after_indefinite(doc: Doc, span: Span) -> bool:
        """True when an indefinite article (and perhaps a year) comes before the name and no noun
        after it: the name is then a thing or a person ("a 2010 Bordeaux", "un Russe"), where "a
        London court", "a New York-based firm" stay modifiers of places."""
        j = span.start - 1
        if j >= 0 and doc[j].like_num:
            j -= 1
        if j < 0 or doc[j].lower_ not in INDEFINITE_ARTICLES:
            return False
        after = doc[span.end] if span.end < len(doc) else None
        return after is None or not (after.text == "-" or word_class(after) in ("NOUN", "PROPN", "ADJ"))

    def _listed_with_people(self, doc: Doc, text: str, c: Candidate) -> bool:
        """True when the entity right before or after the candidate in an enumeration ("A, B et C")
        is a person."""
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None:
            return False
        ents = doc.ents
        k = bisect.bisect_left([e.start for e in ents], span.start)  # ents are sorted and disjoint
        for j in (k - 1, k, k + 1):
            if 0 <= j < len(ents) and ents[j].label_ in self.person_labels:
                e = ents[j]
                if e.end_char <= c.start and LIST_GAP.fullmatch(text, e.end_char, c.start):
                    return True
                if e.start_char >= c.end and LIST_GAP.fullmatch(text, c.end, e.start_char):
                    return True
        return False

    def _affiliated(self, text: str, end: int) -> bool:
        """A bracket after a name that says where a person comes from ("Olano (Esp)", "Chuard
        (Lausanne)"), not which region a place is in ("Bossonens (Fribourg)", "Mézières (Vaud)")."""
        m = AFFILIATION.match(text, end)
        if m is None:
            return False
        inner = m.group(0).strip(" \t\n({,)}")
        return not any(e.kind == "region" for e in self.gazetteer.lookup(inner))

    def _mention(
        self, text: str, c: Candidate, conf: float, entry: GazEntry | None
    ) -> dict[str, Any]:
        surface = text[c.start : c.end]
        if c.territory:
            t = self.territories[c.territory]
            lat, lon, gid = t.get("lat"), t.get("lon"), t.get("geonames_id")
            if entry is not None and lat is None and gid is None:
                lat, lon, gid = entry.lat, entry.lon, entry.geonames_id
            name, kind, territory = str(t["name"]), str(t.get("kind") or "destination"), c.territory
        elif entry is not None:
            name, kind, territory = entry.name, entry.kind, None
            lat, lon, gid = entry.lat, entry.lon, entry.geonames_id
        else:
            name, kind, territory, lat, lon, gid = surface, "place", None, None, None, None
        return {
            "text": surface,
            "start": c.start,
            "end": c.end,
            "name": name,
            "territory": territory,
            "geonames_id": gid,
            "lat": lat,
            "lon": lon,
            "kind": kind,
            "confidence": round(conf, 4),
            "sentiment": 0.0,
        }


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
