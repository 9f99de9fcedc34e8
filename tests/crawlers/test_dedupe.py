"""Near-duplicate grouping: syndicated copies join the first copy, different stories stay apart."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from core.models import RawDocument
from crawlers.dedupe.index import PERMUTATIONS, NearDuplicateIndex
from crawlers.dedupe.shingles import Sketch, shingle_hashes, sketch

OPENING = """\
Val Thorens opened its season on Saturday with more than a metre of fresh snow on the upper slopes, \
a week earlier than planned, after a storm crossed the Tarentaise valley on Thursday night.

The resort, the highest in Europe at 2,300 metres, opened twenty lifts and sixty kilometres of runs \
on the first day, including the Péclet glacier sector and the long blue run down to Orelle. \
Lift operators said nearly eight thousand skiers came up on Saturday alone, most of them from Lyon, \
Grenoble and Geneva, and that the queues at the Funitel cleared by ten in the morning.

Hoteliers were relieved. After two winters in which the opening weekend was saved only by snow \
cannons, bookings for December are up twelve per cent on last year, according to the tourist office, \
and British tour operators have added flights to Chambéry for the Christmas weeks. Several chalets \
that had planned to open on the fifth of December brought their staff up a week early.

Not everyone is celebrating. Environmental groups in Savoie point out that the resort still relies on \
more than four hundred snow cannons and on water drawn from mountain lakes that were unusually low \
after the dry summer. The mayor answered that the new reservoir above the village will store meltwater \
from the spring, and that the resort has cut the energy used by its lifts by a fifth in five years.

The season is due to run until the first weekend of May, snow permitting, with the usual spring \
festival on the glacier in April and the return of the freeride competition on the Cime Caron face.
"""

HOUSING = """\
Seasonal workers in Val Thorens say they cannot find anywhere to live this winter, as chalet owners \
turn the studios once rented to lift staff and waiters into holiday lets for skiers.

The union that represents employees of the lift company counted more than three hundred workers \
sleeping in vans, in friends' living rooms or in the valley towns of Moûtiers and Saint-Martin, an hour \
away by bus, in the first fortnight of December. Restaurants in the resort say they have closed \
tables and shortened opening hours because they could not house the cooks they hired in the autumn.

The mayor has promised a new residence of one hundred and fifty rooms for seasonal staff, to be built \
on the car park below the village, but work has not started and the first rooms will not be ready \
before the winter of 2028. Until then, the town hall is paying for a shuttle that runs late into the \
night so that bar staff can get back down the valley after closing time.

Tour operators are worried too. Several British companies that run catered chalets say they brought \
fewer staff this year, and that guests will notice slower service at breakfast and dinner. The tourist \
office admits the problem is real, but says bookings for the season are strong and that the resort \
will open on the last Saturday of November as planned, with the Péclet glacier sector.
"""


def syndicated(story: str) -> str:
    """A wire copy: the first sentence's lede rewritten, the rest as published, the agency's credit."""
    lede, rest = story.split(",", 1)
    return f"The agency's correspondent in Savoie reported that {lede[0].lower()}{lede[1:]},{rest}(Alpine Wire)"


def test_syndicated_copy_with_a_new_intro_joins_the_original() -> None:
    index = NearDuplicateIndex()
    assert index.add("original", OPENING) is None
    assert index.add("wire-copy", syndicated(OPENING)) == "original"


def test_copy_with_other_case_and_punctuation_joins_the_original() -> None:
    index = NearDuplicateIndex()
    index.add("original", OPENING)
    shouted = OPENING.upper().replace(",", "").replace(".", " —")
    assert index.add("reformatted", shouted) == "original"


def test_sketches_computed_by_a_worker_group_as_the_text_would() -> None:
    def worker_sketch(text: str) -> Sketch | None:  # what crawlers.worker.process_page sends back
        return sketch(shingle_hashes(text), PERMUTATIONS)

    index = NearDuplicateIndex()
    assert index.add("original", OPENING, values=worker_sketch(OPENING)) is None
    copy = syndicated(OPENING)
    assert index.add("wire-copy", copy, values=worker_sketch(copy)) == "original"
    assert index.add("housing", HOUSING, values=worker_sketch(HOUSING)) is None
    assert worker_sketch("Val Thorens opens early.") is None  # too short to group


def edited(text: str, every: int, seed: int) -> str:
    """A copy with one word in `every` rewritten, at places the seed chooses."""
    rnd = random.Random(seed)
    words = text.split()
    for i in range(rnd.randrange(every), len(words), every):
        words[i] = "rewritten"
    return " ".join(words)


def test_lightly_edited_copies_are_grouped_nearly_always() -> None:
    # One word in 50 rewritten: about 0.8 Jaccard on 5-word shingles, a copy by any reading.
    grouped = 0
    for seed in range(20):
        index = NearDuplicateIndex()
        index.add("original", OPENING)
        grouped += index.add("copy", edited(OPENING, 50, seed)) == "original"
    assert grouped >= 17  # datasketch's default banding found 15 of these 20


def test_two_stories_about_the_same_resort_stay_apart() -> None:
    index = NearDuplicateIndex()
    assert index.add("opening", OPENING) is None
    assert index.add("housing", HOUSING) is None
    assert index.find(syndicated(HOUSING)) == "housing"


def test_every_copy_joins_the_first_copy_seen() -> None:
    index = NearDuplicateIndex()
    index.add("first", OPENING)
    assert index.add("second", syndicated(OPENING)) == "first"
    assert index.add("third", OPENING.replace("Saturday", "Sunday")) == "first"
    assert index.add("second", syndicated(OPENING)) == "first"  # indexing again changes nothing


def test_short_teasers_are_never_grouped() -> None:
    teaser = "Val Thorens opens a week early with a metre of fresh snow on the Péclet glacier."
    index = NearDuplicateIndex()
    assert index.add("a", teaser) is None
    assert index.add("b", teaser) is None
    assert index.add("empty", "") is None and index.add("blank", " \n ") is None
    assert len(index) == 0


def test_copies_join_stories_stored_by_an_earlier_crawl() -> None:
    collected = datetime(2026, 11, 28, 8, tzinfo=UTC)

    def stored(doc_id: str, text: str, hours: int, duplicate_of: str | None = None) -> RawDocument:
        return RawDocument(
            id=doc_id,
            url=f"https://news.example/{doc_id}",
            source_id="news",
            source_type="rss",
            text=text,
            collected=collected + timedelta(hours=hours),
            duplicate_of=duplicate_of,
        )

    index = NearDuplicateIndex()
    # Given newest first, as the store may return them: the oldest copy is still the root.
    loaded = index.load(
        [
            stored("copy", syndicated(OPENING), 2, duplicate_of="original"),
            stored("original", OPENING, 0),
        ]
    )
    assert loaded == 2
    assert index.add("today", OPENING.replace("Saturday", "Sunday")) == "original"
    assert index.add("other", HOUSING) is None
