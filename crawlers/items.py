"""Items the spiders yield: one collected document, ready for the store pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import RawDocument
from crawlers.dedupe.shingles import Sketch


@dataclass
class DocumentItem:
    """A raw document collected by a spider; `kind` says what it came from (article, entry, post)."""

    doc: RawDocument
    kind: str = "article"
    sketch: Sketch | None = None  # MinHash values of doc.text, when an extraction worker computed them
