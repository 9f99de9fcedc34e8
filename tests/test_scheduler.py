"""`placewatch run`: scheduled crawl, enrich and alert jobs; a clean stop on SIGTERM and SIGINT."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import load_config
from scheduler import build_scheduler
from tests.helpers import placewatch_cmd

CONFIG = """
[store]
path = "pw.db"

[crawl]
enrich_every = "2s"

[alerts]
every = "3s"

[[territories]]
id = "les-arcs"
name = "Les Arcs"
kind = "resort"

[[territories]]
id = "val-thorens"
name = "Val Thorens"
kind = "resort"

[[sources]]
id = "demo-feed"
type = "rss"
url = "{base_url}/feed.xml"
every = "5s"

[[sources]]
id = "paused"
type = "rss"
url = "{base_url}/feed.xml"
enabled = false
"""


def test_scheduler_has_one_job_per_enabled_source_and_the_enrich_and_alert_jobs(tmp_path: Path) -> None:
    path = tmp_path / "placewatch.toml"
    path.write_text(CONFIG.replace("{base_url}", "http://127.0.0.1:9"), encoding="utf-8")
    scheduler = build_scheduler(load_config(path))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"crawl:demo-feed", "enrich", "alerts"}
    assert jobs["crawl:demo-feed"].trigger.interval.total_seconds() == 5
    assert jobs["enrich"].trigger.interval.total_seconds() == 2


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_collects_analyses_and_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    from indexer import SqliteStore
    from placewatch.demo_site import DemoSite

    with DemoSite(reference=datetime.now(UTC)) as site:
        path = tmp_path / "placewatch.toml"
        path.write_text(CONFIG.replace("{base_url}", site.base_url), encoding="utf-8")
        proc = subprocess.Popen(
            [*placewatch_cmd(), "--config", str(path), "run"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            store = SqliteStore(tmp_path / "pw.db")
            deadline = time.monotonic() + 300
            stats = None
            while time.monotonic() < deadline:
                if (tmp_path / "pw.db").exists():
                    stats = store.stats()
                    if stats.analysed >= 60:
                        break
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(1)
            assert stats is not None and stats.analysed >= 60, stats
            state = store.get_source_state("demo-feed")
            assert state is not None and state.last_success is not None
            store.close()
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err
    assert "placewatch stopped" in out
    assert "Traceback" not in err, err[err.index("Traceback") - 2000 :]


WATCHLIST_CHANGED = """
[store]
path = "pw.db"

[crawl]
enrich_every = "2s"

[alerts]
every = "1h"

[[territories]]
id = "val-thorens"
name = "Val Thorens"
kind = "resort"

[[territories]]
id = "meribel"
name = "Méribel"
kind = "resort"
aliases = ["#meribel"]
"""


@pytest.mark.slow
def test_run_applies_a_watchlist_change_by_itself(tmp_path: Path) -> None:
    """Méribel added to the config file: `placewatch run` re-analyses what can mention it at start."""
    from core.models import Analysis, Sentiment
    from indexer import SqliteStore
    from nlp.changes import fingerprint, watchlist_entries
    from tests.nlp.test_reanalysis import raw

    path = tmp_path / "placewatch.toml"
    path.write_text(WATCHLIST_CHANGED, encoding="utf-8")
    config = load_config(path)
    before = watchlist_entries([t for t in config.territories if t.id != "meribel"])
    store = SqliteStore(tmp_path / "pw.db")
    store.setup()
    docs = [raw("d1", "Première neige à Méribel ce matin, les pistes ouvrent samedi."),
            raw("d2", "Val Thorens ouvre samedi."), raw("d3", "Rien de neuf à la montagne.")]
    store.upsert_raw(docs)
    store.remember_watchlist(fingerprint(before), before)
    store.save_analyses([(d, Analysis("fr", Sentiment())) for d in docs], watchlist=fingerprint(before))
    now = fingerprint(watchlist_entries(config.territories))
    proc = subprocess.Popen([*placewatch_cmd(), "--config", str(path), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and store.analyses_by_watchlist().get(now) != 1:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(1)
        assert store.analyses_by_watchlist() == {now: 1, fingerprint(before): 2}
        d1 = next(e.analysis for e in store.iter_documents() if e.doc.id == "d1")
        assert [p.territory for p in d1.places] == ["meribel"]
        store.close()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "watchlist changed (added or edited: meribel)" in err and "re-analysing the 1 documents" in err
    assert "watchlist change: 1/1 documents" in err and "watchlist change applied" in err
    assert err.count("watchlist changed") == 1  # noticed once, not at every enrich run


@pytest.mark.slow
def test_a_stop_mid_pass_ends_it_after_the_batch_at_hand(tmp_path: Path) -> None:
    """SIGTERM during a long watchlist pass (worker processes): a clean stop, and the next
    `reanalyze` reads only what the pass had not reached."""
    from core.models import Analysis, Sentiment
    from indexer import SqliteStore
    from nlp.changes import fingerprint, watchlist_entries
    from tests.helpers import run_placewatch
    from tests.nlp.test_reanalysis import raw

    path = tmp_path / "placewatch.toml"
    path.write_text(WATCHLIST_CHANGED + "\n[nlp]\nprocesses = 2\n", encoding="utf-8")
    config = load_config(path)
    before = watchlist_entries([t for t in config.territories if t.id != "meribel"])
    store = SqliteStore(tmp_path / "pw.db")
    store.setup()
    docs = [raw(f"d{i:03d}", f"Jour {i} à Méribel : neige fraîche, pistes damées et grand soleil.")
            for i in range(1500)]  # six batches: the pass cannot end between the first one and the signal
    store.upsert_raw(docs)
    store.remember_watchlist(fingerprint(before), before)
    store.save_analyses([(d, Analysis("fr", Sentiment())) for d in docs], watchlist=fingerprint(before))
    now = fingerprint(watchlist_entries(config.territories))
    proc = subprocess.Popen([*placewatch_cmd(), "--config", str(path), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not store.analyses_by_watchlist().get(now):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "enrich stopped before the end of its pass" in err and "Traceback" not in err, err
    done = store.analyses_by_watchlist().get(now, 0)
    store.close()
    assert 0 < done < len(docs)
    rest = run_placewatch("--config", str(path), "reanalyze", timeout=600)
    assert rest.returncode == 0, rest.stderr
    assert f"re-analysed {len(docs) - done} documents" in rest.stdout
