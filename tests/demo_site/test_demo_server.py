"""The loopback demo site serves valid pages, feed, sitemap and robots.txt, and 404s the rest."""

from __future__ import annotations

import urllib.error
import urllib.request
import urllib.robotparser
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from placewatch.demo_site import CorpusItem, DemoSite, render_site

from .conftest import REFERENCE

DC = "{http://purl.org/dc/elements/1.1/}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def fetch(url: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET on the demo site."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_base_url_is_loopback(site: DemoSite) -> None:
    assert site.base_url.startswith("http://127.0.0.1:")
    assert not site.base_url.endswith("/")


def test_home_links_every_item(site: DemoSite, corpus: tuple[CorpusItem, ...]) -> None:
    status, ctype, body = fetch(site.base_url + "/")
    assert status == 200 and ctype.startswith("text/html")
    for item in corpus:
        assert f'href="{site.base_url}{item.path}"' in body


def test_feed_is_rss_of_all_items_newest_first(
    site: DemoSite, corpus: tuple[CorpusItem, ...]
) -> None:
    status, ctype, body = fetch(site.base_url + "/feed.xml")
    assert status == 200 and "xml" in ctype
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    entries = channel.findall("item")
    assert len(entries) == len(corpus)
    by_url = {site.base_url + i.path: i for i in corpus}
    dates = []
    for entry in entries:
        item = by_url[entry.findtext("link") or ""]
        assert entry.findtext("guid") == entry.findtext("link")
        assert entry.findtext("title") == item.title
        assert entry.findtext(f"{DC}creator") == item.author
        assert entry.findtext("description") == item.paragraphs[0]
        pub = entry.findtext("pubDate")
        if item.days_ago is None:
            assert pub is None
        else:
            assert pub is not None
            when = parsedate_to_datetime(pub)
            assert when == item.published(REFERENCE) and when <= REFERENCE
            dates.append(when)
    assert dates == sorted(dates, reverse=True)


def test_sitemap_lists_every_item_with_lastmod_where_dated(
    site: DemoSite, corpus: tuple[CorpusItem, ...]
) -> None:
    status, _, body = fetch(site.base_url + "/sitemap.xml")
    assert status == 200
    urls = ET.fromstring(body).findall(f"{SM}url")
    lastmods = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in urls}
    assert set(lastmods) == {site.base_url + i.path for i in corpus}
    for item in corpus:
        assert (lastmods[site.base_url + item.path] is None) == (item.days_ago is None)


def test_robots_allows_items_and_disallows_private(site: DemoSite) -> None:
    parser = urllib.robotparser.RobotFileParser(site.base_url + "/robots.txt")
    parser.read()
    assert parser.can_fetch("placewatch", site.base_url + "/feed.xml")
    assert parser.can_fetch("placewatch", site.base_url + "/articles/x.html")
    assert not parser.can_fetch("placewatch", site.base_url + "/private/drafts.html")


def test_every_item_page_carries_its_escaped_text_and_metadata(
    site: DemoSite, corpus: tuple[CorpusItem, ...]
) -> None:
    for item in corpus:
        url = site.base_url + item.path
        status, ctype, body = fetch(url)
        assert status == 200 and ctype == "text/html; charset=utf-8", item.slug
        assert f'<html lang="{item.lang}">' in body
        assert f'<link rel="canonical" href="{url}">' in body
        assert f'<meta name="author" content="{escape(item.author)}">' in body
        assert f"<title>{escape(item.title)} | " in body
        for paragraph in item.paragraphs:
            assert f"<p>{escape(paragraph)}</p>" in body, item.slug
        dated = item.days_ago is not None
        assert ('property="article:published_time"' in body) == dated, item.slug
        assert ("<time " in body) == dated, item.slug
        assert ("datePublished" in body) == dated, item.slug


def test_undated_article_shows_no_date_anywhere(
    site: DemoSite, corpus: tuple[CorpusItem, ...]
) -> None:
    undated = next(i for i in corpus if i.days_ago is None)
    _, _, body = fetch(site.base_url + undated.path)
    for year in {str(REFERENCE.year), str(REFERENCE.year - 1)}:
        assert year not in body.split("<footer")[0]


def test_comments_and_sidebar_sit_outside_the_article(
    site: DemoSite, corpus: tuple[CorpusItem, ...]
) -> None:
    item = next(i for i in corpus if i.comments)
    _, _, body = fetch(site.base_url + item.path)
    article_end = body.index("</article>")
    assert body.index('<section class="comments"') > article_end
    assert body.index('<aside class="sidebar">') > article_end
    assert body.index(escape(item.comments[0].text)) > article_end


def test_post_page_shows_handle_and_engagement(
    site: DemoSite, corpus: tuple[CorpusItem, ...]
) -> None:
    post = next(i for i in corpus if i.kind == "post")
    _, _, body = fetch(site.base_url + post.path)
    assert f"@{post.author_handle}" in body
    assert f'data-likes="{post.likes}"' in body
    assert f'data-reposts="{post.reposts}"' in body
    assert f'data-replies="{post.replies}"' in body
    assert f'data-followers="{post.followers}"' in body


@pytest.mark.parametrize(
    "path", ["/nope", "/articles/does-not-exist.html", "/private/drafts.html", "/posts/"]
)
def test_unknown_paths_are_404(site: DemoSite, path: str) -> None:
    status, _, _ = fetch(site.base_url + path)
    assert status == 404


def test_serving_logs_nothing_to_stderr(site: DemoSite, capfd: pytest.CaptureFixture[str]) -> None:
    fetch(site.base_url + "/")
    fetch(site.base_url + "/nope")
    assert capfd.readouterr().err == ""


def test_stop_releases_the_port() -> None:
    demo = DemoSite(reference=REFERENCE).start()
    url = demo.base_url
    demo.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/", timeout=2)


def test_render_site_writes_the_same_site_statically(
    tmp_path: Path, corpus: tuple[CorpusItem, ...]
) -> None:
    render_site(tmp_path, REFERENCE, base_url="https://demo.example")
    assert (tmp_path / "index.html").exists()
    assert ET.parse(tmp_path / "feed.xml").getroot().tag == "rss"
    page = (tmp_path / corpus[0].path.lstrip("/")).read_text("utf-8")
    assert f'href="https://demo.example{corpus[0].path}"' in page
