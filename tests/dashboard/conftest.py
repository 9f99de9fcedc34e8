"""Dashboard fixtures: the demo data plus a hostile document and a sent alert, in a private copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.dashboard import synthetic


@pytest.fixture(scope="session")
def dashboard_data(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo data dir (French UI, territory Les Arcs) with the hostile document added."""
    target = tmp_path_factory.mktemp("dashboard") / "demo"
    shutil.copytree(demo_data, target)
    synthetic.add_hostile(target)
    return target


@pytest.fixture(scope="session")
def dashboard_config(dashboard_data: Path) -> Path:
    return dashboard_data / "placewatch.toml"
