"""Feed spider: RSS, RDF, Atom, JSON Feed and YouTube feeds; follows entries to their articles."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from core.models import Engagement
from crawlers.exceptions import PayloadShapeError
from crawlers.feeds import FeedEntry, discover_feeds, looks_like_html, parse_feed
from crawlers.per_territory import feed_url_for, territory_query
from crawlers.spiders.base import ArticleHint, SourceSpider, dumps
from crawlers.urls import canonicalize_url, is_fetchable, same_site

logger = logging.getLogger(__name__)

# Entries on these hosts are videos or audio: the feed entry is the document.
MEDIA_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "soundcloud.com")


def summary_hint(hint: ArticleHint, publisher: str | None) -> ArticleHint:
    """A news-search item as a document: its publisher as the author, the title without the
    " - Publisher" the search appends to it."""
    title = hint.title
    if title and publisher and title.endswith(f" - {publisher}"):
        title = title[: -len(publisher) - 3].rstrip() or hint.title
    return replace(hint, title=title, author=publisher or hint.author)


def is_media_link(url: str | None) -> bool:
    """True when a link points at a video or audio page, which has no article to extract."""
    host = (urlsplit(url).hostname or "") if url else ""
    return any(host == h or host.endswith("." + h) for h in MEDIA_HOSTS)


class FeedSpider(SourceSpider):
    """Reads one feed (or the feed an HTML page advertises) and collects its new entries."""

    name = "rss"
    source_type: ClassVar[str] = "rss"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        validators = self.run.state.extra.get("validators")
        # per_territory: each territory's feed keeps its own ETag/Last-Modified
        self.validators: dict[str, dict[str, str]] = validators if isinstance(validators, dict) else {}

    def feed_urls(self) -> list[str]:
        """The feed (or the one an HTML page advertised), or one news-search feed per territory."""
        if self.source.per_territory:
            urls = (feed_url_for(self.source.url, territory_query(t)) for t in self.run.territories)
            return list(dict.fromkeys(urls))[: 1 if self.run.probe else None]
        return [str(self.run.state.extra.get("feed_url") or self.source.url)]

    def start_requests(self) -> Iterator[Request]:
        for url in self.feed_urls():
            yield self.feed_request(url)

    async def start(self) -> Any:  # Scrapy >= 2.13 entry point
        for request in self.start_requests():
            yield request

    def feed_request(self, url: str, discovered: bool = False) -> Request:
        headers = {}
        if self.source.per_territory:
            headers = self.conditional_headers(self.validators.get(url))
        elif url == (self.run.state.extra.get("feed_url") or self.source.url):
            headers = self.conditional_headers(
                {"etag": self.run.state.etag, "last_modified": self.run.state.last_modified}
            )
        return Request(
            url,
            headers={
                **headers,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/xml;q=0.9, text/html;q=0.5, */*;q=0.1",
            },
            callback=self.parse_feed,
            errback=self.on_error,
            meta={"entry": True, "handle_httpstatus_list": [304], "discovered": discovered},
            dont_filter=True,
        )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            logger.info("feed %s not modified", response.url)
            return
        body = response.body
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if looks_like_html(body) and not response.meta.get("discovered"):
            feeds = []
            for found in discover_feeds(body, response.url):
                if is_fetchable(found):
                    feeds.append(found)
                else:
                    self.run.refuse(found)
            if not feeds:
                self.run.record_error(f"{response.url} is an HTML page that advertises no feed", fatal=True)
                return
            logger.info("feed autodiscovery: %s -> %s", response.url, feeds[0])
            self.run.state.extra["feed_url"] = feeds[0]
            yield self.feed_request(feeds[0], discovered=True)
            return
        try:
            feed = parse_feed(body, response.url, content_type or None)
        except PayloadShapeError as exc:
            self.run.record_error(f"{response.url}: {exc}", fatal=True)
            return
        if feed.problem:
            self.run.record_error(f"{response.url}: {feed.problem}")
        validators = self.validators_of(response)
        if self.source.per_territory:
            self.validators[response.request.url if response.request else response.url] = validators
            self.run.state.extra["validators"] = self.validators
        else:
            self.run.state.etag = validators.get("etag")
            self.run.state.last_modified = validators.get("last_modified")
        entries = sorted(
            feed.entries, key=lambda e: e.published.timestamp() if e.published else 0, reverse=True
        )
        newest = next((e for e in entries if e.published), None)
        if newest is not None and newest.published is not None:
            cursor = newest.published.isoformat()
            if not self.source.per_territory or cursor > (self.run.state.cursor or ""):
                self.run.state.cursor = cursor
        self.run.report.listed += len(entries)
        self.run.look_up_stored(e.link for e in entries)
        for entry in entries:
            if self.run.room_left() <= 0:
                break
            yield from self.follow_entry(entry)

    def follow_entry(self, entry: FeedEntry) -> Iterator[Any]:
        if entry.link and not is_fetchable(entry.link):
            self.run.refuse(entry.link)  # file:, data:, javascript: ... never fetched, never kept
            return
        link = canonicalize_url(entry.link) if entry.link else None
        key = link or entry.key
        if self.run.is_known(key, link) or (link != entry.key and self.run.is_known(entry.key)):
            return
        hint = ArticleHint(
            key=key,
            title=entry.title,
            text=entry.text,
            published=entry.published,
            author=entry.author,
            lang=entry.lang,
            raw=dumps(entry.raw),
            item=entry.raw,
            read_lang=True,
        )
        if link is not None and entry.publisher_url and not same_site(link, entry.publisher_url):
            # A news-search item: its link leads to the search's redirect page, not to the
            # publisher's article. What the item says is all there is to keep.
            self.run.scheduled += 1
            yield from self.fallback(summary_hint(hint, entry.publisher), url=link, summary_only=True)
            return
        if link is None or is_media_link(link):
            self.run.scheduled += 1
            for item in self.fallback(hint, url=link):
                if entry.likes is not None:
                    item.doc = replace(item.doc, engagement=Engagement(likes=entry.likes))
                yield item
            return
        if self.session.claim(link):
            yield self.article_request(entry.link or link, hint)
