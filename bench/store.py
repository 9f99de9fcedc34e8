"""Store benchmark: ingest rate, size and dashboard query latency at a million mentions."""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.models import (
    Analysis,
    Engagement,
    EnrichedDocument,
    PlaceMention,
    RawDocument,
    Sentiment,
    sentiment_label,
)
from indexer.base import MentionFilter
from indexer.sqlite import SqliteStore

logger = logging.getLogger(__name__)

OUT = Path(__file__).resolve().parent / "out"
END = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 365
TERRITORIES = (
    "Val Thorens", "Chamonix", "Tignes", "Les Arcs", "Courchevel", "Méribel", "Avoriaz",
    "La Plagne", "Val d'Isère", "Megève", "Serre Chevalier", "Les Deux Alpes", "Alpe d'Huez",
    "Morzine", "Font-Romeu", "Saint-Lary", "Biarritz", "Arcachon", "Saint-Malo", "Deauville",
    "Étretat", "Carnac", "Quiberon", "Annecy", "Évian", "Aix-les-Bains", "Colmar", "Strasbourg",
    "Lyon", "Bordeaux", "Nantes", "Marseille", "Nice", "Cannes", "Menton", "Avignon", "Arles",
    "Nîmes", "Montpellier", "Sète", "Carcassonne", "Toulouse", "Albi", "Rocamadour", "Sarlat",
    "Mont-Saint-Michel", "Honfleur", "Giverny", "Chantilly", "Fontainebleau",
)
GAZETTEER = 300
SOURCES = (
    [(f"feed-{i:02d}", "rss") for i in range(20)]
    + [(f"masto-{i}", "mastodon") for i in range(8)]
    + [(f"reddit-{i}", "reddit") for i in range(6)]
    + [(f"bsky-{i}", "bluesky") for i in range(4)]
    + [(f"sitemap-{i}", "sitemap") for i in range(2)]
)
WORDS = {
    "fr": (
        "neige ski piste station séjour hôtel plage soleil pluie vent montagne lac randonnée "
        "famille vacances week-end restaurant marché festival musée patrimoine vin fromage "
        "office tourisme réservation prix cher bondé file attente remontées fermées tempête "
        "avalanche saison hiver été printemps automne balade vélo bateau port cathédrale "
        "château village vue panorama coucher lever magnifique superbe décevant génial nul"
    ).split(),
    "en": (
        "snow ski slope resort stay hotel beach sun rain wind mountain lake hike family "
        "holiday weekend restaurant market festival museum heritage wine cheese tourist office "
        "booking price expensive crowded queue lifts closed storm avalanche season winter summer "
        "spring autumn walk bike boat harbour cathedral castle village view sunset sunrise "
        "amazing great disappointing awesome terrible"
    ).split(),
}
SYNTHETIC = [f"mot{i}" for i in range(20_000)]
SEARCHES = ("neige", "snow OR neige", '"tourist office"', "ski NOT pluie", "(plage OR beach) AND soleil",
            "festival lang:fr")


@dataclass(frozen=True)
class Place:
    name: str
    territory: str | None
    geonames_id: int | None
    lat: float
    lon: float
    kind: str


def vocabulary(real: list[str]) -> list[str]:
    """Words by frequency rank: real words spread from rank 10 down, filler words between.

    A topical word like "neige" then appears in about a quarter of French documents, as
    in a corpus about mountain destinations, not in all of them.
    """
    words = list(SYNTHETIC)
    for i, word in enumerate(real):
        words.insert(10 + 10 * i, word)
    return words


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    """Skewed popularity: a few places get most of the talk."""
    return [1 / (rank**s) for rank in range(1, n + 1)]


def places(rng: random.Random) -> tuple[list[Place], list[Place]]:
    watched = [
        Place(name, _slug(name), None, 43 + rng.random() * 6, -1 + rng.random() * 8, "destination")
        for name in TERRITORIES
    ]
    gazetteer = [
        Place(f"Lieu {i}", None, 3_000_000 + i, 40 + rng.random() * 10, -5 + rng.random() * 15, "city")
        for i in range(GAZETTEER)
    ]
    return watched, gazetteer


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


class Corpus:
    """Generates realistic enriched documents until a mention budget is spent."""

    def __init__(self, mentions: int, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.budget = mentions
        self.watched, self.gazetteer = places(self.rng)
        self.w_weights = list(_cumulative(zipf_weights(len(self.watched))))
        self.g_weights = list(_cumulative(zipf_weights(len(self.gazetteer), 0.9)))
        self.authors = [f"author{i}" for i in range(5000)]
        self.a_weights = list(_cumulative(zipf_weights(len(self.authors), 0.8)))
        self.words = {lang: vocabulary(ws) for lang, ws in WORDS.items()}
        self.word_weights = {lang: list(_cumulative(zipf_weights(len(ws), 1.0)))
                             for lang, ws in self.words.items()}
        self.recent: list[EnrichedDocument] = []

    def documents(self) -> Iterator[EnrichedDocument]:
        n = 0
        while self.budget > 0:
            if self.recent and self.rng.random() < 0.10:
                doc = self._copy(self.rng.choice(self.recent), n)
            else:
                doc = self._original(n)
                self.recent.append(doc)
                if len(self.recent) > 500:
                    self.recent.pop(0)
            self.budget -= len({p.place_key for p in doc.analysis.places})
            n += 1
            yield doc

    def _original(self, n: int) -> EnrichedDocument:
        rng = self.rng
        lang = "fr" if rng.random() < 0.6 else "en"
        count = rng.choices((1, 2, 3, 4), (0.35, 0.35, 0.2, 0.1))[0]
        chosen: dict[str, Place] = {}
        while len(chosen) < count:
            if rng.random() < 0.8:
                p = rng.choices(self.watched, cum_weights=self.w_weights)[0]
            else:
                p = rng.choices(self.gazetteer, cum_weights=self.g_weights)[0]
            chosen[p.name] = p
        words = rng.choices(self.words[lang], cum_weights=self.word_weights[lang],
                            k=rng.randint(20, 45))
        parts: list[str] = []
        mentions: list[PlaceMention] = []
        offset = 0
        for i, w in enumerate(words):
            if i % 9 == 3 and chosen:
                p = chosen.pop(next(iter(chosen)))
                sentiment = max(-1.0, min(1.0, rng.gauss(0.15, 0.5)))
                mentions.append(PlaceMention(p.name, offset, offset + len(p.name), p.name,
                                             p.territory, p.geonames_id, p.lat, p.lon, p.kind,
                                             0.9, round(sentiment, 3)))
                parts.append(p.name)
                offset += len(p.name) + 1
            parts.append(w)
            offset += len(w) + 1
        for p in chosen.values():  # short texts: the rest go at the end
            mentions.append(PlaceMention(p.name, offset, offset + len(p.name), p.name, p.territory,
                                         p.geonames_id, p.lat, p.lon, p.kind, 0.9, 0.0))
            parts.append(p.name)
            offset += len(p.name) + 1
        text = " ".join(parts)
        source_id, source_type = rng.choice(SOURCES)
        published = None if rng.random() < 0.02 else self._date()
        score = round(max(-1.0, min(1.0, rng.gauss(0.1, 0.4))), 3)
        doc = RawDocument(
            id=f"doc{n:08d}", url=f"https://example.org/{n}", source_id=source_id,
            source_type=source_type, text=text, collected=(published or END) + timedelta(hours=1),
            title=None if source_type != "rss" else " ".join(words[:6]),
            published=published, author=rng.choices(self.authors, cum_weights=self.a_weights)[0],
            lang=lang,
            engagement=Engagement(rng.randint(0, 50), rng.randint(0, 10), rng.randint(0, 5),
                                  int(rng.paretovariate(1.2) * 100)),
            raw=text.encode(),
        )
        return EnrichedDocument(doc, Analysis(lang, Sentiment(score, sentiment_label(score)),
                                              tuple(mentions)))

    def _copy(self, original: EnrichedDocument, n: int) -> EnrichedDocument:
        source_id, source_type = self.rng.choice(SOURCES)
        d = original.doc
        copy = RawDocument(
            id=f"doc{n:08d}", url=f"https://copies.example.org/{n}", source_id=source_id,
            source_type=source_type, text=d.text, collected=d.collected, title=d.title,
            published=(d.published + timedelta(hours=self.rng.randint(1, 48))) if d.published else None,
            author=d.author, lang=d.lang, engagement=Engagement(followers=self.rng.randint(100, 90000)),
            raw=d.raw, duplicate_of=d.id,
        )
        return EnrichedDocument(copy, original.analysis)

    def _date(self) -> datetime:
        rng = self.rng
        while True:
            day = rng.random() * DAYS
            # Seasons and weekends: more talk in winter and on Saturdays.
            season = 1 + 0.5 * math.cos(2 * math.pi * (day - 60) / DAYS)
            if rng.random() * 1.6 < season:
                return END - timedelta(days=DAYS) + timedelta(days=day)


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


def _chunks(it: Iterator[EnrichedDocument], n: int) -> Iterator[list[EnrichedDocument]]:
    chunk: list[EnrichedDocument] = []
    for item in it:
        chunk.append(item)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest(store: SqliteStore, mentions: int) -> dict[str, Any]:
    """Write the corpus through upsert_raw + save_analyses (the enrich path); time the store only."""
    corpus = Corpus(mentions)
    spent = cpu = 0.0
    docs = 0
    for chunk in _chunks(corpus.documents(), 20_000):
        t, c = time.perf_counter(), time.process_time()
        store.upsert_raw(e.doc for e in chunk)
        store.save_analyses((e.doc, e.analysis) for e in chunk)
        spent += time.perf_counter() - t
        cpu += time.process_time() - c
        docs += len(chunk)
        logger.info("ingested %d documents (%.0f s in the store)", docs, spent)
    t = time.perf_counter()
    store.optimize()
    optimize = time.perf_counter() - t
    stats = store.stats()
    return {
        "documents": docs,
        "mentions": stats.mentions,
        "ingest_seconds": round(spent, 1),
        "mentions_per_second": round(stats.mentions / spent),
        # CPU time of this process (SQLite runs in it): what the rate would be on an idle
        # core, since the wall clock also counts time other processes hold the CPU.
        "ingest_cpu_seconds": round(cpu, 1),
        "mentions_per_cpu_second": round(stats.mentions / cpu),
        "optimize_seconds": round(optimize, 1),
    }


def dashboard_queries(store: SqliteStore) -> dict[str, Callable[[], object]]:
    """Every query the dashboard runs, as it runs them."""
    by_rank = [p.key for p in store.ranking(MentionFilter(watched_only=True), limit=50)]
    group = tuple(by_rank[2:8])  # a competitor set of six, not only the giants
    small = by_rank[-1]  # the least talked-about territory: a filter that keeps few matches
    d30 = MentionFilter(since=END - timedelta(days=30), until=END)
    d90 = MentionFilter(since=END - timedelta(days=90), until=END)
    g30 = MentionFilter(since=d30.since, until=END, territories=group)
    g90 = MentionFilter(since=d90.since, until=END, territories=group)
    q: dict[str, Callable[[], object]] = {
        "ranking 30 days": lambda: store.ranking(d30, limit=20),
        "ranking 90 days": lambda: store.ranking(d90, limit=20),
        "ranking 90 days, watched, fr, rss": lambda: store.ranking(
            MentionFilter(since=d90.since, until=END, watched_only=True, langs=("fr",),
                          source_types=("rss",))),
        "share of voice over time (day buckets, group of 6, 90 days)": lambda: store.volume(g90, "day"),
        "share of voice over time, syndicated once": lambda: store.volume(
            MentionFilter(since=d90.since, until=END, territories=group, syndicated_once=True), "day"),
        "share of voice (group of 6, 30 days, weighted)": lambda: store.share_of_voice(g30, weighted=True),
        "sentiment summary (group of 6, 90 days)": lambda: store.ranking(g90),
        "volume per week, 365 days, top place": lambda: store.volume(
            MentionFilter(territories=(by_rank[0],)), "week"),
        "top sources (30 days)": lambda: store.top_sources(g30),
        "top authors (30 days)": lambda: store.top_authors(g30),
        "co-occurring places (top place, 30 days)": lambda: store.cooccurring_places(by_rank[0], d30),
        "top terms (one place, 30 days)": lambda: store.top_terms(
            MentionFilter(since=d30.since, until=END, territories=(group[0],))),
        "mention examples (negative)": lambda: store.mention_examples(group[0], d30, "negative"),
    }
    for query in SEARCHES:
        q[f"search {query} (30 days)"] = lambda query=query: store.search(query, d30)
    q["search neige (all time, page 3)"] = lambda: store.search("neige", MentionFilter(), page=3)
    q["search ski (group of 6, 90 days)"] = lambda: store.search("ski", g90)
    q["search neige by relevance (30 days)"] = lambda: store.search("neige", d30, order="relevance")
    q["search neige, one small place (all time)"] = lambda: store.search(
        "neige", MentionFilter(territories=(small,)))
    return q


def latency(fn: Callable[[], object], runs: int) -> dict[str, float]:
    fn()  # warm the page cache like a dashboard that is already open
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=OUT / "store.db")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="query an existing --db, skip ingest")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result: dict[str, Any] = {"backend": "sqlite", "target_mentions": args.mentions}
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    store = SqliteStore(args.db)
    store.setup()
    if not args.reuse:
        result.update(ingest(store, args.mentions))
    stats = store.stats()
    size = args.db.stat().st_size
    result.update(mentions=stats.mentions, documents=stats.documents, db_bytes=size,
                  bytes_per_mention=round(size / max(1, stats.mentions)))
    result["queries"] = {name: latency(fn, args.runs) for name, fn in dashboard_queries(store).items()}
    store.close()

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "store.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"SQLite store, {result['mentions']:,} mentions in {result['documents']:,} documents")
    if "mentions_per_second" in result:
        print(f"ingest: {result['mentions_per_second']:,} mentions/s "
              f"({result['ingest_seconds']} s, then optimize {result['optimize_seconds']} s); "
              f"{result['mentions_per_cpu_second']:,} mentions per CPU second "
              f"({result['ingest_cpu_seconds']} s)")
    print(f"size: {size / 1e6:,.0f} MB, {result['bytes_per_mention']} bytes per mention")
    width = max(len(name) for name in result["queries"])
    print(f"{'query':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}")
    for name, t in result["queries"].items():
        flag = "" if t["p95_ms"] <= 150 else "  > 150 ms"
        print(f"{name:<{width}}  {t['p50_ms']:>8}  {t['p95_ms']:>8}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
