"""The code stays clean: ruff on the whole tree, mypy on the packages, as CI runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

BIN = Path(sys.executable).parent
PACKAGES = ["core", "reports", "placewatch", "config", "crawlers", "nlp", "indexer", "alerts", "dashboard", "scheduler.py"]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing_in_the_packages() -> None:
    result = _run(str(BIN / "mypy"), *PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr
