"""The Analyzer on hard cases in French and English: homonyms, gazetteer links, offsets, robustness."""

from __future__ import annotations

import pytest

from core.models import Analysis
from nlp import Analyzer, detect_language

pytestmark = pytest.mark.slow


def places(analysis: Analysis) -> list[tuple[str, str]]:
    return [(p.text, p.name) for p in analysis.places]


def names(analysis: Analysis) -> set[str]:
    return {p.name for p in analysis.places}


def check_offsets(text: str, analysis: Analysis) -> None:
    for p in analysis.places:
        assert text[p.start : p.end] == p.text


@pytest.mark.parametrize(
    ("text", "lang", "expected", "absent"),
    [
        # Nice the city vs nice the word
        ("We had such a nice day on the beach.", "en", set(), {"Nice"}),
        ("We flew to Nice for the carnival.", "en", {"Nice"}, set()),
        ("Il fait très beau à Nice ce week-end.", "fr", {"Nice"}, set()),
        ("Nice to meet you all, see you tomorrow.", "en", set(), {"Nice"}),
        # Chili (Chile in French) vs the dish
        ("Nous partons au Chili en février.", "fr", {"Chile"}, set()),
        ("Ce soir, un bon chili con carne maison.", "fr", set(), {"Chile"}),
        ("She made a spicy chili for the party.", "en", set(), {"Chile"}),
        # French country names link to the gazetteer
        ("Il a déménagé en Irlande puis aux États-Unis.", "fr", {"Ireland", "United States"}, set()),
        # Paris Hilton is a person, also where NER misses her (a headline) but reads her elsewhere
        ("Paris Hilton launched a new perfume yesterday.", "en", set(), {"Paris"}),
        ("Paris Hilton aperçue à Courchevel\n\nUne vidéo a suffi. Paris Hilton, lunettes miroir, descend la piste.",
         "fr", set(), {"Paris"}),
        ("Paris Hilton a lancé un nouveau parfum.", "fr", set(), {"Paris"}),
        ("The museums of Paris reopened on Monday.", "en", {"Paris"}, set()),
        # Reading the town vs reading the verb
        ("Reading is my favourite hobby on rainy days.", "en", set(), {"Reading"}),
        ("She moved to Reading, west of London, last year.", "en", {"Reading"}, set()),
        # Split the city vs split the verb
        ("We decided to split the bill after dinner.", "en", set(), {"Split"}),
        # NER reads "Split to Hvar" as one organisation; the model's 0.40 (0.3997 at the old 0.40 cut)
        # clears the averaged chooser's 0.37
        ("The ferry from Split to Hvar takes an hour.", "en", {"Split"}, set()),
        # Orange the town vs Orange the telecom company
        ("Orange a annoncé une hausse de ses tarifs mobiles.", "fr", set(), {"Orange"}),
        ("Le théâtre antique d'Orange accueille les Chorégies.", "fr", {"Orange"}, set()),
    ],
)
def test_homonyms_are_told_apart(
    analyzer: Analyzer, text: str, lang: str, expected: set[str], absent: set[str]
) -> None:
    analysis = analyzer.analyze(text, lang=lang)
    check_offsets(text, analysis)
    assert expected <= names(analysis)
    assert not (absent & names(analysis))


def test_georgia_the_state_in_a_us_context(analyzer: Analyzer) -> None:
    text = "The storm hit Atlanta and Savannah before moving across Georgia."
    georgia = [p for p in analyzer.analyze(text, lang="en").places if p.text == "Georgia"]
    assert georgia and georgia[0].kind == "region"


def test_georgia_the_country_in_a_caucasus_context(analyzer: Analyzer) -> None:
    text = "Protesters gathered in Tbilisi as Georgia and Russia traded accusations."
    georgia = [p for p in analyzer.analyze(text, lang="en").places if p.text == "Georgia"]
    assert georgia and georgia[0].kind == "country"


def test_territory_mentions_carry_config_data(analyzer: Analyzer) -> None:
    text = "Super semaine à Val Thorens ! #valthorens Et ensuite le lac d'Annecy."
    a = analyzer.analyze(text)
    check_offsets(text, a)
    vt = [p for p in a.places if p.territory == "val-thorens"]
    assert [p.text for p in vt] == ["Val Thorens", "#valthorens"]
    assert vt[0].kind == "resort" and vt[0].name == "Val Thorens"
    annecy = next(p for p in a.places if p.territory == "annecy")
    assert (annecy.lat, annecy.lon) == (45.9, 6.12)
    assert 0.5 <= annecy.confidence <= 1.0


def test_exclude_phrase_vetoes_a_territory(analyzer: Analyzer) -> None:
    a = analyzer.analyze("Chamonix FC a perdu 2-0 hier soir. Le ski à Chamonix reste top.", lang="fr")
    hits = [p for p in a.places if p.territory == "chamonix"]
    assert len(hits) == 1 and hits[0].start > 30


def test_gazetteer_place_has_geonames_data(analyzer: Analyzer) -> None:
    a = analyzer.analyze("Le festival d'Aix-en-Provence ouvre en juillet.", lang="fr")
    aix = next(p for p in a.places if p.name == "Aix-en-Provence")
    assert aix.territory is None and aix.kind == "city"
    assert aix.geonames_id == 3038354 and aix.lat is not None


def test_sentiment_per_document_and_per_mention(analyzer: Analyzer) -> None:
    text = "Annecy est magnifique, un séjour merveilleux. Mais Nice était horrible et sale."
    a = analyzer.analyze(text, lang="fr")
    by = {p.territory: p.sentiment for p in a.places}
    assert by["annecy"] > 0 > by["nice"]


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("What a wonderful, beautiful resort. Loved every minute!", "en", "positive"),
        ("The hotel was dirty and the staff were rude. Awful trip.", "en", "negative"),
        ("Un séjour génial, des pistes superbes, on reviendra !", "fr", "positive"),
        ("Je n'aime pas du tout cette station, quelle déception.", "fr", "negative"),
    ],
)
def test_document_sentiment(analyzer: Analyzer, text: str, lang: str, label: str) -> None:
    s = analyzer.analyze(text, lang=lang).sentiment
    assert s.label == label and -1.0 <= s.score <= 1.0


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\x00\x01\x02\x03" * 100, "\ufffd" * 50])
def test_empty_whitespace_and_junk_do_not_crash(analyzer: Analyzer, text: str) -> None:
    a = analyzer.analyze(text)
    assert a.places == () and a.sentiment.label == "neutral"


def test_two_megabyte_text(analyzer: Analyzer) -> None:
    filler = ("Le temps était calme ce jour-là. " * 61_000)[:1_999_950]
    text = filler + " Nous avons skié à Val Thorens."
    a = analyzer.analyze(text, lang="fr")
    check_offsets(text, a)
    assert [p.territory for p in a.places] == ["val-thorens"]


def test_title_helps_but_offsets_index_text(analyzer: Analyzer) -> None:
    text = "Les prix ont baissé à Nice."
    a = analyzer.analyze(text, title="Tourisme : Nice attire les visiteurs")
    check_offsets(text, a)
    assert a.lang == "fr"


def test_analyze_many_keeps_order_across_languages(analyzer: Analyzer) -> None:
    items = [
        ("Weekend trip to London and Paris.", None, None),
        ("Séjour à Lyon et à Marseille.", None, None),
        ("", None, None),
        ("Wir fahren nach Berlin.", None, None),
    ]
    out = list(analyzer.analyze_many(items))
    assert [a.lang for a in out][:2] == ["en", "fr"]
    assert "London" in names(out[0]) and "Lyon" in names(out[1])
    assert out[2].places == ()
    assert out[3].lang == "de"  # other languages: watchlist and gazetteer only (no NER)


def test_n_process_2_gives_the_same_results() -> None:
    from tests.helpers import WATCHLIST

    texts = [(f"Day {i}: from Val Thorens to Geneva, then Lyon.", None, "en") for i in range(40)]
    one = list(Analyzer(WATCHLIST, batch_size=8).analyze_many(texts))
    two = list(Analyzer(WATCHLIST, batch_size=8, n_process=2).analyze_many(texts))
    assert one == two and len(two) == 40


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Bonjour à tous, il fait beau aujourd'hui.", "fr"),
     ("Hello everyone, the weather is lovely today.", "en"), ("", "und"), ("12 34", "und")],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        # a generic head before a known name: the mention is the name, linked ("canton de Vaud" → Vaud)
        ("Les communes viticoles du canton de Vaud ont publié leurs résultats.", {"Vaud"}, set()),
        # a dateline in capitals, which NER reads as something else
        ("PARIS, 15 (Havas). — On mande de Dreux que le blessé a été transporté.", {"PARIS"}, set()),
        # a big city's French name, and a region's French name
        ("Le ministre est rentré hier soir de Londres.", {"Londres"}, set()),
        ("M. Schulthess (Argovie) développe sa motion.", {"Argovie"}, set()),
        # OCR glued a country to the next sentence ("Suisse.-Groupe B")
        ("Groupe A : Portugal, Luxembourg, Suisse.-Groupe B (Frauenfeld) : Autriche.", {"Suisse"}, set()),
        # peoples, results and common nouns are not places
        ("Les Suisses ont été les grands battus de la journée.", set(), {"Suisses"}),
        ("Classement : 1. Olano (Esp) 47'07. 2. Mauri (Esp) à 41.", set(), {"Olano", "Mauri"}),
        ("Le budget de l'Union pour 1939 a été adopté par les délégués.", set(), {"Union"}),
        ("Le chanteur était accompagné de Chanel, Lucien Lelong et Molyneux.", set(), {"Chanel", "Molyneux"}),
        # NER's other reading yields to a known place after "à", and to a dated dispatch line
        ("Les régiments en garnison à Cologne et à Dusseldorf partiront demain.", {"Dusseldorf"}, set()),
        ("Berne, 15 septembre. — Le Conseil fédéral a siégé ce matin.", {"Berne"}, set()),
        # a name the tagger reads as a noun but the model's lexicon does not know as one
        ("Si l'Angleterre parvient à mettre un terme à la crise, tout ira mieux.", {"Angleterre"}, set()),
        # a name no gazetteer knows that NER reads as a person as often as a place is a person
        ("L'Espagnol Abraham Olano a remporté l'étape. Outre Olano et Mauri, deux coureurs ont brillé. "
         "Le vainqueur Olano a dominé la course.", set(), {"Olano"}),
        # a generic head before a name no gazetteer knows is still a named place
        ("Don Miguel doit se rendre à l'île de Terceira avec ses troupes.", {"île de Terceira"}, set()),
        # an inflected common word opening a sentence is not a name
        ("Le concert fut long. Relevons pour terminer l'excellente tenue du chœur.", set(), {"Relevons"}),
        # an accent the gazetteer's name lacks makes another word ("Marché" is not Marche, Italy)
        ("Marché du quai ce matin, sous un grand soleil : fromages et fleurs.", set(), {"Marché"}),
    ],
)
def test_french_newspaper_place_mentions(
    analyzer: Analyzer, text: str, expected: set[str], absent: set[str]
) -> None:
    analysis = analyzer.analyze(text, lang="fr")
    check_offsets(text, analysis)
    found = {p.text for p in analysis.places}
    assert expected <= found
    assert not (absent & found)


def test_a_wine_after_an_indefinite_article_is_not_the_city(analyzer: Analyzer) -> None:
    text = "Our sommelier talked us into a 2010 Bordeaux, a Pauillac that was superb with the venison."
    assert "Bordeaux" not in names(analyzer.analyze(text, lang="en"))


def test_a_small_towns_other_name_is_reported_unlinked(analyzer: Analyzer) -> None:
    text = "Un forfait offert à tous les clients présents dans la télécabine des Granges lors de la panne."
    analysis = analyzer.analyze(text, lang="fr")
    check_offsets(text, analysis)
    assert "Grenchen" not in names(analysis)
    assert all(p.confidence <= 0.7 for p in analysis.places if p.text == "Granges")
