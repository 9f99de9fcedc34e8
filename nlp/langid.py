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


_HEAD = 500  # characters of a long text's opening tried first


def _declared(hint: str | None) -> str | None:
    """The language code of a declared language ("fr-FR", "en_GB", "fr"), else None."""
    code = (hint or "").strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code of a text's language, or UNKNOWN ("und") when it cannot be told.

    The one language identifier of placewatch (the crawler, `analyze`, enrichment). It reads
    the first 3,000 characters (whitespace collapsed, links, hashtags and handles left out).
    It cannot tell when fewer than three letters remain or when the model's probability is
    under 0.3. `hint` is a language the text declares (a page's `lang`, a feed's language):
    it answers for a text too short to read and breaks ties when the probability is under
    0.6. A long text whose opening 500 characters are overwhelming (p >= 0.99, agreeing
    with the hint) is settled by them, at a third of the cost.
    """
    declared = _declared(hint)
    sample = _NOISE.sub(" ", " ".join(text[:6000].split())[:3000])
    if len(_LETTERS.findall(sample)) < 3:
        return declared or UNKNOWN
    identifier = _identifier()
    if len(sample) > 2 * _HEAD:
        lang, prob = identifier.classify(sample[:_HEAD])
        if prob >= 0.99 and declared in (None, lang):
            return str(lang)
    lang, prob = identifier.classify(sample)
    if prob < 0.6 and declared:
        return declared
    if prob < 0.3:
        return UNKNOWN
    return str(lang)
