"""Pure rendering of the demo site: HTML pages, RSS feed, sitemap and robots.txt from the corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

from placewatch.demo_site.corpus import SITE_NAME, CorpusItem

MOST_READ = 5

_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "home": "Accueil",
        "resorts": "Stations",
        "cities": "Villes",
        "events": "Événements",
        "contact": "Contact",
        "by": "Par",
        "most_read": "Les plus lus",
        "comments": "Commentaires",
        "no_comments": "Aucun commentaire pour le moment.",
        "newsletter": "Recevez chaque vendredi le meilleur de la montagne et des villes.",
        "rights": "Tous droits réservés",
        "legal": "Mentions légales",
        "followers": "abonnés",
        "likes": "j'aime",
        "reposts": "partages",
        "replies": "réponses",
        "share": "Partager",
        "tagline": "Le magazine des stations et des villes",
        "published": "Publié le",
    },
    "en": {
        "home": "Home",
        "resorts": "Resorts",
        "cities": "Cities",
        "events": "Events",
        "contact": "Contact",
        "by": "By",
        "most_read": "Most read",
        "comments": "Comments",
        "no_comments": "No comments yet.",
        "newsletter": "Get the best of the mountains and the cities every Friday.",
        "rights": "All rights reserved",
        "legal": "Legal notice",
        "followers": "followers",
        "likes": "likes",
        "reposts": "reposts",
        "replies": "replies",
        "share": "Share",
        "tagline": "The magazine of resorts and cities",
        "published": "Published",
    },
}


@dataclass(frozen=True)
class Page:
    """One resource of the site: its content type and body."""

    content_type: str
    body: bytes


def labels(lang: str) -> dict[str, str]:
    """Site chrome in the item's language (English for anything else)."""
    return _LABELS.get(lang, _LABELS["en"])


def iso(dt: datetime) -> str:
    """An ISO 8601 timestamp with its offset, as HTML and sitemaps expect."""
    return dt.isoformat(timespec="seconds")


def human_date(dt: datetime, lang: str) -> str:
    """A visible date the way each language writes it."""
    return dt.strftime("%d/%m/%Y %H:%M") if lang == "fr" else dt.strftime("%Y-%m-%d %H:%M UTC")


def most_read(item: CorpusItem, corpus: tuple[CorpusItem, ...]) -> list[CorpusItem]:
    """The sidebar list: the most recent other articles (boilerplate to an extractor)."""
    others = [i for i in corpus if i.kind == "article" and i.slug != item.slug]
    return others[:MOST_READ]


def head(item: CorpusItem, base_url: str, published: datetime | None) -> str:
    """The <head> of an item page: title, author, canonical, Open Graph and date metadata."""
    url = base_url + item.path
    description = item.paragraphs[0] if item.paragraphs else ""
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(item.title)} | {escape(SITE_NAME)}</title>",
        f'<meta name="author" content="{escape(item.author)}">',
        f'<meta name="description" content="{escape(description[:200])}">',
        f'<link rel="canonical" href="{escape(url)}">',
        f'<link rel="alternate" type="application/rss+xml" title="{escape(SITE_NAME)}" '
        f'href="{escape(base_url)}/feed.xml">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{escape(SITE_NAME)}">',
        f'<meta property="og:title" content="{escape(item.title)}">',
        f'<meta property="og:url" content="{escape(url)}">',
        f'<meta property="og:description" content="{escape(description[:200])}">',
        f'<meta property="og:locale" content="{"fr_FR" if item.lang == "fr" else "en_GB"}">',
    ]
    if published is not None:
        lines.append(f'<meta property="article:published_time" content="{iso(published)}">')
    if item.section:
        lines.append(f'<meta property="article:section" content="{escape(item.section)}">')
    lines.append(json_ld(item, url, published))
    return "\n".join(lines)


def json_ld(item: CorpusItem, url: str, published: datetime | None) -> str:
    """schema.org metadata, as news and social sites embed it (no date when there is none)."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle" if item.kind == "article" else "SocialMediaPosting",
        "headline": item.title,
        "author": {"@type": "Person", "name": item.author},
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "mainEntityOfPage": url,
        "inLanguage": item.lang,
    }
    if published is not None:
        data["datePublished"] = iso(published)
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{payload}</script>'


def site_header(lang: str, base_url: str) -> str:
    """The site banner and navigation menu."""
    t = labels(lang)
    links = [
        ("/", t["home"]),
        ("/#resorts", t["resorts"]),
        ("/#cities", t["cities"]),
        ("/#events", t["events"]),
        ("/#contact", t["contact"]),
    ]
    nav = "".join(
        f'<li><a href="{escape(base_url)}{href}">{escape(text)}</a></li>' for href, text in links
    )
    return (
        '<header class="site-header">'
        f'<a class="logo" href="{escape(base_url)}/">{escape(SITE_NAME)}</a>'
        f'<p class="tagline">{escape(t["tagline"])}</p>'
        f'<nav class="menu"><ul>{nav}</ul></nav>'
        "</header>"
    )


def site_footer(lang: str, reference: datetime) -> str:
    """Copyright, legal links and the newsletter box."""
    t = labels(lang)
    return (
        '<footer class="site-footer">'
        f'<p class="newsletter">{escape(t["newsletter"])}</p>'
        f"<p>© {reference.year} {escape(SITE_NAME)}. {escape(t['rights'])}. "
        f'<a href="/#legal">{escape(t["legal"])}</a></p>'
        "</footer>"
    )


def sidebar(item: CorpusItem, corpus: tuple[CorpusItem, ...], base_url: str) -> str:
    """The 'most read' box: links to other items, boilerplate for the extractor to drop."""
    t = labels(item.lang)
    links = "".join(
        f'<li><a href="{escape(base_url)}{other.path}">{escape(other.title)}</a></li>'
        for other in most_read(item, corpus)
    )
    return f'<aside class="sidebar"><h2>{escape(t["most_read"])}</h2><ol>{links}</ol></aside>'


def comments_section(item: CorpusItem) -> str:
    """Reader comments, outside the <article> element."""
    t = labels(item.lang)
    if item.comments:
        body = "".join(
            f'<div class="comment"><p class="comment-author">{escape(c.author)}</p>'
            f"<p>{escape(c.text)}</p></div>"
            for c in item.comments
        )
    else:
        body = f'<p class="empty">{escape(t["no_comments"])}</p>'
    return (
        f'<section class="comments" id="comments"><h2>{escape(t["comments"])} '
        f"({len(item.comments)})</h2>{body}</section>"
    )


def time_tag(published: datetime | None, lang: str) -> str:
    """A <time> element, or nothing at all for an undated item."""
    if published is None:
        return ""
    label = labels(lang)["published"]
    return (
        f'<p class="dateline">{escape(label)} '
        f'<time datetime="{iso(published)}">{escape(human_date(published, lang))}</time></p>'
    )


def article_body(item: CorpusItem, published: datetime | None) -> str:
    """The <article> of a news or blog piece: headline, byline, date and paragraphs."""
    t = labels(item.lang)
    section = f'<p class="kicker">{escape(item.section)}</p>' if item.section else ""
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return (
        f"<article>{section}<h1>{escape(item.title)}</h1>"
        f'<p class="byline">{escape(t["by"])} <span class="author">{escape(item.author)}</span></p>'
        f"{time_tag(published, item.lang)}"
        f'<div class="article-body">{paragraphs}</div>'
        f'<p class="share">{escape(t["share"])}: Facebook · X · LinkedIn · Email</p>'
        "</article>"
    )


def post_body(item: CorpusItem, published: datetime | None) -> str:
    """A social post: author, handle, follower count, text and engagement counts."""
    t = labels(item.lang)
    likes, reposts, replies = item.likes or 0, item.reposts or 0, item.replies or 0
    followers = item.followers or 0
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return (
        f'<article class="post" data-likes="{likes}" data-reposts="{reposts}" '
        f'data-replies="{replies}" data-followers="{followers}">'
        f'<p class="post-author"><span class="name">{escape(item.author)}</span> '
        f'<span class="handle">@{escape(item.author_handle or "")}</span> · '
        f'<span class="followers">{followers} {escape(t["followers"])}</span></p>'
        f"{time_tag(published, item.lang)}"
        f'<div class="post-text">{paragraphs}</div>'
        f'<p class="engagement"><span class="likes">{likes} {escape(t["likes"])}</span> · '
        f'<span class="reposts">{reposts} {escape(t["reposts"])}</span> · '
        f'<span class="replies">{replies} {escape(t["replies"])}</span></p>'
        "</article>"
    )


def item_page(
    item: CorpusItem, corpus: tuple[CorpusItem, ...], base_url: str, reference: datetime
) -> str:
    """A full HTML page for one article or post."""
    published = item.published(reference)
    if item.kind == "article":
        main = (
            f'<main class="layout">{article_body(item, published)}'
            f"{sidebar(item, corpus, base_url)}</main>{comments_section(item)}"
        )
    else:
        main = f'<main class="layout">{post_body(item, published)}</main>'
    return (
        f'<!DOCTYPE html>\n<html lang="{item.lang}">\n<head>\n'
        f"{head(item, base_url, published)}\n</head>\n<body>\n"
        f"{site_header(item.lang, base_url)}\n{main}\n{site_footer(item.lang, reference)}\n"
        "</body>\n</html>\n"
    )


def home_page(corpus: tuple[CorpusItem, ...], base_url: str, reference: datetime) -> str:
    """The front page: links to every item, newest first."""
    rows = []
    for item in corpus:
        published = item.published(reference)
        when = (
            f' <time datetime="{iso(published)}">{published:%Y-%m-%d}</time>' if published else ""
        )
        rows.append(
            f'<li class="{item.kind}" lang="{item.lang}">'
            f'<a href="{escape(base_url)}{item.path}">{escape(item.title)}</a>{when}</li>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(SITE_NAME)}</title>\n"
        f'<link rel="alternate" type="application/rss+xml" href="{escape(base_url)}/feed.xml">\n'
        f"</head>\n<body>\n{site_header('fr', base_url)}\n"
        f'<main><h1>{escape(SITE_NAME)}</h1><ul class="items">{"".join(rows)}</ul></main>\n'
        f"{site_footer('fr', reference)}\n</body>\n</html>\n"
    )


def feed_xml(corpus: tuple[CorpusItem, ...], base_url: str, reference: datetime) -> str:
    """RSS 2.0 of all items, newest first; no pubDate for an undated item."""
    entries = []
    for item in corpus:
        url = base_url + item.path
        published = item.published(reference)
        parts = [
            f"<title>{xml_escape(item.title)}</title>",
            f"<link>{xml_escape(url)}</link>",
            f'<guid isPermaLink="true">{xml_escape(url)}</guid>',
            f"<dc:creator>{xml_escape(item.author)}</dc:creator>",
            f"<description>{xml_escape(item.paragraphs[0] if item.paragraphs else '')}</description>",
        ]
        if published is not None:
            parts.insert(3, f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>")
        if item.section:
            parts.append(f"<category>{xml_escape(item.section)}</category>")
        entries.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{xml_escape(SITE_NAME)}</title>\n<link>{xml_escape(base_url)}/</link>\n"
        "<description>Actualités des stations et des villes / News from resorts and cities"
        "</description>\n<language>fr</language>\n"
        f"<lastBuildDate>{format_datetime(reference, usegmt=True)}</lastBuildDate>\n"
        + "\n".join(entries)
        + "\n</channel>\n</rss>\n"
    )


def sitemap_xml(corpus: tuple[CorpusItem, ...], base_url: str, reference: datetime) -> str:
    """A urlset of every item page, with lastmod where the item is dated."""
    urls = []
    for item in corpus:
        published = item.published(reference)
        lastmod = f"<lastmod>{iso(published)}</lastmod>" if published else ""
        urls.append(f"<url><loc>{xml_escape(base_url + item.path)}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(urls)
        + "\n</urlset>\n"
    )


def robots_txt(base_url: str) -> str:
    """Everything may be crawled except /private/."""
    return f"User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n"


def not_found_page() -> str:
    """The body of a 404 response."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title>'
        "</head><body><h1>404 Not Found</h1></body></html>\n"
    )


def render_pages(
    corpus: tuple[CorpusItem, ...], base_url: str, reference: datetime
) -> dict[str, Page]:
    """Every resource of the site by URL path."""
    html, xml = "text/html; charset=utf-8", "application/xml; charset=utf-8"
    base = base_url.rstrip("/")
    pages = {
        "/": Page(html, home_page(corpus, base, reference).encode()),
        "/feed.xml": Page(
            "application/rss+xml; charset=utf-8", feed_xml(corpus, base, reference).encode()
        ),
        "/sitemap.xml": Page(xml, sitemap_xml(corpus, base, reference).encode()),
        "/robots.txt": Page("text/plain; charset=utf-8", robots_txt(base).encode()),
    }
    for item in corpus:
        pages[item.path] = Page(html, item_page(item, corpus, base, reference).encode())
    return pages
