"""Extraction quality on the shared labelled pages: shingle F1 and must/must-not snippet pass rates."""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"
FLOORS_FILE = ROOT / "eval" / "floors.toml"
_TOKEN = re.compile(r"\w+", re.UNICODE)

Extractor = Callable[[bytes, str], str]


@dataclass(frozen=True)
class ShingleScore:
    """Mean per-page precision and recall of 4-word shingles, and their harmonic mean."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class SnippetScore:
    """Share of pages where every `with` snippet is present and every `without` one absent."""

    passed: int
    pages: int
    failures: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.passed / self.pages if self.pages else 0.0


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-word shingles (the article-extraction-benchmark tokenisation)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def shingle_precision_recall(gold: str, predicted: str) -> tuple[float, float]:
    """Precision and recall of predicted shingles against the gold body of one page."""
    g, p = shingles(gold), shingles(predicted)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    precision = tp / (tp + fp) if tp + fp else (1.0 if not g else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _default_extractor(html: bytes, url: str) -> str:
    from crawlers.extraction import extract_article

    return extract_article(html, url).text


def score_extraction(datasets: Path, extractor: Extractor = _default_extractor) -> ShingleScore:
    """Shingle P/R/F1 over `extraction/` (scrapinghub article-extraction-benchmark)."""
    base = datasets / "extraction"
    truth = json.loads((base / "ground-truth.json").read_text("utf-8"))
    ps: list[float] = []
    rs: list[float] = []
    for page_id, gold in sorted(truth.items()):
        html = _read(base / "html" / f"{page_id}.html.gz")
        p, r = shingle_precision_recall(gold.get("articleBody") or "", extractor(html, gold["url"]))
        ps.append(p)
        rs.append(r)
    n = len(ps)
    return ShingleScore(sum(ps) / n if n else 0.0, sum(rs) / n if n else 0.0, n)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _snippets_pass(text: str, with_: list[str], without: list[str]) -> list[str]:
    body = _norm(text)
    problems = [f"missing {s!r}" for s in with_ if _norm(s) not in body]
    problems += [f"leaked {s!r}" for s in without if _norm(s) in body]
    return problems


def _score_snippets(
    pages: list[tuple[str, Path, list[str], list[str]]], extractor: Extractor
) -> SnippetScore:
    passed = 0
    failures: list[str] = []
    for url, path, with_, without in pages:
        problems = _snippets_pass(extractor(_read(path), url), with_, without)
        if problems:
            failures.append(f"{path.name}: {'; '.join(problems)}")
        else:
            passed += 1
    return SnippetScore(passed, len(pages), tuple(failures))


def score_snippets_fr(datasets: Path, extractor: Extractor = _default_extractor) -> SnippetScore:
    """Snippet pass rate over `extraction_fr/` (trafilatura's French evaluation pages)."""
    base = datasets / "extraction_fr"
    spec = json.loads((base / "snippets.json").read_text("utf-8"))
    pages = []
    for url, entry in sorted(spec.items()):
        path = base / "html" / entry["file"]
        if not path.exists():
            path = path.with_name(path.name + ".gz")
        pages.append((url, path, list(entry.get("with") or []), list(entry.get("without") or [])))
    return _score_snippets(pages, extractor)


def score_snippets_place_news(
    datasets: Path, extractor: Extractor = _default_extractor
) -> SnippetScore:
    """Snippet pass rate over `place_news_html/` (pages about places in en, fr, de)."""
    base = datasets / "place_news_html"
    manifest = json.loads((base / "manifest.json").read_text("utf-8"))
    # Pages that carry no snippet would pass trivially: only pages with snippets count.
    pages = [
        (e.get("url") or "", base / e["file"], list(e.get("with") or []), list(e["without"] or []))
        for e in manifest
        if e.get("with") or e.get("without")
    ]
    return _score_snippets(pages, extractor)


def load_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """The pinned [extraction] floors."""
    with path.open("rb") as fh:
        return {k: float(v) for k, v in tomllib.load(fh).get("extraction", {}).items()}


def main(argv: list[str] | None = None) -> int:
    """Print the figures and compare them with the floors; exit 1 when one is below."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list failing pages")
    args = parser.parse_args(argv)
    if not args.datasets.exists():
        print(f"datasets not found: {args.datasets}", file=sys.stderr)
        return 2
    floors = load_floors()
    f1 = score_extraction(args.datasets)
    fr = score_snippets_fr(args.datasets)
    news = score_snippets_place_news(args.datasets)
    figures = {"f1": f1.f1, "snippets_fr": fr.rate, "snippets_place_news": news.rate}
    print(f"extraction: precision {f1.precision:.4f} recall {f1.recall:.4f} F1 {f1.f1:.4f} "
          f"({f1.pages} pages)")
    print(f"extraction_fr: {fr.passed}/{fr.pages} pages pass ({fr.rate:.1%})")
    print(f"place_news_html: {news.passed}/{news.pages} pages pass ({news.rate:.1%})")
    if args.verbose:
        for failure in fr.failures + news.failures:
            print(f"  {failure}")
    below = [k for k, v in figures.items() if k in floors and v < floors[k]]
    for k in below:
        print(f"BELOW FLOOR: {k} = {figures[k]:.4f} < {floors[k]}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
