"""Helpers for tests: the repository path, running the placewatch command as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from config.settings import Territory

REPO = Path(__file__).resolve().parent.parent


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


def chromium_available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))


# A small watchlist for the analysis tests (nlp, the analyze command).
WATCHLIST = (
    Territory(id="val-thorens", name="Val Thorens", kind="resort",
              aliases=("Val Tho", "#valthorens", "@valthorens"), groups=("alps",)),
    Territory(id="alpe-d-huez", name="L'Alpe d'Huez", kind="resort", aliases=("Alpe d'Huez",)),
    Territory(id="annecy", name="Annecy", kind="city", lat=45.9, lon=6.12),
    Territory(id="saint-etienne", name="Saint-Étienne", kind="city"),
    Territory(id="nice", name="Nice", kind="city"),
    Territory(id="chamonix", name="Chamonix", kind="resort", exclude=("Chamonix FC",)),
)
