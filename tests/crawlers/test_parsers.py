"""Pure parsing of feeds, sitemaps and social API payloads, including real-world and broken input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crawlers.dedupe.index import NearDuplicateIndex
from crawlers.exceptions import PayloadShapeError
from crawlers.feeds import discover_feeds, parse_feed
from crawlers.feeds.sitemap_xml import parse_sitemap
from crawlers.social.posts import (
    parse_bluesky_search,
    parse_mastodon_statuses,
    parse_reddit_listing,
)

from .conftest import DATASETS, FIXTURES, load_api

SITE = FIXTURES / "site"
REAL_FEEDS = sorted(
    p for p in (DATASETS / "feeds").rglob("*")
    if p.is_file() and p.suffix in (".xml", ".rss", ".atom", ".json") and "expected_output" not in p.parts
) if (DATASETS / "feeds").exists() else []


def fixture(name: str) -> bytes:
    return (SITE / name).read_bytes().replace(b"{base}", b"https://news.example")


@pytest.mark.skipif(not REAL_FEEDS, reason="shared feeds dataset not found")
@pytest.mark.parametrize("path", REAL_FEEDS, ids=lambda p: p.name)
def test_real_feeds_parse_with_dated_entries(path: Path) -> None:
    feed = parse_feed(path.read_bytes(), "https://feeds.example/feed")
    assert feed.entries, path.name
    for entry in feed.entries:
        assert entry.key and (entry.link or entry.title or entry.text)
    assert any(e.published for e in feed.entries)


@pytest.mark.parametrize(
    ("name", "count", "first_title"),
    [
        ("feed.xml", 5, "Val Thorens ouvre sa saison avec un mètre de neige"),
        ("atom.xml", 1, "A new five-star hotel opens in Courchevel 1850"),
        ("rdf.xml", 1, "Que faire à Annecy quand il pleut"),
        ("feed.json", 2, "A new five-star hotel opens in Courchevel 1850"),
        ("youtube.xml", 1, "Val Thorens opening day 2026 — first tracks on the Péclet glacier"),
    ],
)
def test_each_feed_format(name: str, count: int, first_title: str) -> None:
    feed = parse_feed(fixture(name), "https://news.example/feed")
    assert len(feed.entries) == count and feed.entries[0].title == first_title


def test_youtube_entry_keeps_the_description() -> None:
    (video,) = parse_feed(fixture("youtube.xml"), "https://news.example/feed").entries
    assert video.link == "https://www.youtube.com/watch?v=abc123XYZ00"
    assert "one metre of fresh snow" in video.text


def test_undated_item_stays_undated() -> None:
    entries = parse_feed(fixture("feed.xml"), "https://news.example/feed").entries
    annecy = next(e for e in entries if e.title and "Annecy" in e.title)
    assert annecy.published is None


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>hello</body></html>", b"{\"foo\": 1}", b"[1, 2]", b"\x00\x01\x02garbage"]
)
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(PayloadShapeError):
        parse_feed(body, "https://news.example/feed")


def test_truncated_feed_keeps_what_it_can_and_says_so() -> None:
    body = fixture("feed.xml")
    feed = parse_feed(body[: body.index(b"<item>", 600)], "https://news.example/feed")
    assert feed.entries and feed.problem


def test_autodiscovery() -> None:
    assert discover_feeds(fixture("index.html"), "https://news.example/") == [
        "https://news.example/feed.xml"
    ]


def test_sitemaps_index_news_and_gzip() -> None:
    index = parse_sitemap(fixture("sitemap_index.xml"))
    assert index.sitemaps == (
        "https://news.example/sitemap_news.xml", "https://news.example/sitemap_pages.xml.gz",
    )
    news = parse_sitemap(fixture("sitemap_news.xml"))
    assert news.urls[0].news_title == "Val Thorens ouvre sa saison avec un mètre de neige"
    assert news.urls[0].news_published is not None and news.urls[0].news_lang == "fr"
    pages = parse_sitemap(gzip.compress(fixture("sitemap_pages.xml")))
    assert len(pages.urls) == 2 and pages.urls[0].lastmod is not None


@pytest.mark.parametrize(
    "body",
    [b"<rss><channel></channel></rss>", gzip.compress(b"<urlset>" * 1000)[:40], b"just words"],
)
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(PayloadShapeError):
        parse_sitemap(body)


def test_api_payloads() -> None:
    toots = parse_mastodon_statuses(load_api("mastodon_tag_valthorens.json"))
    assert len(toots.posts) == 3 and toots.next_cursor == "113512345678900001"
    assert toots.posts[1].author == "Ski Bum (@skibum@alps.social)"
    assert "today.\nBest opening" in toots.posts[1].text
    listing = parse_reddit_listing(load_api("reddit_new_page1.json"))
    assert listing.next_cursor == "t3_1h0003" and listing.posts[0].replies == 96
    sky = parse_bluesky_search(load_api("bluesky_search_page1.json"))
    assert sky.next_cursor == "2" and sky.posts[0].reposts == 11


@pytest.mark.parametrize(
    ("parser", "payload"),
    [
        (parse_mastodon_statuses, {"error": "Record not found"}),
        (parse_mastodon_statuses, [{"no": "id"}]),
        (parse_reddit_listing, [{"kind": "Listing"}]),
        (parse_reddit_listing, {"kind": "Listing", "data": {"children": "nope"}}),
        (parse_bluesky_search, {"feed": []}),
        (parse_bluesky_search, {"posts": [{"uri": "at://x/app.bsky.feed.like/1"}]}),
    ],
)
def test_api_payload_of_the_wrong_shape(parser, payload) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PayloadShapeError):
        parser(payload)


def test_near_duplicates_join_the_first_copy() -> None:
    story = " ".join(f"word{i}" for i in range(120))
    index = NearDuplicateIndex()
    assert index.add("a", story) is None
    assert index.add("b", story.replace("word7 ", "changed ") + " (AFP)") == "a"
    assert index.add("c", " ".join(f"other{i}" for i in range(120))) is None
    assert index.add("d", "too short to group") is None
