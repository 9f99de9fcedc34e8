"""Feed entries: the payload stored for re-analysis, and dates and text found where feeds put them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawlers.feeds import parse_feed

from .conftest import FIXTURES


def test_stored_payload_keeps_what_the_feed_said() -> None:
    body = (FIXTURES / "site" / "feed.xml").read_bytes().replace(b"{base}", b"https://news.example")
    courchevel = parse_feed(body, "https://news.example/feed").entries[2]
    raw = json.loads(json.dumps(courchevel.raw))  # stored as JSON: it must survive the round trip
    assert raw == courchevel.raw
    # A plain RSS 2.0 feed is read with lxml: the item's elements as written.
    assert raw == {
        "title": "A new five-star hotel opens in Courchevel 1850",
        "link": "https://news.example/articles/courchevel-hotel.html#top",
        "guid": "https://news.example/articles/courchevel-hotel.html",
        "pubDate": "Wed, 18 Nov 2026 10:00:00 GMT",
        "dc:creator": "Olivia Grant",
    }


def test_stored_payload_of_a_feed_feedparser_reads() -> None:
    body = (FIXTURES / "site" / "feed.xml").read_bytes().replace(b"{base}", b"https://news.example")
    body = body.replace(b'<rss version="2.0"', b'<!DOCTYPE rss>\n<rss version="2.0"')  # not taken by lxml
    courchevel = parse_feed(body, "https://news.example/feed").entries[2]
    raw = json.loads(json.dumps(courchevel.raw))
    assert raw == courchevel.raw
    assert raw["title"] == "A new five-star hotel opens in Courchevel 1850"
    assert raw["title_detail"]["type"] == "text/plain"
    assert raw["link"] == "https://news.example/articles/courchevel-hotel.html#top"
    assert raw["id"] == "https://news.example/articles/courchevel-hotel.html"
    assert raw["author"] == "Olivia Grant"
    assert raw["published"] == "Wed, 18 Nov 2026 10:00:00 GMT"
    assert raw["published_parsed"] == [2026, 11, 18, 10, 0, 0, 2, 322, 0]
    assert raw["links"] == [
        {
            "rel": "alternate",
            "type": "text/html",
            "href": "https://news.example/articles/courchevel-hotel.html#top",
        }
    ]


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Alpine Wire</title>
  <entry>
    <title type="html">Tignes &lt;em&gt;opens&lt;/em&gt; its glacier</title>
    <id>tag:alpine.example,2026:42</id>
    <link rel="enclosure" href="https://alpine.example/tignes.jpg" type="image/jpeg"/>
    <link rel="alternate" href="/2026/tignes-glacier"/>
    <updated>2026-11-21T06:45:00Z</updated>
    <content type="html">&lt;p&gt;Skiing resumed on the Grande Motte glacier.&lt;/p&gt;&lt;p&gt;Twelve runs are open.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_atom_entry_with_only_an_update_date_is_dated_and_linked() -> None:
    (entry,) = parse_feed(ATOM, "https://alpine.example/feed.atom").entries
    assert entry.published == datetime(2026, 11, 21, 6, 45, tzinfo=UTC)
    assert entry.link == "https://alpine.example/2026/tignes-glacier"
    assert entry.title == "Tignes opens its glacier"
    assert entry.text == "Skiing resumed on the Grande Motte glacier.\nTwelve runs are open."
    assert entry.lang == "en" and entry.key == "tag:alpine.example,2026:42"
