"""The rendered demo config loads with the real config loader and points at the served site."""

from __future__ import annotations

from pathlib import Path

from config import Config, load_config
from placewatch.demo_site import render_config


def test_demo_config_loads(demo_config: Config) -> None:
    assert len(demo_config.territories) == 10
    groups = {g.id: g for g in demo_config.groups}
    assert set(groups["alps"].territories) == {
        "val-thorens",
        "courchevel",
        "tignes",
        "les-arcs",
        "chamonix",
        "alpe-d-huez",
    }
    assert set(groups["cities"].territories) == {"nice", "annecy", "lyon", "bordeaux"}
    assert demo_config.ui.territory == "les-arcs"
    assert all(not t.exclude for t in demo_config.territories)


def test_sources_point_at_the_site(tmp_path: Path) -> None:
    path = tmp_path / "placewatch.toml"
    path.write_text(render_config("http://127.0.0.1:8123/", tmp_path / "x.db"), "utf-8")
    config = load_config(path, env={})
    assert {(s.type, s.url) for s in config.sources} == {
        ("rss", "http://127.0.0.1:8123/feed.xml"),
        ("sitemap", "http://127.0.0.1:8123/sitemap.xml"),
    }
    assert config.store.backend == "sqlite"
    assert config.store.path == tmp_path / "x.db"


def test_awkward_database_paths_survive_toml_quoting(tmp_path: Path) -> None:
    db = tmp_path / 'dir with "quotes" and \\ backslash' / "placewatch.db"
    path = tmp_path / "placewatch.toml"
    path.write_text(render_config("http://127.0.0.1:9", db), "utf-8")
    assert load_config(path, env={}).store.path == db
