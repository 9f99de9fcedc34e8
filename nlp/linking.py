"""Linking: one decision per document over the weighed candidates, each kept one linked to a place."""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from nlp.candidates import Candidate
from nlp.evidence import Evidence
from nlp.gazetteer import GazEntry, Gazetteer
from nlp.place_model import Thresholds
from nlp.text import fold_key
from nlp.watchlist import excluded

logger = logging.getLogger(__name__)



def context_countries(
    gazetteer: Gazetteer, text: str, title: str | None, cands: Sequence[Candidate]
) -> Counter[str]:
    """Countries of the document's places (each name's first reading) and of the title's
    unambiguous names: the context for ambiguous ones."""
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


def choose(entries: list[GazEntry], ctx: Counter[str], follower: GazEntry | None) -> GazEntry | None:
    """Pick the sense: importance prior plus agreement with the document's other places and with
    the region or country named right after the name."""
    if not entries:
        return None

    def score(e: GazEntry) -> float:
        # the name's own first reading is in the counts: it votes for its country, not for the
        # namesakes there (Saint-Étienne-du-Rouvray over Saint-Étienne, before this discount)
        own = 1 if e.country == entries[0].country else 0
        s = e.prior + 1.5 * min(3, max(0, ctx[e.country] - own))
        if follower is not None and e.country == follower.country:
            s += 4.0  # "Paris, Texas", "Portland, Maine"
            if follower.region and e.region == follower.region:
                s += 4.0  # Portland in Maine, not the bigger one in Oregon
        return s

    return max(entries, key=score)


def follower_country(gazetteer: Gazetteer, text: str, end: int) -> GazEntry | None:
    """The region or country named right after a place ("Portland, Maine", "Portland (Maine, USA)",
    "Lumpkin, Ga.")."""
    after = text[end : end + 40]
    short = re.match(r"\s*[,(]\s*([A-Z][\w.]*(?:\s?[A-Z][a-z]*\.)?)", after)
    abbreviated = gazetteer.region_abbreviation(short.group(1)) if short else None
    if abbreviated is not None:
        return abbreviated  # "Lumpkin, Ga.", "Charleston, W. Va."
    m = re.match(r"\s*[,(]\s*([A-Z][\w.]+(?: [A-Z]\w+)?)", after)
    if not m:
        return None
    entries = [e for e in gazetteer.lookup(m.group(1)) if e.kind != "city"]
    return entries[0] if entries else None


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
    thresholds: Thresholds,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The places and the candidates a document's scored candidates amount to, in text order.

    A place is a watched territory whose probability reaches `thresholds.watched` or whose hit
    the watchlist alone vouches for (`Evidence.vouches`), the place of a place brand, a gazetteer
    entry whose probability reaches `thresholds.place`, or a
    name nothing links that reaches `thresholds.unlinked`; an unlinked name below that but above
    `thresholds.candidate` is a candidate. A territory's exclude phrase vetoes it; each kept
    mention is linked to the gazetteer sense the document's other places agree with."""
    gazetteer = evidence.gazetteer
    sent_starts, sent_ends = sent_bounds
    # only names the decision keeps vote: a rejected homonym (the company Orange, first read as
    # the Californian city) must not pull the document's other places abroad
    voters = [c for c, p in scored if c.territory or c.brand or p >= thresholds.place]
    ctx = context_countries(gazetteer, text, title, voters)
    places: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    for c, p in scored:
        if p < min(thresholds.place, thresholds.candidate, thresholds.watched) and not (c.territory or c.brand):
            continue
        k = bisect.bisect_right(sent_starts, c.start) - 1
        sent = text[sent_starts[k] : sent_ends[k]] if k >= 0 else text
        if c.territory and excluded(sent, territories[c.territory].get("exclude") or ()):
            continue
        weak = evidence.weak_link(text[c.start : c.end], c)  # a small town's other name: which one is unsure
        entry = None if weak else choose(c.entries, ctx, follower_country(gazetteer, text, c.end))
        linked = c.territory is not None or entry is not None
        if c.brand and entry is not None:
            # a place brand is how place marketing names its place: a mention of it, said a brand
            places.append({**place_record(territories, text, c, p, entry), "kind": "brand"})
        elif c.territory is not None:
            if p >= thresholds.watched or evidence.vouches(text[c.start : c.end], c):
                places.append(place_record(territories, text, c, p, entry))
        elif p >= thresholds.place and (linked or p >= thresholds.unlinked):
            places.append(place_record(territories, text, c, p, entry))
        elif not linked and p >= thresholds.candidate:
            candidates.append(place_record(territories, text, c, p, None))
    places.sort(key=lambda m: m["start"])
    candidates.sort(key=lambda m: m["start"])
    return places, candidates
