"""The lxml fast path reads every feed it accepts exactly as feedparser does, and declines the rest."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from crawlers.exceptions import PayloadShapeError
from crawlers.feeds import Feed, parse_feed
from crawlers.feeds.lxml_rules import html_field
from crawlers.feeds.via_feedparser import read_with_feedparser
from crawlers.feeds.via_lxml import read_with_lxml

from .conftest import DATASETS, FIXTURES

URL = "https://feeds.example/news/feed"
CONTENT_TYPES = (None, "application/rss+xml; charset=utf-8", "application/atom+xml", "text/xml")

DATASET_FEEDS = sorted(
    p for p in (DATASETS / "feeds").rglob("*")
    if p.is_file() and p.suffix in (".xml", ".rss", ".atom") and "expected_output" not in p.parts
) if (DATASETS / "feeds").exists() else []
FIXTURE_FEEDS = sorted(
    p for p in (FIXTURES / "site").glob("*.xml") if not p.name.startswith("sitemap")
)


def _rss(items: str, channel: str = "<title>Alpine News</title><link>/</link>",
         head: str = '<?xml version="1.0" encoding="utf-8"?>',
         ns: str = 'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                   'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                   'xmlns:atom="http://www.w3.org/2005/Atom" '
                   'xmlns:media="http://search.yahoo.com/mrss/" '
                   'xmlns:itunes="http://www.itunes.com/DTDs/PodCast-1.0.dtd" '
                   'xmlns:x="http://unknown.example/ns"') -> bytes:
    return f'{head}<rss version="2.0" {ns}><channel>{channel}{items}</channel></rss>'.encode()


def _atom(entries: str, head: str = '<title>Alpine Wire</title><link href="/"/><id>urn:wire</id>',
          lang: str = ' xml:lang="en-GB"') -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{lang} '
        f'xmlns:media="http://search.yahoo.com/mrss/" xmlns:x="http://unknown.example/ns">'
        f"{head}{entries}</feed>"
    ).encode()


def _item(body: str) -> str:
    return f"<item>{body}</item>"


DATE = "<pubDate>Fri, 20 Nov 2026 07:30:00 GMT</pubDate>"
LONG = "La station de Val Thorens ouvre ce samedi avec un mètre de neige fraîche sur les pistes."

# Constructs feedparser reads in its own way; each must come out the same, or be declined.
SYNTHETIC: dict[str, bytes] = {
    "rss plain": _rss(_item(f"<title>Val Thorens</title><link>/a/1.html</link>{DATE}")),
    "rss guid permalink": _rss(_item(f"<title>T</title><guid>https://x.example/1</guid>{DATE}")),
    "rss guid relative": _rss(_item("<title>T</title><guid>/rel/1</guid>")),
    "rss guid not permalink": _rss(_item('<title>T</title><guid isPermaLink="false">id-1</guid>')),
    "rss guid before link": _rss(_item("<guid>https://x.example/g</guid><link>/l</link>")),
    "rss guid after link": _rss(_item("<link>/l</link><guid>https://x.example/g</guid>")),
    "rss empty link": _rss(_item("<title>T</title><link></link><guid>https://x.example/g</guid>")),
    "rss empty link, guid id": _rss(_item('<link> </link><guid isPermaLink="false">https://x.example/g</guid>')),
    "rss link with query": _rss(_item("<link>/a?x=1&amp;y=2&amp;amp;z=3</link>")),
    "rss link entity-like": _rss(_item("<link>/a?x=1&amp;copy;y=2</link>")),
    "rss link whitespace": _rss(_item("<link>\n  https://x.example/a  \n</link>")),
    "rss no link no guid": _rss(_item("<title>Only a title</title>")),
    "rss html title": _rss(_item("<title>Tignes &lt;em&gt;opens&lt;/em&gt;</title><link>/a</link>")),
    "rss entity title": _rss(_item("<title>Caf&#233; &amp; ski &#8217;26</title><link>/a</link>")),
    "rss amp title": _rss(_item("<title>AT&amp;T &amp;amp; Q&amp;A</title><link>/a</link>")),
    "rss lt title": _rss(_item("<title>a &lt; b &gt; c</title><link>/a</link>")),
    "rss cdata": _rss(_item("<title><![CDATA[Les Arcs & <b>Peisey</b>]]></title><link>/a</link>"
                            f"<description><![CDATA[<p>{LONG}</p><p>Deux</p>]]></description>")),
    "rss html description": _rss(_item(
        f"<link>/a</link><description>&lt;p&gt;{LONG}&lt;br/&gt;Suite &amp;amp; fin&lt;/p&gt;"
        "&lt;img src=\"/i.png\" /&gt;</description>")),
    "rss script in description": _rss(_item(
        "<link>/a</link><description>&lt;p&gt;x&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        "</description>")),
    "rss comment in description": _rss(_item(
        "<link>/a</link><description>&lt;!-- ad --&gt;&lt;p&gt;Texte&lt;/p&gt;</description>")),
    "rss plain description refs": _rss(_item(
        "<link>/a</link><description>Prix : 12&amp;#8364; &amp;amp; plus</description>")),
    "rss description cp1252 ref": _rss(_item(
        "<link>/a</link><description>&lt;p&gt;l&amp;#146;hiver&lt;/p&gt;</description>")),
    "rss content encoded": _rss(_item(
        f"<link>/a</link><description>Court.</description>"
        f"<content:encoded><![CDATA[<div><p>{LONG}</p></div>]]></content:encoded>")),
    "rss content before description": _rss(_item(
        f"<link>/a</link><content:encoded><![CDATA[<p>{LONG}</p>]]></content:encoded>"
        "<description>Court.</description>")),
    "rss empty content": _rss(_item(
        "<link>/a</link><content:encoded></content:encoded><description>Court.</description>")),
    "rss empty content first": _rss(_item(
        "<link>/a</link><description>Court.</description><content:encoded/>")),
    "rss dc creator": _rss(_item(f"<link>/a</link><dc:creator>Olivia Grant</dc:creator>{DATE}")),
    "rss author email": _rss(_item("<link>/a</link><author>jane@x.org (Jane Roe)</author>")),
    "rss author and creator": _rss(_item("<link>/a</link><author>a@x.org</author><dc:creator>B</dc:creator>")),
    "rss itunes author": _rss(_item("<link>/a</link><itunes:author>Pod</itunes:author>")),
    "rss dc date": _rss(_item("<link>/a</link><dc:date>2026-11-20T07:30:00+01:00</dc:date>")),
    "rss both dates": _rss(_item(f"<link>/a</link>{DATE}<dc:date>2026-11-19T07:30:00Z</dc:date>")),
    "rss odd date": _rss(_item("<link>/a</link><pubDate>20 Nov 2026 07:30 +0100</pubDate>")),
    "rss iso pubdate": _rss(_item("<link>/a</link><pubDate>2026-11-20</pubDate>")),
    "rss bad date": _rss(_item("<link>/a</link><pubDate>yesterday</pubDate>")),
    "rss future date": _rss(_item("<link>/a</link><pubDate>Fri, 20 Nov 2099 07:30:00 GMT</pubDate>")),
    "rss empty date": _rss(_item("<link>/a</link><pubDate></pubDate>")),
    "rss categories enclosures": _rss(_item(
        '<link>/a</link><category>Ski</category><category domain="x">Alpes</category>'
        '<enclosure url="/v.mp4" type="video/mp4" length="12"/><comments>/a#c</comments>'
        '<media:thumbnail url="/t.jpg"/><media:content url="/m.jpg" medium="image"/>'
        '<source url="https://src.example/rss">Source</source>')),
    "rss unknown elements": _rss(_item(
        '<link>/a</link><x:rank>3</x:rank><x:flag on="1"/><x:title>Other</x:title>')),
    "rss unknown nested": _rss(_item("<link>/a</link><x:box><title>Inner</title></x:box>")),
    "rss media title": _rss(_item("<media:title>M</media:title><title>T</title><link>/a</link>")),
    "rss atom link self": _rss(
        _item("<link>/a</link>"),
        channel='<title>N</title><link>/</link><atom:link rel="self" href="/feed" type="application/rss+xml"/>',
    ),
    "rss atom alternate": _rss(_item('<atom:link rel="alternate" href="/alt"/><title>T</title>')),
    "rss channel image": _rss(
        _item("<link>/a</link>"),
        channel="<image><title>Logo</title><url>/l.png</url><link>/img</link></image>"
                "<title>Channel</title><link>/home</link><language>fr-FR</language>",
    ),
    "rss image after title": _rss(
        _item("<link>/a</link>"),
        channel="<title>Channel</title><link>/home</link><image><title>Logo</title>"
                "<link>/img</link></image><textInput><title>S</title><link>/s</link></textInput>",
    ),
    "rss no channel title": _rss(_item("<link>/a</link>"), channel="<link>https://x.example/</link>"),
    "rss empty channel title": _rss(_item("<link>/a</link>"), channel="<title></title>"),
    "rss html channel title": _rss(_item("<link>/a</link>"), channel="<title>A &lt;b&gt;B&lt;/b&gt;</title>"),
    "rss channel extras": _rss(
        _item("<link>/a</link>"),
        channel="<title>N</title><description>D</description><generator>G</generator>"
                "<lastBuildDate>Fri, 20 Nov 2026 07:30:00 GMT</lastBuildDate><ttl>5</ttl>"
                "<itunes:owner><itunes:name>O</itunes:name></itunes:owner>"
                '<itunes:category text="Travel"><itunes:category text="Places"/></itunes:category>',
    ),
    "rss uppercase tags": _rss(_item("<Title>T</Title><Link>/a</Link>")),
    "rss repeated title": _rss(_item("<title>One</title><title>Two</title><link>/a</link>")),
    "rss item attribute": _rss('<item turbo="true"><title>T</title><link>/a</link></item>'),
    "rss item about": _rss(
        '<item rdf:about="https://x.example/r" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        "<title>T</title></item>"),
    "rss 0.91": _rss(_item("<title>T</title><link>/a</link>")).replace(b'"2.0"', b'"0.91"'),
    "rss 3.0": _rss(_item("<title>T</title><link>/a</link>")).replace(b'"2.0"', b'"3.0"'),
    "rss mojibake title": _rss(_item("<title>CafÃ© crème</title><link>/a</link>")),
    "rss control ref title": _rss(_item("<title>x&#150;y</title><link>/a</link>")),
    "rss latin-1": _rss(_item("<title>Caf\u00e9</title>"), head='<?xml version="1.0" encoding="iso-8859-1"?>')
    .replace("Café".encode(), "Café".encode("latin-1")),
    "rss not utf-8": _rss(_item("<title>Caf\u00e9</title>")).replace("é".encode(), b"\xe9"),
    "rss undeclared prefix": _rss(_item("<title>T</title><y:z>1</y:z>")),
    "rss undefined entity": _rss(_item("<title>T&nbsp;</title>")),
    "rss truncated": _rss(_item("<title>T</title><link>/a</link>"))[:-20],
    "rss doctype": _rss(_item("<title>T</title>"), head='<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "E">]>'),
    "rss xml base": _rss('<item xml:base="https://other.example/d/"><link>a</link></item>'),
    "rss comment in title": _rss(_item("<title>Val<!-- x --> Thorens</title>")),
    "rss no items": _rss(""),
    "rss lang on root": _rss(_item("<link>/a</link>")).replace(b'version="2.0"', b'version="2.0" xml:lang="de"'),
    "rss bom": b"\xef\xbb\xbf" + _rss(_item("<link>/a</link>")),
    "atom plain": _atom(
        '<entry><title>Tignes</title><link href="/a/1"/><id>urn:1</id>'
        "<updated>2026-11-21T06:45:00Z</updated><summary>Short.</summary></entry>"),
    "atom html title and content": _atom(
        '<entry><title type="html">Tignes &lt;em&gt;opens&lt;/em&gt;</title><id>urn:2</id>'
        '<link rel="alternate" type="text/html" href="https://x.example/2"/>'
        f'<content type="html">&lt;p&gt;{LONG}&lt;/p&gt;&lt;p&gt;B&lt;/p&gt;</content>'
        "<published>2026-11-20T06:45:00+01:00</published><updated>2026-11-21T06:45:00Z</updated>"
        "</entry>"),
    "atom text content with markup": _atom(
        '<entry><title>A &lt;b&gt; c</title><id>urn:3</id><content type="text">x &lt;p&gt;y</content></entry>'),
    "atom xhtml content": _atom(
        '<entry><id>urn:4</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>X</p></div></content></entry>"),
    "atom id only": _atom("<entry><id>https://x.example/only-id</id><title>T</title></entry>"),
    "atom tag id only": _atom("<entry><id>tag:x.example,2026:5</id><title>T</title></entry>"),
    "atom id before link": _atom('<entry><id>https://x.example/i</id><link href="/l"/></entry>'),
    "atom related link only": _atom('<entry><id>urn:6</id><link rel="related" href="/r"/></entry>'),
    "atom enclosure and alternate": _atom(
        '<entry><id>urn:7</id><link rel="enclosure" href="/e.jpg" type="image/jpeg"/>'
        '<link rel="alternate" href="/alt" type="application/xhtml+xml"/></entry>'),
    "atom two alternates": _atom('<entry><id>urn:8</id><link href="/one"/><link href="/two"/></entry>'),
    "atom pdf alternate": _atom('<entry><id>urn:9</id><link href="/d.pdf" type="application/pdf"/></entry>'),
    "atom author forms": _atom(
        "<entry><id>urn:10</id><author><name>Jane</name><email>j@x.org</email></author></entry>"
        "<entry><id>urn:11</id><author><email>j@x.org</email></author></entry>"
        "<entry><id>urn:12</id><author><uri>https://j.example</uri></author></entry>"
        "<entry><id>urn:13</id><author><name> Jane Roe </name><uri>/j</uri></author></entry>"),
    "atom feed author": _atom(
        "<entry><id>urn:14</id><title>T</title></entry>",
        head="<title>W</title><author><name>Desk</name></author><id>urn:w</id>"),
    "atom summary and content": _atom(
        '<entry><id>urn:15</id><content type="html"></content><summary>S</summary></entry>'
        '<entry><id>urn:16</id><summary>S</summary><content>C</content></entry>'),
    "atom content src": _atom('<entry><id>urn:17</id><content src="/c.html"/></entry>'),
    "atom base64 content": _atom('<entry><id>urn:18</id><content type="image/png">iVBORw0=</content></entry>'),
    "atom base on content": _atom(
        '<entry><id>urn:19</id><content type="html" xml:base="https://b.example/">'
        "&lt;a href=&quot;x&quot;&gt;link&lt;/a&gt; text</content></entry>"),
    "atom base on entry": _atom('<entry xml:base="https://b.example/d/"><id>urn:20</id><link href="a"/></entry>'),
    "atom no lang": _atom("<entry><id>urn:21</id><title>T</title></entry>", lang=""),
    "atom underscore lang": _atom("<entry><id>urn:22</id></entry>", lang=' xml:lang="pt_BR"'),
    "atom feed id link": _atom("<entry><id>urn:23</id></entry>", head="<title>W</title><id>https://x.example/w</id>"),
    "atom feed html title": _atom("<entry><id>urn:24</id></entry>", head='<title type="html">A &amp;amp; B</title>'),
    "atom categories media": _atom(
        '<entry><id>urn:25</id><category term="ski"/><category term="alps" label="Alps"/>'
        '<media:thumbnail url="/t.jpg"/><x:score>4</x:score><rights>CC</rights></entry>'),
    "atom media group": _atom(
        "<entry><id>urn:26</id><media:group><media:description>D</media:description></media:group></entry>"),
    "atom source": _atom("<entry><id>urn:27</id><source><title>Orig</title></source></entry>"),
    "atom link foreign href": _atom('<entry><id>urn:28</id><link href="/a" x:href="/b"/></entry>'),
    "atom link known-ns attribute": _atom(
        '<entry><id>urn:29</id><link href="/a" thr:count="2" '
        'xmlns:thr="http://purl.org/syndication/thread/1.0"/></entry>'),
    "rss foreign base": _rss('<item><link x:base="https://b.example/d/">a</link></item>'),
    "rss non-ascii element": _rss(_item("<link>/a</link><x:café>1</x:café>")),
    "atom no entries": _atom(""),
    "atom entry without key": _atom("<entry><title>Nothing to key on</title></entry>"),
}


def _without_raw(feed: Feed) -> tuple[object, ...]:
    entries = [dataclasses.replace(e, raw={}) for e in feed.entries]
    return feed.title, feed.link, feed.lang, feed.problem, entries


def _both_paths(body: bytes, content_type: str | None) -> tuple[Feed | None, Feed | None]:
    fast = read_with_lxml(body, URL, content_type)
    try:
        slow = read_with_feedparser(body, URL, content_type)
    except PayloadShapeError:
        slow = None
    return fast, slow


def _accepted(bodies: list[bytes]) -> int:
    accepted = 0
    for body in bodies:
        for content_type in CONTENT_TYPES:
            fast, slow = _both_paths(body, content_type)
            if fast is not None:
                accepted += 1
                assert slow is not None and _without_raw(fast) == _without_raw(slow)
    return accepted


@pytest.mark.parametrize("name", SYNTHETIC)
def test_fast_path_reads_constructs_as_feedparser_does(name: str) -> None:
    for content_type in CONTENT_TYPES:
        fast, slow = _both_paths(SYNTHETIC[name], content_type)
        if fast is not None:
            assert slow is not None, name
            assert _without_raw(fast) == _without_raw(slow), (name, content_type)


@pytest.mark.skipif(not DATASET_FEEDS, reason="shared feeds dataset not found")
@pytest.mark.parametrize("path", DATASET_FEEDS + FIXTURE_FEEDS, ids=lambda p: p.name)
def test_fast_path_reads_real_feeds_as_feedparser_does(path: Path) -> None:
    body = path.read_bytes().replace(b"{base}", b"https://news.example")
    _accepted([body])


def test_fast_path_takes_the_plain_feeds() -> None:
    plain = ["rss plain", "rss html description", "rss content encoded", "rss dc creator",
             "rss categories enclosures", "rss channel image", "atom plain",
             "atom html title and content", "atom author forms", "atom categories media"]
    for name in plain:
        assert read_with_lxml(SYNTHETIC[name], URL, None) is not None, name
    for name in ("feed.xml", "atom.xml"):
        body = (FIXTURES / "site" / name).read_bytes().replace(b"{base}", b"https://news.example")
        assert read_with_lxml(body, URL, "application/rss+xml") is not None, name
    accepted = [p.name for p in DATASET_FEEDS if read_with_lxml(p.read_bytes(), URL, None)]
    if DATASET_FEEDS:
        assert {"heise.atom", "feed-test-source.xml", "feed-test-ru.xml"} <= set(accepted)


@pytest.mark.parametrize(
    "name",
    ["rss truncated", "rss undefined entity", "rss undeclared prefix", "rss not utf-8", "rss latin-1",
     "rss doctype", "rss xml base", "rss unknown nested", "rss media title", "rss script in description",
     "atom xhtml content", "atom media group", "atom content src", "atom base on entry", "rss 3.0",
     "atom link foreign href", "rss foreign base", "rss non-ascii element"],
)
def test_fast_path_declines_what_it_cannot_promise(name: str) -> None:
    assert read_with_lxml(SYNTHETIC[name], URL, None) is None


def test_broken_feed_still_reports_its_problem() -> None:
    feed = parse_feed(SYNTHETIC["rss truncated"], URL)
    assert feed.problem and feed.entries


def test_bench_shaped_feed_takes_the_fast_path() -> None:
    items = "".join(
        f"<item><title>Story {i}</title><link>http://127.0.0.1:8000/articles/{i}.html</link>"
        "<pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate></item>"
        for i in range(50)
    )
    body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench</title>{items}</channel></rss>"
    fast = read_with_lxml(body.encode(), URL, "application/rss+xml")
    assert fast is not None and len(fast.entries) == 50
    assert _without_raw(fast) == _without_raw(read_with_feedparser(body.encode(), URL, "application/rss+xml"))


def test_fast_path_raw_keeps_every_element_and_attribute() -> None:
    (entry,) = parse_feed(SYNTHETIC["rss categories enclosures"], URL).entries
    raw = json.loads(json.dumps(entry.raw))
    assert raw == entry.raw
    assert raw["link"] == "/a"
    assert raw["category"] == ["Ski", {"@domain": "x", "#text": "Alpes"}]
    assert raw["enclosure"] == {"@url": "/v.mp4", "@type": "video/mp4", "@length": "12"}
    assert raw["media:thumbnail"] == {"@url": "/t.jpg"}
    assert raw["source"] == {"@url": "https://src.example/rss", "#text": "Source"}
    (entry, *_) = parse_feed(SYNTHETIC["atom author forms"], URL).entries
    assert entry.raw["author"] == {"name": "Jane", "email": "j@x.org"}
    assert entry.raw["id"] == "urn:10"


@pytest.mark.parametrize(
    "html",
    [
        "<p>Un <b>mètre</b> de neige&nbsp;!</p><p>Deux</p>",
        "<div><img src=\"/x.png\" alt=\"a&amp;b\"><br/>Suite &#8217; fin &#x2019;</div>",
        "Tom & Jerry, 12 &euro;",
        "<!-- ad --><ul><li>un<li>deux</ul>",
    ],
)
def test_html_the_gate_lets_through_reads_as_after_feedparsers_sanitiser(html: str) -> None:
    from feedparser.sanitizer import _sanitize_html
    from feedparser.urls import resolve_relative_uris

    from crawlers.extraction import parse_html_fragment

    sanitised = _sanitize_html(resolve_relative_uris(html, URL, "utf-8", "text/html"), "utf-8", "text/html")
    assert html_field(html) == parse_html_fragment(sanitised)


def test_urls_taken_as_they_are_are_what_urljoin_returns() -> None:
    from itertools import product
    from urllib.parse import urljoin

    from feedparser.urls import _urljoin

    from crawlers.feeds.lxml_rules import ABSOLUTE_URL

    schemes = ["http://", "https://", "HTTP://", "ftp://", "http:///"]
    hosts = ["x.example", "x.example:8080", "user@x.example", "[::1]", "xn--caf-dma.example", "café.example", ""]
    paths = ["", "/", "/a/b.html", "/a/./b/../c", "/é/ü", "/a;p", "/a b", "//double"]
    queries = ["", "?", "?x=1&y=2", "?a=1?b", "?x=1;y"]
    fragments = ["", "#", "#top", "#a#b?c"]
    bases = ["https://feeds.example/news/feed", "http://other.example/", ""]
    checked = 0
    for parts in product(schemes, hosts, paths, queries, fragments):
        url = "".join(parts)
        if ABSOLUTE_URL.match(url):
            checked += 1
            for base in bases:
                assert urljoin(base, url) == url and _urljoin(base, url) == url, (base, url)
    assert checked > 300
