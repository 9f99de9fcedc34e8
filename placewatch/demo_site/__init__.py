"""The bundled demo: a fictional news-and-social site about destinations, served on loopback."""

from __future__ import annotations

from placewatch.demo_site.config import config_template, render_config
from placewatch.demo_site.corpus import SITE_NAME, Comment, CorpusItem, load_corpus
from placewatch.demo_site.render import render_pages
from placewatch.demo_site.server import DemoSite, render_site

__all__ = [
    "SITE_NAME",
    "Comment",
    "CorpusItem",
    "DemoSite",
    "config_template",
    "load_corpus",
    "render_config",
    "render_pages",
    "render_site",
]
