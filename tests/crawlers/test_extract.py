"""Pure extraction: canonical URLs, main text without comments, dates that stay missing, bad pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.settings import Config
from core.errors import InputError
from crawlers import extract_article, extract_command
from crawlers.exceptions import NotHtmlError
from crawlers.extraction import decode_html, parse_date
from crawlers.urls import canonicalize_url, resolve_canonical

from .conftest import FIXTURES

ARTICLES = FIXTURES / "site" / "articles"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.org/a/b?utm_source=x&utm_medium=y&id=3#comments", "https://example.org/a/b?id=3"),
        ("https://example.org:443/a?fbclid=abc", "https://example.org/a"),
        ("http://example.org:8080/a?gclid=1&q=ski", "http://example.org:8080/a?q=ski"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/a?mc_cid=1&mc_eid=2&page=2", "https://example.org/a?page=2"),
    ],
)
def test_canonical_urls_drop_tracking_and_fragments(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_home_page_canonical_is_ignored() -> None:
    assert resolve_canonical("https://ex.org/2026/story", "/") == "https://ex.org/2026/story"
    assert resolve_canonical("https://ex.org/s?utm_source=a", "/story#x") == "https://ex.org/story"


def page(name: str, base: str = "https://news.example") -> str:
    return (ARTICLES / name).read_text("utf-8").replace("{base}", base)


def test_article_fields_and_comments_kept_out() -> None:
    got = extract_article(page("val-thorens-ouverture.html"), "https://news.example/x?utm_source=a")
    assert got.url == "https://news.example/articles/val-thorens-ouverture.html"
    assert got.title == "Val Thorens ouvre sa saison avec un mètre de neige"
    assert got.published == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert got.author == "Claire Dumas" and got.lang == "fr"
    assert "forfait journée reste stable" in got.text
    assert "Courchevel" not in got.text and "skieur73" not in got.text


def test_missing_date_stays_missing() -> None:
    got = extract_article(page("annecy-sans-date.html"), "https://news.example/annecy")
    assert got.published is None and got.date_missing
    assert "tartiflette" in got.text


def test_json_ld_date_and_author() -> None:
    got = extract_article(page("courchevel-hotel.html"), "https://news.example/hotel")
    assert got.published == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert got.author == "Olivia Grant" and got.lang == "en"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T08:30:00+01:00", datetime(2026, 11, 20, 7, 30, tzinfo=UTC)),
        ("Fri, 20 Nov 2026 07:30:00 GMT", datetime(2026, 11, 20, 7, 30, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20 08:30:00+0100", datetime(2026, 11, 20, 7, 30, tzinfo=UTC)),
        ("", None),
        ("not a date", None),
        ("2999-01-01", None),  # in the future: not a publication date
        ("1970-01-01T00:00:00Z", None),  # epoch zero: a CMS default, not a date
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_latin1_declared_as_utf8_is_recovered_with_a_warning() -> None:
    body = '<html><head><meta charset="utf-8"></head><body><p>Télécabine à l’arrêt</p></body></html>'
    text, warning = decode_html(body.encode("cp1252"), "utf-8")
    assert "Télécabine à l’arrêt" in text and warning and "cp1252" in warning
    assert decode_html(body.encode("utf-8"), "utf-8") == (body, None)


@pytest.mark.parametrize(
    "body", [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, b"%PDF-1.7\n%\xe2\xe3", b"", b"   "]
)
def test_binary_or_empty_is_not_html(body: bytes) -> None:
    with pytest.raises(NotHtmlError):
        extract_article(body, "https://news.example/x")


def test_extract_command_on_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "page.html"
    path.write_text(page("courchevel-hotel.html"), "utf-8")
    result = extract_command(str(path), Config())
    assert set(result) == {"url", "title", "text", "published", "author", "lang"}
    assert result["published"] == "2026-11-18T10:00:00+00:00" and result["lang"] == "en"


def test_extract_command_bad_inputs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "photo.html"
    image.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20)
    with pytest.raises(InputError, match=r"photo\.html"):
        extract_command(str(image), Config())
    with pytest.raises(InputError, match="cannot read"):
        extract_command(str(tmp_path / "missing.html"), Config())
    with pytest.raises(InputError, match="cannot fetch"):
        extract_command("http://127.0.0.1:9/nothing-listens-here", Config())
