"""The hand-written gazetteer additions (nlp/data/places_extra.tsv) load and link as written."""

from __future__ import annotations

import pytest

from nlp.gazetteer import EXTRA_PLACES, KIND_WEIGHT, load_gazetteer


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    lines = EXTRA_PLACES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def test_every_row_is_well_formed(rows: list[list[str]]) -> None:
    for row in rows:
        assert len(row) == 7, row
        kind, gid, country, lat, lon, weight, names = row
        assert kind in KIND_WEIGHT and kind != "city", row
        assert names.split("|")[0] and (country == "" or (len(country) == 2 and country.isupper())), row
        if kind != "country":
            assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, row
            assert int(weight) > 0 and (not gid or int(gid) > 0), row


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
