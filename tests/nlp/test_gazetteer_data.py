"""The hand-written gazetteer additions (nlp/data/places_extra.tsv) load and link as written."""

from __future__ import annotations

import json

import pytest

from nlp.gazetteer import (
    KIND_WEIGHT,
    _data_dir,
    contains,
    curated_rows,
    load_gazetteer,
    region_ids,
    subdivision_names,
)

ISO_REGIONS = region_ids()


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return curated_rows()


def test_every_row_is_well_formed(rows: list[list[str]]) -> None:
    for row in rows:
        assert len(row) == 7, row
        kind, gid, country, lat, lon, weight, names = row
        assert kind in KIND_WEIGHT or kind in ("subdivision", "resort"), row
        assert names.split("|")[0], row
        if kind == "subdivision":  # more names for a first-level division, by its ISO 3166-2 code
            assert country in ISO_REGIONS and not (gid or lat or lon or weight), row
            continue
        assert country == "" or (len(country) == 2 and country.isupper()), row
        if kind != "country":
            assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, row
            assert int(weight) > 0 and (not gid or gid in ISO_REGIONS or int(gid) > 0), row


def test_a_citys_french_name_is_that_packaged_citys_own(rows: list[list[str]]) -> None:
    cities = json.loads((_data_dir() / "cities5000.json").read_text(encoding="utf-8"))
    gaz = load_gazetteer()
    for kind, gid, country, *_, names in rows:
        if kind == "city":
            assert gid in cities and cities[gid]["countrycode"] == country, names
            for name in names.split("|"):
                assert any(e.geonames_id == int(gid) for e in gaz.lookup(name)) and gaz.is_primary(name), name


def test_country_names_join_the_packaged_country(rows: list[list[str]]) -> None:
    gaz = load_gazetteer()
    for kind, _, country, *_, names in rows:
        if kind == "country":
            for name in names.split("|"):
                assert any(e.kind == "country" and e.country == country for e in gaz.lookup(name)), name


def test_the_new_names_win_over_namesakes() -> None:
    gaz = load_gazetteer()
    assert gaz.lookup("Angleterre")[0].geonames_id == 6269131  # England, no longer a name-only region
    assert gaz.lookup("Wales")[0].kind == "region"  # not the village of Wales in Yorkshire
    assert gaz.lookup("Atlantique")[0].kind == "natural"  # the ocean before the Atlantique department of Benin
    assert gaz.lookup("lac Léman")[0] is gaz.lookup("Lake Geneva")[0]
    assert gaz.is_scannable("Pyrénées") and gaz.is_scannable("mer du Nord")


# first-level regions carry GeoNames' id, division code and a position (nlp/data/regions_geonames.tsv)
REGIONS = [
    ("Normandie", 11071621, "FR"), ("Normandy", 11071621, "FR"), ("Corse", 3023519, "FR"),
    ("Corsica", 3023519, "FR"), ("Auvergne-Rhône-Alpes", 11071625, "FR"), ("Bretagne", 3030293, "FR"),
    ("Catalogne", 3336901, "ES"), ("Catalunya", 3336901, "ES"), ("Bavière", 2951839, "DE"),
    ("Écosse", 2638360, "GB"),
]


@pytest.mark.parametrize(("name", "geonames_id", "country"), REGIONS)
def test_a_first_level_region_has_its_geonames_entry(name: str, geonames_id: int, country: str) -> None:
    top = load_gazetteer().lookup(name)[0]
    assert (top.kind, top.geonames_id, top.country) == ("region", geonames_id, country)
    assert top.region and top.lat is not None and top.lon is not None


# islands, archipelagos, coasts and valleys a destination marketer names as often as a town: the
# first-level ones by their English and French names, the others as curated regions
DESTINATIONS = [
    ("Crète", "region", 6697802, "GR"), ("Crete", "region", 6697802, "GR"),  # not Crete, Nebraska
    ("Madeira", "region", 2593105, "PT"), ("Madère", "region", 2593105, "PT"),  # not Tabira, Brazil
    ("Baléares", "region", 2521383, "ES"), ("Balearic Islands", "region", 2521383, "ES"),
    ("Canary Islands", "region", 2593110, "ES"), ("Açores", "region", 3411865, "PT"),
    ("Canaries", "region", 2593110, "ES"),  # a name the file gives a division is its only: no quarter of Saint Lucia
    ("Majorque", "region", None, "ES"), ("Bali", "region", None, "ID"),  # not Bāli, India
    ("Tarentaise", "region", None, "FR"), ("Île de Ré", "region", None, "FR"),
    ("Loch Ness", "natural", None, ""), ("Dolomites", "natural", None, ""),
    # British counties: before, Cornwall was a town in Ontario, Kent one in Washington, Yorkshire one in New York
    ("Cornwall", "region", 2652355, "GB"), ("Cornouailles", "region", 2652355, "GB"),
    ("Kent", "region", 3333158, "GB"), ("Yorkshire", "region", None, "GB"),
    # national parks, valleys, coasts and lakes: unknown before
    ("Luberon", "region", None, "FR"), ("Peak District", "region", None, "GB"), ("Tyrol du Sud", "region", None, "IT"),
    ("Lake Garda", "natural", None, ""), ("Cape Cod", "region", None, "US"),
    ("Ouessant", "region", None, "FR"), ("Djerba", "region", None, "TN"),  # not Houmt Souk, its main town
]


# ski resorts: the GeoNames town they are, scanned for under each of their names, or a town of the file's own
RESORTS = [
    ("Val Thorens", 6544556, "FR"), ("Méribel", 2994404, "FR"), ("Font-Romeu", 3017824, "FR"),
    ("Verbier", 2658168, "CH"), ("Saint-Moritz", 2658813, "CH"), ("La Plagne", None, "FR"),
    ("Les Arcs", None, "FR"),  # the resort, not the Var town of that name
    # seaside and heritage destinations: a town of towns.tsv.gz (Deauville, not a suburb of an Australian
    # town that GeoNames gives the name), or a town's everyday short name (Le Touquet-Paris-Plage)
    ("Deauville", 3021668, "FR"), ("Étretat", 3019355, "FR"), ("Le Touquet", 2999139, "FR"),
    ("La Baule", 3019766, "FR"), ("Cap Ferret", None, "FR"), ("Positano", 3170051, "IT"),
]


@pytest.mark.parametrize(("name", "geonames_id", "country"), RESORTS)
def test_a_ski_resort_is_a_town_the_scan_looks_for(name: str, geonames_id: int | None, country: str) -> None:
    gaz = load_gazetteer()
    top = gaz.lookup(name)[0]
    assert (top.kind, top.geonames_id, top.country) == ("city", geonames_id, country)
    assert gaz.is_scannable(name) and top.lat is not None


def test_a_resort_that_is_a_packaged_town_is_one_sense_of_its_names() -> None:
    gaz = load_gazetteer()
    for name in ("Le Touquet-Paris-Plage", "La Baule-Escoublac"):
        assert [(e.curated, e.kind) for e in gaz.lookup(name)] == [(True, "city")]


def test_a_bracketed_note_is_no_name_of_a_division() -> None:
    # ISO 3166-2 notes that Sanaa's governorate is a city: "City" was read as its other name, and
    # "The City Nation Place awards" named a place in Yemen
    assert subdivision_names("Amānat al ‘Āşimah [city]") == ["Amānat al ‘Āşimah"]
    assert subdivision_names("Wales [Cymru GB-CYM]") == ["Wales", "Cymru"]
    assert load_gazetteer().lookup("City") == []


@pytest.mark.parametrize(("name", "kind", "geonames_id", "country"), DESTINATIONS)
def test_a_destination_that_is_no_town_is_known(name: str, kind: str, geonames_id: int | None,
                                                country: str) -> None:
    gaz = load_gazetteer()
    top = gaz.lookup(name)[0]
    assert (top.kind, top.geonames_id, top.country) == (kind, geonames_id, country)
    assert gaz.is_scannable(name)
    assert [e for e in gaz.lookup(name) if e.kind == kind] == [top]  # no namesake of its kind elsewhere


def test_a_region_yields_to_the_city_of_its_name() -> None:
    gaz = load_gazetteer()
    # the canton of Geneva and the province of Quebec: the name alone means the city
    assert [e.kind for e in gaz.lookup("Genève")[:1]] == ["city"]
    assert all(e.kind == "city" for e in gaz.lookup("Quebec"))
    # kept aside for the text that says the region is meant ("Montréal (Québec, Canada)"), and
    # the region contains its cities, the country its regions
    province = gaz.yielded_regions("Québec")
    assert [(e.geonames_id, e.kind) for e in province] == [(6115047, "region")]
    montreal, canada = gaz.lookup("Montréal")[0], gaz.lookup("Canada")[0]
    assert contains(province[0], montreal) and contains(canada, province[0]) and contains(canada, montreal)
    assert not contains(montreal, province[0]) and not contains(province[0], canada)
    assert not contains(province[0], gaz.lookup("Lyon")[0])
    assert gaz.yielded_regions("Lyon") == []


def test_a_hyphenated_towns_first_part_is_its_short_name_when_no_other_place_bears_it() -> None:
    gaz = load_gazetteer()
    assert gaz.is_short_form("Chamonix") and gaz.is_short_form("Evian")
    assert not gaz.is_short_form("Chamonix-Mont-Blanc")  # the full name is the primary one
    assert not gaz.is_short_form("Boulogne")  # Boulogne-sur-Mer, Boulogne-Billancourt
    assert not gaz.is_short_form("Juan")  # too short to stand for Juan-les-Pins (a first name)
    assert not gaz.is_short_form("Gold")  # Gold Coast: only a hyphenated name's first part


def test_the_region_table_is_well_formed() -> None:
    ids = region_ids()
    assert len(ids) > 3000
    assert ids["FR-NOR"] == (11071621, "28") and ids["US-CA"][1] == "CA"
    assert all(gid > 0 and admin1 for gid, admin1 in ids.values())


def test_small_towns_are_looked_up_never_scanned() -> None:
    gaz = load_gazetteer()
    assert gaz.lookup("Yenne") == [] and not gaz.is_scannable("Yenne")
    town = gaz.lookup_town("Yenne")[0]
    assert (town.geonames_id, town.country, town.kind) == (2967249, "FR", "city")
    assert 1_000 <= town.population < 5_000
    assert gaz.lookup_town("Lyon") == []  # the main gazetteer's towns are not repeated
    # a ski resort among them is scanned for (the curated file), the same GeoNames town
    resort = gaz.lookup("Courchevel")[0]
    assert gaz.is_scannable("Courchevel") and resort.geonames_id == gaz.lookup_town("Courchevel")[0].geonames_id
