"""Place candidates: watchlist hits, NER entities and gazetteer names, with what NER says around them."""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from spacy.tokens import Doc, Span

from nlp.extensions import doc_text
from nlp.gazetteer import GazEntry, Gazetteer, contains, is_code
from nlp.text import fold, is_all_caps, is_capitalised

logger = logging.getLogger(__name__)

LEADING_ARTICLES = {"the", "le", "la", "les", "l'", "l’"}
# French prepositions that took in a name's article: "du Havre" (de + Le Havre), "aux Arcs" (à + Les Arcs)
MERGED_ARTICLES = {"du": "Le", "au": "Le", "aux": "Les", "des": "Les"}
ARTICLE_BEFORE = re.compile(r"(?<![\w-])(Le|La|Les|L['’])\s?$")
MERGED_ARTICLE = re.compile(r"(?<![\w-])(" + "|".join(f"{p}|{p.capitalize()}" for p in MERGED_ARTICLES) + r")\s$")
# French prepositions NER lets open a place's span when they open the sentence ("A Pétersbourg",
# "De Berne", "D'Espagne"): the name starts after them
LEADING_PREPOSITIONS = {"a", "à", "de", "d'", "d’", "en", "au", "aux", "dans", "vers", "depuis"}
# A sentence break inside an entity: OCR lost the space ("Suisse.-Groupe B", "Israël.-Groupe C").
OCR_GLUE = re.compile(r"\.\s*[-—–]")
OCR_GLUED_NAME = re.compile(r"([^\W\d_]{3,})\.[-—–]")
# A country abbreviated in brackets after a name, as results lists write a rider's or a player's
# nationality: "Olano (Esp)", "Bugno (It)", "Indurain (ESP)".
BRACKETED_COUNTRY = re.compile(r"(?<=[^\W\d_])\s{0,2}\(\s?([A-Z][a-z]{1,3}|[A-Z]{3})\s?[).,]")


# How place marketing names its agencies and programmes after their place ("Only Lyon", "ONLYLYON",
# "Atout France", "Business France", "Invest in Bordeaux", "Visit Denmark", "Tourism Ireland"): a
# brand word glued to or followed by the place's name, or the name followed by a marketing word
# ("Bretagne Tourisme", "Lyon Attractivité").
BRAND_BEFORE = ("only", "atout", "business", "invest in", "visit", "choose", "discover", "explore",
                "hello", "welcome to", "destination", "team", "i love", "made in", "tourism")
# ... and the agencies and authorities that speak for a place ("Helsinki Partners", "Nantes Métropole")
BRAND_AFTER = ("tourisme", "tourism", "attractivité", "attractivite", "business", "invest", "convention bureau",
               "partners", "partner", "métropole", "metropole")
# Brand words that are also everyday words opening a sentence ("Only Cornwall and Kent will…",
# "Visit Paris in May"): there they make no brand unless glued to the name or in capitals.
# English words: in a text of another language they open no sentence of their own ("Only Lyon ouvre
# un bureau à Tokyo" is the brand).
EVERYDAY_BRAND_WORDS = frozenset({"only", "visit", "choose", "discover", "explore", "hello", "welcome to", "i love",
                                  "made in"})
BRAND_TOWN = 50_000  # a town smaller than this brands itself seldom: "Business Enterprise" is no brand
_NAME = r"[A-ZÀ-Ý][\w'’-]*(?:[\s-][A-ZÀ-Ý][\w'’-]*){0,2}"
BRANDS = (
    re.compile(r"(?<![\w-])(?P<pre>(?i:" + "|".join(w.replace(" ", r"\s") for w in BRAND_BEFORE)
               + r"))\s?(?P<name>" + _NAME + r")"),
    re.compile(r"(?P<name>" + _NAME + r")\s(?:"
               + "|".join(f"{w[0].upper()}{w[1:]}|{w.upper()}" for w in BRAND_AFTER) + r")(?![\w-])"),
)
# A region abbreviated after a place ("Lumpkin, Ga.", "Atlanta, GA") or a politician's party ("D-N.Y.")
REGION_ABBREVIATION = re.compile(
    r"(?:(?<=[^\W\d_])\s?,\s?|(?<![\w-])(?P<party>[DRI])-)"
    r"(?P<abbr>[A-Z](?:[a-z]{1,3}\.|\.\s?[A-Z][a-z]{0,3}\.|[A-Z](?![\w.])))")
# A street or a numbered road in English ("Memphis St.", "E. Broad St.", "Hyland-Croy Road", "Highway
# 75", "County Road 109", "I-95"): the way's name is one to three capitalised words or an ordinal.
STREET_WORDS = ("Street", "St.", "Road", "Rd.", "Drive", "Avenue", "Ave.", "Boulevard", "Blvd.", "Lane",
                "Parkway", "Pkwy.", "Circle", "Highway", "Pike", "Trail", "Terrace", "Square", "Plaza")
STREET = re.compile(
    r"(?<![\w.’'-])(?:(?:[NSEW]\.|North|South|East|West)\s)?(?:(?:[A-Z][\w’'-]*[\w]|\d+(?:st|nd|rd|th))\s){1,3}(?:"
    + "|".join(re.escape(w) for w in STREET_WORDS) + r")(?![\w-])"
    r"|(?<![\w.-])(?:(?:State|County|U\.S\.|US|FM|Farm to Market)\s)?(?:Highway|Route|Road|Interstate)\s\d{1,4}[A-Z]?(?!\w)"
    r"|(?<![\w.-])(?:I|US|SR|FM)-\s?\d{1,4}(?!\w)")
# Capitalised words that open a sentence before a street's name, not part of it ("On Main Street").
STREET_LEADS = {"The", "A", "An", "On", "In", "At", "From", "To", "Of", "And", "Near", "By", "Along", "Off"}


def street_spans(text: str) -> Iterator[tuple[int, int]]:
    """Bounds of the streets and numbered roads of an English text, without a leading function word."""
    for m in STREET.finditer(text):
        s, e = m.span()
        words = text[s:e].split(" ", 1)
        while len(words) == 2 and words[0] in STREET_LEADS:
            s += len(words[0]) + 1
            words = text[s:e].split(" ", 1)
        if STREET.fullmatch(text, s, e):
            yield s, e


# French streets, quays and gates named after another town ("rue de Strasbourg" in Nantes, "avenue
# de Toulouse" in Montpellier, "porte de Versailles" in Paris): the town is not the mention. Heads
# that also open everyday phrases or most often name the town's own place are left out: "place de"
# (à la place de: instead of), "cours de" (au cours de: during), "route de", "gare de", "port de".
NAMED_STREET = re.compile(
    r"(?<![\w-])(?i:rue|avenue|boulevard|quai|allée|impasse|chemin|faubourg|square|esplanade|promenade|porte)"
    r"\s(?:de\s(?:la\s|l['’])?|du\s|des\s|d['’])[A-ZÀ-Ý][\w'’-]*(?:[ -][A-ZÀ-Ý][\w'’-]*){0,2}")


# Names listed before a plural head that makes each of them a place ("Barrow and Jackson counties",
# "Otter Tail, Swift and Wilkin counties", "Culver and Charter streets", "the Williams and Cranberry
# rivers"): US news names its counties and streets so.
LISTED_NAME = r"[A-Z][a-z][\w'’.-]*(?:\s[A-Z][a-z][\w'’.-]*)?"
LISTED = re.compile(rf"(?:{LISTED_NAME},\s)*{LISTED_NAME},?\s(?:and|or|&)\s{LISTED_NAME}\s$")
LISTED_HEAD = re.compile(r"(?<=\s)(counties|parishes|townships|streets|roads|avenues|rivers|lakes|creeks)(?![\w-])")
LISTED_NAME_RE = re.compile(LISTED_NAME)


def listed_names(text: str) -> Iterator[tuple[int, int, str]]:
    """Bounds of the names an English text lists before a plural head, with the head ("counties")."""
    for head in LISTED_HEAD.finditer(text):
        m = LISTED.search(text, max(0, head.start() - 200), head.start())
        if m is None:
            continue
        for name in LISTED_NAME_RE.finditer(text, m.start(), head.start()):
            s, e = name.span()
            words = text[s:e].split(" ", 1)
            if len(words) == 2 and words[0] in STREET_LEADS:  # "In Becker, Clay and …": the name is "Becker"
                s += len(words[0]) + 1
            yield s, e, head.group(1)


def claim_spans(
    text: str, found: list[Candidate], spans: Iterable[tuple[int, int]], source: str, *, yield_to_whole_reads: bool
) -> list[Candidate]:
    """`found` with each span as a candidate of its own (`source`) and what lies inside one dropped:
    a span holding a watched place or a brand, or crossed by a name reaching out of it ("Washington,
    D.C. Street": NER's reading stands), is left as found; so is one a candidate already reads whole,
    when `yield_to_whole_reads`."""
    own = []
    for s, e in spans:
        over = [c for c in found if c.start < e and s < c.end]
        if any(c.territory or c.brand or c.start < s or c.end > e for c in over):
            continue
        if yield_to_whole_reads and any(c.start == s and c.end == e for c in over):
            continue  # a candidate reads the span whole already
        own.append(Candidate(s, e, source, words=len(text[s:e].split())))
    kept = [c for c in found if not any(x.start <= c.start and c.end <= x.end for x in own)]
    return kept + own


# Words before a known place's name that make the name a part of that place ("Northeast Georgia",
# "West Africa", "Metro Nashville", "Greater Manchester").
QUALIFIERS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "northeast",
              "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern",
              "southwestern", "central", "upper", "lower", "greater", "metro", "metropolitan", "downtown",
              "wider", "coastal", "rural", "inner", "outer"}
# ... and, in French, after it ("Asie du Sud-Est", "Europe de l'Est", "Afrique occidentale").
FRENCH_QUALIFIER = re.compile(
    r"\s(?:du\s(?:Nord|Sud)(?:-(?:Est|Ouest))?|de\sl['’](?:Est|Ouest)|(?:centrale|occidentale|orientale|"
    r"méridionale|septentrionale))$")
MAX_CUED_TOKENS = 5  # "Saint-Pierre-de-Chartreuse" is five tokens
APOSTROPHE = re.compile(r"['’]")
QUALIFIER_GAP = re.compile(r"\s?[,(]\s?")  # "Portland, Maine", "Montréal (Québec, Canada)"
# a French masculine article right before a name: a region's or a country's, a city takes none
REGION_ARTICLE = re.compile(r"(?<!\w)(?:[Aa]u|[Dd]u|[Ll]e)\s$")
# ... and "à" with no article, a city's ("à New York", "à Mexico": not the state nor the country)
CITY_PREPOSITION = re.compile(r"(?<!\w)[àÀA]\s$")  # "A New York": a capital's accent often left out
SENTENCE_END = re.compile(r"(?:^|[.!?:;«»\"“”\n])\s*$")


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
    article: str = ""  # the name's own article, taken in by a French preposition before it ("du Havre")
    other_reading: bool = False  # NER reads exactly this span as a person or an organisation
    named: bool = False  # NER reads some entity here, whatever its label: a name, not a common word
    ner_label: str = ""  # the label of the entity NER reads over this span, if any
    # a generic head before a known name ("canton de Vaud", "lac de Neuchâtel", "rue de Brest"): a
    # place, but not the one the name links to, so it stays unlinked
    known_tail: bool = False
    brand: bool = False  # the place's name inside a place-marketing brand ("Atout France", "ONLYLYON")
    # the senses of the place right before it, past a comma or a bracket ("Portland, Maine", "Montréal
    # (Québec, Canada)"), and whether it names that place's region or country
    leader: list[GazEntry] = field(default_factory=list)
    qualifies: bool = False
    region_article: bool = False  # a region's article before it ("au Québec"): the region is meant
    city_preposition: bool = False  # French "à" right before it, no article ("à New York"): a city is meant

    def name(self, surface: str) -> str:
        """The name the gazetteer knows the candidate by: its surface, with the article a preposition
        took in ("Havre" after "du" is "Le Havre")."""
        return f"{self.article} {surface}" if self.article else surface

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class EntityLabels:
    """Which NER labels of a language's model read a place, a person, another name, a people."""

    place: frozenset[str]
    person: frozenset[str]
    blocking: frozenset[str]
    demonym: frozenset[str]


def cue_words(cues: Sequence[str]) -> frozenset[str]:
    """The folded cue words a finder looks for names after ("à", "in")."""
    return frozenset(fold(c) for c in cues)


def _sizes_within(doc: Doc, i: int, max_words: int) -> list[int]:
    """Token counts of the spans from token `i` that hold at most `max_words` words: a hyphenated
    name is one word however its pieces are tokenised (English splits "Aix-en-Provence" into
    five tokens, French keeps one)."""
    sizes, words = [], 1
    for j in range(i, min(len(doc), i + 4 * max_words)):
        if j > i and doc[j - 1].whitespace_:
            words += 1
            if words > max_words:
                break
        sizes.append(j - i + 1)
    return sizes


def trim_span(span: Span, known: Callable[[str, str], bool] | None = None) -> tuple[int, int]:
    """Character bounds of an entity without a leading article or a trailing possessive; a capitalised
    article stays when `known(name, bare name)` holds ("Le Havre", "La Rochelle", "Les Arcs")."""
    tokens = list(span)
    breaks = [i for i, t in enumerate(tokens) if i > 0 and "\n" in t.text_with_ws and t.is_space]
    if breaks:
        tokens = tokens[: breaks[0]]  # "gare de Moûtiers\n\nJournée noire": a heading ends at its line
    doc = span.doc
    while len(tokens) > 1 and (tokens[0].lower_ in LEADING_ARTICLES or tokens[0].is_space or (
            tokens[0].is_lower and is_capitalised(tokens[1].text)) or (
            tokens[0].lower_ in LEADING_PREPOSITIONS and is_capitalised(tokens[1].text))):
        if known is not None and tokens[0].lower_ in LEADING_ARTICLES and tokens[0].text[:1].isupper() and \
                known(doc[tokens[0].i : tokens[-1].i + 1].text, doc[tokens[1].i : tokens[-1].i + 1].text):
            break
        tokens = tokens[1:]  # "de France", "ia France" (OCR), "De Berne": the name starts at the capital
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


class CandidateFinder:
    """Finds the spans of a Doc that may name a place: watchlist hits first, then NER places, then
    gazetteer names NER did not tag; each with its gazetteer entries and NER's other readings."""

    def __init__(
        self,
        territories: dict[str, dict[str, Any]],
        gazetteer: Gazetteer,
        labels: EntityLabels,
        scan_gazetteer: bool,
        cues: frozenset[str] = frozenset(),
        hyphen_pieces: bool = False,
        streets: bool = False,
        everyday_brand_words: frozenset[str] = EVERYDAY_BRAND_WORDS,
        named_streets: bool = False,
        region_articles: bool = False,
    ) -> None:
        self.territories = territories
        self.gazetteer = gazetteer
        self.labels = labels
        self.scan_gazetteer = scan_gazetteer
        self.cues = cues  # folded words that announce a place ("à", "in"): a name after one is a candidate
        self.hyphen_pieces = hyphen_pieces  # the tokenizer splits "Aix-en-Provence": count words, not tokens
        self.streets = streets  # streets and numbered roads are candidates ("Memphis St.", "Highway 75")
        self.everyday_brand_words = everyday_brand_words  # brand words the text's language also speaks
        self.named_streets = named_streets  # French streets named after a town are candidates of their own
        self.region_articles = region_articles  # "au Québec" says a region, "à New York" a city (French)

    def find(self, doc: Doc, territory_hits: Sequence[Sequence[Any]]) -> list[Candidate]:
        """The candidates of a Doc, given the watchlist hits recorded on it."""
        text = doc_text(doc)
        found: list[Candidate] = []
        for start, end, tid, tagged, cased, words in territory_hits:
            found.append(Candidate(start, end, "territory", tid, tagged, cased, words))
        named = [(b, span) for b, span in self._brands(text) if not any(b.overlaps(c) for c in found)]
        brands = [b for b, _ in named]
        # the rest of a brand's name is no place of its own ("Méditerranée" in "Montpellier Méditerranée
        # Métropole")
        brand_names = [span for _, span in named]
        found.extend(brands)
        territory_hits_by_end = sorted(found, key=lambda c: c.end)
        hit_ends = [c.end for c in territory_hits_by_end]
        persons: list[tuple[int, int]] = []
        others: list[tuple[int, int]] = []
        # a reading that opens a bracket and runs on inside it is no name ("Montréal (Québec, Canada"
        # read as one organisation): the names in it are read as if NER had said nothing
        ents = [e for e in doc.ents if e.text.count("(") <= e.text.count(")")]
        completed = -1  # the end of the last name completed past its entity ("Trinidad and Tobago")
        for ent in ents:
            if ent.start_char < completed:
                continue  # NER's reading of the rest of a completed name ("Tobago", "d'Ampezzo")
            if ent.label_ in self.labels.place:
                start, end = trim_span(ent, self.keeps_article)
                extra = self._known_rest(text, doc, ent, start, end)
                if extra:
                    end = doc[ent.end + extra - 1].idx + len(doc[ent.end + extra - 1])
                    completed = end
                cand = Candidate(start, end, "ner", ner_place=True, words=len(ent) + extra)
                k = bisect.bisect_left(hit_ends, start + 1)
                same = [c for c in territory_hits_by_end[k : k + 3] if c.overlaps(cand)]
                for c in same:
                    c.ner_place = True
                same += [c for c in brands if c.overlaps(cand)]
                if not same:
                    found.append(cand)
            elif ent.label_ in self.labels.demonym and len(ent) == 1:
                country = self.gazetteer.demonym_country(ent.text)
                if country is not None:
                    found.append(Candidate(ent.start_char, ent.end_char, "demonym", entries=[country]))
            elif ent.label_ in self.labels.person:
                persons.append((ent.start_char, ent.end_char))
            elif ent.label_ in self.labels.blocking and not OCR_GLUE.search(ent.text):
                # an entity running over a sentence break ("Suisse.-Groupe B") is OCR glue, not a name
                others.append(trim_span(ent))
                coded = self._coded_country(doc, ent)
                if coded is not None:
                    found.append(coded)
        if brands:  # the brand's place is the mention, not NER's reading of part of the brand
            found = [c for c in found if c.brand or c.territory or not any(
                s < c.end and c.start < e for s, e in brand_names)]
        if self.named_streets:
            found = claim_spans(text, found, ((m.start(), m.end()) for m in NAMED_STREET.finditer(text)),
                                "street", yield_to_whole_reads=False)  # NER's whole reading is trimmed to the town
        if self.streets:
            found = self._with_streets(text, found)
            found = self._with_listed(text, found)  # like streets, an English news habit
        if self.scan_gazetteer:
            found.extend(self._gazetteer_candidates(doc, found, brand_names))
        found.extend(self._abbreviated_countries(text, found))
        found.extend(self._abbreviated_regions(text, found))
        if self.cues:
            found.extend(self._cued_names(doc, found))
        ent_bounds = sorted((e.start_char, e.end_char) for e in ents)
        ent_labels = {(e.start_char, e.end_char): e.label_ for e in ents}
        ent_starts = [s for s, _ in ent_bounds]
        kept: list[Candidate] = []
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
            if c.brand:  # NER reads a brand as a person or an organisation: the brand word says otherwise
                kept.append(c)
                continue
            surface = text[c.start : c.end]
            if not c.tagged and surface.split() and any(
                    text.startswith(name, c.start) and len(name) > len(surface)
                    for name in person_names.get(surface.split()[0], ())):
                continue  # "Paris Hilton" read as a person elsewhere in the document: a person here too
            if c.source not in ("demonym", "abbreviation", "brand"):
                c.entries = self.entries(text[c.start : c.end], c.territory)
                if c.territory is None:
                    # "du Havre", "au Mans", "aux Arcs": the name's article merged with a preposition
                    article, entries = self._with_merged_article(text, c.start, surface)
                    if entries:
                        c.article, c.entries = article, entries
                    with_article = None if self.gazetteer.is_primary(surface) else self._with_article_before(text, c)
                    if with_article is not None:
                        # "La Chaux-de-Fonds" read without its article: the name is the whole
                        c.start, c.entries = with_article
                        surface = text[c.start : c.end]
                        c.words = len(surface.split())
            if c.source == "ner" and not c.entries:
                # "Northeast Georgia", "West Africa", "Metro Nashville": the part of a known place
                # a qualifier names is a mention of that place
                c.entries = self._qualified_entries(surface)
            if c.source == "ner" and not c.entries:
                part = self._known_part(text, c)
                if part is not None:
                    # "musée de Saint-Étienne", "Portland, Maine": the mention is the name the
                    # gazetteer knows, not the common noun before it nor the region after it
                    c.start, c.end = part
                    c.words = len(text[c.start : c.end].split())
                    c.known_tail = True
                    c.entries = self.entries(text[c.start : c.end], None)
                    surface = text[c.start : c.end]
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
            over = [j for j in range(max(0, k - 2), k + 1) if ent_bounds[j][0] < c.end and c.start < ent_bounds[j][1]]
            c.named = c.ner_place or bool(over)
            if over:
                c.ner_label = ent_labels.get(ent_bounds[over[0]], "")
            kept.append(c)
        if self.region_articles:
            self._word_before_name(text, kept)
        self._qualifiers(text, kept)
        return kept

    def _known_rest(self, text: str, doc: Doc, ent: Span, start: int, end: int) -> int:
        """How many tokens after an entity complete the known name NER read only the start of ("Côte"
        of "Côte d'Azur", "Amérique" of "Amérique du Sud"): 0 unless the gazetteer knows the whole, as
        a place's own name where it knows the start too ("Amérique" is also the United States)."""
        known = bool(self.gazetteer.lookup(text[start:end]))
        for extra in (2, 1):
            if ent.end + extra <= len(doc):
                added = doc[ent.end : ent.end + extra]
                whole = text[start : added[-1].idx + len(added[-1])]
                # each added token a word: a full stop, a line break or a "$" is no part of the name
                # ("Cortina d'Ampezzo." ends a sentence, "Hall County $2 million")
                if all(any(ch.isalpha() for ch in t.text) for t in added) and (
                        self.gazetteer.is_primary(whole) if known else self.gazetteer.is_scannable(whole)):
                    return extra
        return 0

    def _qualifiers(self, text: str, candidates: list[Candidate]) -> None:
        """Give each candidate the senses of the place right before it (past a comma or a bracket)
        and mark it when it names that place's region or country; a region that yields to its capital
        in the gazetteer is a sense again there (the province in "Montréal (Québec, Canada)", the
        canton in "Carouge (Genève)")."""
        for leader, c in pairwise(sorted(candidates, key=lambda c: c.start)):
            if not leader.entries or not QUALIFIER_GAP.fullmatch(text, leader.end, c.start):
                continue
            c.leader = leader.entries
            if c.territory:
                continue
            c.entries = c.entries + [r for r in self._yielded(text, c) if any(contains(r, t) for t in c.leader)]
            c.qualifies = any(contains(e, t) for e in c.entries for t in c.leader)

    def _word_before_name(self, text: str, candidates: list[Candidate]) -> None:
        """In French, a region that yields to its capital is a sense again after a masculine article,
        and the one meant ("au Québec", "du Québec": the province); "à" with no article says a city
        ("à New York", "à Mexico")."""
        for c in candidates:
            if c.territory:
                continue
            if REGION_ARTICLE.search(text, max(0, c.start - 4), c.start):
                regions = self._yielded(text, c)
                c.entries = c.entries + [r for r in regions if r not in c.entries]
                c.region_article = bool(regions)
            elif CITY_PREPOSITION.search(text, max(0, c.start - 3), c.start):
                c.city_preposition = True

    def _yielded(self, text: str, c: Candidate) -> list[GazEntry]:
        """The regions of a candidate's name that yield to a place of theirs in the gazetteer."""
        return self.gazetteer.yielded_regions(c.name(text[c.start : c.end]))

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
            # a capitalised article opens a name only with the words after it ("Le Mans", "La Rochelle")
            article = tok.lower_ in LEADING_ARTICLES and tok.text[0].isupper() and i + 1 < n and \
                is_capitalised(doc[i + 1].text)
            if not (tok.is_alpha and (len(tok) > 2 or article) and tok.text[0].isupper()):
                glued = OCR_GLUED_NAME.match(tok.text)
                if glued and tok.text[0].isupper() and self.gazetteer.is_scannable(glued.group(1)):
                    s, e = tok.idx, tok.idx + len(glued.group(1))  # "Suisse.-Groupe": OCR lost a space
                    k = bisect.bisect_right(starts, e) - 1
                    if not any(ts < e and s < te for ts, te in taken[max(0, k - 3) : k + 1]):
                        yield Candidate(s, e, "gazetteer")
                i += 1
                continue
            hit = None
            sizes = _sizes_within(doc, i, max_words) if self.hyphen_pieces else range(1, min(max_words, n - i) + 1)
            for size in reversed(sizes):
                span = doc[i : i + size]
                if not APOSTROPHE.sub("", span[-1].text).isalpha() or (article and size == 1):
                    continue  # a name ends in a word, its elision kept ("Côte d'Azur": "d'Azur" is one token)
                if self.gazetteer.is_scannable(span.text):
                    hit = span
                    break
            if hit is not None and article and not self.keeps_article(hit.text, hit[1:].text):
                hit = None  # "La Réunion": the bare name is the bigger place; the scan reads it next
            if hit is None:
                i += 1
                continue
            s, e = hit.start_char, hit.end_char
            k = bisect.bisect_right(starts, e) - 1
            clash = any(ts < e and s < te for ts, te in taken[max(0, k - 3) : k + 1])
            if not clash:
                yield Candidate(s, e, "gazetteer", words=len(hit))
            i = hit.end

    def _brands(self, text: str) -> Iterator[tuple[Candidate, tuple[int, int]]]:
        """Places named inside a place-marketing brand, the brand's place being a primary gazetteer
        name (a city, a region, a country): "Atout France" → France, "ONLYLYON" → Lyon; each with the
        bounds of the whole brand."""
        seen: set[tuple[int, int]] = set()
        for before, regex in zip((True, False), BRANDS, strict=True):
            for m in regex.finditer(text):
                s, e = m.span("name")
                name = text[s:e]
                if before:
                    pre = m.group("pre")
                    glued = m.end("pre") == s or (pre.isupper() and name.isupper())
                    if pre[0].islower() and not glued:
                        continue  # "only Lyon", "visit Denmark": an adverb or a verb before the name
                    if fold(pre).replace("\n", " ") in self.everyday_brand_words and not glued and \
                            SENTENCE_END.search(text, max(0, m.start() - 3), m.start()):
                        continue  # "Only Cornwall and Kent will…": the sentence's first word
                words = [(w.start(), w.end()) for w in re.finditer(r"\S+", name)]
                # the longest known name next to the brand word ("Atout France"); before a marketing
                # word, the first known name of the brand ("Montpellier Méditerranée Métropole" is
                # Montpellier's, not the sea's)
                parts = [(0, cut) for cut in range(len(words), 0, -1)] if before else \
                    [(i, i + cut) for i in range(len(words)) for cut in range(len(words) - i, 0, -1)]
                for i, j in parts:
                    start, end = s + words[i][0], s + words[j - 1][1]
                    part = text[start:end]
                    entries = self.gazetteer.lookup(part) if self.gazetteer.is_primary(part) else []
                    if any(e.kind != "city" or e.population >= BRAND_TOWN for e in entries):
                        if (start, end) not in seen:
                            seen.add((start, end))
                            yield Candidate(start, end, "brand", words=j - i, entries=entries, brand=True), m.span()
                        break

    def _cued_names(self, doc: Doc, found: list[Candidate]) -> Iterator[Candidate]:
        """Capitalised names right after a word that announces a place ("à Moudon", "in Tikrit")
        which neither NER nor the gazetteer offers: a village too small for the gazetteer, a name
        NER missed. The place model weighs them like any other candidate."""
        taken = sorted((c.start, c.end) for c in found)
        starts = [s for s, _ in taken]
        n = len(doc)
        for i in range(n - 1):
            if fold(doc[i].text) not in self.cues or doc[i].is_sent_end:
                continue
            j = i + 1
            while j < n - 1 and doc[j].is_space and doc[j].text.count("\n") < 2:
                j += 1  # "à\nYverdon": old newspapers break lines anywhere, a blank line ends the paragraph
            if not (doc[j].is_alpha and len(doc[j]) > 1 and doc[j].text[0].isupper()):
                continue
            end = j + 1
            while end < n and end - j < MAX_CUED_TOKENS and (
                    doc[end].text in ("-", "'", "’") or doc[end - 1].text in ("-",) or (
                    doc[end].is_alpha and doc[end].text[0].isupper() and doc[end - 1].whitespace_ != "")):
                end += 1
            while end > j + 1 and not doc[end - 1].is_alpha:
                end -= 1
            s, e = doc[j].idx, doc[end - 1].idx + len(doc[end - 1])
            k = bisect.bisect_right(starts, e) - 1
            if any(ts < e and s < te for ts, te in taken[max(0, k - 3) : k + 1]):
                continue
            yield Candidate(s, e, "cue", words=end - j)

    def _abbreviated_countries(self, text: str, found: list[Candidate]) -> Iterator[Candidate]:
        """Countries abbreviated in brackets after a name that no other candidate covers; a
        bracketed word the gazetteer knows otherwise ("(Vaud)", "(Sion)") is left to the scan."""
        taken = [(c.start, c.end) for c in found]
        for m in BRACKETED_COUNTRY.finditer(text):
            word = m.group(1)
            s, e = m.span(1)
            if any(ts < e and s < te for ts, te in taken):
                continue
            if self.gazetteer.is_primary(word) and any(x.kind != "country" for x in self.gazetteer.lookup(word)):
                continue
            country = self.gazetteer.country_abbreviation(word)
            if country is not None:
                yield Candidate(s, e, "abbreviation", entries=[country])

    def _with_streets(self, text: str, found: list[Candidate]) -> list[Candidate]:
        """Streets and numbered roads as candidates of their own ("2517 Memphis St.", "County Road 35"):
        a town's name inside one ("Memphis") is the street's, not the town's; a street NER already
        reads whole is left as found."""
        return claim_spans(text, found, street_spans(text), "street", yield_to_whole_reads=True)

    def _with_listed(self, text: str, found: list[Candidate]) -> list[Candidate]:
        """Names listed before a plural head as candidates of their own (`listed_names`). The name is
        then read as any other: giving "Barrow" the county's entry moved the learnt unlinked threshold
        and cost the homonym sentences a place."""
        spans = ((s, e) for s, e, _ in listed_names(text))
        return claim_spans(text, found, spans, "listed", yield_to_whole_reads=False)

    def _coded_country(self, doc: Doc, ent: Span) -> Candidate | None:
        """A country's or a union's code that NER reads as an organisation or opening one's name ("the
        U.S. Department of Education", "UK Border Force", "EU airlines"): the scan never looks for codes."""
        start, _ = trim_span(ent)
        first = next((t for t in ent if t.idx >= start), None)
        if first is None or not is_code(first.text):
            return None
        country = self.gazetteer.region_abbreviation(first.text) or next(
            (e for e in self.gazetteer.lookup(first.text) if e.kind == "country"), None)
        if country is None:
            return None
        return Candidate(first.idx, first.idx + len(first.text), "abbreviation", entries=[country])

    def _abbreviated_regions(self, text: str, found: list[Candidate]) -> Iterator[Candidate]:
        """A region abbreviated after a place and a comma ("Lumpkin, Ga.", "Louisville, KY") or after
        a politician's party ("D-N.Y."): the gazetteer's exact abbreviations, where the text's shape
        says one is meant."""
        ends = {c.end: c for c in found}
        for m in REGION_ABBREVIATION.finditer(text):
            entry = self.gazetteer.region_abbreviation(m.group("abbr"))
            if entry is None:
                continue
            s, e = m.span("abbr")
            if any(c.start >= m.start() and c.start < e and s < c.end for c in found):
                continue  # NER read the abbreviation itself: `entries` links it
            if m.group("party") is None:
                before = text[: m.start()].rstrip()
                place = ends.get(len(before))
                whole = next((c for c in found if c.start < m.start() and c.end >= e), None)
                if whole is not None:  # NER read "Louisville, Ky." as one name: its head is the place
                    if whole.source != "ner" or text[whole.start : m.start()].strip() not in self.gazetteer:
                        continue
                elif place is None:
                    continue
            elif any(c.start < e and s < c.end for c in found):
                continue
            yield Candidate(s, e, "abbreviation", entries=[entry], words=1)

    def _qualified_entries(self, surface: str) -> list[GazEntry]:
        """The entries of the place a qualifier names a part of, before it ("Northeast Georgia" →
        Georgia, "Greater Manchester" → Manchester) or, in French, after it ("Asie du Sud-Est" → Asia,
        "Europe de l'Est" → Europe); [] when the name is not so shaped."""
        after = FRENCH_QUALIFIER.search(surface)
        if after is not None and after.start() > 0:
            return self.gazetteer.lookup(surface[: after.start()])
        first, _, rest = surface.partition(" ")
        if first.lower() not in QUALIFIERS or not rest or not is_capitalised(rest):
            return []
        return self.gazetteer.lookup(rest)

    def _known_part(self, text: str, c: Candidate) -> tuple[int, int] | None:
        """Bounds of the known name inside an entity the gazetteer does not know as a whole: the
        proper name after a generic head ("canton de Vaud" → "Vaud") or the place before a comma
        or a bracket ("Portland, Maine" → "Portland")."""
        surface = text[c.start : c.end]
        tail = proper_tail(surface)
        if tail and tail in self.gazetteer:
            start = c.start + surface.rindex(tail)
            return start, start + len(tail)
        head = re.split(r"\s*[,(]", surface, maxsplit=1)[0]
        if head != surface and head.strip() and head in self.gazetteer:
            return c.start, c.start + len(head.rstrip())
        return None

    def keeps_article(self, name: str, bare: str) -> bool:
        """True when a name is the gazetteer's with its article and at least as big a place as the
        name without it: "La Rochelle" (not Rochelle, Illinois), "Les Arcs"; not "La Réunion", a
        town's other name where "Réunion" is the island."""
        with_article = self.gazetteer.lookup(name)
        if not with_article:
            return False
        without = self.gazetteer.lookup(bare)
        return not without or with_article[0].prior >= without[0].prior

    def _with_article_before(self, text: str, c: Candidate) -> tuple[int, list[GazEntry]] | None:
        """The start and entries of a name whose capitalised article NER left out ("La" of "La
        Chaux-de-Fonds"), when the gazetteer knows the name only with it."""
        m = ARTICLE_BEFORE.search(text, max(0, c.start - 5), c.start)
        if m is None:
            return None
        name = text[m.start(1) : c.end]
        return (m.start(1), self.gazetteer.lookup(name)) if self.gazetteer.is_primary(name) else None

    def _with_merged_article(self, text: str, start: int, surface: str) -> tuple[str, list[GazEntry]]:
        """The article and the entries of a name whose article a French preposition took in ("du
        Havre" is Le Havre, "aux Arcs" Les Arcs, not Havre in Montana): no entries unless the gazetteer
        knows the name with its article (as its own name, or as another name where the bare word is
        no place's own name: "du Touquet")."""
        m = MERGED_ARTICLE.search(text, max(0, start - 5), start)
        if m is None:
            return "", []
        article = MERGED_ARTICLES[m.group(1).lower()]
        name = f"{article} {surface}"
        if self.gazetteer.is_primary(name) or (name in self.gazetteer and not self.gazetteer.is_primary(surface)):
            return article, self.gazetteer.lookup(name)
        return "", []

    def entries(self, surface: str, territory: str | None) -> list[GazEntry]:
        """Gazetteer entries for a surface form, or for a watched territory's name."""
        if territory is not None:
            t = self.territories[territory]
            return self.gazetteer.lookup(str(t["name"]))
        abbreviated = self.gazetteer.region_abbreviation(surface)
        if abbreviated is not None:
            return [abbreviated]  # "S.D." is South Dakota, not Sudan's dotted ISO code
        entries = self.gazetteer.lookup(surface)
        if not entries and surface.lower().startswith(("st ", "st. ")):
            entries = self.gazetteer.lookup("Saint " + surface.split(" ", 1)[1])
        return entries
