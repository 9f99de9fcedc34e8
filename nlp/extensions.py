"""Custom Doc and Span attributes the placewatch components write (plain data, so they survive n_process > 1)."""

from __future__ import annotations

import logging

from spacy.tokens import Doc, Span

logger = logging.getLogger(__name__)

PLACES = "places"  # doc.spans key of the place mentions, in text order
CANDIDATES = "place_candidates"  # doc.spans key of the unlinked names not trusted as places

EXTENSIONS = {
    "pw_title": None,  # title of the document (str), helps one sense per document
    "pw_lang": None,  # ISO 639-1 code of the text
    "pw_territory_hits": None,  # list of [start, end, territory_id, tagged, cased, words]
    "pw_sentiment": None,  # Sentiment dict (the analyze schema)
}
SPAN_EXTENSIONS = {
    # a place mention's analyze-schema fields but its sentiment; its "start"/"end" are the exact
    # character offsets (the span itself covers whole tokens)
    "pw_place": None,
    "pw_sentiment": 0.0,  # sentiment of the sentence around the mention
}


TEXT = "pw_text"  # Doc.user_data key of the document's text, once read


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once: spaCy rebuilds Doc.text from the tokens on every access, and
    each placewatch component reads it."""
    text = doc.user_data.get(TEXT)
    if not isinstance(text, str):
        text = doc.user_data[TEXT] = doc.text
    return text


def register_extensions() -> None:
    """Declare the Doc and Span attributes once per process (idempotent)."""
    for name, default in EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()
