"""What a page says about itself: publication date and author (JSON-LD, meta tags, <time>,
bylines), canonical link, and trafilatura's title/author/date search where still needed."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from htmldate import find_date
from lxml.etree import XPath
from trafilatura import metadata as trafilatura_metadata

from crawlers.extraction.dates import parse_date

logger = logging.getLogger(__name__)

# Published-time metadata, most specific first (Open Graph article, schema.org, Dublin Core, CMSs).
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "article:modified_time",
    "og:updated_time",
    "datemodified",
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")


def _meta_values(tree: Any) -> dict[str, str]:
    """Lower-cased meta name/property/itemprop → content (first one wins)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _json_ld_person(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        name = value.get("name")
        return name.strip() if isinstance(name, str) and name.strip() else None
    if isinstance(value, list):
        names = [n for n in (_json_ld_person(v) for v in value) if n]
        return "; ".join(dict.fromkeys(names)) or None
    return None


_ARTICLE_TYPES = ("article", "posting", "report", "blog")


def structured_metadata(tree: Any) -> tuple[datetime | None, str | None]:
    """Publication date and author from JSON-LD, meta tags and <time> elements."""
    published: datetime | None = None
    author: str | None = None
    for obj in _json_ld_objects(tree):
        kind = obj.get("@type")
        kinds = " ".join(kind if isinstance(kind, list) else [str(kind or "")]).lower()
        if not any(t in kinds for t in _ARTICLE_TYPES) and "datePublished" not in obj:
            continue
        published = published or parse_date(obj.get("datePublished") or obj.get("dateCreated"))
        author = author or _json_ld_person(obj.get("author"))
    meta = _meta_values(tree)
    if published is None:
        for key in _DATE_META:
            published = parse_date(meta.get(key))
            if published:
                break
    if published is None:
        for time_el in tree.iter("time"):
            if time_el.get("itemprop") == "datePublished" or time_el.get("pubdate") is not None:
                published = parse_date(time_el.get("datetime"))
                if published:
                    break
    if author is None:
        for key in _AUTHOR_META:
            value = meta.get(key)
            if value and not value.startswith(("http://", "https://")):
                author = value
                break
    return published, author


def canonical_href(tree: Any) -> str | None:
    """The href of the page's <link rel=canonical>, if any."""
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href"):
            return str(link.get("href"))
    return None

# Every expression trafilatura's byline search (AUTHOR_XPATHS, 2.3) can match needs an <author>
# element or one of these in an attribute; a page without any cannot have a byline it finds.
_BYLINE_HINTS = re.compile(
    r"author|byl|bbl|username|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
    r"journalist-name|screenname|writer",
    re.I,
)


_ATTRIBUTE_VALUES = XPath("//@*")


_BYLINE_WORDS = _BYLINE_HINTS.pattern.replace("\n", "").split("|")


def may_name_author(tree: Any, page: str | None = None) -> bool:
    """False when the page has no attribute or element trafilatura's byline search looks for.

    That search copies and scans the whole page (a quarter of an article's extraction time);
    most pages either give the author in their metadata or have no byline at all. With the
    page's source at hand, a page whose source never spells any of those words (nor hides
    letters in numeric character references, the only way an attribute could) is settled
    without touching the tree.
    """
    if page is not None and "&#" not in page:
        source = page.lower()  # substring searches: a regex alternation is slower per character
        if not any(word in source for word in _BYLINE_WORDS) and "<rel" not in source:
            return False
    # `//author`, and `rel='me'` (a child element, as trafilatura's expression is written)
    if tree.find(".//author") is not None or tree.find(".//rel") is not None:
        return True
    return _BYLINE_HINTS.search("\n".join(_ATTRIBUTE_VALUES(tree))) is not None


def page_metadata(
    tree: Any, url: str, *, need_author: bool, need_date: bool, page: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """Title, author and date string as trafilatura finds them; author and date only when asked.

    The same steps as `trafilatura.metadata.extract_metadata`, without the fields we never
    use (site name, categories, tags, licence) and without the author and date searches
    when the page's structured metadata already gave them: they are most of its cost.
    """
    meta = trafilatura_metadata.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = trafilatura_metadata.extract_meta_json(tree, meta)
    except Exception as exc:  # trafilatura's JSON-LD reader has bugs on odd payloads
        logger.debug("JSON-LD metadata of %s unreadable: %s", url, exc)
    if not meta.title:
        meta.title = trafilatura_metadata.extract_title(tree)
    if need_author and not meta.author and may_name_author(tree, page):
        meta.author = trafilatura_metadata.extract_author(tree)
    if need_date:
        meta.url = meta.url or trafilatura_metadata.extract_url(tree, url)
        meta.date = find_date(tree, url=meta.url, extensive_search=False, original_date=True)
    meta.clean_and_trim()
    title = (meta.title or "").strip() or None
    author = ((meta.author or "").strip() or None) if need_author else None
    return title, author, meta.date if need_date else None


