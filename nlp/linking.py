"""Linking: one decision per document over the weighed candidates, each kept one linked to a place."""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from nlp.candidates import Candidate
from nlp.evidence import Evidence, sigmoid
from nlp.gazetteer import GazEntry, Gazetteer
from nlp.text import fold_key
from nlp.watchlist import excluded

logger = logging.getLogger(__name__)

WATCHED_COMPANY = 2  # other watched places confidently found that make a document about them
UNVERIFIED_CONFIDENCE = 0.7  # most confidence a name no gazetteer or watchlist confirms can have


def context_countries(
    gazetteer: Gazetteer, text: str, title: str | None, cands: Sequence[Candidate]
) -> Counter[str]:
    """Countries of the document's unambiguous places: the context for ambiguous ones."""
    ctx: Counter[str] = Counter()
    seen: set[str] = set()
    for c in cands:
        key = fold_key(text[c.start : c.end])
        if c.entries and key not in seen:
            seen.add(key)
            ctx[c.entries[0].country] += 1
    if title:
        for word in re.findall(r"[A-ZÀ-Ý][\w'-]+(?: [A-ZÀ-Ý][\w'-]+)?", title):
            entries = gazetteer.lookup(word)
            if len(entries) == 1:
                ctx[entries[0].country] += 1
    return ctx


def choose(entries: list[GazEntry], ctx: Counter[str], follower: str | None) -> GazEntry | None:
    """Pick the sense: importance prior plus agreement with the document's other places."""
    if not entries:
        return None

    def score(e: GazEntry) -> float:
        own = 1 if e is entries[0] else 0  # the name's own first reading is in the counts
        s = e.prior + 1.5 * min(3, max(0, ctx[e.country] - own))
        if follower and e.country == follower:
            s += 4.0  # "Paris, Texas", "Portland, Maine"
        return s

    return max(entries, key=score)


def follower_country(gazetteer: Gazetteer, text: str, end: int) -> str | None:
    """The country of a region or country named right after a place ("Portland, Maine")."""
    m = re.match(r",\s*([A-Z][\w.]+(?: [A-Z]\w+)?)", text[end : end + 40])
    if not m:
        return None
    entries = [e for e in gazetteer.lookup(m.group(1)) if e.kind != "city"]
    return entries[0].country if entries else None


def place_record(
    territories: dict[str, dict[str, Any]], text: str, c: Candidate, conf: float, entry: GazEntry | None
) -> dict[str, Any]:
    """The analyze-schema fields of a mention (its sentiment is the sentiment component's)."""
    surface = text[c.start : c.end]
    if c.territory:
        t = territories[c.territory]
        lat, lon, gid = t.get("lat"), t.get("lon"), t.get("geonames_id")
        if entry is not None and lat is None and gid is None:
            lat, lon, gid = entry.lat, entry.lon, entry.geonames_id
        name, kind, territory = str(t["name"]), str(t.get("kind") or "destination"), c.territory
    elif entry is not None:
        name, kind, territory = entry.name, entry.kind, None
        lat, lon, gid = entry.lat, entry.lon, entry.geonames_id
    else:
        name, kind, territory, lat, lon, gid = surface, "place", None, None, None, None
    return {
        "text": surface,
        "start": c.start,
        "end": c.end,
        "name": name,
        "territory": territory,
        "geonames_id": gid,
        "lat": lat,
        "lon": lon,
        "kind": kind,
        "confidence": round(conf, 4),
    }


def link(
    text: str,
    title: str | None,
    scored: list[tuple[Candidate, float]],
    evidence: Evidence,
    territories: dict[str, dict[str, Any]],
    sent_bounds: tuple[list[int], list[int]],
    min_confidence: float,
) -> list[dict[str, Any]]:
    """The mentions a document's weighed candidates amount to, in text order: one sense per
    document, a watched place in company of others, the confidence threshold, the exclude phrases
    of territories, and each kept candidate linked to its most likely gazetteer entry."""
    gazetteer = evidence.gazetteer
    sent_starts, sent_ends = sent_bounds
    ctx = context_countries(gazetteer, text, title, [c for c, _ in scored])
    # One sense per document: a name read confidently as a place once is a place elsewhere too.
    sure = {fold_key(text[c.start : c.end]) for c, z in scored if z >= 2.0}
    # A document about several watched places (a ranking of resorts, a trip report): another
    # watched name there is likelier the place than NER's person or organisation reading.
    watched = {c.territory for c, z in scored if c.territory and z >= 2.0}
    lowered = set(re.findall(r"(?<![\w.])[a-zà-ÿ][\w'-]*", text[:200_000]))
    out: list[dict[str, Any]] = []
    for c, z in scored:
        key = fold_key(text[c.start : c.end])
        if key in sure and z < 2.0:
            z += 2.5
        elif c.territory and c.cased and len(watched - {c.territory}) >= WATCHED_COMPANY:
            z += 1.5
        if c.words == 1 and not c.tagged and key in lowered:
            z -= 1.5 if c.source == "gazetteer" else 0.5  # also used as a common word here
        conf = sigmoid(z)
        if conf < min_confidence:
            continue
        k = bisect.bisect_right(sent_starts, c.start) - 1
        sent = text[sent_starts[k] : sent_ends[k]] if k >= 0 else text
        if c.territory and excluded(sent, territories[c.territory].get("exclude") or ()):
            continue
        if evidence.weak_link(text[c.start : c.end], c):
            # a small town's other name (Granges → Grenchen): a place, but which one is unsure
            out.append(place_record(territories, text, c, min(conf, UNVERIFIED_CONFIDENCE), None))
            continue
        if not c.entries and not c.territory:
            conf = min(conf, UNVERIFIED_CONFIDENCE)
        follower = follower_country(gazetteer, text, c.end)
        out.append(place_record(territories, text, c, conf, choose(c.entries, ctx, follower)))
    out.sort(key=lambda m: m["start"])
    return out
