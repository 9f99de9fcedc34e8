"""French sentiment (the shipped model) on hard cases a marketer would notice: idioms, negation scope, contrast."""

from __future__ import annotations

import pytest

from core.models import sentiment_label
from nlp.sentiment import MODEL_FR
from nlp.sentiment_fr import (
    CONTRAST,
    SENTENCE_END,
    french_tokens,
    inflected_forms,
    textblob_fr_lexicon,
)
from nlp.sentiment_structure import StructureSentiment, french_evidence, structure_features

french_scores = StructureSentiment.load(MODEL_FR).scores


def label(text: str) -> str:
    return sentiment_label(french_scores(text)[0], "fr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negation idioms: "pas mal" is praise, "pas terrible" is not
        ("Le nouveau télésiège est vraiment pas mal du tout.", "positive"),
        ("L'hôtel était pas terrible, franchement.", "negative"),
        ("Le séjour n'était pas terrible.", "negative"),
        # negation scope: ne … pas covers the verdict after it
        ("Je ne suis pas déçu par cette station.", "positive"),
        ("Les pistes ne sont guère agréables.", "negative"),
        ("Ce n'est pas un bon plan pour les familles.", "negative"),
        ("J'aime pas ce genre d'hôtel.", "negative"),
        # what comes before "mais" counts less (learnt from the English ratings' "but")
        ("Un bon restaurant, mais sans plus.", "negative"),
        # ne … que restricts, it does not negate
        ("Il n'y a que de belles plages à Biarritz.", "positive"),
        # contrast: the clause after "mais" carries the verdict
        ("La vue est belle mais l'accueil est vraiment nul.", "negative"),
        ("Un peu cher, mais un séjour génial.", "positive"),
        # spoken French, elisions, emphasis and emoticons
        ("J'adore Annecy !!!", "positive"),
        ("Géniaaal ce week-end à Val Thorens :)", "positive"),
        ("Bof, rien de spécial :(", "negative"),
        ("Une perte de temps, à éviter.", "negative"),
        ("Je recommande ce camping, super sympa !", "positive"),
        # a plain statement is neutral
        ("Le train part de Lyon à 8 heures.", "neutral"),
    ],
)
def test_french_verdicts(text: str, expected: str) -> None:
    assert label(text) == expected


def test_opening_verdict_of_a_long_review_counts() -> None:
    text = (
        "Excellente série ! Le scénario est très bien ficelé. Il y a des drames, des morts et de la "
        "peur dans chaque épisode, la prison est sombre et les méchants font froid dans le dos, "
        "mais les acteurs sont formidables et on ne s'ennuie jamais pendant ces trois saisons."
    )
    assert label(text) == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Réunion sur le climat à Grenoble ce jeudi, ouverte au public.",
        "Il y a exactement trois navettes par jour vers la station.",
        "Le parking se trouve juste sous la gare.",
    ],
)
def test_function_words_carry_no_verdict(text: str) -> None:
    # "sur", "ouverte", "exactement" are French stop words the translated lexicon had valued
    assert french_scores(text)[0] == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # verb forms neither lexicon lists read as their infinitive
        ("Les vacanciers abandonnent la station.", "negative"),
        ("Les randonneurs adoraient ce sentier.", "positive"),
        ("Les élus trahissent leurs promesses sur le tramway.", "negative"),
        ("Les stations gaspillant l’eau pour la neige artificielle.", "negative"),
    ],
)
def test_inflected_forms_read_as_their_lemma(text: str, expected: str) -> None:
    assert label(text) == expected


def test_inflected_forms_come_from_the_lemma_table() -> None:
    forms = inflected_forms({"adorer": 2.0, "ville": 0.0, "sur": 0.5})
    assert forms["adoraient"] == "adorer" and forms["adorees"] == "adorer"
    assert "villes" not in forms  # a lemma without valence lends none
    assert not any(lemma == "sur" for lemma in forms.values())  # nor does a stop word


def test_a_lone_letter_carries_no_verdict() -> None:
    assert french_scores("Trois jour(s) de marché à Annecy.")[0] == 0.0


def test_objective_adjectives_carry_no_verdict() -> None:
    assert label("Une nouvelle centrale solaire à Strasbourg, un projet durable.") == "neutral"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "1234", "\x00\x01"])
def test_empty_and_junk_text_is_neutral(text: str) -> None:
    assert french_scores(text) == (0.0, 0.0, 0.0)


def test_very_long_text_is_bounded() -> None:
    score, pos, neg = french_scores("Un séjour génial à Nice. " * 100_000)
    assert 0.0 < score <= 1.0 and 0.0 <= pos <= 1.0 and 0.0 <= neg <= 1.0


def test_elisions_split() -> None:
    assert french_tokens("J’adore l’Alpe d’Huez") == ["j'", "adore", "l'", "alpe", "d'", "huez"]


def test_second_lexicon_is_installed() -> None:
    # textblob-fr ships the hand-checked adjective lexicon (PDDL); without it French accuracy drops
    assert textblob_fr_lexicon().get("magnifique", 0.0) > 0.5


# each sentence below has no other evidence than the thing under test: it was neutral, or the
# other way round, before that thing was added
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vue sur le lac d'Annecy ce matin 😍", "positive"),
        ("Trois heures de bouchon pour monter à la station 😡", "negative"),
        ("Le marché de Noël de Colmar ❤️", "positive"),
        ("Le téléphérique de Chamonix ce matin 👎", "negative"),
    ],
)
def test_emoji_carry_the_writers_verdict(text: str, expected: str) -> None:
    assert label(text) == expected


def test_a_face_is_never_negated() -> None:
    # the wink is the writer's smile, not what "pas" negates
    assert label("On n'y est pas encore allés ;)") == "positive"
    assert label("On n'y est pas encore allés 😉") == "positive"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci à l'office de tourisme de Gap pour l'accueil", "positive"),
        ("Chapeau bas aux équipes des pistes de Méribel", "positive"),
        ("J'ai hâte d'être aux Rencontres d'Arles", "positive"),
        ("Une station innovante dans le Vercors", "positive"),
        ("Il faut préserver le littoral breton", "positive"),
        ("La vue depuis le Pic du Midi, de ouf", "positive"),
        ("Le burger de ce resto à Lille, une tuerie", "positive"),
        ("Ras le bol des travaux sur le port de Sète", "negative"),
        ("Encore des déchets toxiques au bord de la rivière", "negative"),
        ("Franchement la signalétique de la gare c'est n'importe quoi", "negative"),
        ("J'en peux plus des travaux rue de Brest", "negative"),
        ("Pic de pollution à Grenoble ce week-end", "negative"),
    ],
)
def test_spoken_verdicts_we_wrote(text: str, expected: str) -> None:
    assert label(text) == expected


def test_a_flight_is_no_theft() -> None:
    assert label("Le vol Paris-Biarritz part à 7 h 40.") == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "La transition énergétique de Grenoble présentée ce soir",  # energy policy, not "energetic"
        "Le prix du forfait à Val d'Isère passe à 65 euros",  # a price, not a prize
        "Sortie pêche en mer au départ de Granville",  # fishing, not a sin
        "Ce projet n'a rien à voir avec le tourisme à Albi",  # unrelated, not "worth seeing"
    ],
)
def test_mistranslated_words_carry_no_verdict(text: str) -> None:
    assert label(text) == "neutral"


def test_a_go_ahead_is_no_fire() -> None:
    assert label("Feu vert pour le tramway de Caen") == "positive"


def test_a_verdict_inside_a_question_counts_less() -> None:
    model = StructureSentiment.load(MODEL_FR)
    asked = structure_features(french_evidence("Le centre de Rouen est agréable ?"), CONTRAST, SENTENCE_END)
    told = structure_features(french_evidence("Le centre de Rouen est agréable."), CONTRAST, SENTENCE_END)
    assert "lex:pQ" in asked and "lex:pQ" not in told
    # learnt from the English ratings, not set by hand
    assert model.weights["lex:pQ"] < 0
