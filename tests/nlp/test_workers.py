"""Analysis on several cores: worker processes give what one Analyzer gives, in the same order."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from config import Config, NlpConfig
from core.errors import AnalysisError
from indexer import SqliteStore
from nlp import AnalysisPool, Analyzer, analyses_for, analysis_processes, enrich_pending
from nlp.workers import MIN_DOCUMENTS, available_cores
from tests.helpers import WATCHLIST
from tests.nlp.test_reanalysis import raw

TEXTS = [
    ("Week-end à Val Thorens, neige parfaite et pistes damées.", None, None),
    ("We had a nice week in Nice, then drove to Val Thorens.", None, "en"),
    ("Le lac d'Annecy sous la pluie, mais quelle vue !", "Annecy", None),
    ("", None, None),
    ("   ", None, None),
    ("Chamonix FC a perdu, Chamonix sous la neige.", None, "fr"),
    ("Nous partons au Chili en février, puis à Saint-Étienne.", None, None),
    ("Paris Hilton was seen in Paris, Texas.", None, "en"),
]
CONFIG = Config(territories=WATCHLIST, nlp=NlpConfig(processes=2))


def test_processes_are_one_per_core_unless_configured() -> None:
    assert analysis_processes(Config()) == available_cores() >= 1
    assert analysis_processes(CONFIG) == 2


def test_few_documents_are_analysed_in_this_process(analyzer: Analyzer) -> None:
    with analyses_for(CONFIG, MIN_DOCUMENTS - 1, analyzer) as analyses:
        assert analyses is analyzer
    with analyses_for(replace(CONFIG, nlp=NlpConfig(processes=1)), 10**6, analyzer) as analyses:
        assert analyses is analyzer
    with analyses_for(CONFIG, MIN_DOCUMENTS, analyzer) as analyses:
        assert isinstance(analyses, AnalysisPool) and analyses.processes == 2
        assert analyses.territories == analyzer.territories


@pytest.mark.slow
def test_two_worker_processes_give_what_one_analyzer_gives(analyzer: Analyzer, tmp_path: Path) -> None:
    texts = TEXTS * 40  # 320: several batches in flight on each worker
    expected = list(analyzer.analyze_many(texts))
    with AnalysisPool(CONFIG, 2) as pool:
        assert list(pool.analyze_many(texts)) == expected
        # enrich over a store through the pool: each document once, all of them saved
        store = SqliteStore(tmp_path / "pw.db")
        store.setup()
        docs = [raw(f"d{i}", text, title) for i, (text, title, _) in enumerate(texts)]
        store.upsert_raw(docs)
        report = enrich_pending(store, pool, batch_size=50)
    assert report.documents == len(docs)
    assert store.stats().pending == 0
    saved = {e.doc.id: e.analysis for e in store.iter_documents()}
    one = {d.id: a for d, a in zip(docs, analyzer.analyze_many((d.text, d.title, d.lang) for d in docs), strict=True)}
    assert saved == one


@pytest.mark.slow
def test_a_worker_that_dies_is_one_clear_error() -> None:
    class Dying(AnalysisPool):
        def _pool(self):  # type: ignore[no-untyped-def]
            pool = super()._pool()
            pool.submit(os._exit, 9)  # as the out-of-memory killer would
            return pool

    with Dying(CONFIG, 2) as pool, pytest.raises(AnalysisError, match=r"\[nlp\] processes"):
        list(pool.analyze_many(TEXTS * 30))
