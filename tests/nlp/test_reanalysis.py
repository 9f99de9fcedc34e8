"""After a watchlist change, only what the change can affect is analysed again, and the result is
what a full pass gives: the full-text index finds every text the matcher can find a name in."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from config import Territory, load_config
from core.models import Analysis, Engagement, PlaceMention, RawDocument, Sentiment
from indexer import MentionFilter, SqliteStore, Store
from nlp.changes import fingerprint, index_may_misread, watchlist_change, watchlist_entries
from nlp.enrich import (
    plan_update,
    reanalyze,
    save_labelled,
    update_analyses,
)
from nlp.pipeline import territory_config
from nlp.watchlist import WatchlistMatcher
from tests.helpers import WATCHLIST

if TYPE_CHECKING:
    from nlp import Analyzer

TERRITORIES = (
    *WATCHLIST,
    Territory(id="les-arcs", name="Les Arcs", kind="resort", aliases=("Arc 1800", "#lesarcs")),
    Territory(id="grand-bornand", name="Le Grand-Bornand", kind="resort"),
    Territory(id="sainte-foy", name="Sainte-Foy-Tarentaise", kind="resort", aliases=("Ste Foy",)),
    Territory(id="mont-blanc", name="Mont Blanc", kind="site"),
)

# Spellings the matcher finds (accents, case, elisions, Saint/St, contractions, hashtags,
# words written together, odd separators) and texts it must not find anything in.
TEXTS = [
    "Week-end à Val Thorens", "VAL THORENS ouvre samedi", "val-thorens en février", "Vive #ValThorens !",
    "merci @valthorens", "on monte à Val Tho demain", "Val  -  Thorens", "Val__Thorens", "VAL.THORENS",
    "Val\u00a0Thorens sous la neige", "le lac d'Annecy", "le lac d’Annecy", "montée de l'Alpe d'Huez",
    "grimper l’Alpe d’Huez", "Alpe-d'Huez", "#alpedhuez", "match à Saint-Étienne", "match à St Etienne",
    "match à St-Étienne", "match à ST. ETIENNE", "SaintEtienne", "#SaintÉtienne", "St.Etienne",
    "Saint\u2011Étienne", "séjour aux Arcs", "retour des Arcs", "#LesArcs", "ARC 1800 ouvert",
    "arc1800 powder", "au Grand-Bornand", "du Grand Bornand", "#legrandbornand",
    "Ste-Foy-Tarentaise", "SainteFoyTarentaise", "Ste. Foy", "le Mt Blanc", "Mont-Blanc", "Mt.Blanc",
    "montblanc", "Chamonix FC a gagné", "Nice weather in Nice", "nothing here", "Valthorensia",
    "Annecyville", "interval thorens",
]
# The matcher folds these letters through a compatibility mapping; the index keeps them.
MISREAD_TEXTS = ["𝐕𝐚𝐥 𝐓𝐡𝐨𝐫𝐞𝐧𝐬 💙", "Ａｎｎｅｃｙ", "le lac dʼAnnecy"]


def raw(doc_id: str, text: str, title: str | None = None) -> RawDocument:
    from datetime import UTC, datetime

    return RawDocument(id=doc_id, url=f"https://example.org/{doc_id}", source_id="feed",
                       source_type="rss", text=text, title=title,
                       collected=datetime(2026, 1, 5, tzinfo=UTC), engagement=Engagement())


def mention_of(doc: RawDocument, territory: Territory) -> Analysis:
    """An analysis naming `territory` where the matcher finds it (no NLP: the store's side)."""
    hits = WatchlistMatcher(territory_config([territory])).find(doc.text)
    places = tuple(PlaceMention(text=h.text, start=h.start, end=h.end, name=territory.name,
                                territory=territory.id, kind=territory.kind, confidence=0.9) for h in hits)
    return Analysis("fr", Sentiment(), places)


def store_of(tmp_path: Path, texts: list[str], label: str | None = "w0") -> SqliteStore:
    store = SqliteStore(tmp_path / "pw.db")
    store.setup()
    docs = [raw(f"d{i}", t) for i, t in enumerate(texts)]
    store.upsert_raw(docs)
    store.save_analyses([(d, Analysis("fr", Sentiment())) for d in docs], watchlist=label)
    return store


def test_the_index_finds_every_text_the_matcher_finds_a_name_in(tmp_path: Path) -> None:
    store = store_of(tmp_path, TEXTS + MISREAD_TEXTS)
    by_id = {f"d{i}": t for i, t in enumerate(TEXTS + MISREAD_TEXTS)}
    for territory in TERRITORIES:
        entry = watchlist_entries([territory])
        change = watchlist_change([], entry)
        found = set(store.reanalysis_candidates("w0", change.phrases, []))
        matched = {i for i, t in by_id.items() if WatchlistMatcher(territory_config([territory])).find(t)}
        missed = {by_id[i] for i in matched - found}
        assert missed == {t for t in missed if t in MISREAD_TEXTS}, (territory.id, missed)
        # and not much more: the phrases are the name's own words
        assert len(found - matched) <= 2, (territory.id, {by_id[i] for i in found - matched})
    assert sum(bool(WatchlistMatcher(territory_config(TERRITORIES)).find(t)) for t in TEXTS) >= 38


def test_texts_the_index_may_misread_are_told_apart() -> None:
    assert all(index_may_misread(t) for t in MISREAD_TEXTS)
    assert not any(index_may_misread(t) for t in TEXTS)
    assert not index_may_misread("Appartement 50 m², vue sur le Mont-Blanc… 1er étage, nº 4"[:40])
    assert not index_may_misread("")


def test_a_change_names_what_it_touches() -> None:
    vt, annecy, chamonix = WATCHLIST[0], WATCHLIST[2], WATCHLIST[5]
    old = watchlist_entries([vt, annecy, chamonix])

    def change(*territories: Territory) -> tuple[set[str], set[str]]:
        c = watchlist_change(old, watchlist_entries(territories))
        return set(c.changed), set(c.removed)

    assert change(vt, annecy, chamonix) == (set(), set())
    assert not watchlist_change(old, old)
    assert change(replace(vt, groups=("other",)), annecy, chamonix) == (set(), set())  # groups: no analysis
    assert change(vt, annecy) == ({"chamonix"}, {"chamonix"})
    assert change(vt, annecy, chamonix, TERRITORIES[-1]) == ({"mont-blanc"}, set())
    assert change(replace(vt, aliases=("VT",)), annecy, chamonix) == ({"val-thorens"}, set())
    assert change(vt, annecy, replace(chamonix, exclude=())) == ({"chamonix"}, set())
    assert change(vt, replace(annecy, lat=46.0), chamonix) == ({"annecy"}, set())
    assert change(annecy, vt, chamonix) == ({"annecy", "val-thorens"}, set())  # order decides ties
    phrases = watchlist_change(old, watchlist_entries([replace(vt, name="Val-Tho"), annecy, chamonix])).phrases
    assert ("val", "thorens") in phrases and ("valthorens",) in phrases and ("val", "tho") in phrases
    assert ("annecy",) not in phrases
    assert fingerprint(old) == fingerprint(watchlist_entries([vt, annecy, chamonix]))
    assert fingerprint(old) != fingerprint(watchlist_entries([vt, chamonix, annecy]))


def test_an_unchanged_watchlist_re_analyses_nothing(tmp_path: Path) -> None:
    store = store_of(tmp_path, TEXTS, label=fingerprint(watchlist_entries(TERRITORIES)))
    plan = plan_update(store, TERRITORIES)
    assert not plan and plan.documents == [] and plan.adopted == 0


def test_adding_a_territory_plans_the_documents_that_can_name_it(tmp_path: Path) -> None:
    store = store_of(tmp_path, TEXTS, label=None)
    store.remember_watchlist("", watchlist_entries(WATCHLIST))
    plan = plan_update(store, TERRITORIES[:7])  # Les Arcs added
    assert plan.changed == {"les-arcs"} and not plan.removed
    texts = sorted(TEXTS[int(i[1:])] for i in plan.documents)
    assert texts == sorted(["séjour aux Arcs", "retour des Arcs", "#LesArcs", "ARC 1800 ouvert", "arc1800 powder"])


def test_analyses_made_before_labels_are_taken_as_made_with_the_current_watchlist(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = store_of(tmp_path, TEXTS, label=None)
    with caplog.at_level(logging.WARNING, logger="nlp.enrich"):
        plan = plan_update(store, TERRITORIES)
        assert not plan and plan.adopted == len(TEXTS)
        assert "reanalyze --all" in caplog.text
        caplog.clear()
        assert plan_update(store, TERRITORIES).adopted == 0
        assert caplog.text == ""
    assert plan_update(store, TERRITORIES[1:]).removed == {"val-thorens"}


def test_misread_texts_are_labelled_apart_and_always_read_again(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "pw.db")
    store.setup()
    docs = [raw(f"d{i}", t) for i, t in enumerate(["Week-end à Val Thorens", "rien", *MISREAD_TEXTS])]
    store.upsert_raw(docs)
    label = fingerprint(watchlist_entries(WATCHLIST))
    save_labelled(store, [(d, Analysis("fr", Sentiment())) for d in docs], label)
    assert store.analyses_by_watchlist() == {label: 2, label + "*": 3}
    assert not plan_update(store, WATCHLIST)
    plan = plan_update(store, (*WATCHLIST, TERRITORIES[-1]))  # Mont Blanc added: in none of them
    assert sorted(plan.documents) == ["d2", "d3", "d4"]


class NoAnalysis:
    """Analyses nothing: what is left after it fails was done without NLP."""

    def __init__(self, territories: tuple[Territory, ...]) -> None:
        self.territories = territories

    def analyze_many(self, items: object) -> Iterator[Analysis]:
        raise RuntimeError("no analysis here")


@pytest.mark.slow
def test_a_removed_territory_loses_its_mentions_before_any_analysis(tmp_path: Path, analyzer: Analyzer) -> None:
    from nlp import Analyzer

    texts = ["Séjour à Chamonix et à Annecy.", "Week-end à Annecy.", "Rien à voir."]
    store = SqliteStore(tmp_path / "pw.db")
    store.setup()
    store.upsert_raw(raw(f"d{i}", t) for i, t in enumerate(texts))
    reanalyze(store, analyzer)
    assert [p.territory for p in analyses(store)["d0"].places] == ["chamonix", "annecy"]
    fewer = tuple(t for t in WATCHLIST if t.id != "chamonix")
    plan = plan_update(store, fewer)
    assert plan.removed == {"chamonix"} and plan.documents == ["d0"]
    with pytest.raises(RuntimeError, match="no analysis"):
        update_analyses(store, NoAnalysis(fewer), plan)
    assert [p.territory for p in analyses(store)["d0"].places] == ["annecy"]
    assert {p.key for p in store.ranking(MentionFilter(), 10)} == {"annecy"}
    plan = plan_update(store, fewer)  # the document is still to be analysed again
    assert plan.documents == ["d0"]
    report = update_analyses(store, Analyzer(fewer), plan)
    assert (report.documents, report.dropped) == (1, 0)
    updated = analyses(store)
    reanalyze(store, Analyzer(fewer))
    assert updated == analyses(store)


# ---------------------------------------------------------------- the demo store


def demo_watchlist_changed(territories: tuple[Territory, ...]) -> tuple[Territory, ...]:
    """Méribel and Genève added (Genève is a gazetteer place until then), L'Alpe d'Huez renamed,
    an alias of Les Arcs and the whole of Nice removed (a gazetteer place again after)."""
    out = []
    for t in territories:
        if t.id == "nice":
            continue
        if t.id == "alpe-d-huez":
            t = replace(t, name="L'Alpe d'Huez", aliases=tuple(a for a in t.aliases if a != "L'Alpe d'Huez"))
        if t.id == "les-arcs":
            t = replace(t, aliases=tuple(a for a in t.aliases if a != "Arc 1950"))
        out.append(t)
    out.insert(3, Territory(id="meribel", name="Méribel", kind="resort", aliases=("Meribel", "#meribel"),
                            groups=("alps",)))
    out.append(Territory(id="geneve", name="Genève", kind="city", aliases=("Geneva", "Genf")))
    return tuple(out)


def analyses(store: Store) -> dict[str, Analysis]:
    return {e.doc.id: e.analysis for e in store.iter_documents()}


@pytest.mark.slow
def test_on_the_demo_store_the_update_equals_a_full_pass(demo_data: Path, tmp_path: Path) -> None:
    from nlp import Analyzer

    config = load_config(demo_data / "placewatch.toml")
    changed = demo_watchlist_changed(config.territories)
    for name in ("full", "update"):
        shutil.copy(demo_data / "placewatch.db", tmp_path / f"{name}.db")
    new = Analyzer(changed)
    with SqliteStore(tmp_path / "full.db") as full, SqliteStore(tmp_path / "update.db") as store:
        total = full.stats().analysed
        reanalyze(full, new)
        plan = plan_update(store, changed)
        assert plan.changed == {"meribel", "geneve", "alpe-d-huez", "les-arcs", "nice"}
        assert plan.removed == {"nice"}
        assert 0 < len(plan.documents) < total // 2
        # interrupted after the first batch, then run again: it goes on where it stopped
        with pytest.raises(KeyboardInterrupt):
            update_analyses(store, new, plan, progress=interrupt, batch_size=5)
        again = plan_update(store, changed)
        assert len(again.documents) == len(plan.documents) - 5
        update_analyses(store, new, again)
        assert not plan_update(store, changed)
        updated, expected = analyses(store), analyses(full)
        assert updated.keys() == expected.keys() and len(updated) == total
        assert [k for k in expected if updated[k] != expected[k]] == []
        everything = MentionFilter()
        assert store.ranking(everything, 50) == full.ranking(everything, 50)
        ranked = {p.key: p.mentions for p in store.ranking(everything, 50)}
        assert ranked.get("geneve", 0) > 0 and ranked.get("meribel", 0) > 0 and "nice" not in ranked
        assert "geonames:2990440" in ranked  # Nice, a gazetteer place again


def interrupt(n: int) -> None:
    raise KeyboardInterrupt
