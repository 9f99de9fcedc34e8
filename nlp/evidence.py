"""Evidence that a candidate names a place: cues, case, position, part of speech, NER's readings, as features."""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from nlp.candidates import LEADING_ARTICLES, STREET, Candidate, proper_tail
from nlp.gazetteer import Gazetteer
from nlp.text import fold, fold_key, is_all_caps, is_capitalised

logger = logging.getLogger(__name__)

# Words right before a place name that announce one ("in Paris", "à Nice", "au Chili").
CUES = {
    "en": ["in", "to", "from", "at", "near", "into", "across", "via", "over", "visit", "visiting",
           "visited", "towards", "outside", "around", "throughout", "inside"],
    "fr": ["à", "en", "au", "aux", "vers", "depuis", "dans", "visiter", "pour", "sur",
           "près", "quitter", "rejoindre", "jusqu'à",
           # the conjugated visits, as the English list has "visited" ("les touristes visitent Pise")
           "visite", "visitent", "visitons", "visitez", "visité", "visitée", "visités", "visitées", "visitait",
           "visitaient", "visitera", "visiteront", "visitant"],
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
SHOUTING_MIN_WORDS = 12  # fewer words than this make no share of capitals ("Le Tour de France passera par Pau")
SMALL_PLACE = 100_000  # population under which an alternate-name-only link needs more evidence
COMMON_NOUN_TOWN = 200_000  # a town smaller than this that spells a common noun is likelier the noun
INDEFINITE_ARTICLES = {"a", "an", "un", "une"}
# Titles before a person's name ("M. Baroche", "Mrs Kellogg"): the name after one is a person.
HONORIFICS = {"m", "mm", "mme", "mmes", "mlle", "mr", "mrs", "ms", "dr", "me", "sir", "lord", "lady"}
# An all-caps name that opens a dispatch or a section: "PARIS, 15 (Havas). —", "VAUD. — D'une enquête".
DATELINE = re.compile(r"\s*[.,]?\s*(?:\d|[-—–]|\(|\n|$)")
# A place and a date opening a dispatch: "Berne, 15 septembre", "Gènes 16 août".
DATED = re.compile(r"\s*,?\s*\d{1,2}\s*(?:er\s+)?[^\W\d_]{3,}")
# What follows a person in results and lists of members: "Olano (Esp)", "Chuard (Lausanne)".
AFFILIATION = re.compile(r"\s*[({]\s*[A-ZÀ-Ý][\w.'-]*\s*[,)}]")
# What separates the items of an enumeration: "Chanel, Lanvin et Patou".
LIST_GAP = re.compile(r"\s*(?:,|;|&|et|and)\s*")
# A company's, a club's or a treaty's word beside a place's name inside the same name ("Air France",
# "Banque de France", "Olympique de Marseille", "Valence CF", "Paris Agreement", "Brussels Airlines"):
# the name is the organisation's, not a mention of the place. Events that travel through the place
# ("Tour d'Italie") and a place's own bodies ("Minnesota Department of…") are not listed: the news
# and newspaper data count the place in them.
COMPANY_BEFORE = re.compile(
    r"(?<![\w-])(?:Air|Bank|Banque|Banco|Caisse|Crédit|Credit|Gaz|Électricité|Radio|Stade|Olympique|Racing|Real|"
    r"Sporting|Athletic|Hôtel|Hotel|Casino|Compagnie|Groupe|Group|Accord|Accords|Traité|Treaty)"
    # up to two more words of the name before the place ("Crédit Mutuel de Bretagne", "Caisse d'Épargne
    # Rhône Alpes", "Banque Populaire Alsace…")
    r"(?:\s+(?:d['’])?[A-ZÀ-Ý][\w'’-]*){0,2}"
    r"(?:\s+(?:de|du|des|of|the|la|le)\s+|\s+(?:d|l)['’]|\s+)$")
COMPANY_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:Airlines|Airways|Air|Ferries|Cruises|Agreement|Accords?|Treaty|Protocol|Declaration|FC|CF|AC|United|"
    r"Hilton|Bank|Group|Groupe|Inc|Ltd|Corp|Corporation|Motors|Telecom|Energy|Énergie)(?![\w-])")
# What precedes one: a rank in results, "3. Tchmil", "155. Beuchat".
RANK = re.compile(r"(?:^|\s)\d{1,3}\s*\.\s*$")
# Word classes a place name never takes: a capitalised token the tagger reads so is a common word
# ("Nice little bakery", "Bloqués dans la cabine").
NON_NAME_POS = {"ADJ", "ADV", "VERB", "AUX", "PRON", "DET", "ADP", "INTJ", "NUM", "CCONJ", "SCONJ", "PART"}
PENN_CLASSES = (("NNP", "PROPN"), ("NN", "NOUN"), ("JJ", "ADJ"), ("RB", "ADV"), ("VB", "VERB"), ("MD", "AUX"),
                ("PRP", "PRON"), ("DT", "DET"), ("IN", "ADP"), ("UH", "INTJ"), ("CD", "NUM"), ("CC", "CCONJ"))


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
def dictionary_names(lang: str) -> frozenset[str]:
    """Folded words a dictionary of the language writes only with a capital: names, not common
    nouns. The English model's noun table comes from WordNet, which lists places and people among
    its nouns ("burlington", "kentucky", "jones"); Webster's Second (public domain, through the
    `english-words` package) writes them "Burlington", "Kentucky", "Jones", and "aspen", "reading"
    in lower case. Empty for a language with no such dictionary."""
    if lang != "en":
        return frozenset()
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"], lower=False, alpha=True)
    lower = {w for w in words if w.islower()}
    return frozenset(fold(w) for w in words if w[:1].isupper() and w.lower() not in lower)


@lru_cache(maxsize=4)
def common_nouns_of(package: str, lang: str) -> frozenset[str]:
    """The model package's nouns less the names a dictionary of the language writes capitalised."""
    return model_nouns(package) - dictionary_names(lang)


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
    """Share of capitalised words: near 1 for all-caps or title-case text, where case says little.
    A text of a few words (a post, a one-line sentence) says nothing either way: 0."""
    words = [t for t in doc[:400] if t.is_alpha and len(t) > 3]
    if len(words) < SHOUTING_MIN_WORDS:
        return 0.0
    return sum(1 for t in words if t.text[0].isupper()) / len(words)


class Evidence:
    """Gathers the evidence for each candidate of a language as features for the place model: the
    cue words, the NER labels that read a person, the model's own lexicon of common words."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        person_labels: frozenset[str],
        cues: Sequence[str],
        weak_cues: Sequence[str],
        travel_words: Sequence[str],
        lexicon_lang: str,
        package: str,
    ) -> None:
        self.gazetteer = gazetteer
        self.person_labels = person_labels
        self.cues = {fold(c) for c in cues}
        self.weak_cues = {fold(c) for c in weak_cues}
        self.travel_words = {fold(w) for w in travel_words}
        self.lexicon_lang = lexicon_lang
        # the model package whose lemmatizer tables give the common words (read from disk, since the
        # pipeline leaves the lemmatizer out)
        self.package = package

    @property
    def common_words(self) -> frozenset[str]:
        return lexicon_words(self.lexicon_lang)

    @property
    def common_nouns(self) -> frozenset[str]:
        """Folded common nouns the model's own lemmatizer knows ("union", "empire", "canton"):
        a capitalised one that names only a town is more often the noun ("l'Union", "de l'Empire");
        names the table lists among its nouns are left out (`dictionary_names`)."""
        return common_nouns_of(self.package, self.lexicon_lang)

    def is_inflected_word(self, surface: str) -> bool:
        """True when the word is an inflected form of a common word in the model's lexicon."""
        table = model_inflections(self.package)
        return table is not None and surface.lower() in table

    def is_common_noun(self, surface: str) -> bool:
        """True when the word or its singular is a common noun of the model's lexicon."""
        word = fold(surface)
        return word in self.common_nouns or (word.endswith("s") and word[:-1] in self.common_nouns)

    def is_common_word(self, surface: str, c: Candidate) -> bool:
        """True when a one-word name is also a common word of the language (its sentiment lexicon,
        its nouns, an inflected form): "Nice", "Orange", "Reading" — not "Chamonix"."""
        if c.words > 1 or c.tagged:
            return False
        if fold(surface) in self.common_words:
            return True
        # the noun lists hold proper names too ("lyon", "paris" in English): a noun that also
        # names a big place or a country is read as that place, as `town_spells_noun` does
        return (self.is_common_noun(surface) or self.is_inflected_word(surface)) and all(
            e.kind == "city" and e.population < COMMON_NOUN_TOWN for e in c.entries)

    def vouches(self, surface: str, c: Candidate) -> bool:
        """True when the watchlist alone vouches for a hit: the user's own name for the place,
        written as a name (capitalised or tagged), which the language does not also use as a
        common word and NER does not read as a person. Such a hit is a mention whatever the model
        says: a small resort's name ("Chamonix weighs a cap on cars") has no other reading to
        weigh, and its low gazetteer prior says only that the world seldom writes it; read as an
        organisation ("Tignes has announced a new gondola"), it is the place's own voice, which a
        marketer counts as the place. "Nice", "Orange" or a first name are left to the model."""
        person = c.other_reading and c.ner_label in self.person_labels
        return bool(c.territory) and (c.cased or c.tagged) and not person \
            and not self.is_common_word(surface, c)

    def features(
        self,
        doc: Doc,
        text: str,
        c: Candidate,
        sent_starts: list[int],
        sent_ends: list[int],
        shouting: bool,
    ) -> dict[str, float]:
        """What speaks for and against the candidate naming a place, as named features (mostly 0/1)."""
        f: dict[str, float] = {"bias": 1.0, f"src:{c.source}": 1.0}
        surface = text[c.start : c.end]
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        first = span[0] if span is not None and len(span) else None
        prev_word = previous_word(doc, first.i) if first is not None else ""
        if prev_word in LEADING_ARTICLES and first is not None and is_capitalised(surface):
            before = cue_before_article(doc, first.i)
            if before in self.cues:
                prev_word = before
        k = bisect.bisect_right(sent_starts, c.start) - 1
        sent_start = sent_starts[k] if k >= 0 else 0
        line_start = max(sent_start, text.rfind("\n", 0, c.start) + 1)
        sentence_initial = not text[line_start : c.start].strip(" \t\n\"'«“(-*•#@")
        dateline = bool(c.entries) and (
            (is_all_caps(surface) and (sentence_initial or DATELINE.match(text, c.end) is not None))
            or (sentence_initial and DATED.match(text, c.end) is not None))
        if dateline:
            sentence_initial = False
            f["dateline"] = 1.0
        unknown = not c.entries and not c.territory
        single = c.words == 1 and not c.tagged
        f[f"ner:{c.ner_label or '-'}"] = 1.0
        if c.ner_place:
            f["ner_place"] = 1.0
        if c.territory:
            f["watched"] = 1.0
            f["watched_multi" if c.words > 1 or c.tagged else "watched_single"] = 1.0
        if c.tagged:
            f["tagged"] = 1.0
        f[f"words:{min(c.words, 3)}"] = 1.0
        if c.entries:
            top = c.entries[0]
            f["linked"] = 1.0
            f["prior"] = max(-1.0, min(1.5, (top.prior - 5.0) / 2.0))
            # a département weighs as its own kind: the training news names far fewer of them than
            # first-level regions, and often a word they spell ("Lot 12", "Gard" the surname)
            f["kind:departement" if top.departement else f"kind:{top.kind}"] = 1.0
            f["senses"] = min(3.0, math.log2(len(c.entries)))
            if self.weak_link(surface, c):
                f["weak_link"] = 1.0
            if self.gazetteer.is_primary(c.name(surface)):
                f["primary_name"] = 1.0
        elif c.territory:
            # a watched place the gazetteer does not know (a resort, a small town): the user's
            # watchlist confirms the name as a gazetteer entry would
            f["linked"] = 1.0
            f["primary_name"] = 1.0
        elif c.known_tail:
            f["known_tail"] = 1.0
        if prev_word in self.cues:
            f["cue"] = 1.0
        elif prev_word in self.weak_cues:
            f["weak_cue"] = 1.0
        if not c.cased and not c.tagged:
            f["uncased_single" if c.words == 1 else "uncased_multi"] = 1.0
        elif first is not None and (first.tag_ in ("NNP", "NNPS") or first.pos_ == "PROPN"):
            f["propn"] = 1.0
        if is_all_caps(surface):
            f["all_caps"] = 1.0
        if sentence_initial and not c.tagged and prev_word not in self.cues:
            f["initial"] = 1.0
            if not c.ner_place:
                f["initial_unread_watched" if c.territory else "initial_unread_multi" if c.words > 1
                  else "initial_unread"] = 1.0
        if single and first is not None:
            if word_class(first) in NON_NAME_POS:
                # a demonym or a name NER reads is often tagged an adjective ("Iraqi", "Mexican")
                f["non_name_pos_named" if c.ner_place or c.source == "demonym" else "non_name_pos"] = 1.0
            elif unknown and word_class(first) != "PROPN" and (
                    not self.common_nouns or self.is_common_noun(surface)):
                f["unknown_common_noun"] = 1.0
            elif unknown and self.common_nouns and self.is_common_noun(surface):
                # the tagger reads a capitalised noun as a name where it opens a heading or a rubric
                # ("Réseau. La marque…", "Palmarès. Le jury…"): no gazetteer knows it, the lexicon does
                f["unknown_noun_as_name"] = 1.0
        if c.words == 1 and not c.territory and c.entries and prev_word not in self.cues and \
                all(e.kind == "city" and e.population < COMMON_NOUN_TOWN for e in c.entries) and \
                fold(surface) in self.common_nouns:
            f["town_spells_noun"] = 1.0
        if c.entries and not c.territory and not c.tagged and self.gazetteer.accents_differ(surface):
            f["accents_differ"] = 1.0
        if single and not c.ner_place and fold(surface) in self.common_words:
            f["lexicon_word_initial" if sentence_initial else "lexicon_word"] = 1.0
        if prev_word.rstrip(".") in HONORIFICS and not c.tagged:
            f["after_honorific"] = 1.0
        if span is not None and not c.tagged and self._after_indefinite(doc, span):
            f["after_indefinite"] = 1.0
        if letters(surface) < 2:
            f["no_letters"] = 1.0
        if unknown and single:
            f["unknown_single"] = 1.0
            if self.is_inflected_word(surface):
                f["inflected_word"] = 1.0
            elif not self.is_common_noun(surface) and fold(surface) not in self.common_words and \
                    self.gazetteer.near_name(surface):
                f["ocr_near_known"] = 1.0  # "Esoagne", "Prnsse": a well-known name OCR misread
            if self.gazetteer.is_demonym(surface):
                f["demonym_shape"] = 1.0
                if surface.endswith(("s", "x")):
                    # a plural people ("les Suisses", "des Danois"): a town's name seldom takes a
                    # people's ending and a plural one
                    f["demonym_plural"] = 1.0
        if c.other_reading:
            f["other_reading_excused" if c.territory or (c.entries and prev_word in self.cues)
              else "other_reading"] = 1.0
        if c.in_name:
            f["in_name"] = 1.0
        if span is not None and not c.tagged and not c.territory and not shouting:
            beside = self._name_beside(doc, span)
            if beside:
                f[f"name_{beside}"] = 1.0
        if c.qualifies:
            f["qualifies"] = 1.0
        company_word = None if c.tagged or c.brand else COMPANY_BEFORE.search(text, max(0, c.start - 48), c.start)
        if not c.tagged and not c.brand and (company_word or COMPANY_AFTER.match(text, c.end)):
            f["company_name"] = 1.0
            if company_word:  # the "de" of "Banque de France" belongs to the name: no cue, no context word
                f.pop("cue", None)
                f.pop("weak_cue", None)
        if c.source == "street" or STREET.fullmatch(surface):
            f["street"] = 1.0
        if shouting and not c.ner_place and not c.territory:
            f["shouting"] = 1.0
        if not c.known_tail and not is_capitalised(surface) and not c.tagged and c.source == "ner" \
                and not proper_tail(surface):
            f["lowercase_entity"] = 1.0
        if unknown and not c.tagged and (
                self._affiliated(text, c.end) or RANK.search(text, max(0, c.start - 8), c.start)):
            f["ranked_or_affiliated"] = 1.0
        if unknown and not c.tagged and self._listed_with_people(doc, text, c):
            f["listed_with_people"] = 1.0
        if first is not None and first.lower_.rstrip(".") in HONORIFICS and c.words > 1 and not c.tagged:
            f["honorific_inside"] = 1.0
        sent_end = sent_ends[k] if k >= 0 else len(text)
        words = set(re.findall(r"[\w-]+", fold(text[sent_start:sent_end])))
        if words & self.travel_words:
            f["travel_words"] = 1.0
        if prev_word and prev_word.isalpha() and not company_word:
            f[f"prev:{prev_word}"] = 1.0
        nxt = doc[span.end] if span is not None and span.end < len(doc) else None
        if nxt is not None and not nxt.is_space:
            f[f"next:{fold(nxt.text)}"] = 1.0
        return f

    def weak_link(self, surface: str, c: Candidate) -> bool:
        """True when the only link is a small town's alternate name (Granges → Grenchen)."""
        if c.territory or not c.entries:
            return False
        top = c.entries[0]
        return top.kind == "city" and top.population < SMALL_PLACE and not self.gazetteer.is_primary(c.name(surface))

    def _name_beside(self, doc: Doc, span: Span) -> str:
        """Which side of the candidate a capitalised name word it is not part of touches, inside its
        sentence and with one space between: "before" ("Denzel Washington"), "after" ("Jamaica
        Kincaid"), or "". The two make a person's name more often than a place's."""
        if span.start > 0 and not span[0].is_sent_start:
            t = doc[span.start - 1]
            if t.whitespace_ == " " and self._is_name_word(t):
                return "before"
        if span.end < len(doc) and not doc[span.end].is_sent_start:
            t = doc[span.end]
            if span[-1].whitespace_ == " " and self._is_name_word(t):
                return "after"
        return ""

    def _is_name_word(self, t: Token) -> bool:
        """True for a capitalised proper noun that is no common noun or word of the language (which
        would be an organisation's head, "Texas Department", "Boston Globe", a place to the news), no
        title ("Mr"), article or cue word, and no well-known place ("Denver Colorado")."""
        return t.is_alpha and len(t) > 1 and t.is_title and word_class(t) == "PROPN" \
            and t.lower_ not in HONORIFICS and t.lower_ not in LEADING_ARTICLES and fold(t.text) not in self.cues \
            and not self.is_common_noun(t.text) and fold(t.text) not in self.common_words \
            and not any(e.kind != "city" or e.population >= SMALL_PLACE for e in self.gazetteer.lookup(t.text))

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


def document_features(
    text: str, title: str | None, weighed: list[tuple[Candidate, dict[str, float]]]
) -> None:
    """Add what the rest of the document says to each candidate's features: the same name read
    surely elsewhere (one sense per document), the name in the title, the word used in lower case,
    the company of other watched places."""
    title_keys = {fold_key(w) for w in re.findall(r"[\w'-]+", title or "")}
    keys = [fold_key(text[c.start : c.end]) for c, _ in weighed]
    sure: dict[str, int] = {}
    for key, (c, f) in zip(keys, weighed, strict=True):
        if c.ner_place or c.tagged or "cue" in f or "dateline" in f:
            sure[key] = sure.get(key, 0) + 1
    watched = {c.territory for c, f in weighed if c.territory and (c.ner_place or c.words > 1 or c.tagged)}
    lowered = set(re.findall(r"(?<![\w.])[a-zà-ÿ][\w'-]*", text[:200_000]))
    linked = {k for k, (c, _) in zip(keys, weighed, strict=True) if c.entries or c.territory}
    for key, (c, f) in zip(keys, weighed, strict=True):
        own = 1 if (c.ner_place or c.tagged or "cue" in f or "dateline" in f) else 0
        if sure.get(key, 0) - own > 0:
            f["sure_elsewhere"] = 1.0
        if key in title_keys:
            f["in_title"] = 1.0
        if c.territory and c.cased and len(watched - {c.territory}) >= 2:
            f["watched_company"] = 1.0
        if c.words == 1 and not c.tagged and key in lowered:
            f["lowered_elsewhere"] = 1.0
        f["doc_places"] = min(3.0, math.log2(1 + len(linked - {key})))
