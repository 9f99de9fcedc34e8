"""The Store contract: what every backend must do, as a destination marketer would notice it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import QuerySyntaxError
from core.models import RawDocument
from indexer.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    MentionFilter,
    OutboxMessage,
    SourceState,
    Store,
)
from tests.indexer.store_corpus import (
    CHILE,
    COLLECTED,
    D1_TEXT,
    MONT_BLANC,
    PERIOD,
    T0,
    analysis,
    corpus,
    place,
    raw,
)

SINCE, UNTIL = PERIOD
IN_PERIOD = MentionFilter(since=SINCE, until=UNTIL)


def load(store: Store) -> None:
    items = corpus()
    store.upsert_raw(doc for doc, _ in items)
    store.save_analyses(items)


def counts(ranking: list) -> dict[str, int]:
    return {p.key: p.mentions for p in ranking}


def ids(page) -> set[str]:
    return {hit.doc.id for hit in page.hits}


def period(**kw) -> MentionFilter:
    return MentionFilter(since=SINCE, until=UNTIL, **kw)


# ------------------------------------------------------------------ writes


class TestWrites:
    def test_upserting_twice_counts_once(self, store: Store) -> None:
        items = corpus()
        assert store.upsert_raw(d for d, _ in items) == 7
        assert store.upsert_raw(d for d, _ in items) == 0
        store.save_analyses(items)
        store.save_analyses(items)
        stats = store.stats()
        assert (stats.documents, stats.analysed, stats.pending) == (7, 7, 0)
        assert stats.mentions == 11
        assert counts(store.ranking(IN_PERIOD))["val-thorens"] == 4

    def test_raw_document_kept_as_collected(self, store: Store) -> None:
        d1 = corpus()[0][0]
        store.upsert_raw([d1])
        got = store.get_document("d1")
        assert got is not None
        assert got.raw == d1.raw
        assert (got.text, got.title, got.url, got.author) == (d1.text, d1.title, d1.url, d1.author)
        assert got.published == d1.published
        assert got.engagement == d1.engagement
        assert store.get_document("nope") is None
        assert store.find_by_content_hash(d1.content_hash) == "d1"
        assert store.find_by_content_hash("0" * 40) is None

    def test_existence_checks_in_bulk(self, store: Store) -> None:
        items = corpus()
        store.upsert_raw(d for d, _ in items[:3])
        stored = [d for d, _ in items[:3]]
        assert store.existing_ids(["d1", "nope", "d3", "d1"]) == {"d1", "d3"}
        assert store.existing_ids([]) == set()
        hashes = [d.content_hash for d in stored]
        assert store.existing_hashes([*hashes, "0" * 40]) == set(hashes)
        assert store.existing_hashes([items[5][0].content_hash]) == set()
        many = [f"x{i}" for i in range(1200)] + ["d2"]
        assert store.existing_ids(many) == {"d2"}

    def test_pending_analysis(self, store: Store) -> None:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        assert {d.id for d in store.pending_analysis()} == {d.id for d, _ in items}
        assert len(store.pending_analysis(limit=2)) == 2
        store.save_analyses(items[:5])
        assert {d.id for d in store.pending_analysis()} == {"d6", "d7"}
        assert store.stats().pending == 2
        # Collected again unchanged: stays analysed. Changed text: analysed again.
        d1 = items[0][0]
        store.upsert_raw([d1])
        assert "d1" not in {d.id for d in store.pending_analysis()}
        store.upsert_raw([replace(d1, text=d1.text + " Mise à jour.")])
        assert "d1" in {d.id for d in store.pending_analysis()}

    def test_reanalysis_replaces_mentions(self, store: Store) -> None:
        load(store)
        d5, _ = corpus()[4]
        text = d5.text
        store.save_analyses([(d5, analysis("en", 0.0, place("Tignes", text, "tignes", -0.9)))])
        ranking = counts(store.ranking(IN_PERIOD))
        assert CHILE not in ranking
        assert ranking["tignes"] == 1
        assert store.ranking(period(territories=("tignes",)))[0].negative == 1
        assert store.stats().mentions == 10

    def test_unresolved_names_are_kept_but_never_ranked(self, store: Store) -> None:
        """A name neither watched nor in the gazetteer stays in the document, not in the counts."""
        from core.models import PlaceMention

        load(store)
        d5, _ = corpus()[4]
        known = place("Tignes", d5.text, "tignes", 0.2)
        hamlet = PlaceMention(text=d5.text[:4], start=0, end=4, name="La Vagère", kind="place",
                              confidence=0.6)
        store.save_analyses([(d5, analysis("en", 0.0, known, hamlet))])
        ranking = counts(store.ranking(IN_PERIOD))
        assert "name:la vagère" not in ranking and ranking["tignes"] == 1
        kept = next(e for e in store.iter_documents() if e.doc.id == d5.id)
        assert "La Vagère" in {p.name for p in kept.analysis.places}

    def test_a_curated_place_without_geonames_id_is_ranked_by_its_name(self, store: Store) -> None:
        """A gazetteer place GeoNames has no id for (a coast, a range, an island) comes with its
        position and is counted under its name, whichever surface named it."""
        from core.models import PlaceMention

        load(store)
        d5, _ = corpus()[4]
        riviera = [PlaceMention(text=d5.text[a:b], start=a, end=b, name="French Riviera", kind="region",
                                lat=43.5, lon=7.0, confidence=0.9, sentiment=0.5) for a, b in ((0, 4), (5, 9))]
        store.save_analyses([(d5, analysis("en", 0.0, *riviera))])
        ranking = counts(store.ranking(IN_PERIOD))
        assert ranking["name:french riviera"] == 1  # one document, named twice

    def test_raw_documents_for_reanalysis(self, store: Store) -> None:
        load(store)
        assert store.count_raw() == 7
        assert {d.id for d in store.raw_documents()} == {f"d{i}" for i in range(1, 8)}
        later = COLLECTED + timedelta(days=1)
        assert store.count_raw(since=later) == 0
        assert list(store.raw_documents(since=later)) == []


# ------------------------------------------------------------------ watchlist changes


class TestWatchlists:
    """What a watchlist change re-analyses: found by label, words in the text, and mentions."""

    def test_each_analysis_keeps_the_watchlist_it_was_made_with(self, store: Store) -> None:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items[:2], watchlist="w1")
        store.save_analyses(items[2:5], watchlist="w2")
        store.import_documents([])
        assert store.analyses_by_watchlist() == {"w1": 2, "w2": 3}  # d6, d7 not analysed
        store.save_analyses(items[5:])
        assert store.analyses_by_watchlist() == {"w1": 2, "w2": 3, "": 2}
        store.save_analyses(items[:1], watchlist="w2")  # analysed again: labelled again
        assert store.analyses_by_watchlist() == {"w1": 1, "w2": 4, "": 2}

    def test_remembered_watchlists(self, store: Store) -> None:
        assert store.watchlists() == {}
        tignes = [{"id": "tignes", "name": "Tignes", "aliases": ["#tignes"]}]
        store.remember_watchlist("w1", tignes)
        store.remember_watchlist("", [])
        assert store.watchlists() == {"w1": tignes, "": []}
        store.remember_watchlist("", tignes)
        assert store.watchlists()[""] == tignes

    def test_candidates_hold_a_phrase_or_mention_a_territory(self, store: Store) -> None:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items, watchlist="w1")
        # d1/d3 "Séjour à Val Thorens" (title "Séjour au ski"), d2 and d7 "Val Thorens"
        assert sorted(store.reanalysis_candidates("w1", [("val", "thorens")], [])) == ["d1", "d2", "d3", "d7"]
        # accents and case as the index folds them; the title counts; nothing else is read
        assert sorted(store.reanalysis_candidates("w1", [("sejour",)], [])) == ["d1", "d3"]
        assert store.reanalysis_candidates("w1", [("thorens", "val")], []) == []
        assert sorted(store.reanalysis_candidates("w1", [("mont", "blanc"), ("chile",)], [])) == ["d4", "d5"]
        # words written together are one word to the index
        assert store.reanalysis_candidates("w1", [("valthorens",)], []) == []
        # a mention found whatever the text says (d6: Chamonix), and only with this label
        assert sorted(store.reanalysis_candidates("w1", [], ["chamonix"])) == ["d1", "d3", "d4", "d6"]
        assert store.reanalysis_candidates("w2", [("val", "thorens")], ["chamonix"]) == []
        # a gazetteer place's key is no territory
        assert store.reanalysis_candidates("w1", [], [CHILE]) == []
        assert sorted(store.reanalysis_candidates("w1", None, [])) == [f"d{i}" for i in range(1, 8)]
        later = COLLECTED + timedelta(days=1)
        assert store.reanalysis_candidates("w1", None, [], since=later) == []
        assert store.reanalysis_candidates("w1", [("val", "thorens")], ["chamonix"], since=later) == []

    def test_unlabelled_analyses_are_found_with_the_empty_label(self, store: Store) -> None:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items[:4])
        store.save_analyses(items[4:], watchlist="w1")
        assert sorted(store.reanalysis_candidates("", [("val", "thorens")], ["tignes"])) == ["d1", "d2", "d3"]
        assert sorted(store.reanalysis_candidates("w1", [("val", "thorens")], ["tignes"])) == ["d5", "d7"]

    def test_many_phrases_at_once(self, store: Store) -> None:
        load(store)
        store.save_analyses(corpus(), watchlist="w1")
        phrases = [(f"nowhere{i}", "word") for i in range(450)] + [("gondola",)]
        assert store.reanalysis_candidates("w1", phrases, []) == ["d2"]

    def test_documents_by_id_in_the_order_asked(self, store: Store) -> None:
        load(store)
        docs = store.get_documents(["d5", "nope", "d1", "d5"])
        assert [d.id for d in docs] == ["d5", "d1"]
        assert docs[1].text == D1_TEXT and docs[1].title == "Séjour au ski"
        assert store.get_documents([]) == []

    def test_a_removed_territory_loses_its_mentions_without_analysis(self, store: Store) -> None:
        items = corpus()
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items[:3], watchlist="w1")
        store.save_analyses(items[3:])
        assert store.drop_mentions(["chamonix"]) == 4  # d1, d3 (w1), d4, d6 (no label)
        ranking = counts(store.ranking(IN_PERIOD))
        assert "chamonix" not in ranking
        assert ranking["val-thorens"] == 4
        assert store.stats().mentions == 7
        kept = {e.doc.id: e.analysis for e in store.iter_documents()}
        assert [p.territory for p in kept["d1"].places] == ["val-thorens"]
        assert kept["d1"].sentiment.score == 0.5  # the rest of the analysis as it was
        assert kept["d6"].places == ()
        assert [p.place_key for p in kept["d4"].places] == [MONT_BLANC]  # undated, still rewritten
        assert store.analyses_by_watchlist() == {"w1": 3, "": 4}  # labels kept
        assert store.drop_mentions(["chamonix"]) == 0
        assert store.drop_mentions([]) == 0
        assert store.drop_mentions(["nowhere"]) == 0


# ------------------------------------------------------------------ rankings and counts


class TestRanking:
    def test_stats_count_undated_documents(self, store: Store) -> None:
        load(store)
        stats = store.stats()
        assert stats.undated == 1
        assert stats.duplicates == 1
        assert stats.mentions == 11

    def test_period_excludes_undated_and_older(self, store: Store) -> None:
        load(store)
        assert counts(store.ranking(IN_PERIOD)) == {
            "val-thorens": 4, "chamonix": 2, "tignes": 1, CHILE: 1,
        }
        # No period: everything, undated documents included.
        assert counts(store.ranking(MentionFilter())) == {
            "val-thorens": 4, "chamonix": 4, "tignes": 1, CHILE: 1, MONT_BLANC: 1,
        }

    def test_ranking_order_and_details(self, store: Store) -> None:
        load(store)
        top = store.ranking(IN_PERIOD, limit=2)
        assert [p.key for p in top] == ["val-thorens", "chamonix"]
        vt = top[0]
        assert (vt.name, vt.territory) == ("Val Thorens", "val-thorens")
        assert vt.reach == 1000 + 50 + 2000 + 50
        assert (vt.positive, vt.neutral, vt.negative) == (3, 0, 1)
        assert vt.net_sentiment == pytest.approx(0.5)
        assert vt.lat == pytest.approx(45.298)

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({"territories": ("chamonix", "tignes")}, {"chamonix": 2, "tignes": 1}),
            ({"source_types": ("rss",)}, {"val-thorens": 2, "chamonix": 2}),
            ({"source_ids": ("masto",)}, {"val-thorens": 2}),
            ({"langs": ("en",)}, {"val-thorens": 2, "tignes": 1, CHILE: 1}),
            ({"sentiment": "negative"}, {"val-thorens": 1}),
            ({"watched_only": True}, {"val-thorens": 4, "chamonix": 2, "tignes": 1}),
            ({"syndicated_once": True}, {"val-thorens": 3, "chamonix": 1, "tignes": 1, CHILE: 1}),
        ],
    )
    def test_ranking_filters(self, store: Store, filters: dict, expected: dict) -> None:
        load(store)
        assert counts(store.ranking(period(**filters))) == expected

    def test_sentiment_summary_counts_syndicated_once(self, store: Store) -> None:
        load(store)
        vt = store.ranking(period(territories=("val-thorens",), syndicated_once=True))[0]
        assert (vt.mentions, vt.positive, vt.neutral, vt.negative) == (3, 2, 0, 1)

    def test_a_mention_is_labelled_with_its_language_neutral_band(self, store: Store) -> None:
        """A faint tone is neutral as the analysis says it is: the band is the language's, not a fixed 0.05."""
        from core.models import NEUTRAL_BANDS

        texts = {"en": "Faintly pleasant day in Tignes.", "fr": "Journée à peine agréable à Tignes."}
        items = []
        for lang, text in texts.items():
            faint = NEUTRAL_BANDS[lang] * 0.8  # inside the band: neutral
            doc = raw(f"faint-{lang}", text, source="s", type_="rss", published=T0 + timedelta(days=1),
                      author=None, followers=None, lang=lang)
            items.append((doc, analysis(lang, faint, place("Tignes", text, "tignes", faint))))
        store.upsert_raw(d for d, _ in items)
        store.save_analyses(items)
        row = store.ranking(period(territories=("tignes",)))[0]
        assert (row.mentions, row.positive, row.neutral, row.negative) == (2, 0, 2, 0)

    def test_volume_per_day(self, store: Store) -> None:
        load(store)
        points = {(p.bucket, p.key): p.mentions for p in store.volume(IN_PERIOD, "day")}
        day = timedelta(days=1)
        assert points == {
            (T0 + day, "val-thorens"): 1, (T0 + day, "chamonix"): 1,
            (T0 + 2 * day, "val-thorens"): 1, (T0 + 2 * day, "chamonix"): 1,
            (T0 + 3 * day, "val-thorens"): 1,
            (T0 + 6 * day, "val-thorens"): 1,
            (T0 + 9 * day, "tignes"): 1, (T0 + 9 * day, CHILE): 1,
        }
        assert all(p.bucket.tzinfo is not None for p in store.volume(IN_PERIOD, "day"))

    def test_volume_per_week_starts_monday(self, store: Store) -> None:
        load(store)
        points = {(p.bucket, p.key): p.mentions for p in store.volume(IN_PERIOD, "week")}
        week = timedelta(days=7)
        assert points == {
            (T0, "val-thorens"): 4, (T0, "chamonix"): 2,
            (T0 + week, "tignes"): 1, (T0 + week, CHILE): 1,
        }
        assert all(b.weekday() == 0 for b, _ in points)

    def test_volume_per_hour_and_reach(self, store: Store) -> None:
        load(store)
        f = period(territories=("val-thorens",))
        points = store.volume(f, "hour")
        assert [p.bucket for p in points] == [
            T0 + timedelta(days=1, hours=10),
            T0 + timedelta(days=2, hours=9),
            T0 + timedelta(days=3, hours=8),
            T0 + timedelta(days=6, hours=23),
        ]
        assert [p.reach for p in points] == [1000, 2000, 50, 50]

    def test_volume_leaves_out_undated(self, store: Store) -> None:
        load(store)
        points = store.volume(MentionFilter(territories=("chamonix",)), "day")
        assert sum(p.mentions for p in points) == 3  # d1, d3, d6; not the undated d4
        assert (T0 - timedelta(days=40), "chamonix") in {(p.bucket, p.key) for p in points}

    def test_volume_syndicated_once(self, store: Store) -> None:
        load(store)
        f = period(territories=("val-thorens",), syndicated_once=True)
        assert sum(p.mentions for p in store.volume(f, "week")) == 3


class TestShareOfVoice:
    GROUP = ("val-thorens", "chamonix", "tignes", "les-arcs")

    def test_counts_and_total(self, store: Store) -> None:
        load(store)
        sov = store.share_of_voice(period(territories=self.GROUP))
        assert sov.counts == {"val-thorens": 4, "chamonix": 2, "tignes": 1, "les-arcs": 0}
        assert sov.total == 7
        assert sov.share("val-thorens") == pytest.approx(4 / 7)
        assert sov.share("les-arcs") == 0.0
        assert not sov.weighted_by_reach

    def test_weighted_by_reach(self, store: Store) -> None:
        load(store)
        sov = store.share_of_voice(period(territories=self.GROUP), weighted=True)
        assert sov.counts == {"val-thorens": 3100, "chamonix": 3000, "tignes": 1, "les-arcs": 0}
        assert sov.total == 6101
        assert sov.weighted_by_reach

    def test_syndicated_copies_count_once(self, store: Store) -> None:
        load(store)
        sov = store.share_of_voice(period(territories=self.GROUP, syndicated_once=True))
        assert sov.counts == {"val-thorens": 3, "chamonix": 1, "tignes": 1, "les-arcs": 0}
        assert sov.total == 5

    def test_weighted_syndicated_group_counts_its_widest_copy(self, store: Store) -> None:
        load(store)
        sov = store.share_of_voice(
            period(territories=self.GROUP, syndicated_once=True), weighted=True
        )
        assert sov.counts == {"val-thorens": 2000 + 50 + 50, "chamonix": 2000, "tignes": 1,
                              "les-arcs": 0}


class TestVoices:
    def test_top_sources(self, store: Store) -> None:
        load(store)
        top = store.top_sources(period(territories=("val-thorens",)))
        assert {(v.value, v.mentions) for v in top} == {("masto", 2), ("feed-a", 1), ("feed-b", 1)}
        assert top[0].value == "masto"
        assert top[0].label == "mastodon"
        assert top[0].reach == 100

    def test_top_authors(self, store: Store) -> None:
        load(store)
        f = period(territories=("val-thorens",))
        assert {(v.value, v.mentions) for v in store.top_authors(f)} == {("Alice", 2), ("bob", 2)}
        once = store.top_authors(replace(f, syndicated_once=True))
        assert [(v.value, v.mentions) for v in once] == [("bob", 2), ("Alice", 1)]

    def test_voices_with_their_sentiment_dates_and_territories(self, store: Store) -> None:
        """What the ambassadors page shows for each account and outlet, from one question."""
        load(store)
        accounts = store.top_voices(IN_PERIOD, "author")
        assert [(v.value, v.mentions) for v in accounts] == [("Alice", 4), ("bob", 2), ("carol", 2)]
        alice, bob, carol = accounts
        assert alice.reach == 2000 and alice.positive == 4 and alice.negative == 0
        assert alice.label in {"feed-a", "feed-b"}
        assert alice.first_published == T0 + timedelta(days=1, hours=10, minutes=15)  # d1, not undated d4
        assert alice.last_published == T0 + timedelta(days=2, hours=9)
        assert alice.territories == ("chamonix", "val-thorens")
        assert (bob.positive, bob.negative) == (1, 1)
        assert bob.first_published == T0 + timedelta(days=3, hours=8)
        assert bob.last_published == T0 + timedelta(days=6, hours=23, minutes=30)
        assert carol.territories == ("tignes",)  # Chile is a gazetteer place, not a territory
        assert [v.value for v in store.top_voices(IN_PERIOD, "author", limit=1)] == ["Alice"]

        outlets = store.top_voices(period(territories=("val-thorens",)), "source")
        # mentions, then reach (feed-b's copy reached 2,000, feed-a's original 1,000)
        assert [(v.value, v.mentions, v.label) for v in outlets] == [
            ("masto", 2, "mastodon"), ("feed-b", 1, "rss"), ("feed-a", 1, "rss")]
        masto = outlets[0]
        assert masto.reach == 100 and (masto.positive, masto.negative) == (1, 1)
        assert masto.territories == ("val-thorens",)

    def test_voices_count_syndicated_copies_once_when_asked(self, store: Store) -> None:
        load(store)
        once = store.top_voices(period(territories=("val-thorens",), syndicated_once=True), "author")
        assert [(v.value, v.mentions, v.positive) for v in once] == [("bob", 2, 1), ("Alice", 1, 1)]

    def test_voices_of_an_empty_period(self, store: Store) -> None:
        load(store)
        empty = MentionFilter(since=T0 - timedelta(days=400), until=T0 - timedelta(days=300))
        assert store.top_voices(empty, "author") == [] and store.top_voices(empty, "source") == []

    def test_an_authors_mentions(self, store: Store) -> None:
        """Filtering on an account: its documents only, in search and in every count."""
        load(store)
        f = period(territories=("val-thorens",))
        alice = replace(f, authors=("Alice",))
        page = store.search("", alice)
        assert page.total == 2 and {hit.doc.author for hit in page.hits} == {"Alice"}
        assert counts(store.ranking(alice)) == {"val-thorens": 2}
        assert store.share_of_voice(alice).total == 2
        assert [(v.value, v.mentions) for v in store.top_authors(alice)] == [("Alice", 2)]
        both = replace(f, authors=("Alice", "bob"))
        assert store.search("", both).total == 4
        assert store.search("", replace(f, authors=("nobody",))).total == 0

    def test_cooccurring_places(self, store: Store) -> None:
        load(store)
        co = store.cooccurring_places("val-thorens", IN_PERIOD)
        assert [(v.value, v.mentions, v.label) for v in co] == [("chamonix", 2, "Chamonix")]
        co = store.cooccurring_places("chamonix", MentionFilter())
        assert [(v.value, v.mentions) for v in co] == [("val-thorens", 2), (MONT_BLANC, 1)]

    def test_top_terms_leave_out_place_names(self, store: Store) -> None:
        load(store)
        terms = store.top_terms(period(territories=("val-thorens",)))
        assert terms[0].value == "neige"
        assert terms[0].mentions == 3
        assert not {"thorens", "val"} & {t.value for t in terms}

    def test_mention_examples(self, store: Store) -> None:
        load(store)
        positive = store.mention_examples("val-thorens", IN_PERIOD, "positive", limit=2)
        assert positive[0].doc.id == "d7"
        assert len(positive) == 2
        for e in positive:
            assert e.doc.text[e.start : e.end] == "Val Thorens"
            assert e.sentiment > 0
        negative = store.mention_examples("val-thorens", IN_PERIOD, "negative")
        assert [(e.doc.id, e.key) for e in negative] == [("d2", "val-thorens")]
        assert negative[0].sentiment == pytest.approx(-0.7)


# ------------------------------------------------------------------ search


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("neige", {"d1", "d3", "d7"}),
            ("NEIGE", {"d1", "d3", "d7"}),
            ("sejour", {"d1", "d3"}),  # accents are optional
            ('"lifts closed"', {"d2"}),
            ('"closed lifts"', set()),
            ("Thorens neige", {"d1", "d3", "d7"}),
            ("Thorens AND gondola", {"d2"}),
            ("Thorens NOT neige", {"d2"}),
            ("tignes OR pluie", {"d5", "d6"}),
            ("(neige OR pluie) AND Chamonix", {"d1", "d3", "d6"}),
            ("neig*", {"d1", "d3", "d7"}),
            ("Thorens lang:en", {"d2", "d7"}),
            ("Thorens source:feed-b", {"d3"}),
            ("Thorens type:mastodon", {"d2", "d7"}),
            ("territory:tignes", {"d5"}),
            ("Thorens sentiment:negative", {"d2"}),
        ],
    )
    def test_boolean_language(self, store: Store, query: str, expected: set[str]) -> None:
        load(store)
        page = store.search(query, MentionFilter(), size=50)
        assert ids(page) == expected
        assert page.total == len(expected)

    def test_search_respects_filter(self, store: Store) -> None:
        load(store)
        assert ids(store.search("Chamonix", IN_PERIOD)) == {"d1", "d3"}
        assert ids(store.search("Chamonix", MentionFilter(langs=("fr",)))) == {"d1", "d3", "d4", "d6"}
        assert ids(store.search("Thorens", period(sentiment="negative"))) == {"d2"}

    def test_search_lists_oldest_first_when_asked(self, store: Store) -> None:
        """A voice's first mention of the period comes from the oldest-first end, whatever the count."""
        load(store)
        for query in ("", "Chamonix"):
            newest = [h.doc for h in store.search(query, MentionFilter(), size=50).hits]
            oldest = [h.doc for h in store.search(query, MentionFilter(), size=50, order="oldest").hits]
            assert {d.id for d in oldest} == {d.id for d in newest}
            dated = [d.published for d in oldest if d.published is not None]
            assert dated == sorted(dated) and len(dated) >= 2
            assert all(d.published is None for d in oldest[len(dated):])  # undated last, as newest-first
            first = store.search(query, MentionFilter(), size=1, order="oldest").hits[0].doc
            assert first.published == min(dated)

    def test_snippets_highlight_matches(self, store: Store) -> None:
        load(store)
        hit = next(h for h in store.search('"lifts closed"', MentionFilter()).hits)
        assert HIGHLIGHT_START in hit.snippet and HIGHLIGHT_END in hit.snippet
        marked = hit.snippet.split(HIGHLIGHT_START, 1)[1].split(HIGHLIGHT_END, 1)[0]
        assert marked.lower() in {"lifts", "lifts closed"}
        assert hit.sentiment == "negative"
        assert hit.places == ("Val Thorens",)
        neige = store.search("neige", MentionFilter()).hits[0]
        assert f"{HIGHLIGHT_START}neige{HIGHLIGHT_END}" in neige.snippet

    def test_paging(self, store: Store) -> None:
        load(store)
        first = store.search("Thorens", MentionFilter(), page=1, size=3)
        second = store.search("Thorens", MentionFilter(), page=2, size=3)
        assert first.total == second.total == 4
        assert (len(first.hits), len(second.hits)) == (3, 1)
        assert ids(first) | ids(second) == {"d1", "d2", "d3", "d7"}
        assert (second.page, second.size) == (2, 3)
        assert store.search("Thorens", MentionFilter(), page=3, size=3).hits == []

    @pytest.mark.parametrize(
        ("query", "position"),
        [("neige AND (pluie", 10), ('"unclosed', 0), ("neige OR", 8), ("bogus:field", 0)],
    )
    def test_syntax_error_says_where(self, store: Store, query: str, position: int) -> None:
        load(store)
        with pytest.raises(QuerySyntaxError) as err:
            store.search(query, MentionFilter())
        assert err.value.position == position
        assert f"position {position}" in str(err.value)


# ------------------------------------------------------------------ crawl state and outbox


class TestSourceState:
    def test_round_trip(self, store: Store) -> None:
        now = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
        state = SourceState(
            source_id="feed-a", etag='W/"abc"', last_modified="Thu, 05 Mar 2026 08:00:00 GMT",
            cursor="12345", last_attempt=now, last_success=now - timedelta(hours=1), documents=42,
            errors=3, consecutive_errors=1, last_error="HTTP 503", next_attempt=now + timedelta(minutes=30),
            extra={"seen": ["a", "b"], "pages": 2},
        )
        assert store.get_source_state("feed-a") is None
        store.save_source_state(state)
        assert store.get_source_state("feed-a") == state
        updated = replace(state, consecutive_errors=0, last_error=None)
        store.save_source_state(updated)
        store.save_source_state(SourceState(source_id="bluesky"))
        assert store.source_states() == [SourceState(source_id="bluesky"), updated]


class TestSourceClaims:
    """One crawl per source at a time: a claim in the store, taken over only when stale."""

    NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)

    def test_a_second_crawl_is_told_who_holds_the_source(self, store: Store) -> None:
        until = self.NOW + timedelta(minutes=2)
        assert store.claim_source("feed-a", "host:1:a", until, self.NOW) is None
        assert store.claim_source("feed-a", "host:2:b", until, self.NOW) == "host:1:a"
        assert store.claim_source("feed-b", "host:2:b", until, self.NOW) is None  # other sources are free
        assert store.claim_source("feed-a", "host:1:a", until + timedelta(minutes=1), self.NOW) is None  # renewed
        store.release_source("feed-a", "host:2:b")  # not its own: left alone
        assert store.claim_source("feed-a", "host:2:b", until, self.NOW) == "host:1:a"
        store.release_source("feed-a", "host:1:a")
        assert store.claim_source("feed-a", "host:2:b", until, self.NOW) is None

    def test_a_stale_or_dead_claim_is_taken_over(self, store: Store) -> None:
        assert store.claim_source("feed-a", "host:1:a", self.NOW + timedelta(minutes=2), self.NOW) is None
        later = self.NOW + timedelta(minutes=3)
        assert store.claim_source("feed-a", "host:2:b", later + timedelta(minutes=2), later) is None
        assert store.claim_source("feed-a", "host:3:c", later, later, replace="host:9:z") == "host:2:b"
        assert store.claim_source("feed-a", "host:3:c", later, later, replace="host:2:b") is None

    def test_documents_are_counted_per_source(self, store: Store) -> None:
        docs = [RawDocument(id=f"d{i}", url=f"https://x.example/{i}", source_id="a" if i < 3 else "b",
                            source_type="rss", text=f"text {i}", collected=self.NOW) for i in range(5)]
        store.upsert_raw(docs)
        assert store.count_raw(source_id="a") == 3 and store.count_raw(source_id="b") == 2
        assert store.count_raw(source_id="c") == 0 and store.count_raw() == 5


class TestOutbox:
    NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)

    def message(self, key: str = "spike:val-thorens:2026-03-05T09") -> OutboxMessage:
        return OutboxMessage(key=key, channel="email", payload={"subject": "Spike", "n": 12},
                             created=self.NOW)

    def test_enqueue_same_key_once(self, store: Store) -> None:
        assert store.enqueue([self.message()]) == 1
        assert store.enqueue([self.message(), self.message("digest:2026-03-05")]) == 1
        assert {m.key for m in store.due_messages(self.NOW)} == {
            "spike:val-thorens:2026-03-05T09", "digest:2026-03-05",
        }

    def test_failure_then_retry_then_sent(self, store: Store) -> None:
        store.enqueue([self.message()])
        key = self.message().key
        retry = self.NOW + timedelta(minutes=10)
        store.mark_failed(key, "SMTP 451 try later", retry)
        assert store.due_messages(self.NOW) == []
        [due] = store.due_messages(retry)
        assert (due.attempts, due.last_error, due.payload) == (1, "SMTP 451 try later", {"subject": "Spike", "n": 12})
        store.mark_sent(key, retry)
        assert store.due_messages(retry + timedelta(days=1)) == []
        [sent] = store.sent_messages(since=self.NOW)
        assert (sent.key, sent.sent, sent.attempts) == (key, retry, 2)
        assert store.sent_messages(since=retry + timedelta(seconds=1)) == []
        # Sent already: enqueuing it again does not send it twice.
        assert store.enqueue([self.message()]) == 0
        assert store.due_messages(retry + timedelta(days=1)) == []


# ------------------------------------------------------------------ export / import


class TestTransfer:
    def test_export_import_round_trip(self, make_store) -> None:
        source, target = make_store(), make_store()
        load(source)
        exported = sorted((d.to_dict() for d in source.iter_documents()), key=lambda d: d["id"])
        assert len(exported) == 7
        assert target.import_documents(source.iter_documents()) == 7
        again = sorted((d.to_dict() for d in target.iter_documents()), key=lambda d: d["id"])
        assert again == exported
        for f in (IN_PERIOD, MentionFilter(), period(syndicated_once=True)):
            assert target.ranking(f) == source.ranking(f)
        assert target.volume(IN_PERIOD, "week") == source.volume(IN_PERIOD, "week")
        assert target.stats() == source.stats()
        # Importing twice changes nothing.
        target.import_documents(source.iter_documents())
        assert target.stats() == source.stats()

    def test_import_keeps_export_schema(self, store: Store) -> None:
        load(store)
        d3 = next(d for d in store.iter_documents() if d.doc.id == "d3").to_dict()
        assert d3["duplicate_of"] == "d1"
        assert d3["source"] == {"id": "feed-b", "type": "rss"}
        assert d3["published"] == (T0 + timedelta(days=2, hours=9)).isoformat()
        assert d3["places"][0]["text"] == "Val Thorens"
        assert d3["engagement"]["followers"] == 2000
        d4 = next(d for d in store.iter_documents() if d.doc.id == "d4").to_dict()
        assert d4["published"] is None


def test_unanalysed_documents_stay_out_of_queries_until_analysed(store: Store) -> None:
    d = raw("p1", D1_TEXT, source="feed-a", type_="rss", published=T0 + timedelta(days=1),
            author=None, followers=None)
    store.upsert_raw([d])
    assert store.ranking(IN_PERIOD) == []
    assert store.search("neige", MentionFilter()).total == 0
    assert [x.doc.id for x in store.iter_documents()] == []


def expected_counts(f: MentionFilter) -> dict[str, int]:
    """Count the corpus by hand: the reference every backend's ranking must equal."""
    out: dict[str, int] = {}
    for doc, a in corpus():
        if f.since is not None or f.until is not None:
            if doc.published is None:
                continue
            if f.since is not None and doc.published < f.since:
                continue
            if f.until is not None and doc.published >= f.until:
                continue
        if f.langs and a.lang not in f.langs:
            continue
        if f.source_types and doc.source_type not in f.source_types:
            continue
        for p in a.places:
            if f.watched_only and not p.territory:
                continue
            out[p.place_key] = out.get(p.place_key, 0) + 1
    return out


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (T0 + timedelta(days=1, hours=10, minutes=15), None),  # from d1's very second
        (T0 + timedelta(days=1, hours=10, minutes=16), T0 + timedelta(days=9, hours=15)),
        (T0 + timedelta(hours=5), T0 + timedelta(days=2, hours=9, seconds=1)),
        (None, T0 + timedelta(days=3, hours=8)),
        (T0 + timedelta(days=1, hours=11), T0 + timedelta(days=1, hours=12)),  # inside one day
        (T0 - timedelta(days=60), T0 + timedelta(days=60)),
    ],
)
@pytest.mark.parametrize(
    "filters",
    [{}, {"langs": ("fr",)}, {"source_types": ("rss", "reddit")}, {"watched_only": True}],
)
def test_any_period_counts_exactly(store: Store, since, until, filters: dict) -> None:
    load(store)
    f = MentionFilter(since=since, until=until, **filters)
    expected = expected_counts(f)
    assert counts(store.ranking(f, limit=100)) == expected
    assert store.share_of_voice(f).total == sum(expected.values())
    if since is not None or until is not None:
        assert sum(p.mentions for p in store.volume(f, "week")) == sum(expected.values())
        assert sum(p.mentions for p in store.volume(f, "hour")) == sum(expected.values())


def test_counts_follow_a_recrawl_that_moves_the_date(store: Store) -> None:
    load(store)
    d7 = corpus()[6][0]
    moved = replace(d7, published=T0 + timedelta(days=20), engagement=replace(d7.engagement, followers=9))
    store.upsert_raw([moved])
    assert counts(store.ranking(IN_PERIOD))["val-thorens"] == 3
    later = MentionFilter(since=T0 + timedelta(days=14), until=T0 + timedelta(days=30))
    [vt] = store.ranking(later)
    assert (vt.key, vt.mentions, vt.reach) == ("val-thorens", 1, 9)
    assert [(p.bucket, p.mentions) for p in store.volume(later, "day")] == [(T0 + timedelta(days=20), 1)]


class TestSearchOrder:
    def test_newest_first_undated_last(self, store: Store) -> None:
        load(store)
        page = store.search("Chamonix", MentionFilter(), size=50)
        assert [h.doc.id for h in page.hits] == ["d3", "d1", "d6", "d4"]
        assert not page.total_is_lower_bound
        assert [h.doc.id for h in store.search("", MentionFilter(), size=3).hits] == ["d5", "d2", "d7"]

    def test_pages_follow_the_same_order(self, store: Store) -> None:
        load(store)
        pages = [store.search("Thorens", MentionFilter(), page=n, size=1) for n in (1, 2, 3, 4)]
        assert [h.doc.id for p in pages for h in p.hits] == ["d2", "d7", "d3", "d1"]

    def test_relevance_order_finds_the_same_documents(self, store: Store) -> None:
        load(store)
        newest = store.search("neige OR pluie", MentionFilter(), size=50)
        relevant = store.search("neige OR pluie", MentionFilter(), size=50, order="relevance")
        assert ids(relevant) == ids(newest) == {"d1", "d3", "d6", "d7"}
        assert relevant.total == newest.total == 4

    def test_period_edges_are_exact_to_the_second(self, store: Store) -> None:
        load(store)
        d1 = T0 + timedelta(days=1, hours=10, minutes=15)
        assert "d1" in ids(store.search("Thorens", MentionFilter(since=d1), size=50))
        assert "d1" not in ids(store.search("Thorens", MentionFilter(since=d1 + timedelta(seconds=1))))
        assert "d1" not in ids(store.search("Thorens", MentionFilter(until=d1)))
        assert "d1" in ids(store.search("Thorens", MentionFilter(until=d1 + timedelta(seconds=1))))
        # A period leaves undated documents out, as the rankings do.
        assert "d4" not in ids(store.search("Chamonix", MentionFilter(until=UNTIL), size=50))
        assert "d4" not in ids(store.search("", MentionFilter(until=UNTIL), size=50))

    def test_search_follows_a_recrawl_that_moves_the_date(self, store: Store) -> None:
        load(store)
        d7 = corpus()[6][0]
        store.upsert_raw([replace(d7, published=T0 + timedelta(days=20))])
        assert "d7" not in ids(store.search("neige", IN_PERIOD))
        later = MentionFilter(since=T0 + timedelta(days=14), until=T0 + timedelta(days=30))
        assert ids(store.search("neige", later)) == {"d7"}
        assert store.search("neige", MentionFilter(), size=50).hits[0].doc.id == "d7"

    def test_reimport_keeps_search_in_step(self, make_store) -> None:
        source, target = make_store(), make_store()
        load(source)
        target.import_documents(source.iter_documents())
        target.import_documents(source.iter_documents())
        for query in ("neige", "Thorens lang:en", ""):
            assert [h.doc.id for h in target.search(query, MentionFilter(), size=50).hits] == [
                h.doc.id for h in source.search(query, MentionFilter(), size=50).hits
            ]
