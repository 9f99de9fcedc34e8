"""Pure parsing of social API payloads (Mastodon, Reddit, Bluesky) and Reddit's public feeds into posts."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import parse_date, parse_html_fragment
from crawlers.feeds import Feed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Post:
    """A social post as the API describes it, before it becomes a raw document."""

    native_id: str  # the API's own id (Mastodon id, Reddit fullname, Bluesky at:// uri)
    permalink: str
    text: str
    published: datetime | None
    author: str | None  # "Display Name (@handle)" or "@handle"
    handle: str | None
    title: str | None = None
    lang: str | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    followers: int | None = None
    raw: dict[str, Any] | None = None


@dataclass(frozen=True)
class PostPage:
    """One page of an API listing and how to ask for the next one."""

    posts: tuple[Post, ...]
    next_cursor: str | None


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _author(name: Any, handle: Any) -> str | None:
    handle = str(handle).lstrip("@") if handle else None
    name = str(name).strip() if name else None
    if handle and name and name != handle:
        return f"{name} (@{handle})"
    return f"@{handle}" if handle else name


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PayloadShapeError(message)


def parse_mastodon_statuses(data: Any) -> PostPage:
    """A Mastodon timeline (list of Status entities), newest first; cursor = oldest id (max_id)."""
    _require(isinstance(data, list), "Mastodon timeline is not a JSON array of statuses")
    posts = []
    for status in data:
        _require(isinstance(status, dict) and "id" in status, "Mastodon status without an id")
        original = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
        account = original.get("account") if isinstance(original.get("account"), dict) else {}
        text = parse_html_fragment(str(original.get("content") or ""))
        spoiler = str(original.get("spoiler_text") or "").strip()
        if spoiler:
            text = f"{spoiler}\n{text}"
        permalink = original.get("url") or original.get("uri")
        _require(isinstance(permalink, str), "Mastodon status without url or uri")
        lang = original.get("language")
        posts.append(
            Post(
                native_id=str(status["id"]),
                permalink=str(permalink),
                text=text,
                published=parse_date(original.get("created_at")),
                author=_author(account.get("display_name"), account.get("acct")),
                handle=account.get("acct"),
                lang=str(lang).split("-")[0].lower() if lang else None,
                likes=_int(original.get("favourites_count")),
                reposts=_int(original.get("reblogs_count")),
                replies=_int(original.get("replies_count")),
                followers=_int(account["followers_count"])
                if account.get("followers_count") is not None
                else None,
                raw=status,
            )
        )
    return PostPage(tuple(posts), posts[-1].native_id if posts else None)


def parse_reddit_listing(data: Any, base_url: str = "https://www.reddit.com") -> PostPage:
    """A Reddit Listing of links (t3); cursor = `after`."""
    _require(
        isinstance(data, dict) and data.get("kind") == "Listing" and isinstance(data.get("data"), dict),
        "Reddit payload is not a Listing",
    )
    listing = data["data"]
    children = listing.get("children")
    _require(isinstance(children, list), "Reddit Listing has no children list")
    posts = []
    for child in children:
        _require(isinstance(child, dict) and isinstance(child.get("data"), dict), "Reddit child without data")
        if child.get("kind") != "t3":
            continue
        post = child["data"]
        name = post.get("name") or (f"t3_{post['id']}" if post.get("id") else None)
        _require(bool(name) and bool(post.get("permalink")), "Reddit link without name or permalink")
        created = post.get("created_utc")
        published = (
            datetime.fromtimestamp(float(created), UTC) if isinstance(created, int | float) else None
        )
        author = post.get("author")
        posts.append(
            Post(
                native_id=str(name),
                permalink=base_url.rstrip("/") + str(post["permalink"]),
                title=str(post.get("title") or "").strip() or None,
                text=str(post.get("selftext") or "").strip(),
                published=published,
                author=f"u/{author}" if author and author != "[deleted]" else None,
                handle=author,
                likes=_int(post.get("score")),
                reposts=_int(post.get("num_crossposts")),
                replies=_int(post.get("num_comments")),
                raw=child,
            )
        )
    after = listing.get("after")
    return PostPage(tuple(posts), str(after) if after else None)


def bluesky_permalink(uri: str, handle: str | None) -> str:
    """The bsky.app web address of an at:// post URI."""
    parts = uri.removeprefix("at://").split("/")
    _require(len(parts) == 3 and parts[1] == "app.bsky.feed.post", f"not a post URI: {uri!r}")
    return f"https://bsky.app/profile/{quote(handle or parts[0])}/post/{quote(parts[2])}"


def parse_bluesky_search(data: Any) -> PostPage:
    """app.bsky.feed.searchPosts output (`posts` of PostView, `cursor`)."""
    _require(isinstance(data, dict) and isinstance(data.get("posts"), list), "not a searchPosts output")
    posts = []
    for view in data["posts"]:
        _require(isinstance(view, dict) and isinstance(view.get("uri"), str), "PostView without uri")
        record = view.get("record") if isinstance(view.get("record"), dict) else {}
        author = view.get("author") if isinstance(view.get("author"), dict) else {}
        langs = record.get("langs") if isinstance(record.get("langs"), list) else []
        handle = author.get("handle")
        posts.append(
            Post(
                native_id=view["uri"],
                permalink=bluesky_permalink(view["uri"], handle),
                text=str(record.get("text") or "").strip(),
                published=parse_date(record.get("createdAt") or view.get("indexedAt")),
                author=_author(author.get("displayName"), handle),
                handle=handle,
                lang=str(langs[0]).split("-")[0].lower() if langs else None,
                likes=_int(view.get("likeCount")),
                reposts=_int(view.get("repostCount")) + _int(view.get("quoteCount")),
                replies=_int(view.get("replyCount")),
                raw=view,
            )
        )
    cursor = data.get("cursor")
    return PostPage(tuple(posts), str(cursor) if cursor else None)


# What Reddit's Atom feeds append to each post's text: the author and two links.
_REDDIT_FOOTER = re.compile(r"\s*submitted\s+by\s+/?u/\S+\s*(\[link\])?\s*(\[comments\])?\s*$", re.I)


def reddit_feed_posts(feed: Feed) -> PostPage:
    """The posts of a subreddit's or a search's public Atom feed (read without credentials).

    Same ids and permalinks as the API's, so a post read both ways is one document; the feed
    gives no score, crosspost or comment count.
    """
    posts = []
    for entry in feed.entries:
        # The id is the fullname (t3_…), which feed readers resolve like a URI against the feed's.
        native_id = entry.key.rsplit("/", 1)[-1]
        if not entry.link or not native_id.startswith("t3_"):
            continue  # comments (t1_) and anything that is not a post
        author = (entry.author or "").strip().removeprefix("/")
        posts.append(
            Post(
                native_id=native_id,
                permalink=entry.link,
                title=entry.title,
                text=_REDDIT_FOOTER.sub("", entry.text).strip(),
                published=entry.published,
                author=author if author.startswith("u/") and author != "u/[deleted]" else None,
                handle=author.removeprefix("u/") or None,
                lang=entry.lang,
                raw=entry.raw,
            )
        )
    return PostPage(tuple(posts), None)
