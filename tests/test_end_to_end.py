"""The whole path on the demo site: real Scrapy crawl on loopback → spaCy → SQLite → ranking."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import load_config
from tests.helpers import run_placewatch

pytestmark = pytest.mark.slow


def test_demo_prints_a_ranking_with_the_spiking_resort_first(demo_data: Path) -> None:
    output = (demo_data / "demo-output.txt").read_text(encoding="utf-8")
    assert "Most talked-about places, last 7 days" in output
    seven_days = output.split("Most talked-about places, last 7 days", 1)[1]
    first_row = next(line for line in seven_days.splitlines() if line.strip().startswith("1 "))
    assert "Les Arcs" in first_row
    assert (demo_data / "placewatch.toml").exists() and (demo_data / "placewatch.db").exists()


def test_demo_keeps_the_weeks_spike_as_an_alert_without_smtp(demo_data: Path) -> None:
    from indexer import SqliteStore

    output = (demo_data / "demo-output.txt").read_text(encoding="utf-8")
    assert "kept, not emailed: no SMTP configured" in output
    store = SqliteStore(demo_data / "placewatch.db")
    kept = store.due_messages(datetime.now(UTC))
    store.close()
    arcs = [m for m in kept if m.payload.get("alert", {}).get("territory") == "les-arcs"]
    assert arcs and arcs[0].sent is None and arcs[0].attempts == 0
    assert arcs[0].payload["alert"]["observed"] >= 5


def test_top_json_on_demo_data(demo_data: Path) -> None:
    result = run_placewatch("--config", str(demo_data / "placewatch.toml"), "top", "--since", "7d", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    places = report["places"]
    assert places[0]["name"] == "Les Arcs" and places[0]["territory"] == "les-arcs"
    assert places[0]["mentions"] >= 10
    assert report["total_mentions"] >= sum(p["mentions"] for p in places[:1])
    alps = next(g for g in report["share_of_voice"] if g["group"] == "alps")
    assert alps["territories"][0]["territory"] == "les-arcs"
    assert abs(sum(t["share"] for t in alps["territories"]) - 1.0) < 0.01
    assert alps["total"] == sum(t["mentions"] for t in alps["territories"])


def test_over_two_months_the_steady_leaders_lead(demo_data: Path) -> None:
    result = run_placewatch("--config", str(demo_data / "placewatch.toml"), "top", "--since", "80d",
                            "--group", "alps", "--json")
    assert result.returncode == 0, result.stderr
    alps = json.loads(result.stdout)["share_of_voice"][0]["territories"]
    leaders = {t["territory"] for t in alps[:3]}
    assert {"val-thorens", "courchevel"} & leaders


def test_hard_cases_are_not_counted_as_places(demo_data: Path) -> None:
    """'nice' the adjective, chili the dish and Paris Hilton add no mention to Nice, Chile or Paris."""
    from indexer import MentionFilter, SqliteStore
    from placewatch.demo_site import load_corpus

    config = load_config(demo_data / "placewatch.toml")
    store = SqliteStore(config.store.path)
    corpus = {item.slug: item for item in load_corpus()}
    nice_docs = [d for d in store.iter_documents() if "nice" in d.doc.text.lower()]
    assert nice_docs
    for enriched in nice_docs:
        slug = enriched.doc.url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
        gold = set(corpus[slug].places) if slug in corpus else None
        found = {p.territory for p in enriched.analysis.places if p.territory}
        if gold is not None:
            assert ("nice" in found) == ("nice" in gold), (slug, found, gold)
    store.close()
    assert MentionFilter  # the filter type is part of the public API used above


def test_second_crawl_and_enrich_add_nothing(tmp_path: Path) -> None:
    """Collecting and analysing the same site twice never counts anything twice."""
    from crawlers import crawl_in_subprocess
    from indexer import SqliteStore
    from nlp import build_analyzer, enrich_pending
    from placewatch.demo import write_demo_config
    from placewatch.demo_site import DemoSite

    with DemoSite(reference=datetime.now(UTC)) as site:
        config = load_config(write_demo_config(tmp_path, site.base_url))
        analyzer = build_analyzer(config)
        crawl_in_subprocess(config)
        store = SqliteStore(config.store.path)
        first = enrich_pending(store, analyzer)
        stats1 = store.stats()
        assert stats1.documents >= 60 and stats1.mentions > 60
        assert first.documents == stats1.documents
        crawl_in_subprocess(config)
        second = enrich_pending(store, analyzer)
        stats2 = store.stats()
        store.close()
    assert second.documents == 0
    assert stats2 == stats1


def test_demo_ends_by_serving_the_dashboard(tmp_path: Path) -> None:
    """Without --no-dashboard, `placewatch demo` serves the dashboard on 127.0.0.1 until stopped."""
    import signal
    import subprocess
    import time
    import urllib.request

    from tests.dashboard.browser import free_port
    from tests.helpers import placewatch_cmd

    port = free_port()
    proc = subprocess.Popen(
        [*placewatch_cmd(), "demo", "--data-dir", str(tmp_path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            raise AssertionError("the dashboard never answered")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert "Most talked-about places" in out
    assert f"http://127.0.0.1:{port}" in out
