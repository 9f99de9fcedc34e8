"""Language identification with py3langid (its model ships in the package: nothing is downloaded)."""

from __future__ import annotations

import logging
import os
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

UNKNOWN = "und"
_LETTERS = re.compile(r"[^\W\d_]")
_NOISE = re.compile(r"https?://\S+|[@#][\w.]+|&\w+;")


def _cache_file(model: Path) -> Path:
    """Where the decompressed model is kept: the user's cache, named after the model file."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    stat = model.stat()
    return Path(base) / "placewatch" / f"py3langid-{stat.st_size}-{int(stat.st_mtime)}.npz"


def _decompressed_model(model: Path) -> tuple[Any, ...]:
    """The model's arrays, read from an uncompressed copy in the user's cache.

    py3langid ships its model LZMA-compressed: decompressing it takes ~0.4 s of CPU in every
    process that identifies a language (each crawl's extraction workers, each enrich run).
    The first process writes the decompressed copy (~30 MB); later ones read it in ~20 ms.
    Same arrays, same answers (tests/nlp/test_langid.py).
    """
    import lzma
    from array import array

    import numpy as np

    cache = _cache_file(model)
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        with lzma.open(model) as source, open(partial, "wb") as target:
            shutil.copyfileobj(source, target, length=1 << 20)
        os.replace(partial, cache)  # atomic: a concurrent reader sees no half-written file
    with np.load(cache, allow_pickle=False) as data:
        def as_array(values: Any) -> array[int]:
            typecodes = {2: "H", 4: "I", 8: "L"}
            out = array(typecodes[values.dtype.itemsize])
            out.frombytes(np.ascontiguousarray(values).tobytes())
            return out

        return (data["ptc"], data["pc"], data["classes"].tolist(), as_array(data["nextmove"]),
                as_array(data["nextmove_row"]), data["out_feat"].tolist())


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    model = Path(MODEL_DIR) / MODEL_FILE
    try:
        ptc, pc, classes, nextmove, row, output = _decompressed_model(model)
    except Exception as exc:  # no writable cache, a model of another layout: the library's own way
        logger.debug("language model cache unusable (%s); loading %s", exc, model)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)


def classify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of a text sample, straight from the identifier."""
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


def load() -> None:
    """Load the model now (a worker does it before its first page, not during it)."""
    _identifier()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "und" when it cannot be told (empty, too short)."""
    sample = _NOISE.sub(" ", text[:5000])
    if len(_LETTERS.findall(sample)) < 3:
        return UNKNOWN
    lang, prob = _identifier().classify(sample)
    if prob < 0.3:
        return UNKNOWN
    return str(lang)
