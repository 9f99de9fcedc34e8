"""Shared fixtures: paths to the repository, the shared datasets, the venv's placewatch command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"


def placewatch_cmd() -> list[str]:
    """The installed console command, falling back to `python -m placewatch.cli`."""
    exe = Path(sys.executable).parent / "placewatch"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "placewatch.cli"]


def run_placewatch(*args: str, cwd: Path | None = None, input: str | None = None,
                   timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `placewatch ARGS` as a user would, capturing its output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*placewatch_cmd(), *args], cwd=cwd or REPO, input=input, capture_output=True, text=True,
        timeout=timeout, env=full_env,
    )


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


def chromium_available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))
