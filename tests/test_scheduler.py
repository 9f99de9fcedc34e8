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
