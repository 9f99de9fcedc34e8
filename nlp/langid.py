"""Language identification with py3langid (its model ships in the package: nothing is downloaded)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

UNKNOWN = "und"
_LETTERS = re.compile(r"[^\W\d_]")
_NOISE = re.compile(r"https?://\S+|[@#][\w.]+|&\w+;")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
