"""Shared fixtures for the demo site tests: one fixed reference date, the corpus, the config."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from config import Config, load_config
from placewatch.demo_site import CorpusItem, DemoSite, load_corpus, render_config

REFERENCE = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def corpus() -> tuple[CorpusItem, ...]:
    return load_corpus()


@pytest.fixture(scope="session")
def demo_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    folder = tmp_path_factory.mktemp("demo-config")
    path = folder / "placewatch.toml"
    path.write_text(render_config("http://127.0.0.1:9", folder / "placewatch.db"), "utf-8")
    return load_config(path, env={})


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(reference=REFERENCE) as running:
        yield running


@pytest.fixture(scope="session")
def names(demo_config: Config) -> dict[str, tuple[str, ...]]:
    """Every territory id with the names and aliases a text may use for it."""
    return {t.id: (t.name, *t.aliases) for t in demo_config.territories}
