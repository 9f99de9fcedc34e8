"""The data commands as a user runs them: extract, analyze, sources, export/import, reanalyze."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import run_placewatch

ARTICLE = """<!doctype html><html lang="fr"><head><title>Ouverture à Val Thorens</title>
<meta name="author" content="Claire Dumas">
<link rel="canonical" href="https://news.example.org/val-thorens?utm_source=x#top">
<meta property="article:published_time" content="2026-11-20T07:30:00+00:00"></head>
<body><nav>Accueil · Stations · Villes</nav><article><h1>Ouverture à Val Thorens</h1>
<p>La station de Val Thorens a ouvert ses pistes samedi, avec huit mille skieurs au rendez-vous
et une neige excellente sur tout le domaine des Trois Vallées.</p>
<p>Les remontées mécaniques ont tourné sans interruption et les moniteurs étaient ravis de cette
première journée, la plus fréquentée depuis plusieurs saisons.</p></article>
<section class="comments"><p>Courchevel c'est mieux !</p></section>
<footer>© 2026 Exemple</footer></body></html>"""


def test_extract_a_saved_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    result = run_placewatch("extract", str(page))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"url", "title", "text", "published", "author", "lang"}
    assert data["url"] == "https://news.example.org/val-thorens"
    assert data["title"] == "Ouverture à Val Thorens"
    assert "huit mille skieurs" in data["text"] and "Courchevel" not in data["text"]
    assert data["published"].startswith("2026-11-20") and data["lang"] == "fr"


def test_extract_refuses_a_binary_file_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "photo.html"
    junk.write_bytes(bytes(range(256)) * 40)
    result = run_placewatch("extract", str(junk))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert str(junk) in result.stderr


@pytest.mark.slow
def test_analyze_reports_bad_lines_and_processes_the_others() -> None:
    lines = "\n".join([
        json.dumps({"id": "a", "text": "We had a nice week in Nice, then drove to Val Thorens."}),
        "{not json",
        json.dumps({"id": "b", "text": "Nous partons au Chili en février.", "lang": "fr"}),
    ])
    result = run_placewatch("analyze", input=lines + "\n")
    assert result.returncode == 1
    assert "line 2" in result.stderr and "Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    text = "We had a nice week in Nice, then drove to Val Thorens."
    for place in out[0]["places"]:
        assert text[place["start"]:place["end"]] == place["text"]
    assert [p["start"] for p in out[0]["places"] if p["name"] == "Nice"] == [text.index("Nice")]
    assert {"Chile"} <= {p["name"] for p in out[1]["places"]}
    assert out[0]["sentiment"]["label"] in ("positive", "neutral", "negative")


@pytest.mark.slow
def test_sources_json_on_demo_data(demo_data: Path) -> None:
    result = run_placewatch("--config", str(demo_data / "placewatch.toml"), "sources", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"] for r in rows} == {"demo-feed", "demo-sitemap"}
    assert all(r["last_success"] and r["consecutive_errors"] == 0 for r in rows)
    # The feed and the sitemap list the same pages: whichever meets a page first collects it.
    assert sum(r["documents"] for r in rows) >= 80


@pytest.mark.slow
def test_export_then_import_into_a_new_store_changes_nothing(demo_data: Path, tmp_path: Path) -> None:
    config = demo_data / "placewatch.toml"
    dump = tmp_path / "all.jsonl"
    exported = run_placewatch("--config", str(config), "export", str(dump))
    assert exported.returncode == 0, exported.stderr
    lines = dump.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 60 and json.loads(lines[0])["source"]["type"] in ("rss", "sitemap")
    other = tmp_path / "other.toml"
    other.write_text(config.read_text(encoding="utf-8").replace(
        'path = "placewatch.db"', 'path = "copy.db"'), encoding="utf-8")
    assert 'path = "copy.db"' in other.read_text(encoding="utf-8")
    imported = run_placewatch("--config", str(other), "import", str(dump))
    assert imported.returncode == 0, imported.stderr
    tops = [run_placewatch("--config", str(c), "top", "--since", "80d", "--json").stdout for c in (config, other)]
    a, b = (json.loads(t) for t in tops)
    assert a["places"] == b["places"] and a["share_of_voice"] == b["share_of_voice"]


@pytest.mark.slow
def test_reanalyze_shows_progress_and_keeps_counts(demo_data: Path, tmp_path: Path) -> None:
    work = tmp_path / "copy"
    shutil.copytree(demo_data, work)
    config = str(work / "placewatch.toml")
    before = json.loads(run_placewatch("--config", config, "top", "--since", "80d", "--json").stdout)
    result = run_placewatch("--config", config, "reanalyze", "--all")
    assert result.returncode == 0, result.stderr
    assert "re-analysed 87 documents" in result.stdout and "reanalyze" in result.stderr  # the progress bar
    after = json.loads(run_placewatch("--config", config, "top", "--since", "80d", "--json").stdout)
    assert after["places"] == before["places"]


@pytest.mark.slow
def test_reanalyze_after_adding_a_competitor_reads_only_what_can_mention_it(demo_data: Path, tmp_path: Path) -> None:
    work = tmp_path / "copy"
    shutil.copytree(demo_data, work)
    config = work / "placewatch.toml"
    unchanged = run_placewatch("--config", str(config), "reanalyze")
    assert unchanged.returncode == 0, unchanged.stderr
    assert "nothing to re-analyse" in unchanged.stdout
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[[sources]]", MERIBEL + "\n[[sources]]", 1), encoding="utf-8")
    result = run_placewatch("--config", str(config), "reanalyze")
    assert result.returncode == 0, result.stderr
    assert "reanalyze" in result.stderr and "100%" in result.stderr  # the progress bar
    changed = int(result.stdout.split("re-analysed ", 1)[1].split()[0])
    assert 0 < changed < 87 // 4, result.stdout  # the documents that can say Méribel, not all 87
    top = json.loads(run_placewatch("--config", str(config), "top", "--since", "80d", "--group", "alps",
                                    "--json").stdout)
    shares = {t["territory"]: t["mentions"] for t in top["share_of_voice"][0]["territories"]}
    assert shares.get("meribel", 0) >= 1
    again = run_placewatch("--config", str(config), "reanalyze")
    assert "nothing to re-analyse" in again.stdout


MERIBEL = """[[territories]]
id = "meribel"
name = "Méribel"
kind = "resort"
aliases = ["Meribel", "#meribel"]
groups = ["alps"]
"""
