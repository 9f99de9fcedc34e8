"""Extraction quality gate: shingle F1 and snippet pass rates must stay above the pinned floors."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import DATASETS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not DATASETS.exists(), reason=f"shared datasets not found at {DATASETS}"),
]


def _evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_extraction", ROOT / "eval" / "extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


EVAL = _evaluation()
FLOORS = EVAL.load_floors(ROOT / "eval" / "floors.toml")


def test_article_body_f1_on_the_extraction_benchmark() -> None:
    score = EVAL.score_extraction(DATASETS)
    assert score.pages >= 100
    assert score.f1 >= FLOORS["f1"], f"F1 {score.f1:.4f} (P {score.precision:.4f} R {score.recall:.4f})"


def test_french_pages_keep_the_body_and_drop_the_boilerplate() -> None:
    score = EVAL.score_snippets_fr(DATASETS)
    assert score.rate >= FLOORS["snippets_fr"], "\n".join(score.failures)


def test_place_news_pages_keep_the_body_and_drop_the_boilerplate() -> None:
    score = EVAL.score_snippets_place_news(DATASETS)
    assert score.rate >= FLOORS["snippets_place_news"], "\n".join(score.failures)
