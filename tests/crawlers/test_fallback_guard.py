"""The extraction shortcuts change nothing: same main text and author as trafilatura's full path."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest
from trafilatura.metadata import extract_author

from crawlers.extraction import extract_article, extract_main, fallback_guard
from crawlers.extraction.article import parse_tree
from crawlers.extraction.decoding import page_text
from crawlers.extraction.metadata import may_name_author
from nlp import detect_language

from .conftest import DATASETS

LABELLED = ("extraction", "extraction_fr", "place_news_html")


def _labelled_pages() -> Iterator[tuple[str, bytes]]:
    for folder in LABELLED:
        for path in sorted((DATASETS / folder).rglob("*.htm*")):
            data = path.read_bytes()
            yield path.name, gzip.decompress(data) if path.suffix == ".gz" else data


@pytest.mark.slow  # every labelled page of the shared datasets
@pytest.mark.skipif(not DATASETS.exists(), reason=f"shared datasets not found at {DATASETS}")
def test_language_from_the_opening_agrees_with_the_whole_sample_on_every_labelled_page() -> None:
    from nlp.langid import classify

    checked = 0
    for name, body in _labelled_pages():
        got = extract_article(body, f"https://example.org/{name}")
        text = f"{got.title or ''}\n{got.text}"
        sample = " ".join(text.split())[:3000]
        if len(sample) > 1000:
            checked += 1
            assert detect_language(text) == classify(sample)[0], name
    assert checked >= 80


def _article(body: str, *, aside: str = "", byline: str = "") -> str:
    return (
        "<html lang='en'><head><title>Snow in Tignes</title></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/ski'>Ski</a></li></ul></nav>"
        f"<article><h1>Snow in Tignes</h1>{byline}{body}</article>{aside}"
        "<footer>© 2026 Alpine News</footer></body></html>"
    )


PARAGRAPHS = "".join(
    f"<p>Paragraph {i}: Tignes opened its glacier runs this week after thirty centimetres of fresh "
    "snow, and the tourism office reports that chalets are nearly full for the holidays.</p>"
    for i in range(6)
)


@pytest.fixture
def guard_counts() -> Iterator[dict[str, int]]:
    before = dict(fallback_guard.counts)
    yield fallback_guard.counts
    fallback_guard.counts.update(before)


@pytest.mark.slow  # every labelled page of the shared datasets
@pytest.mark.skipif(not DATASETS.exists(), reason=f"shared datasets not found at {DATASETS}")
def test_guarded_extraction_equals_the_full_comparison_on_every_labelled_page() -> None:
    pages = list(_labelled_pages())
    assert len(pages) >= 120
    fallback_guard.uninstall()
    try:
        full = [extract_main(body, f"https://example.org/{name}") for name, body in pages]
    finally:
        fallback_guard.install()
    skipped_before = fallback_guard.counts["skipped"]
    guarded = [extract_main(body, f"https://example.org/{name}") for name, body in pages]
    differing = [name for (name, _), a, b in zip(pages, full, guarded, strict=True) if a != b]
    assert differing == []
    # It must also be worth having: it skipped readability on a good share of real pages.
    assert fallback_guard.counts["skipped"] - skipped_before >= len(pages) // 4


@pytest.mark.slow  # every labelled page of the shared datasets
@pytest.mark.skipif(not DATASETS.exists(), reason=f"shared datasets not found at {DATASETS}")
def test_pages_without_byline_hints_have_no_author_for_trafilatura_either() -> None:
    without = 0
    for name, body in _labelled_pages():
        page = page_text(body)[0]
        tree = parse_tree(page)
        if not may_name_author(tree, page):
            assert not may_name_author(tree), name  # the source check agrees with the tree's
        if not may_name_author(tree):
            without += 1
            assert extract_author(tree) is None, name
    assert without >= 5


def test_clean_article_skips_readability(guard_counts: dict[str, int]) -> None:
    skipped = guard_counts["skipped"]
    text = extract_main(_article(PARAGRAPHS), "https://news.example/tignes")
    assert "thirty centimetres" in text and "Home" not in text
    assert guard_counts["skipped"] == skipped + 1


def test_readability_still_runs_when_it_could_find_much_more(guard_counts: dict[str, int]) -> None:
    # A short article beside a long readable section: readability might prefer the latter.
    long_aside = "<div class='story'>" + PARAGRAPHS.replace("Tignes", "Val Thorens") * 3 + "</div>"
    compared = guard_counts["compared"]
    extract_main(_article("<p>" + "Short news from Tignes today, more soon. " * 8 + "</p>",
                          aside=long_aside), "https://news.example/short")
    assert guard_counts["compared"] == compared + 1


def test_byline_is_still_found_without_metadata() -> None:
    byline = "<p class='byline'>Claire Dumas</p>"
    got = extract_article(_article(PARAGRAPHS, byline=byline), "https://news.example/tignes")
    assert got.author == "Claire Dumas"
    assert extract_article(_article(PARAGRAPHS), "https://news.example/tignes").author is None


def test_guard_module_has_no_effect_on_paths_other_than_precision() -> None:
    class Options:
        focus = "balanced"
        min_extracted_size = 250

    tree = parse_tree(_article(PARAGRAPHS))
    assert not fallback_guard.readability_cannot_win(tree, tree, "x" * 1000, Options())
