"""Which GeoNames entry a kept mention links to, on sentences written for these tests (never taken
from a data set): the document's own countries, states and counties choose among namesakes."""

from __future__ import annotations

import pytest

from nlp import Analyzer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bare() -> Analyzer:
    return Analyzer([])


def links(analyzer: Analyzer, text: str, lang: str) -> dict[str, int | None]:
    analysis = analyzer.analyze(text, lang=lang)
    for p in analysis.places:
        assert text[p.start : p.end] == p.text
    return {p.text: p.geonames_id for p in analysis.places}


def assert_links(analyzer: Analyzer, text: str, lang: str, expected: dict[str, int]) -> None:
    """Each surface in `expected` is a place linked to its GeoNames id (other places may be there too)."""
    found = links(analyzer, text, lang)
    assert {surface: found.get(surface) for surface in expected} == expected


# the document names the state elsewhere (not right after the town): the namesake in that state
# wins over the bigger one elsewhere
IN_THE_STATE = [
    # Charleston, West Virginia (4801859), not the bigger Charleston, South Carolina (4574324)
    ("Lawmakers from all over West Virginia gathered in Charleston for the budget vote.", "Charleston", 4801859),
    # a county only West Virginia has says so too, with no state named
    ("Kanawha County deputies closed a bridge near Charleston after the flood.", "Charleston", 4801859),
    # Athens, Texas (4671545), not Athens, Greece (264371) nor Athens, Georgia (4180386)
    ("Storms crossed Texas overnight. In Athens, crews cleared fallen trees by noon.", "Athens", 4671545),
    # Springfield, Ohio (4525353), not the bigger Springfield, Missouri (4409896)
    ("Ohio's farm show opens Friday; Springfield hotels are already full.", "Springfield", 4525353),
]


@pytest.mark.parametrize(("text", "surface", "geonames_id"), IN_THE_STATE)
def test_a_town_links_in_the_state_its_document_names(bare: Analyzer, text: str, surface: str,
                                                        geonames_id: int) -> None:
    assert links(bare, text, "en").get(surface) == geonames_id


def test_without_a_state_the_bigger_namesake_stays(bare: Analyzer) -> None:
    got = links(bare, "The Charleston waterfront drew record crowds this spring.", "en")
    assert got.get("Charleston") == 4574324  # South Carolina's, the bigger one


def test_a_state_named_with_a_qualifier_beside_its_county_is_the_state(bare: Analyzer) -> None:
    text = "Roads across Northeast Georgia iced over; Barrow County schools opened two hours late."
    assert links(bare, text, "en").get("Northeast Georgia") == 4197000  # the US state, not the country (614540)


def test_a_name_a_city_once_had_does_not_beat_a_town_of_that_very_name(bare: Analyzer) -> None:
    # Lorain, Ohio was once called Charleston: a Charleston of that name wins in West Virginia, and
    # in South Carolina without context, never Lorain
    got = links(bare, "Ohio and West Virginia officials met in Charleston on Monday.", "en")
    assert got.get("Charleston") == 4801859


# French: the country of the document's other places picks the namesake
FRENCH = [
    # Saint-Denis of La Réunion (935264), not the one north of Paris (2980916), and the other way round
    ("fr", "Le préfet de La Réunion a inauguré jeudi la nouvelle gare routière de Saint-Denis.",
     "Saint-Denis", 935264),
    ("fr", "Les supporters ont rejoint Saint-Denis depuis Paris en RER pour la finale.", "Saint-Denis", 2980916),
    # a well-known city written with a saint stays the well-known one
    ("en", "Tourism in St. Petersburg, Russia, rose during the white nights.", "St. Petersburg", 498817),
    # a name our curated file gives a town is that town's, with no other place in the text: GeoNames
    # lists "Sion" among Jerusalem's names (281184) and "Bienne" among Vienna's (2761369)
    ("fr", "Le festival de Sion attire chaque été les mélomanes.", "Sion", 2658576),
    ("fr", "Bienne accueille cet été un festival de jazz.", "Bienne", 2661513),
]


# a name written with accents is a place's own name only with the same accents: "Côme" is Como's French
# name, not Comé in Benin, whose name folds the same; the accents a town's own name has still count
ACCENTS = [
    ("fr", "Les hôtels de Côme affichent complet tout l'été.", "Côme", 3178229),
    ("fr", "Les supporters de Saint-Étienne ont fêté la montée.", "Saint-Étienne", 2980291),
    ("fr", "Le festival de Zürich a attiré des visiteurs de Bienne.", "Bienne", 2661513),
]


# French names GeoNames lists among a city's other names only: the city's own names in French text,
# and a conjugated "visiter" a cue like "visited" (Venise was an other name of a town under 100,000
# people, Vérone no name the scan looked for, Pise a common noun's spelling with no cue before it)
EXONYMS = [
    ("fr", "Cet été, les touristes visitent Venise, Vérone et Pise.",
     {"Venise": 3164603, "Vérone": 3164527, "Pise": 3170647}),
    ("fr", "Les ferries relient Douvres à Dunkerque, les trains Ostende à Ypres.",
     {"Douvres": 2651048, "Dunkerque": 3020686, "Ostende": 2789786, "Ypres": 2795100}),
    ("fr", "Nous avons visité Tolède, puis Sienne et Lucques.", {"Tolède": 2510409, "Sienne": 3166548, "Lucques": 3174530}),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), FRENCH + ACCENTS)
def test_the_right_namesake_is_linked(bare: Analyzer, lang: str, text: str, surface: str, geonames_id: int) -> None:
    """The document's country, or the accents the name is written with, picks the namesake."""
    assert links(bare, text, lang).get(surface) == geonames_id


def test_a_place_marketing_article_links_each_city_and_country(bare: Analyzer) -> None:
    text = ("Palmarès des marques de ville : Lyon, Biarritz et Saint-Malo récompensées\n\n"
            "Le jury a salué la campagne de Lyon auprès des voyageurs d'affaires venus de Tokyo et de Séoul, "
            "tandis que Biarritz et Saint-Malo ont séduit les familles d'Irlande et du Canada.")
    got = links(bare, text, "fr")
    expected = {"Lyon": 2996944, "Biarritz": 3032797, "Saint-Malo": 2978640, "Tokyo": 1850147,
                "Séoul": 1835848, "Irlande": 2963597, "Canada": 6251999}
    assert {k: got.get(k) for k in expected} == expected


# a city against a first-level region of another country whose size we do not know (a placeholder
# population): the city the world knows is meant
LOCATED = [
    ("en", "The Saint Paul winter carnival opens on Friday.", "Saint Paul", 5045360),  # Minnesota, not Antigua
    ("en", "Flights from Saint John to Halifax resumed on Monday.", "Saint John", 6138517),  # New Brunswick
    ("fr", "Les pèlerins ont rempli Jérusalem pour Pâques.", "Jérusalem", 281184),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), LOCATED)
def test_a_known_city_beats_a_region_of_unknown_size(bare: Analyzer, lang: str, text: str, surface: str,
                                               geonames_id: int) -> None:
    assert links(bare, text, lang).get(surface) == geonames_id


# a country's capital against a state of its own country by its name: news means the capital; a
# dateline is where the item was written, a city
CAPITAL_OR_CITY = [
    ("en", "WASHINGTON — The Senate voted on Tuesday to extend the budget talks.", "WASHINGTON", 4140963),
    ("en", "Diplomats in Washington said the sanctions would stay until spring.", "Washington", 4140963),
    ("fr", "À Washington, la Maison-Blanche a annoncé de nouvelles sanctions.", "Washington", 4140963),
    # "New York" alone is the state as often as the city in the news; at the head of an item, the city
    ("en", "NEW YORK (AP) — A fire broke out in a subway tunnel on Monday.", "NEW YORK", 5128581),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), CAPITAL_OR_CITY)
def test_the_capital_and_the_dateline_city_beat_the_state(bare: Analyzer, lang: str, text: str, surface: str,
                                                           geonames_id: int) -> None:
    assert links(bare, text, lang).get(surface) == geonames_id


# the state is still the state where the text says so: after one of its towns, or before "state"
STATE = [
    ("en", "Hail flattened orchards near Yakima, Washington, on Sunday night.", "Washington", 5815135),
    ("en", "Apple growers across Washington state lost a third of their crop.", "Washington", 5815135),
    ("en", "Troopers closed roads in Buffalo, New York, after the storm.", "New York", 5128638),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), STATE)
def test_a_state_named_as_a_state_stays_the_state(bare: Analyzer, lang: str, text: str, surface: str,
                                                   geonames_id: int) -> None:
    assert links(bare, text, lang).get(surface) == geonames_id


# a city followed by its region and country in brackets, as award lists and press releases write
# it: each is a place, and the region is the one the city lies in, even where the gazetteer gives
# the name to the region's capital (the province of Québec, the canton of Genève)
QUALIFIED = [
    ("fr", "Montréal (Québec, Canada) accueillera le congrès mondial des offices de tourisme en 2027.",
     {"Montréal": 6077243, "Québec": 6115047, "Canada": 6251999}),
    ("fr", "Le prix de la marque territoriale revient à Carouge (Genève), devant Annecy (Haute-Savoie).",
     {"Carouge": 2661265, "Genève": 2660645, "Annecy": 3037543, "Haute-Savoie": 3013736}),
    ("en", "The jury crowned Montréal (Québec, Canada) for its winter festival campaign.",
     {"Montréal": 6077243, "Québec": 6115047, "Canada": 6251999}),
    ("en", "The award went to Portland (Oregon, USA) for its green branding.",
     {"Portland": 5746545, "Oregon": 5744337, "USA": 6252001}),
    # a follower with namesakes of its own is the one that holds the city: Athens in the US state
    # of Georgia (4180386, not Greece's 264371), Tbilisi in the country (614540)
    ("en", "Flooding hit Athens, Georgia, overnight.", {"Athens": 4180386, "Georgia": 4197000}),
    ("en", "The trade delegation flew to Tbilisi, Georgia, on Monday.", {"Tbilisi": 611717, "Georgia": 614540}),
    # alone, the name is still the city
    ("fr", "Québec accueille son carnaval d'hiver en février, et Genève son salon en mars.",
     {"Québec": 6325494, "Genève": 2660646}),
    ("en", "Quebec City and Geneva both reported record winter bookings.", {"Quebec City": 6325494, "Geneva": 2660646}),
    # the region after "in" ("en", "à") says which namesake: Victoria in Canada, not in Texas, in a
    # text about the United States
    ("en", "Florida's beaches drew record crowds: Miami, Orlando and Tampa filled their hotels, and Victoria "
           "in British Columbia launched a campaign.", {"Victoria": 6174041, "British Columbia": 5909050}),
    ("fr", "La Floride fait le plein : Miami, Orlando et Tampa affichent complet, et Victoria en "
           "Colombie-Britannique lance une campagne.", {"Victoria": 6174041, "Colombie-Britannique": 5909050}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), QUALIFIED)
def test_a_region_and_country_in_brackets_qualify_the_city(bare: Analyzer, lang: str, text: str,
                                                           expected: dict[str, int]) -> None:
    assert_links(bare, text, lang, expected)


# one sense per document: the words beside one mention (a state after it, a French "à" before
# it) say which namesake the document means, and its other mentions mean the same one
ONE_SENSE = [
    ("en", "Flooding hit Athens, Georgia, overnight. Officials in Athens said the roads would reopen on Monday.",
     "Athens", 4180386),  # not Athens, Greece (264371)
    ("fr", "Le salon du tourisme s'installe à Mexico en mai. Mexico accueille aussi le congrès des offices "
           "de tourisme.", "Mexico", 3530597),  # Mexico City, not the country (3996063)
    # a mention nothing settles keeps the sense the rest of the document gives it
    ("en", "Athens welcomed a record number of cruise passengers this summer.", "Athens", 264371),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), ONE_SENSE)
def test_each_mention_of_a_name_means_the_place_one_of_them_settles(bare: Analyzer, lang: str, text: str,
                                                                    surface: str, geonames_id: int) -> None:
    ids = [p.geonames_id for p in bare.analyze(text, lang=lang).places if p.text == surface]
    assert ids and set(ids) == {geonames_id}


# in French, a masculine article before the name says the province, none the city
REGION_ARTICLE = [
    ("Au Québec, la saison des sucres commence en mars.", 6115047),
    ("Le réseau compte des ambassadeurs du Québec au Japon.", 6115047),
    ("Nous avons passé une semaine à Québec en février.", 6325494),
]


@pytest.mark.parametrize(("text", "geonames_id"), REGION_ARTICLE)
def test_a_french_article_before_quebec_says_the_province(bare: Analyzer, text: str, geonames_id: int) -> None:
    assert links(bare, text, "fr").get("Québec") == geonames_id


# a first-level region links to its GeoNames entry (nlp/data/regions_geonames.tsv), in a trade
# article's French and in English
REGIONS = [
    ("fr", "Après Lyon, la Normandie et la Corse ont vu leurs nuitées progresser en 2026.",
     {"Normandie": 11071621, "Corse": 3023519, "Lyon": 2996944}),
    ("fr", "L'agence d'attractivité de la région Auvergne-Rhône-Alpes ouvre un bureau à Grenoble.",
     {"Auvergne-Rhône-Alpes": 11071625, "Grenoble": 3014728}),
    ("en", "Ferries from Portsmouth to Normandy were full all summer, and flights to Corsica too.",
     {"Normandy": 11071621, "Corsica": 3023519}),
    ("en", "Tour operators sold more trips to Catalonia and Sicily than to Paris this year.",
     {"Catalonia": 3336901, "Sicily": 2523119}),
    # an overseas region of France that GeoNames files as a country: the country entry
    ("fr", "Paris et la Guadeloupe signent une convention pour promouvoir les croisières.",
     {"Guadeloupe": 3579143, "Paris": 2988507}),
    # France's départements: what a departmental tourism board speaks for ("Var" is also another
    # name of Varna, Bulgaria, which it was read as before the départements were loaded)
    ("fr", "Le Morbihan a accueilli deux millions de visiteurs cet été, autour de Vannes et de Carnac.",
     {"Morbihan": 2991879, "Vannes": 2970777}),
    ("fr", "Dans le Var, Saint-Tropez affiche complet ; en Haute-Savoie, Annecy aussi.",
     {"Var": 2970749, "Haute-Savoie": 3013736, "Annecy": 3037543}),
    ("fr", "Le Finistère mise sur ses îles, de Brest à Concarneau.", {"Finistère": 3018471, "Brest": 3030300}),
    ("en", "Holiday lets in Haute-Savoie filled up as skiers returned to Annecy and Chamonix.",
     {"Haute-Savoie": 3013736, "Annecy": 3037543}),
    # a US state by its French name (pycountry's translation), not a town abroad that bears it too
    ("fr", "La Floride et la Californie restent les destinations préférées des Québécois.",
     {"Floride": 4155751, "Californie": 5332921}),
    # the historic Savoie of our curated file is the département that bears its name today
    ("fr", "Les stations de la Savoie ont rouvert, de Chambéry à Albertville.",
     {"Savoie": 2975517, "Chambéry": 3027422, "Albertville": 3038266}),
    # French names of regions the packaged data knows in their own language only, or lent to a namesake
    # abroad (Navarre, Florida; Vénétie, the city of Venice; Morée, Moree in Australia) before
    ("fr", "Les pèlerins traversent la Navarre et la Galice avant d'atteindre Compostelle.",
     {"Navarre": 3115609, "Galice": 3336902}),
    ("fr", "Les vignobles de Vénétie et de Thuringe séduisent les voyageurs venus de Wallonie.",
     {"Vénétie": 3164604, "Thuringe": 2822542, "Wallonie": 3337387}),
    ("fr", "Le voyage passe par la Morée, puis Formose et la Guyane.",
     {"Morée": 6697807, "Formose": 1668284, "Guyane": 3381670}),
    # Sion is the town's own name (GeoNames names it Sitten), the Valais its context
    ("fr", "À Sion, en Valais, les hôtels affichent complet.", {"Sion": 2658576, "Valais": 2658205}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), REGIONS)
def test_a_region_links_to_its_geonames_entry(bare: Analyzer, lang: str, text: str, expected: dict[str, int]) -> None:
    assert_links(bare, text, lang, expected)


# a département's name that another place already has keeps that place: the river, the town
DEPARTEMENT_NAMESAKES = [
    ("fr", "Des gabares descendent la Dordogne jusqu'à Bergerac tout l'été.", "Dordogne", None),
    ("fr", "La ville de Mayenne restaure son château, à une heure de Rennes.", "Mayenne", 2994935),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), DEPARTEMENT_NAMESAKES)
def test_a_departement_leaves_its_name_to_the_river_or_town(bare: Analyzer, lang: str, text: str, surface: str,
                                                            geonames_id: int | None) -> None:
    analysis = bare.analyze(text, lang=lang)
    kept = [p for p in analysis.places if p.text == surface]
    assert kept and kept[0].geonames_id == geonames_id and kept[0].kind != "region"


def test_a_departement_named_like_a_word_is_no_place_in_an_address(bare: Analyzer) -> None:
    text = "Police said the man, 19, of 1205 Lone Oak Road Lot 12, was arrested at his home in Paris, Tennessee."
    assert "Lot" not in {p.text for p in bare.analyze(text, lang="en").places}


# a region of a country the text names nowhere else, whose name several countries' regions share or
# which only says where it lies, is reported as a region but not linked: which one is unknown
UNSURE_REGIONS = [
    ("en", "Mining towns in the North West have lost half their jobs since 2010.", "North West"),
    ("en", "Investors in the Centre and the North have not been told about the plan.", "Centre"),
]


@pytest.mark.parametrize(("lang", "text", "surface"), UNSURE_REGIONS)
def test_a_region_the_name_alone_cannot_tell_stays_unlinked(bare: Analyzer, lang: str, text: str,
                                                            surface: str) -> None:
    analysis = bare.analyze(text, lang=lang)
    assert all(p.geonames_id is None and p.lat is None for p in analysis.places if p.text == surface)


def test_a_region_of_a_country_the_text_names_is_linked(bare: Analyzer) -> None:
    # the same shared name, with its country in the text: Cameroon's North-West region
    text = "In Cameroon, schools in the North West reopened after the strike in Bamenda."
    assert links(bare, text, "en").get("North West") == 2223602


# a kept name the main gazetteer (towns of 5,000+) lacks links to a town of 1,000-4,999 people
# (nlp/data/towns.tsv.gz) of a country the text names: resorts and seaside towns
SMALL_TOWNS = [
    ("fr", "Deauville accueille le festival du cinéma américain, à deux heures de Paris.", "Deauville", 3021668),
    ("fr", "Après Lyon et Annecy, la station de Val Thorens a affiché complet pour Noël.", "Val Thorens", 6544556),
    # a historic region we curated says which country (nlp/data/places_extra.tsv's country column)
    ("fr", "Le domaine de Tignes, en Savoie, ouvrira le 28 novembre.", "Tignes", 2972607),
]


@pytest.mark.parametrize(("lang", "text", "surface", "geonames_id"), SMALL_TOWNS)
def test_a_small_town_links_where_its_country_is_named(bare: Analyzer, lang: str, text: str, surface: str,
                                                       geonames_id: int) -> None:
    assert links(bare, text, lang).get(surface) == geonames_id


# a town known by the first part of its hyphenated name, which GeoNames lists as its other name and
# no other place bears: linked like its full name, with no other place named in the text
SHORT_FORMS = [
    ("fr", "Nous partons à Chamonix cet été, puis à Évian.", {"Chamonix": 3027301, "Évian": 3019280}),
    ("en", "We skied in Chamonix for a week last winter.", {"Chamonix": 3027301}),
    ("fr", "Le festival a lieu à Martigny, en Valais.", {"Martigny": 2659748}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SHORT_FORMS)
def test_a_hyphenated_towns_short_name_is_linked(bare: Analyzer, lang: str, text: str,
                                                 expected: dict[str, int]) -> None:
    assert_links(bare, text, lang, expected)


def test_a_towns_own_name_with_its_saint_written_another_way_is_linked(bare: Analyzer) -> None:
    # GeoNames' name is Sankt Gallen; "St. Gallen" was a small town's other name, left unlinked
    found = links(bare, "The gallery moved from Saint Petersburg to St. Gallen.", "en")
    assert found.get("St. Gallen") == 2658822 and found.get("Saint Petersburg") == 498817


def test_a_small_town_alone_stays_unlinked(bare: Analyzer) -> None:
    # no other place names a country: a name shared by small towns abroad is not linked on its own
    # (reported or only a candidate, as its confidence sits at the cut: unlinked either way); Bages is two
    # French villages and an other name of Bitlis, Turkey (Deauville was the example until it was curated)
    analysis = bare.analyze("Bages accueille le festival de la chanson française.", lang="fr")
    found = [p for p in (*analysis.places, *analysis.candidates) if p.text == "Bages"]
    assert found and found[0].geonames_id is None


# an authority named after its place (a region's council, a département, a canton, a city): for a
# marketer, a mention of that place, linked to it though the gazetteer lacks the long name
AUTHORITIES = [
    ("fr", "La Région Hauts-de-France et le Département du Morbihan ont signé avec la Ville de Lyon une "
           "convention de promotion touristique.",
     {"Région Hauts-de-France": 11071624, "Département du Morbihan": 2991879}),
    ("fr", "Le Canton de Vaud et la Métropole de Lyon financent l'Office de tourisme de Vannes.",
     {"Canton de Vaud": 2658182}),
    ("en", "The State of Texas and the City of Chicago signed a tourism pact with the Kingdom of Spain.",
     {"City of Chicago": 4887398, "Kingdom of Spain": 2510769}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), AUTHORITIES)
def test_an_authority_named_after_its_place_is_a_mention_of_it(bare: Analyzer, lang: str, text: str,
                                                              expected: dict[str, int]) -> None:
    assert_links(bare, text, lang, expected)


def test_a_head_without_of_names_no_place(bare: Analyzer) -> None:
    # "City Hall" is a building, not the town of Hall: only "City of …" names a city
    found = links(bare, "Protesters gathered outside City Hall in Denver on Monday.", "en")
    assert found.get("City Hall") is None and found.get("Denver") == 5419384


# a continent's or a region's name in two or more words is the whole name: not its first word (in French,
# "Amérique" alone is the United States), nor a country's part the qualifier after it makes ("Asie du
# Sud-Est" is Asia's); "Central America" is no part of the United States
WHOLE_AREAS = [
    ("fr", "Les voyagistes vendent davantage l'Amérique du Sud et l'Asie du Sud-Est que l'Europe de l'Est ou "
           "l'Afrique de l'Ouest.",
     {"Amérique du Sud": 6255150, "Asie du Sud-Est": 6255147, "Europe de l'Est": 6255148,
      "Afrique de l'Ouest": 6255146}),
    ("en", "Cruise lines added Trinidad and Tobago to their winter routes.", {"Trinidad and Tobago": 3573591}),
    ("en", "Arrivals from the UK and the US rose in June, while visitors from the UAE doubled.",
     {"UK": 2635167, "US": 6252001, "UAE": 290557}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), WHOLE_AREAS)
def test_an_area_is_named_whole(bare: Analyzer, lang: str, text: str, expected: dict[str, int]) -> None:
    analysis = bare.analyze(text, lang=lang)
    assert {p.text: p.geonames_id for p in analysis.places} == expected  # no overlapping part on its own


def test_central_america_is_a_region_of_its_own(bare: Analyzer) -> None:
    analysis = bare.analyze("The Middle East remains hard to sell, but Central America is growing.", lang="en")
    central = [p for p in analysis.places if p.text == "Central America"]
    assert central and central[0].kind == "region" and central[0].geonames_id != 6252001


def test_a_name_geonames_joins_with_a_slash_is_the_towns_own(bare: Analyzer) -> None:
    # GeoNames names Donostia "Donostia / San Sebastián": not a smaller San Sebastián abroad
    assert links(bare, "Flights to San Sebastián resumed in May.", "en") == {"San Sebastián": 3110044}


# in French, "à" with no article says a city: not the state or the country of its name; which city
# of a name two cities bear, the rest of the text still says
CITY_PREPOSITION = [
    ("L'office de tourisme de Biarritz a présenté sa campagne à Londres, à New York et à Tokyo.",
     {"New York": 5128581}),
    ("Le salon s'est tenu à Mexico, puis la délégation a visité le Mexique.", {"Mexico": 3530597, "Mexique": 3996063}),
    ("Le festival de jazz se tient chaque été à Vienne, entre Lyon et Valence, près de Grenoble.", {"Vienne": 2969284}),
    ("Le ballet part en tournée : il jouera à Vienne puis à Prague et à Budapest.", {"Vienne": 2761369}),
    ("Nous avons séjourné à Jersey, puis à Chypre.", {"Jersey": 3042142, "Chypre": 146669}),
    ("Les vignobles de l'État de New York attirent les visiteurs.", {"État de New York": 5128638}),
]


@pytest.mark.parametrize(("text", "expected"), CITY_PREPOSITION)
def test_a_french_a_before_a_name_says_the_city(bare: Analyzer, text: str, expected: dict[str, int]) -> None:
    assert_links(bare, text, "fr", expected)


# islands, archipelagos and valleys a destination marketer names as often as a town
# (nlp/data/places_extra.tsv): regions, those that are first-level divisions linked to GeoNames
DESTINATIONS = [
    ("en", "Our readers' favourite islands this year were Majorca, Crete and Madeira, well ahead of the Isle of Skye.",
     {"Crete": 6697802, "Madeira": 2593105}, {"Majorca", "Isle of Skye"}),
    ("fr", "Cet hiver, les skieurs belges ont préféré la Tarentaise à la Maurienne ; l'été, ils partent en Crète "
           "ou à Madère.", {"Crète": 6697802, "Madère": 2593105}, {"Tarentaise", "Maurienne"}),
    ("fr", "Nous partons aux Baléares en juin, puis aux Canaries et aux Açores en septembre.",
     {"Baléares": 2521383, "Canaries": 2593110, "Açores": 3411865}, set()),
]


@pytest.mark.parametrize(("lang", "text", "linked", "unlinked"), DESTINATIONS)
def test_a_destination_that_is_no_town_is_a_region(bare: Analyzer, lang: str, text: str, linked: dict[str, int],
                                                    unlinked: set[str]) -> None:
    assert_links(bare, text, lang, linked)
    regions = {p.text: p.kind for p in bare.analyze(text, lang=lang).places}
    assert {s: regions.get(s) for s in set(linked) | unlinked} == dict.fromkeys(set(linked) | unlinked, "region")


# ski resorts are towns the scan looks for and links, with no watchlist (before, NER missed Méribel and
# Verbier, and the resorts it found were small towns left unlinked)
RESORTS = [
    ("fr", "Les stations de Savoie font le plein : Val Thorens, Méribel et Tignes affichent complet.",
     {"Val Thorens": 6544556, "Méribel": 2994404, "Tignes": 2972607}),
    ("en", "We skied in Verbier and then in St. Moritz.", {"Verbier": 2658168, "St. Moritz": 2658813}),
]


# seaside and heritage destinations: before, "au Touquet" was an unlinked name, Deauville an Australian
# suburb's other name, "Les Arcs" the Var town, and La Baule, Carnac and the Cap Ferret were not found
SEASIDE = [
    ("fr", "Le week-end, les familles lilloises filent au Touquet, à Deauville ou à Étretat.",
     {"Touquet": 2999139, "Deauville": 3021668, "Étretat": 3019355}),
    ("fr", "La Baule et Carnac affichent complet, tandis que le Cap Ferret attire les Bordelais.",
     {"La Baule": 3019766, "Carnac": 3028575}),
    ("en", "We spent a week in Positano and two days in Amalfi before flying home from Naples.",
     {"Positano": 3170051, "Naples": 3172394}),
]


@pytest.mark.parametrize(("lang", "text", "surface"), [
    ("fr", "Cet hiver, Les Arcs et La Plagne ouvrent leurs pistes dès le 12 décembre.", "Les Arcs"),
    ("fr", "Les premières remontées ouvriront aux Arcs samedi.", "Arcs"),
    ("en", "Fresh snow fell on Les Arcs and Val d'Isère overnight.", "Les Arcs"),
])
def test_les_arcs_is_the_ski_resort_not_the_var_town(bare: Analyzer, lang: str, text: str, surface: str) -> None:
    # before, Les Arcs-sur-Argens in the Var (3002138), the only town GeoNames has of that name
    places = {p.text: p for p in bare.analyze(text, lang=lang).places}
    assert places[surface].geonames_id is None and places[surface].lat == pytest.approx(45.57)


def test_the_cap_ferret_is_found(bare: Analyzer) -> None:
    assert "Cap Ferret" in {p.text for p in bare.analyze(SEASIDE[1][1], lang="fr").places}


# British and Irish counties link to the county; a US namesake the text places in its state stays that town
COUNTIES = [
    ("en", "Visitors to Cornwall and Devon spent more this summer, while day-trippers came from London.",
     {"Cornwall": 2652355, "Devon": 2651292, "London": 2643743}),
    ("en", "Cheddar Gorge in Somerset had a record August, and walkers came from Leeds.", {"Somerset": 2637532}),
    ("en", "City officials in Norfolk, Virginia, approved a new convention centre budget.", {"Norfolk": 4776222}),
    ("fr", "Les Britanniques délaissent la Cornouailles pour la Bretagne.", {"Cornouailles": 2652355}),
    ("en", "Walkers in Shropshire and Herefordshire stayed longer this autumn, and more came from Birmingham.",
     {"Shropshire": 2638655, "Herefordshire": 2647071, "Birmingham": 2655603}),
    # Ireland's counties (only its four provinces were known); a county named like its town is "County Cork"
    # and leaves "Cork" the city
    ("en", "Hotels in County Kerry and Donegal were full all summer, while Dublin saw fewer tourists.",
     {"County Kerry": 2963517, "Donegal": 2964751, "Dublin": 2964574}),
    ("en", "Ferries from Cork to Roscoff carried more cars, and hotels across County Cork filled up.",
     {"Cork": 2965140, "County Cork": 2965139}),
    ("fr", "Après Galway, les touristes français filent dans le comté de Clare et le Kerry.",
     {"Galway": 2964180, "comté de Clare": 2965479, "Kerry": 2963517}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), RESORTS + SEASIDE + COUNTIES + EXONYMS)
def test_a_destination_is_found_and_linked(bare: Analyzer, lang: str, text: str, expected: dict[str, int]) -> None:
    """Ski resorts, seaside and heritage destinations, British and Irish counties, cities by their French
    names: found and linked, no watchlist."""
    assert_links(bare, text, lang, expected)


# national parks, valleys, coasts, lakes and sites: before, none of these was a place ("Yorkshire" of "the Yorkshire
# Dales" was, and "Florida" of "the Florida Keys")
PARKS = [
    ("fr", "Cet été, le Luberon et les gorges du Verdon ont attiré plus de randonneurs que la Côte d'Opale.",
     {"Luberon": "region", "Verdon": "natural", "Côte d'Opale": "region"}),
    ("fr", "Les vignerons du Douro et du Val de Loire accueillent plus de visiteurs américains.",
     {"Douro": "region", "Val de Loire": "region"}),
    ("en", "Hikers crowded the Peak District and the Yorkshire Dales this summer.",
     {"Peak District": "region", "Yorkshire Dales": "region"}),
    ("en", "We drove from Cape Cod to the Florida Keys, then flew west to see the Grand Canyon.",
     {"Cape Cod": "region", "Florida Keys": "region", "Grand Canyon": "natural"}),
    # islands and bays (unknown before)
    ("fr", "Cet été, Noirmoutier et l'île d'Yeu ont fait le plein, comme Gozo.",
     {"Noirmoutier": "region", "île d'Yeu": "region", "Gozo": "region"}),
    ("fr", "Le bassin d'Arcachon et le lac d'Annecy restent les destinations préférées des familles.",
     {"bassin d'Arcachon": "region", "lac d'Annecy": "natural"}),
    # moors, coasts, island groups and the world's best-known sites (unknown before)
    ("en", "After a week walking across Dartmoor, we sailed to the Channel Islands and then walked the Jurassic Coast.",
     {"Dartmoor": "region", "Channel Islands": "region", "Jurassic Coast": "region"}),
    ("en", "Safari bookings to the Serengeti and Kruger National Park rose, while Yellowstone and Uluru drew record crowds.",
     {"Serengeti": "region", "Kruger National Park": "region", "Yellowstone": "natural", "Uluru": "natural"}),
    ("fr", "Les voyagistes vendent Angkor et la Grande Barrière de corail dans un même circuit.",
     {"Angkor": "natural", "Grande Barrière de corail": "natural"}),
    # historic regions old newspapers name (unknown before, or a namesake town: Wurtemberg was a village
    # on Long Island)
    ("fr", "Les émigrants du Wurtemberg, de Westphalie et de Rhénanie partaient pour l'Amérique.",
     {"Wurtemberg": "region", "Westphalie": "region", "Rhénanie": "region"}),
    ("en", "The caravan crossed Anatolia and the Hejaz before reaching Arabia.",
     {"Anatolia": "region", "Hejaz": "region", "Arabia": "region"}),
]


@pytest.mark.parametrize(("lang", "text", "kinds"), PARKS)
def test_a_park_valley_or_coast_is_a_place_of_its_own(bare: Analyzer, lang: str, text: str,
                                                       kinds: dict[str, str]) -> None:
    places = {p.text: p for p in bare.analyze(text, lang=lang).places}
    assert {surface: places[surface].kind for surface in kinds if surface in places} == kinds
    assert all(places[surface].lat is not None for surface in kinds)


def test_a_common_word_is_no_name_of_a_division(bare: Analyzer) -> None:
    # "City" was the other name of Sanaa's governorate (a note in ISO 3166-2 read as a name)
    text = "The City Nation Place awards went to Copenhagen for its sustainability campaign."
    assert [p.text for p in bare.analyze(text, lang="en").places] == ["Copenhagen"]
