"""Custom Doc attributes the placewatch components write (plain data, so they survive n_process > 1)."""

from __future__ import annotations

import logging

from spacy.tokens import Doc

logger = logging.getLogger(__name__)

EXTENSIONS = {
    "pw_title": None,  # title of the document (str), helps one sense per document
    "pw_lang": None,  # ISO 639-1 code of the text
    "pw_territory_hits": None,  # list of [start, end, territory_id, tagged, cased, words]
    "pw_places": None,  # list of PlaceMention dicts (the analyze schema)
    "pw_sentiment": None,  # Sentiment dict (the analyze schema)
}


def register_extensions() -> None:
    """Declare the Doc attributes once per process (idempotent)."""
    for name, default in EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()
