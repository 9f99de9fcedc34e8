"""Language identification: the cached decompressed model answers exactly as py3langid's own loader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nlp import langid

ROOT = Path(__file__).resolve().parents[2]

SAMPLES = [
    "La neige est tombée toute la nuit sur Tignes et les pistes ouvrent samedi.",
    "Val Thorens opened its season a week early after a metre of fresh snow.",
    "Die Skigebiete in Tirol öffnen am Wochenende die ersten Lifte.",
    "Las estaciones de esquí del Pirineo abren este fin de semana.",
    "ok",
]


def test_cached_model_gives_the_same_answers_as_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    langid._identifier.cache_clear()
    try:
        cached = langid._identifier()
        written = list((tmp_path / "placewatch").glob("py3langid-*.npz"))
        assert len(written) == 1  # the first process leaves the decompressed copy
        reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        for text in SAMPLES:
            assert cached.classify(text) == reference.classify(text)
        langid._identifier.cache_clear()
        assert langid._identifier().classify(SAMPLES[0]) == reference.classify(SAMPLES[0])  # read back
    finally:
        langid._identifier.cache_clear()


def test_unwritable_cache_falls_back_to_the_packaged_model(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache folder would go")
    code = "from nlp.langid import detect_language; print(detect_language('La neige tombe sur Tignes ce soir.'))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"XDG_CACHE_HOME": str(blocked), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fr"
