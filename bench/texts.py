"""Realistic tourism texts for benchmarks: French and English posts, reviews and articles about
watched resorts and cities, generated from sentences written for placewatch (no data set copied).

Each document comes with the watched places written into it (where, and which territory), so a
benchmark can store the analysis a watchlist would give without running the pipeline.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from config import Territory

# The watchlist the stored analyses were made with: resorts of the Alps and Pyrenees, cities.
BASE_WATCHLIST = (
    Territory("val-thorens", "Val Thorens", "resort", ("Val-Thorens", "Val Tho", "#valthorens")),
    Territory("courchevel", "Courchevel", "resort", ("Courchevel 1850", "#courchevel")),
    Territory("tignes", "Tignes", "resort", ("Tignes-le-Lac", "Val Claret", "#tignes")),
    Territory("les-arcs", "Les Arcs", "resort", ("Arc 1800", "Arc 2000", "#lesarcs")),
    Territory("chamonix", "Chamonix", "resort", ("Chamonix-Mont-Blanc", "#chamonix")),
    Territory("alpe-d-huez", "Alpe d'Huez", "resort", ("L'Alpe d'Huez", "#alpedhuez")),
    Territory("meribel", "Méribel", "resort", ("Meribel", "#meribel")),
    Territory("la-plagne", "La Plagne", "resort", ("#laplagne",)),
    Territory("val-d-isere", "Val d'Isère", "resort", ("Val d’Isère", "#valdisere")),
    Territory("megeve", "Megève", "resort", ("#megeve",)),
    Territory("avoriaz", "Avoriaz", "resort", ("#avoriaz",)),
    Territory("les-deux-alpes", "Les Deux Alpes", "resort", ("Les 2 Alpes", "#les2alpes")),
    Territory("serre-chevalier", "Serre Chevalier", "resort", ("Serre-Che", "#serrechevalier")),
    Territory("font-romeu", "Font-Romeu", "resort", ("#fontromeu",)),
    Territory("saint-lary", "Saint-Lary-Soulan", "resort", ("Saint-Lary", "#saintlary")),
    Territory("annecy", "Annecy", "city", ("#annecy",)),
    Territory("lyon", "Lyon", "city", ("#lyon",)),
    Territory("bordeaux", "Bordeaux", "city", ("#bordeaux",)),
    Territory("nice", "Nice", "city", ("#nice",)),
    Territory("biarritz", "Biarritz", "city", ("#biarritz",)),
    Territory("saint-malo", "Saint-Malo", "city", ("St-Malo", "#saintmalo")),
    Territory("colmar", "Colmar", "city", ("#colmar",)),
)
# The competitor a marketer adds: a spa town and resort near Mont Blanc, with two aliases.
NEW_TERRITORY = Territory("saint-gervais", "Saint-Gervais-les-Bains", "resort",
                          ("Saint-Gervais", "#saintgervais"))
NEW_SPELLINGS = ("Saint-Gervais", "Saint-Gervais-les-Bains", "St-Gervais", "Saint Gervais",
                 "#SaintGervais", "St Gervais les Bains")
NEW_SHARE = 0.005  # of documents: a village of the valley, named in one document in 200

OTHER_PLACES = (
    "Paris", "Genève", "Grenoble", "Chambéry", "Albertville", "Moûtiers", "Turin", "Milan",
    "Londres", "Bruxelles", "Marseille", "Toulouse", "Barcelone", "Zurich", "Bourg-Saint-Maurice",
)
OTHER_PLACES_EN = (
    "Paris", "Geneva", "Grenoble", "London", "Manchester", "Brussels", "Turin", "Milan", "Zurich",
    "Amsterdam", "Dublin", "Edinburgh", "Lyon Saint-Exupéry airport",
)
PEOPLE = ("Claire Dumas", "Lucas Martin", "Inès Bernard", "Hugo Petit", "Sophie Laurent",
          "Thomas Moreau", "Emma Girard", "Nathalie Roux", "Pierre Fontaine", "Julie Mercier")
PEOPLE_EN = ("Sarah Collins", "James Walker", "Emily Turner", "Tom Hughes", "Laura Bennett")
MONTHS = ("janvier", "février", "mars", "avril", "décembre", "juillet", "août")
MONTHS_EN = ("January", "February", "March", "April", "December", "July", "August")
DAYS = ("samedi", "dimanche", "vendredi", "lundi")
DAYS_EN = ("Saturday", "Sunday", "Friday", "Monday")

POSTS_FR = (
    "Première neige à {P} ce matin ❄️ on a hâte !",
    "{P} : {N} cm de poudreuse annoncés pour le week-end, on y va !",
    "Déçu par {P}, {N} € le forfait et des files d'attente interminables.",
    "Coucher de soleil magique sur {P} hier soir 😍",
    "Quelqu'un connaît un bon restaurant à {P} ? On arrive {D}.",
    "Les remontées de {P} fermées à cause du vent, journée spa à la place.",
    "Trop de monde à {P} pendant les vacances, on tente {P} la semaine prochaine.",
    "Randonnée au-dessus de {P}, vue incroyable sur les sommets.",
    "Enfin les vacances ! Direction {P} en train depuis {O}.",
    "Merci à l'office de tourisme de {P} pour l'accueil 👏",
    "Neige lourde cet après-midi à {P}, mais quelle ambiance au pied des pistes.",
    "Week-end en famille à {P}, les enfants ont adoré l'école de ski.",
    "Pluie toute la journée à {P}. On reste au chalet avec une raclette.",
    "Les prix des locations à {P} deviennent délirants, {N} € la nuit.",
)
POSTS_EN = (
    "First tracks in {P} this morning, absolutely epic ❄️",
    "{P} was packed today, {N} minutes in the lift queue. Never again in half-term.",
    "Booked our week in {P} for {M}, can't wait!",
    "Does anyone know a good ski school in {P} for beginners?",
    "Sunset over {P} last night, no filter needed 😍",
    "Flew into {O}, two hours later we were in {P}. Not bad at all.",
    "Lifts closed in {P} because of the wind, so we went to the spa.",
    "Honestly {P} is overpriced, {N} euros for a sandwich on the slopes.",
    "Great week in {P}, the snow held up even in the sun.",
    "Rain all day in {P}, we stayed in with board games.",
)
ARTICLE_FR = (
    "La station de {P} a enregistré une fréquentation en hausse de {N} % par rapport à l'an dernier.",
    "À {P}, les professionnels du tourisme se félicitent d'un début de saison prometteur.",
    "Selon {PER}, directrice de l'office de tourisme de {P}, « la clientèle étrangère est revenue ».",
    "Les hébergeurs de {P} affichent complet pour les vacances de {M}.",
    "Le conseil municipal de {O} a voté un budget de {N} millions d'euros pour rénover ses équipements.",
    "Les touristes venus de {O} représentent désormais un tiers des nuitées à {P}.",
    "La neige de culture couvre {N} % du domaine skiable de {P}.",
    "Un festival de musique se tiendra à {P} du {N} au {N2} {M}.",
    "La liaison ferroviaire entre {O} et {P} sera renforcée cet hiver.",
    "Les prix des forfaits augmentent de {N} % à {P}, une hausse critiquée par les familles.",
    "Le maire de {P}, {PER}, annonce de nouveaux parkings à l'entrée du village.",
    "Plusieurs pistes ont dû être fermées après une avalanche au-dessus de {P}.",
    "Les commerçants du centre de {O} constatent un afflux de visiteurs le week-end.",
    "Comme à {P}, la station voisine mise sur les activités hors ski pour attirer les familles.",
)
ARTICLE_EN = (
    "Visitor numbers in {P} are up {N} per cent on last season, the tourist office said.",
    "In {P}, hotels report strong bookings for the {M} holidays.",
    "According to {PER}, who runs a chalet company in {P}, British families are back.",
    "The train link between {O} and {P} will run twice a day this winter.",
    "Lift pass prices in {P} have risen by {N} per cent, to the anger of regular visitors.",
    "Several runs above {P} were closed after an avalanche on {D}.",
    "A music festival will take place in {P} from {N} to {N2} {M}.",
    "Snowmaking now covers {N} per cent of the slopes in {P}.",
    "Like {P}, the neighbouring resorts are investing in summer activities.",
)
FILLER_FR = (
    "La saison s'annonce longue et les réservations se poursuivent.",
    "Les familles privilégient les séjours courts et réservés au dernier moment.",
    "Les moniteurs de ski saisonniers peinent toujours à trouver un logement.",
    "La fréquentation des restaurants d'altitude reste soutenue malgré les prix.",
    "Les conditions d'enneigement devraient rester bonnes jusqu'à la fin du mois.",
    "Les professionnels appellent à une meilleure desserte en transports en commun.",
    "Le ski de randonnée attire chaque année davantage de pratiquants.",
    "Les réseaux sociaux ont largement relayé les images de la première chute de neige.",
)
FILLER_EN = (
    "The season is expected to run well into spring.",
    "Families are booking shorter stays, often at the last minute.",
    "Seasonal workers still struggle to find somewhere to live.",
    "Mountain restaurants remain busy despite higher prices.",
    "Ski touring keeps attracting new people every winter.",
    "Snow conditions should stay good until the end of the month.",
)
TITLES_FR = ("{P} : une saison record", "Fréquentation en hausse à {P}", "À {P}, la montagne se réinvente",
             "Vacances de {M} : {P} fait le plein", "{P} mise sur l'été")
TITLES_EN = ("{P} gears up for a record season", "Why {P} is busier than ever", "{M} holidays: {P} is full",
             "A weekend in {P}")
# Names that look like the new territory's to a search, not to the matcher.
DISTRACTORS_FR = ("Visite de l'église Saint-Gervais à Paris, superbe orgue.",
                  "Le petit Gervais aux fruits reste le dessert préféré des enfants.")
DISTRACTORS_EN = ("Ricky Gervais was hilarious at the awards last night.",)
DISTRACTOR_SHARE = 0.002

_SLOT = re.compile(r"\{(P|O|N|N2|PER|M|D)\}")
END = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Written:
    """A watched name written into a text: where, and which territory."""

    start: int
    end: int
    territory: str


@dataclass(frozen=True)
class GeneratedDocument:
    id: str
    lang: str
    kind: str  # post | review | article
    title: str | None
    text: str
    published: datetime
    watched: tuple[Written, ...]
    mentions_new: bool  # the new territory is written in it


class TextGenerator:
    """Documents of realistic length and mix: 60 % posts, 40 % articles; 70 % French."""

    def __init__(self, seed: int = 17, new_share: float = NEW_SHARE) -> None:
        self.rng = random.Random(seed)
        self.new_share = new_share
        # a few places get most of the talk
        self.weights = [1 / (rank**0.9) for rank in range(1, len(BASE_WATCHLIST) + 1)]

    def documents(self, n: int) -> Iterator[GeneratedDocument]:
        for i in range(n):
            yield self.document(f"doc{i:07d}")

    def document(self, doc_id: str) -> GeneratedDocument:
        rng = self.rng
        lang = "fr" if rng.random() < 0.7 else "en"
        kind = "post" if rng.random() < 0.6 else "article"
        new = rng.random() < self.new_share
        sentences, title = self._sentences(lang, kind)
        if rng.random() < DISTRACTOR_SHARE:
            sentences.insert(rng.randrange(len(sentences) + 1),
                             rng.choice(DISTRACTORS_FR if lang == "fr" else DISTRACTORS_EN))
        template = sentences[0]
        for sentence in sentences[1:]:  # articles come in paragraphs
            template += ("\n\n" if kind == "article" and rng.random() < 0.3 else " ") + sentence
        text, watched, used_new = self._render(template, lang, new)
        title_text = self._render(title, lang, False)[0] if title else None
        published = END - timedelta(days=rng.random() * 365)
        return GeneratedDocument(doc_id, lang, kind, title_text, text, published, watched, used_new)

    def _sentences(self, lang: str, kind: str) -> tuple[list[str], str | None]:
        rng = self.rng
        if kind == "post":
            posts = POSTS_FR if lang == "fr" else POSTS_EN
            return [rng.choice(posts) for _ in range(rng.choice((1, 1, 2, 3)))], None
        body = ARTICLE_FR if lang == "fr" else ARTICLE_EN
        filler = FILLER_FR if lang == "fr" else FILLER_EN
        out = [rng.choice(body) if rng.random() < 0.6 else rng.choice(filler) for _ in range(rng.randint(8, 24))]
        return out, rng.choice(TITLES_FR if lang == "fr" else TITLES_EN)

    def _render(self, template: str, lang: str, new: bool) -> tuple[str, tuple[Written, ...], bool]:
        """Fill the slots; the first place slot is the new territory when `new`."""
        rng = self.rng
        parts: list[str] = []
        watched: list[Written] = []
        pos = last = 0
        used_new = False
        for m in _SLOT.finditer(template):
            parts.append(template[last : m.start()])
            pos += m.start() - last
            last = m.end()
            slot = m.group(1)
            territory = None
            if slot == "P" and new and not used_new:
                value, used_new = rng.choice(NEW_SPELLINGS), True
            elif slot == "P":
                t = rng.choices(BASE_WATCHLIST, weights=self.weights)[0]
                value, territory = rng.choice((t.name, t.name, t.name, *t.aliases)), t.id
                if value.startswith("#"):
                    value = t.name  # hashtags go at the end of posts, not inside sentences
            elif slot == "O":
                value = rng.choice(OTHER_PLACES if lang == "fr" else OTHER_PLACES_EN)
            elif slot in ("N", "N2"):
                value = str(rng.randint(2, 60))
            elif slot == "PER":
                value = rng.choice(PEOPLE if lang == "fr" else PEOPLE_EN)
            elif slot == "M":
                value = rng.choice(MONTHS if lang == "fr" else MONTHS_EN)
            else:
                value = rng.choice(DAYS if lang == "fr" else DAYS_EN)
            if territory:
                watched.append(Written(pos, pos + len(value), territory))
            parts.append(value)
            pos += len(value)
        parts.append(template[last:])
        text = "".join(parts)
        if watched and rng.random() < 0.3:  # a hashtag or two at the end of a post
            t = next(t for t in BASE_WATCHLIST if t.id == watched[0].territory)
            tag = next((a for a in t.aliases if a.startswith("#")), None)
            if tag:
                watched.append(Written(len(text) + 1, len(text) + 1 + len(tag), t.id))
                text = f"{text} {tag}"
        return text, tuple(watched), used_new


__all__ = ["BASE_WATCHLIST", "NEW_TERRITORY", "GeneratedDocument", "TextGenerator", "Written"]
