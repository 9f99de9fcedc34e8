"""Place-mention span F1 on short French and English sentences full of homonyms, written for placewatch.

Two sets of 50 sentences each (`eval/data/homonyms_*.jsonl`, written by us, never taken from a
data set): first names, surnames, companies, clubs, events, dishes and common words that are also
places, beside the places themselves. The dev set may be looked at item by item (`--show`); the
validation set was written before any of its results were seen and is only ever reported as a
whole, so it stays a measure of text we did not tune on.

Each row: {"lang", "text", "places": [surface, ...]}. A surface listed k times stands for its
last k case-sensitive, whole-word occurrences in the text (a person named like the town comes
first: "Florence a réservé une chambre à Florence").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.nlp_common import REPO, read_jsonl
from nlp import Analyzer
from nlp.train_places import SpanScore, gold_spans, score_spans

SETS = {name: REPO / "eval" / "data" / f"homonyms_{name}.jsonl" for name in ("dev", "validation")}


def measure(analyzer: Analyzer, name: str, sets: dict[str, Path] = SETS) -> dict[str, Any]:
    """Span scores of one set, in all and per language, and the rows' own results."""
    rows = list(read_jsonl(sets[name]))
    analyses = analyzer.analyze_many([(r["text"], None, r["lang"]) for r in rows])
    total, results = SpanScore(), []
    by_lang: dict[str, SpanScore] = {}
    for row, analysis in zip(rows, analyses, strict=True):
        pred = [(p.start, p.end) for p in analysis.places]
        s = score_spans(pred, gold_spans(row["text"], row["places"]))
        total = total + s
        by_lang[row["lang"]] = by_lang.get(row["lang"], SpanScore()) + s
        results.append((row, [row["text"][a:b] for a, b in pred], s))
    return {"score": total, "by_lang": by_lang, "rows": results}


def line(label: str, s: SpanScore) -> str:
    return f"{label:<22} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the dev set's errors (never the validation set's)")
    args = parser.parse_args(argv)
    analyzer = Analyzer([])
    for name in SETS:
        got = measure(analyzer, name)
        print(line(f"homonyms {name}", got["score"]))
        for lang, s in sorted(got["by_lang"].items()):
            print(line(f"  {lang}", s))
        if args.show and name == "dev":
            for row, places, s in got["rows"]:
                if s.fp or s.fn:
                    print(f"    {row['lang']} found {places} gold {row['places']}: {row['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
