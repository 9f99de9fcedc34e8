"""Place mentions in French place-marketing articles we wrote (awards, city brands, agencies,
diaspora and start-up programmes), placewatch against keyword listening.

Two sets (`eval/data/marketing_*.jsonl`, written by us in the style of a trade article): the dev
set may be looked at item by item (`--show`); the validation set was written before any result on
it was seen and is only reported whole (4 articles, then 3 more on 2026-12-06 and 3 more later that day,
each batch written before any result on it). Gold (same row format as `eval/homonyms.py`): every city,
region and country named, and the place a brand or programme is named after ("Only Lyon", "Invest
in Morocco", "French Tech"); not an award, an event, a company ("Air France", "Royal Air Maroc"),
a person ("Claire Nantes") or a common noun opening a paragraph.

Two keyword-listening baselines, what the tools our users pay for do with a query list: "keywords"
matches every capitalised name of our gazetteer (a query of all places, longest name first);
"oracle keywords" matches every whole-word occurrence of the gold's own place names (a query list
that already knows which places each article names: an upper bound keyword listening never has).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.homonyms import line, measure
from eval.nlp_common import REPO, read_jsonl
from nlp import Analyzer
from nlp.gazetteer import Gazetteer, load_gazetteer
from nlp.train_places import SpanScore, gold_spans, score_spans

SETS = {name: REPO / "eval" / "data" / f"marketing_{name}.jsonl" for name in ("dev", "validation")}


NAME = re.compile(r"[A-ZÀ-Ý][\w'’-]*(?:\s[A-ZÀ-Ý][\w'’-]*){0,2}")


def gazetteer_hits(text: str, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """Capitalised names of up to three words the gazetteer knows as places, longest first."""
    hits = []
    for m in NAME.finditer(text):
        words = [w for w in re.finditer(r"\S+", m.group(0))]
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                s, e = m.start() + words[i].start(), m.start() + words[j - 1].end()
                if gazetteer.is_scannable(text[s:e]):
                    hits.append((s, e))
                    i = j - 1
                    break
            i += 1
    return hits


def keyword_listening(path: Path, oracle: bool = False) -> SpanScore:
    """The span score of keyword listening: every gazetteer name, or with `oracle` every whole-word
    occurrence of the gold's own place names."""
    gazetteer = load_gazetteer()
    total = SpanScore()
    for row in read_jsonl(path):
        text = row["text"]
        hits = [(m.start(), m.end()) for name in dict.fromkeys(row["places"])
                for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)] if oracle \
            else gazetteer_hits(text, gazetteer)
        total = total + score_spans(hits, gold_spans(text, row["places"]))
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the dev set's errors (never the validation set's)")
    args = parser.parse_args(argv)
    analyzer = Analyzer([])
    for name, path in SETS.items():
        got = measure(analyzer, name, SETS)
        print(line(f"placewatch {name}", got["score"]))
        print(line(f"keywords {name}", keyword_listening(path)))
        print(line(f"oracle keywords {name}", keyword_listening(path, oracle=True)))
        if args.show and name == "dev":
            for row, places, s in got["rows"]:
                if s.fp or s.fn:
                    print(f"    found {places} gold {row['places']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
