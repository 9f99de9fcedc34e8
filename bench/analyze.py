"""Throughput of the full analysis against bare spaCy NER over the same ≥2,000 news texts, same run,
the two taking turns on slices of the texts."""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

logger = logging.getLogger(__name__)

DATASETS = REPO / ".." / "shared" / "datasets"


def news_texts(n: int, max_chars: int = 1500) -> list[str]:
    """At least n news texts: toponyms_en articles cut into pieces of ≤ max_chars, repeated."""
    pieces: list[str] = []
    with (DATASETS / "toponyms_en.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            for i in range(0, len(text), max_chars):
                piece = text[i : i + max_chars].strip()
                if len(piece) > 200:
                    pieces.append(piece)
    out: list[str] = []
    while len(out) < n:
        out.extend(pieces)
    return out[:n]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2000, help="number of texts (≥ 2000 for the record)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=8, help="turns taken by bare NER and the full analysis")
    args = parser.parse_args(argv)
    if not DATASETS.exists():
        print(f"datasets not found at {DATASETS}", file=sys.stderr)
        return 2
    import spacy

    from nlp import Analyzer
    from nlp.pipeline import MODELS

    texts = news_texts(args.n)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} texts, {chars / len(texts):.0f} chars on average")

    bare = spacy.load(MODELS["en"], exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    analyzer = Analyzer([], batch_size=args.batch_size)
    list(bare.pipe(texts[:50]))
    list(analyzer.analyze_many((t, None, None) for t in texts[:50]))  # load models and gazetteer
    print(f"peak memory after loading: {peak_rss_mb():.0f} MB")

    # Bare NER and the full analysis take turns on the same slices of texts, the order swapped every
    # round, so that a load change on the shared machine falls on both sides instead of on one run.
    bare_s = full_s = 0.0
    places = 0
    ratios: list[float] = []
    size = max(1, -(-len(texts) // args.rounds))
    for r, i in enumerate(range(0, len(texts), size)):
        part = texts[i : i + size]
        times: dict[str, float] = {}
        for side in (("bare", "full") if r % 2 == 0 else ("full", "bare")):
            t0 = time.perf_counter()
            if side == "bare":
                for _ in bare.pipe(part, batch_size=args.batch_size):
                    pass
            else:
                for analysis in analyzer.analyze_many((t, None, None) for t in part):
                    places += len(analysis.places)
            times[side] = time.perf_counter() - t0
        bare_s += times["bare"]
        full_s += times["full"]
        ratios.append(times["bare"] / times["full"])

    bare_rate, full_rate = len(texts) / bare_s, len(texts) / full_s
    print(f"bare nlp.pipe (NER only): {bare_rate:7.1f} docs/s")
    print(f"full analysis:            {full_rate:7.1f} docs/s  ({places} place mentions)")
    print(f"rounds: {len(ratios)}, ratio per round {min(ratios):.2f}-{max(ratios):.2f}, "
          f"median {statistics.median(ratios):.2f}")
    print(f"ratio full / bare: {full_rate / bare_rate:.2f}  (target ≥ 0.70)")
    print(f"peak memory: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
