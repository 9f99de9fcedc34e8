"""Shared fixtures: the shared datasets, an output folder, the demo data built once per session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import REPO, WATCHLIST, run_placewatch

if TYPE_CHECKING:
    from nlp import Analyzer

DATASETS = REPO.parent / "shared" / "datasets"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the demo pipeline's data is marked `demo`: `make test-fast` skips it."""
    for item in items:
        if "demo_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.demo)


@pytest.fixture(scope="session")
def datasets() -> Path:
    if not DATASETS.exists():
        pytest.skip(f"shared datasets not found at {DATASETS}")
    return DATASETS


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave artefacts a person may want to look at (screenshots)."""
    path = Path(os.environ.get("PLACEWATCH_TEST_OUTPUT", REPO / "test-output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo pipeline run once for the session: DIR with placewatch.toml and placewatch.db."""
    data_dir = tmp_path_factory.mktemp("demo")
    result = run_placewatch("demo", "--no-dashboard", "--data-dir", str(data_dir), timeout=900)
    if result.returncode != 0:
        raise AssertionError(f"placewatch demo failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    (data_dir / "demo-output.txt").write_text(result.stdout, encoding="utf-8")
    return data_dir


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """One Analyzer with the small watchlist above, loaded once per session."""
    from nlp import Analyzer

    return Analyzer(WATCHLIST)


@pytest.fixture(scope="session")
def dashboard_data(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo data dir (French UI, territory Les Arcs) with a hostile document and a sent
    alert added (the dashboard's and the report's tests)."""
    import shutil

    from tests.dashboard import synthetic

    target = tmp_path_factory.mktemp("dashboard") / "demo"
    shutil.copytree(demo_data, target)
    synthetic.add_hostile(target)
    return target


@pytest.fixture(scope="session")
def dashboard_config(dashboard_data: Path) -> Path:
    return dashboard_data / "placewatch.toml"


@pytest.fixture
def synthetic_config(tmp_path: Path) -> Path:
    """The small synthetic store (Les Arcs and Tignes in the Alps, the hostile document), French UI:
    for dashboard tests that need some data but not what the pipeline made of the demo site."""
    from tests.dashboard import synthetic

    return synthetic.build(tmp_path, lang="fr")
