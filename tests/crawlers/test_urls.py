"""Canonical URLs: the same article reached by different links is stored once."""

from __future__ import annotations

import pytest

from crawlers.urls import canonicalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTP://WWW.Example.ORG/Articles/Val-Thorens.html",
            "http://www.example.org/Articles/Val-Thorens.html",
        ),
        ("https://example.org/story?", "https://example.org/story"),
        ("https://example.org/story#top", "https://example.org/story"),
        (" https://example.org/story\n", "https://example.org/story"),
        ("http://127.0.0.1:8080/articles/1.html", "http://127.0.0.1:8080/articles/1.html"),
        ("http://editor@example.org:80/story", "http://editor@example.org/story"),
        (
            "https://example.org/search?q=val thorens&utm_source=rss",
            "https://example.org/search?q=val+thorens",
        ),
        ("https://example.org/story?print", "https://example.org/story?print="),
    ],
)
def test_links_to_the_same_article_share_one_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected
