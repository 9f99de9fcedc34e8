"""Real crawls (each in its own process) of every source type against loopback servers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config import CREDENTIAL_VARIABLES, Credentials, Source
from core.models import RawDocument, document_id
from crawlers import crawl_in_subprocess
from crawlers.urls import canonicalize_url
from indexer import open_store

from .conftest import LoopbackSite, make_config

pytestmark = pytest.mark.slow


def stored(config) -> dict[str, RawDocument]:  # type: ignore[no-untyped-def]
    store = open_store(config.store)
    try:
        return {d.url: d for d in store.raw_documents()}
    finally:
        store.close()


def states(config):  # type: ignore[no-untyped-def]
    store = open_store(config.store)
    try:
        return {s.source_id: s for s in store.source_states()}
    finally:
        store.close()


def test_feeds_and_sitemaps_are_collected_once(site: LoopbackSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    b = site.base
    config = make_config(
        tmp_path,
        Source("dn-rss", "rss", f"{b}/feed.xml"),
        Source("wire-atom", "rss", f"{b}/atom.xml"),
        Source("annecy-rdf", "rss", f"{b}/rdf.xml"),
        Source("insider-json", "rss", f"{b}/feed.json"),
        Source("vt-youtube", "rss", f"{b}/youtube.xml"),
        Source("dn-home", "rss", f"{b}/"),  # autodiscovery
        Source("dn-sitemap", "sitemap", f"{b}/sitemap_index.xml"),
    )
    report = crawl_in_subprocess(config, timeout=120)
    docs = stored(config)
    vt = docs[f"{b}/articles/val-thorens-ouverture.html"]
    assert vt.published == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert vt.author == "Claire Dumas" and vt.lang == "fr"
    assert "huit mille skieurs" in vt.text
    assert "Courchevel" not in vt.text and "Tignes" not in vt.text  # comments stay out
    assert vt.id == document_id(vt.url) and b"<html" in vt.raw

    annecy = docs[f"{b}/articles/annecy-sans-date.html"]
    assert annecy.published is None and annecy.date_missing  # never the crawl date

    hotel = docs[f"{b}/articles/courchevel-hotel.html"]
    copy = docs[f"{b}/articles/courchevel-hotel-syndicated.html"]
    # Grouped, whichever of the two copies the concurrent crawl stored first.
    assert {hotel.duplicate_of, copy.duplicate_of} in ({None, hotel.id}, {None, copy.id})

    gone = docs[f"{b}/articles/deleted-story.html"]  # 404: the feed item is kept
    assert "télécabine des Granges" in gone.text
    assert gone.published == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)

    video = docs["https://www.youtube.com/watch?v=abc123XYZ00"]
    assert "Péclet glacier" in video.text and video.source_type == "rss"

    note = next(d for d in docs.values() if d.title == "Short note: Courchevel lift queues")
    assert "Jardin Alpin" in note.text
    assert len(docs) == 7, sorted(docs)
    assert report.new_documents == 7
    st = states(config)
    assert st["dn-rss"].errors == 1 and "404" in (st["dn-rss"].last_error or "")
    assert st["dn-rss"].last_success is not None and st["dn-rss"].consecutive_errors == 0
    assert st["dn-home"].extra["feed_url"] == f"{b}/feed.xml"

    before = len(site.hits)
    again = crawl_in_subprocess(config, timeout=120)
    assert again.new_documents == 0
    assert len(stored(config)) == 7
    second = [h.path for h in site.hits[before:] if h.path != "/robots.txt"]
    assert not [p for p in second if p.startswith("/articles/")], second  # nothing re-downloaded
    conditional = [h for h in site.hits[before:] if h.path == "/feed.xml"]
    assert conditional and all("If-None-Match" in h.headers for h in conditional)


def test_page_spider_follows_same_site_articles(site: LoopbackSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = make_config(tmp_path, Source("dn-page", "page", f"{site.base}/", depth=2))
    crawl_in_subprocess(config, timeout=120)
    urls = set(stored(config))
    b = site.base
    assert urls == {
        f"{b}/articles/val-thorens-ouverture.html",
        f"{b}/articles/annecy-sans-date.html",
        f"{b}/articles/courchevel-hotel.html",
        f"{b}/articles/courchevel-hotel-syndicated.html",  # found on /stations/ (depth 2)
    }
    again = crawl_in_subprocess(config, timeout=120)
    assert again.new_documents == 0 and len(stored(config)) == 4


def test_social_apis_are_collected_incrementally(site: LoopbackSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    b = site.base
    reddit_app = Credentials(CREDENTIAL_VARIABLES["reddit"], ("app-id", "app-secret"))
    account = Credentials(CREDENTIAL_VARIABLES["bluesky"], ("me.example", "app-password"))
    config = make_config(
        tmp_path,
        Source("masto", "mastodon", b, hashtags=("valthorens",)),
        Source("reddit-skiing", "reddit", b, subreddits=("skiing",), token_url=f"{b}/api/v1/access_token",
               credentials=reddit_app),
        Source("reddit-annecy", "reddit", b, query="Annecy", token_url=f"{b}/api/v1/access_token",
               credentials=reddit_app),
        Source("bsky-nice", "bluesky", b, query="Nice", credentials=account),
    )
    report = crawl_in_subprocess(config, timeout=120)
    docs = stored(config)
    assert report.new_documents == 10, report.summary()
    toot = docs[canonicalize_url("https://mastodon.example/@chaletgirl/113512345678900003")]
    assert toot.author == "Chalet Girl (@chaletgirl)" and toot.lang == "fr"
    assert toot.engagement.likes == 57 and toot.engagement.reposts == 12
    assert toot.engagement.replies == 4 and toot.engagement.followers == 2140
    assert "un mètre de poudre" in toot.text and b'"favourites_count": 57' in toot.raw
    warned = next(d for d in docs.values() if "Chutes de neige" in d.text)
    assert warned.text.startswith("météo") and warned.lang == "fr"  # spoiler kept, language detected

    stuck = next(d for d in docs.values() if d.title == "Les Arcs gondola stuck for two hours")
    assert stuck.url.startswith("https://www.reddit.com/r/skiing/comments/1h0003/")
    assert stuck.engagement.likes == 530 and stuck.engagement.replies == 210
    assert stuck.author is None  # [deleted]
    assert any(d.title == "Annecy veut limiter les locations touristiques" for d in docs.values())

    sky = next(d for d in docs.values() if d.text.startswith("Carnaval de Nice"))
    assert sky.url == "https://bsky.app/profile/nicoise.bsky.social/post/3lbc3"
    assert sky.author == "La Niçoise (@nicoise.bsky.social)" and sky.lang == "fr"
    assert sky.engagement.likes == 88 and sky.engagement.reposts == 11 and sky.engagement.replies == 4

    before = len(site.hits)
    again = crawl_in_subprocess(config, timeout=120)
    assert again.new_documents == 0 and len(stored(config)) == 10
    masto = [h for h in site.hits[before:] if h.path.startswith("/api/v1/timelines/tag/")]
    assert masto and masto[0].param("since_id") == "113512345678900003"
    assert all(h.param("after") is None for h in site.hits[before:] if h.path == "/r/skiing/new")
    assert all(h.param("cursor") is None for h in site.hits[before:] if "searchPosts" in h.path)
