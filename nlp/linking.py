"""Linking: one decision per document over the weighed candidates, each kept one linked to a place."""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.candidates import Candidate
from nlp.evidence import Evidence
from nlp.gazetteer import WELL_KNOWN_CITY, GazEntry, Gazetteer, contains, same_place
from nlp.place_model import Thresholds
from nlp.text import fold, fold_key
from nlp.watchlist import excluded

logger = logging.getLogger(__name__)



# How much the document's other places weigh for a sense against its importance prior (log10 of
# population): per other place of the same country, per other place of the same first-level region
# (a US state named, abbreviated or holding a named county), each counted up to CONTEXT_CAP places.
COUNTRY_WEIGHT = 1.5
REGION_WEIGHT = 1.5
CONTEXT_CAP = 3
# A sense the name reaches only through one of its other names (Harare once called Salisbury, Lorain
# once Charleston) weighs this much less than one of that very name
OTHER_NAME_PENALTY = 1.0
# A region we know only by name, or a first-level region outside the US (a division from pycountry,
# linked to GeoNames through nlp/data/regions_geonames.tsv), has a placeholder population: it weighs
# this much less than its prior says, so that a located namesake of like weight wins (Saint Paul,
# Minnesota over a parish of Antigua; Jerusalem the city, not its district)
UNLOCATED = 1.0
# A country's capital weighs this much more than its population says: news names the seat of a
# government for the government ("Washington said"), so the capital is meant far more often than a
# namesake its population ranks higher (in the dev folds every "Washington" is the capital, none the
# state, whose prior is 1.9 higher). Only against a region of its own country: against namesakes
# abroad (London, Ontario; Dublin, Ohio; Salisbury, once Harare's name) it cost the dev folds 21
# links. 2 is the least that turns Washington over (3 gives the same dev figure).
CAPITAL = 2.0
CITY_OWN_NAME = 100_000  # a city this big may be what "à" + its own name means ("à Luxembourg")
# A place opening a news item ("WASHINGTON —", "NEW YORK (AP) —", "(PARIS) –") is where it was
# written: a city, never the state or country of that name (the dev folds' NEW YORK datelines are
# the city, while "New York" elsewhere is the state as often as not). 3: the city must beat the state
# by 1.5 of prior and the 1 the other-name discount takes ("New York" is New York City's other name);
# 2 turns no dateline over, 3 and 4 the same ones.
DATELINE = 3.0
DATELINE_AFTER = re.compile(
    r"\)?\s*(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?"  # "AUSTIN, Texas", "LUMPKIN, Ga."
    r"\s*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # ", April 5"
    r"\s*(?:\([^()\n]{1,40}\)\s*)?"  # "(AP)", "(Reuters)"
    r"(?:[\u2014\u2013]|\s-\s|--)"  # an em or en dash, or a hyphen between spaces
)
# A state's name right after a town of that state and a comma ("Yakima, Washington") or before the
# word state ("Washington state") is the state, whatever a capital of its name weighs
REGION_WORD = re.compile(r"\s+(?:state|State|province|Province)\b")
# A place followed by the region or country it lies in, past the word for "in" ("Victoria in British
# Columbia", "Saint-Denis à La Réunion", "Victoria en Colombie-Britannique"): that region says which
IN_REGION = re.compile(r"\s+(?:in|en|au|à)\s+([A-ZÀ-Ý][\w'’-]+(?: [A-ZÀ-Ý][\w'’-]+)?)")
# An authority or an agency named after its place ("Région Hauts-de-France", "Département du Morbihan",
# "Ville de Lyon", "State of Texas"): for a marketer, that place's voice, a mention of it. The head says
# which kind of place; the name after it is the gazetteer's.
AUTHORITY = re.compile(
    r"(?P<head>Région|Département|Canton|Province|État|Etat|State|Region|Ville|Métropole|Commune|City|Kingdom|Republic|"
    r"Office (?:de|du) [Tt]ourisme)"
    r"\s+(?P<of>(?:de|of)\s+(?:la\s+|l['’]|the\s+)?|du\s+|des\s+|d['’])?(?P<name>[A-ZÀ-Ý][^\n]*)")
# the heads a name may follow without "de" or "of" ("Région Occitanie"; "City Hall" is no city's)
BARE_HEADS = frozenset({"Région", "Region"})
AUTHORITY_KINDS = {"Région": "region", "Département": "region", "Canton": "region", "Province": "region",
                   "État": "region", "Etat": "region",
                   "State": "region", "Region": "region", "Ville": "city", "Métropole": "city", "Commune": "city",
                   "City": "city", "Kingdom": "country", "Republic": "country"}
SAINT = re.compile(r"\b(?:st|saint|sankt)\b")
# Words of a region's name that say where it lies or what it is, not which one it is ("North West",
# "Centre", "Gulf", "Eastern"): several countries name a first-level region so (facts of the names)
GENERIC_REGION_WORDS = frozenset(
    "north south east west northern southern eastern western central centre center middle upper "
    "lower inner outer gulf coast coastal islands island capital highlands lowlands lakes mountains "
    "nord sud est ouest centrale haut haute bas basse".split())


@dataclass(frozen=True)
class DocumentContext:
    """Where the document's places are: the countries and the first-level regions (country, code)
    of the names it keeps, each name counted once in its first reading."""

    countries: Counter[str] = field(default_factory=Counter)
    regions: dict[tuple[str, str], float] = field(default_factory=dict)
    # the countries of those names that are not regions of a placeholder size: where a region whose
    # name does not say which one it is may lie ("the Centre and the North" vouch for no country)
    named: Counter[str] = field(default_factory=Counter)


def document_context(
    gazetteer: Gazetteer, text: str, title: str | None, cands: Sequence[Candidate]
) -> DocumentContext:
    """Countries and regions of the document's places (each name's first reading) and of the
    title's unambiguous names: the context for ambiguous ones."""
    ctx = DocumentContext()
    seen: set[str] = set()
    firsts = []
    for c in cands:
        surface = text[c.start : c.end]
        key = fold_key(surface)
        if c.entries and key not in seen:
            seen.add(key)
            firsts.append(c.entries[0])
            states = gazetteer.county_states(surface) if c.entries[0].kind == "region" else frozenset()
            for state in states:  # a county: its state, or its namesakes' states share the vote
                ctx.regions[("US", state)] = ctx.regions.get(("US", state), 0.0) + 1 / len(states)
    if title:
        for word in re.findall(r"[A-ZÀ-Ý][\w'-]+(?: [A-ZÀ-Ý][\w'-]+)?", title):
            entries = gazetteer.lookup(word)
            if len(entries) == 1:
                firsts.append(entries[0])
    for e in firsts:
        ctx.countries[e.country] += 1
        if not e.notional:
            ctx.named[e.country] += 1
        if e.kind == "region" and e.region:
            ctx.regions[(e.country, e.region)] = ctx.regions.get((e.country, e.region), 0.0) + 1
    return ctx


def name_key(name: str) -> str:
    """A name's lookup key with its saint written one way ("St. Louis", "Saint-Louis": "saint louis")."""
    return SAINT.sub("saint", fold_key(name))


def accents(word: str) -> list[str]:
    """The accented letters of a word, in order ("Côme": ["ô"])."""
    return [ch for ch in word.lower() if fold(ch) != ch]


def is_own_name(key: str, name: str, surface: str = "") -> bool:
    """True when a name key is a place's own name, or one of the names GeoNames joins with a slash
    ("Donostia / San Sebastián", "Biel/Bienne"). A surface written with accents is the own name only
    with the same accents: "Côme" (Como in French) is not Comé, Benin, whose name folds the same; an
    unaccented surface (OCR, headlines, English) still matches any."""
    marks = accents(surface)
    parts = [name] + (name.split("/") if "/" in name else [])
    return any(key == name_key(part) and (not marks or marks == accents(part)) for part in parts)


def is_dateline(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is a news item's dateline: in capitals or opening a line,
    and followed (past a state, a date or an agency) by a dash ("WASHINGTON (AP) —")."""
    surface = text[start:end]
    line_start = text.rfind("\n", 0, start) + 1
    opens_line = not text[line_start:start].strip(" \t(")
    return (surface.isupper() or opens_line) and DATELINE_AFTER.match(text, end) is not None


def choose(
    entries: list[GazEntry], ctx: DocumentContext, follower: GazEntry | None, surface: str = "",
    *, dateline: bool = False, gazetteer: Gazetteer | None = None,
    leader: Sequence[GazEntry] = (), region_word: bool = False, city_word: bool = False,
) -> GazEntry | None:
    """Pick the sense: importance prior plus agreement with the document's other places (their
    countries and regions) and with the region or country named right after the name; a capital
    and, in a dateline, a city weigh more."""
    if not entries:
        return None
    first = entries[0]
    key = name_key(surface)
    if key and any(e.curated for e in entries):
        # a name our curated file gives a town is that town's, not a bigger place's other name
        # (GeoNames lists "Sion" among Jerusalem's names and "Bienne" among Vienna's)
        entries = [e for e in entries if e.curated or is_own_name(key, e.name, surface)]
    # a capital against a state or region of its own country by its name (Washington, D.C. against
    # Washington state); not against namesakes abroad, which the document's countries decide
    capitals = {e for e in entries if gazetteer is not None and gazetteer.is_capital(e)
                and any(o.kind != "city" and o.country == e.country for o in entries)}

    def big_city(e: GazEntry) -> bool:
        """A city a French "à" may mean instead of a region or country of its name: a well-known one,
        or one that bears the name as its own and is no small place."""
        return e.kind == "city" and (e.population >= WELL_KNOWN_CITY or (
            e.population >= CITY_OWN_NAME and is_own_name(key, e.name, surface)))

    city_meant = city_word and any(big_city(e) for e in entries)

    def score(e: GazEntry) -> float:
        # the name's own first reading is in the counts: it votes for its country, not for the
        # namesakes there (Saint-Étienne-du-Rouvray over Saint-Étienne, before this discount)
        own = 1 if e.country == first.country else 0
        s = e.prior + COUNTRY_WEIGHT * min(CONTEXT_CAP, max(0, ctx.countries[e.country] - own))
        if e.region:
            own = 1 if first.kind == "region" and (first.country, first.region) == (e.country, e.region) else 0
            s += REGION_WEIGHT * min(CONTEXT_CAP, max(0.0, ctx.regions.get((e.country, e.region), 0.0) - own))
        if key and not is_own_name(key, e.name, surface):
            s -= OTHER_NAME_PENALTY
        if e.kind == "region" and (e.geonames_id is None or e.notional):
            s -= UNLOCATED
        if e in capitals:
            s += CAPITAL
        if dateline and e.kind == "city":
            s += DATELINE
        if e.kind == "region" and e.region and (region_word or any(t.kind == "city" and contains(e, t) for t in leader)):
            s += 4.0  # "Yakima, Washington", "Washington state": like a follower
        if city_meant and e.kind != "city":
            s -= 4.0  # "à New York", "à Mexico": the city, not its state or country; which city, the
            # rest says ("à Vienne"); a small namesake does not turn over "à Cuba"
        if follower is not None and e.country == follower.country:
            s += 4.0  # "Paris, Texas", "Portland, Maine"
            if follower.region and e.region == follower.region:
                s += 4.0  # Portland in Maine, not the bigger one in Oregon
        return s

    return max(entries, key=score)


def follower_country(gazetteer: Gazetteer, text: str, end: int, senses: Sequence[GazEntry] = ()) -> GazEntry | None:
    """The region or country named right after a place ("Portland, Maine", "Portland (Maine, USA)",
    "Lumpkin, Ga.", "Victoria in British Columbia", "Saint-Denis à La Réunion"); of a follower's
    own senses, one that holds a sense of the place (`senses`) before the first: "Athens, Georgia"
    is the US state's, "Tbilisi, Georgia" the country's."""
    after = text[end : end + 40]
    short = re.match(r"\s*[,(]\s*([A-Z][\w.]*(?:\s?[A-Z][a-z]*\.)?)", after)
    abbreviated = gazetteer.region_abbreviation(short.group(1)) if short else None
    if abbreviated is not None:
        return abbreviated  # "Lumpkin, Ga.", "Charleston, W. Va."
    m = re.match(r"\s*[,(]\s*([A-Z][\w.]+(?: [A-Z]\w+)?)", after) or IN_REGION.match(after)
    if not m:
        return None
    entries = [e for e in gazetteer.lookup(m.group(1)) if e.kind != "city"]
    holding = [e for e in entries if any(contains(e, s) for s in senses)]
    return holding[0] if holding else entries[0] if entries else None


def stands_for_town(gazetteer: Gazetteer, name: str, town: GazEntry) -> bool:
    """A small town's other name that is as sure as its own: the first part of its hyphenated name
    that no other place has ("Chamonix"), or its own name with the saint written another way ("St.
    Gallen", GeoNames' Sankt Gallen). Any other is unsure (`Evidence.weak_link`: "Granges")."""
    return gazetteer.is_short_form(name) or is_own_name(name_key(name), town.name)


def authority_place(gazetteer: Gazetteer, surface: str, ctx: DocumentContext) -> GazEntry | None:
    """The place an authority or agency is named after ("Région Hauts-de-France" → Hauts-de-France,
    "Ville de Lyon" → Lyon), of the kind its head says; None for any other name."""
    m = AUTHORITY.fullmatch(surface)
    if m is None or not (m.group("of") or m.group("head") in BARE_HEADS):
        return None
    kind = AUTHORITY_KINDS.get(m.group("head"))
    entries = [e for e in gazetteer.lookup(m.group("name")) if kind is None or e.kind == kind]
    return choose(entries, ctx, None, m.group("name"), gazetteer=gazetteer) if entries else None


def small_town(gazetteer: Gazetteer, surface: str, ctx: DocumentContext) -> GazEntry | None:
    """The town of 1,000 to 4,999 people a name the main gazetteer lacks links to ("Courchevel",
    "Deauville"): one of a country the document's other places name, agreeing best with them; None
    where no other place names its country (a small town's name alone says too little)."""
    if gazetteer.county_states(f"{surface} County") & {r for (cc, r) in ctx.regions if cc == "US"}:
        return None  # "Barrow" in a text about Georgia: Barrow County, not a town
    towns = [e for e in gazetteer.lookup_town(surface) if ctx.named[e.country] > 0]
    return choose(towns, ctx, None, surface) if towns else None


def unsure_region(entry: GazEntry, entries: Sequence[GazEntry], ctx: DocumentContext, surface: str) -> bool:
    """True for a first-level region (placeholder size) of a country the document names nowhere
    else, whose name does not say which region it is: another country's region shares it ("North
    West": Botswana, Cameroon, South Africa) or it is made of words that say only where a region
    lies ("West", "Gulf", "Centre"). The mention stays a region, named but not linked."""
    if not entry.notional or ctx.named[entry.country] > 0:
        return False
    shared = any(e.notional and e.country != entry.country for e in entries)
    return shared or all(w in GENERIC_REGION_WORDS for w in fold_key(surface).replace("-", " ").split())


def place_record(
    territories: dict[str, dict[str, Any]], text: str, c: Candidate, conf: float, entry: GazEntry | None
) -> dict[str, Any]:
    """The analyze-schema fields of a mention (its sentiment is the sentiment component's)."""
    surface = text[c.start : c.end]
    if c.territory:
        t = territories[c.territory]
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
    }


def sense(
    gazetteer: Gazetteer, text: str, c: Candidate, evidence: Evidence, ctx: DocumentContext
) -> tuple[GazEntry | None, str]:
    """A mention's gazetteer sense, and what chose it: "settled" when the words beside it say which
    namesake (a region or country right after it that holds the sense, as in "Athens, Georgia",
    or a French "à" before a city), "beside" when other words beside it weighed (a region word, a
    leading city, a dateline), else "document" (the document's other places, or a single sense)."""
    surface = text[c.start : c.end]
    weak = evidence.weak_link(surface, c) and not stands_for_town(gazetteer, c.name(surface), c.entries[0])
    if weak or len(c.entries) < 2:  # no sense to choose between: the text around it is not read
        return (None if weak or not c.entries else c.entries[0]), "document"
    follower = follower_country(gazetteer, text, c.end, c.entries)
    dateline = is_dateline(text, c.start, c.end)
    region_word = c.region_article or REGION_WORD.match(text, c.end) is not None
    entry = choose(c.entries, ctx, follower, surface, dateline=dateline, gazetteer=gazetteer, leader=c.leader,
                   region_word=region_word, city_word=c.city_preposition)
    if entry is not None and (
            (follower is not None and contains(follower, entry)) or (c.city_preposition and entry.kind == "city")):
        return entry, "settled"
    return entry, "beside" if follower is not None or dateline or region_word or c.leader else "document"


def link(
    text: str,
    title: str | None,
    scored: list[tuple[Candidate, float]],
    evidence: Evidence,
    territories: dict[str, dict[str, Any]],
    sent_bounds: tuple[list[int], list[int]],
    thresholds: Thresholds,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The places and the candidates a document's scored candidates amount to, in text order.

    A place is a watched territory whose probability reaches `thresholds.watched` or whose hit
    the watchlist alone vouches for (`Evidence.vouches`), the place of a place brand, a gazetteer
    entry whose probability reaches `thresholds.place`, or a
    name nothing links that reaches `thresholds.unlinked`; an unlinked name below that but above
    `thresholds.candidate` is a candidate. A territory's exclude phrase vetoes it; each kept
    mention is linked to the gazetteer sense the document's other places agree with."""
    gazetteer = evidence.gazetteer
    sent_starts, sent_ends = sent_bounds
    # only names the decision keeps vote: a rejected homonym (the company Orange, first read as
    # the Californian city) must not pull the document's other places abroad
    def votes(c: Candidate, p: float) -> bool:
        return bool(c.territory or c.brand) or p >= thresholds.place

    voters = [c for c, p in scored if votes(c, p)]
    ctx = document_context(gazetteer, text, title, voters)

    def vetoed(c: Candidate) -> bool:
        """A territory's hit in a sentence its exclude phrase names."""
        if not c.territory:
            return False
        k = bisect.bisect_right(sent_starts, c.start) - 1
        sent = text[sent_starts[k] : sent_ends[k]] if k >= 0 else text
        return excluded(sent, territories[c.territory].get("exclude") or ())

    kept = [(c, p) for c, p in scored if not vetoed(c) and (
        p >= min(thresholds.place, thresholds.candidate, thresholds.watched) or c.territory or c.brand)]
    senses = [sense(gazetteer, text, c, evidence, ctx) for c, _ in kept]
    # one sense per document: a name the words beside one of its kept mentions settle ("Athens,
    # Georgia", "à Mexico") means that place at its mentions nothing beside them decides ("in
    # Athens"), unless two mentions settle it differently
    settling: dict[str, list[GazEntry]] = {}
    for (c, p), (entry, chosen_by) in zip(kept, senses, strict=True):
        if chosen_by == "settled" and entry is not None and votes(c, p):
            settling.setdefault(name_key(text[c.start : c.end]), []).append(entry)
    settled = {key: es[0] for key, es in settling.items() if all(same_place(es[0], e) for e in es)}
    places: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    for (c, p), (entry, chosen_by) in zip(kept, senses, strict=True):
        surface = text[c.start : c.end]
        meant = settled.get(name_key(surface))
        if entry is not None and chosen_by == "document" and meant is not None \
                and any(same_place(meant, e) for e in c.entries):
            entry = meant
        authority = None if c.entries or c.territory else authority_place(gazetteer, surface, ctx)
        if authority is not None:
            entry = authority
        elif entry is None and (p >= thresholds.unlinked or c.territory):
            # a name the main gazetteer lacks, or knows only as a small place's other name: a small
            # town of a country the text names; only for names kept anyway
            entry = small_town(gazetteer, surface, ctx)
        if entry is not None and unsure_region(entry, c.entries, ctx, surface):
            entry = dataclasses.replace(entry, geonames_id=None, lat=None, lon=None)  # a region by name only
        linked = c.territory is not None or entry is not None
        if c.brand and entry is not None:
            # a place brand is how place marketing names its place: a mention of it, said a brand
            places.append({**place_record(territories, text, c, p, entry), "kind": "brand"})
        elif authority is not None:
            # so is an authority named after its place, which the place decision doubts only for
            # its long name the gazetteer lacks
            places.append(place_record(territories, text, c, p, entry))
        elif c.territory is not None:
            if p >= thresholds.watched or evidence.vouches(surface, c):
                places.append(place_record(territories, text, c, p, entry))
        elif p >= thresholds.place and (linked or p >= thresholds.unlinked):
            places.append(place_record(territories, text, c, p, entry))
        elif not linked and p >= thresholds.candidate:
            candidates.append(place_record(territories, text, c, p, None))
    places.sort(key=lambda m: m["start"])
    candidates.sort(key=lambda m: m["start"])
    return places, candidates
