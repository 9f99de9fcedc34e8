"""Sources on today's internet, asked once per territory: real crawls against loopback platforms.

Three watched territories and four per-territory sources (Reddit, Bluesky, Mastodon, a news
search), with and without credentials, as `placewatch crawl`, `placewatch sources` and
`placewatch sources check` show them to a user.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config import Config, parse_config
from core.models import RawDocument
from crawlers import crawl_in_subprocess
from indexer import open_store
from tests.helpers import run_placewatch

from .platforms import (
    FakeBluesky,
    FakeMastodon,
    FakeNewsSearch,
    FakeReddit,
    NewsItem,
    RedditPost,
    SkyPost,
    Toot,
)

pytestmark = pytest.mark.slow

TERRITORIES = [
    {"id": "val-thorens", "name": "Val Thorens", "kind": "resort", "aliases": ["Val Tho", "#valthorens"]},
    {"id": "courchevel", "name": "Courchevel", "kind": "resort"},
    {"id": "tignes", "name": "Tignes", "kind": "resort"},
]
REDDIT_POSTS = [
    RedditPost("a1", "skiing", "Val Thorens opening day", "Lifts open at 9, snow is great.", "skier_one", 30),
    RedditPost("a2", "skiing", "Courchevel prices are insane", "A coffee for 9 euros.", "budget_ski", 60),
    RedditPost("a3", "alps", "Tignes vs Val Tho: which one?", "Going in January.", "planner", 90),
    RedditPost("a4", "skiing", "Chamonix weather this week", "Storm on Friday.", "meteo_fan", 20),
    RedditPost("a5", "alps", "Tignes glacier opens in October", "Summer skiing is back.", "glacier", 600),
]
SKY_POSTS = [
    SkyPost("3k1", "neige.bsky.social", "Première neige à Val Thorens ce matin !", 10),
    SkyPost("3k2", "alpes.bsky.social", "Courchevel et Tignes affichent complet ce week-end", 40),
    SkyPost("3k3", "autre.bsky.social", "Rien à voir avec la montagne", 5),
    SkyPost("3k4", "glacier.bsky.social", "Le glacier de Tignes rouvre", 700),
]
TOOTS = [
    Toot(113000000000000101, ("valthorens",), "Poudreuse ce matin #valthorens"),
    Toot(113000000000000102, ("courchevel", "tignes"), "De Courchevel à Tignes en une journée"),
    Toot(113000000000000103, ("chamonix",), "Chamonix sous la neige"),
    Toot(113000000000000090, ("tignes",), "Tignes, lac gelé"),
]
NEWS = [
    NewsItem("CBMi001", "Val Thorens ouvre sa saison", "Le Monde", "https://www.lemonde.fr", 15),
    NewsItem("CBMi002", "Courchevel : record de fréquentation", "Le Dauphiné Libéré", "https://www.ledauphine.com", 25),
    NewsItem("CBMi003", "Tignes et Val Thorens misent sur l'été", "Les Echos", "https://www.lesechos.fr", 35),
    NewsItem("CBMi004", "Chamonix : le Mont-Blanc sous surveillance", "Le Monde", "https://www.lemonde.fr", 45),
    NewsItem("CBMi005", "Tignes : le glacier rouvre", "Le Dauphiné Libéré", "https://www.ledauphine.com", 800),
]
REDDIT_ID, REDDIT_SECRET = "app-id-123", "reddit-app-secret-456"
CREDENTIALS = {
    "PLACEWATCH_REDDIT_CLIENT_ID": REDDIT_ID,
    "PLACEWATCH_REDDIT_CLIENT_SECRET": REDDIT_SECRET,
    "PLACEWATCH_BLUESKY_HANDLE": "office.example.org",
    "PLACEWATCH_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
    "ALPES_SOCIAL_TOKEN": "masto-secret-token",
}
SECRETS = (REDDIT_SECRET, "abcd-efgh-ijkl-mnop", "masto-secret-token", "-secret")  # tokens end in -secret


@dataclass
class Platforms:
    reddit: FakeReddit
    bsky: FakeBluesky
    masto: FakeMastodon
    news: FakeNewsSearch

    def document(self, tmp_path: Path, territories: list[dict[str, Any]] = TERRITORIES) -> dict[str, Any]:
        """The config file's content: three territories, four per-territory sources."""
        return {
            "store": {"path": str(tmp_path / "placewatch.db")},
            "crawl": {"autothrottle": False, "timeout": 10.0, "concurrency_per_domain": 4},
            "territories": territories,
            "sources": [
                {"id": "reddit-alps", "type": "reddit", "url": self.reddit.base, "per_territory": True,
                 "token_url": f"{self.reddit.base}/api/v1/access_token", "feed_url": self.reddit.base,
                 "subreddits": ["skiing", "alps"]},
                {"id": "bsky", "type": "bluesky", "url": self.bsky.base, "per_territory": True},
                {"id": "alpes-social", "type": "mastodon", "url": self.masto.base, "per_territory": True,
                 "token_env": "ALPES_SOCIAL_TOKEN"},
                {"id": "news", "type": "rss", "per_territory": True,
                 "url": f"{self.news.base}/rss/search?q={{query}}&hl=fr&gl=FR&ceid=FR:fr"},
            ],
        }

    def config(self, tmp_path: Path, env: dict[str, str], **kw: Any) -> Config:
        return parse_config(self.document(tmp_path, **kw), tmp_path / "placewatch.toml", env)

    def write(self, tmp_path: Path) -> Path:
        path = tmp_path / "placewatch.toml"
        path.write_text(toml(self.document(tmp_path)), encoding="utf-8")
        return path


def toml(document: dict[str, Any]) -> str:
    """Just enough TOML for these configs (tables, arrays of tables, strings, numbers, lists)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v) if isinstance(v, str) else str(v)

    lines = []
    for key, table in document.items():
        for row in table if isinstance(table, list) else [table]:
            lines.append(f"[[{key}]]" if isinstance(table, list) else f"[{key}]")
            lines.extend(f"{k} = {value(v)}" for k, v in row.items())
    return "\n".join(lines) + "\n"


@pytest.fixture
def platforms() -> Iterator[Platforms]:
    with (FakeReddit(list(REDDIT_POSTS), REDDIT_ID, REDDIT_SECRET) as reddit,
          FakeBluesky(list(SKY_POSTS), access_ttl=2.0) as bsky,
          FakeMastodon(list(TOOTS)) as masto,
          FakeNewsSearch(list(NEWS)) as news):
        yield Platforms(reddit, bsky, masto, news)


def stored(config: Config) -> list[RawDocument]:
    with open_store(config.store) as store:
        return list(store.raw_documents())


def by_source(docs: list[RawDocument]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for d in docs:
        found.setdefault(d.source_id, set()).add(d.title or d.text)
    return found


def test_four_per_territory_sources_collect_every_matching_post_once(platforms: Platforms, tmp_path: Path) -> None:
    config = platforms.config(tmp_path, CREDENTIALS)
    report = crawl_in_subprocess(config, timeout=300)
    assert report.ok, report.summary()
    docs = stored(config)
    assert by_source(docs) == {
        "reddit-alps": {"Val Thorens opening day", "Courchevel prices are insane", "Tignes vs Val Tho: which one?",
                        "Tignes glacier opens in October"},
        "bsky": {"Première neige à Val Thorens ce matin !", "Courchevel et Tignes affichent complet ce week-end",
                 "Le glacier de Tignes rouvre"},
        "alpes-social": {"Poudreuse ce matin #valthorens", "De Courchevel à Tignes en une journée", "Tignes, lac gelé"},
        "news": {"Val Thorens ouvre sa saison", "Courchevel : record de fréquentation",
                 "Tignes et Val Thorens misent sur l'été", "Tignes : le glacier rouvre"},
    }
    assert len(docs) == 14 and report.new_documents == 14  # found for two territories: one document

    # The news search's items are kept as what it says, its links (redirect pages) never followed.
    news = {d.title: d for d in docs if d.source_id == "news"}
    assert news["Courchevel : record de fréquentation"].author == "Le Dauphiné Libéré"
    assert all(d.summary_only for d in news.values())
    assert not any(d.summary_only for d in docs if d.source_id != "news")
    assert not [h for h in platforms.news.hits if h.path.startswith("/rss/articles/")]

    # With credentials, nothing is asked anonymously.
    reddit_api = [h for h in platforms.reddit.hits if h.path not in ("/robots.txt", "/api/v1/access_token")]
    assert reddit_api and all(h.headers.get("Authorization", "").startswith("bearer rt-") for h in reddit_api)
    assert platforms.reddit.token_requests == 1
    searches = [h for h in platforms.bsky.hits if "searchPosts" in h.path]
    assert searches and all(h.headers.get("Authorization", "").startswith("Bearer acc-") for h in searches)
    timelines = [h for h in platforms.masto.hits if h.path.startswith("/api/")]
    assert {h.path.rsplit("/", 1)[1] for h in timelines} >= {"valthorens", "courchevel", "tignes"}
    assert all(h.headers.get("Authorization") == "Bearer masto-secret-token" for h in timelines)

    # A few seconds later the Bluesky access token has expired: renewed, not opened again.
    time.sleep(2.5)
    again = crawl_in_subprocess(config, timeout=300)
    assert again.ok and again.new_documents == 0, again.summary()
    assert platforms.bsky.created == 1 and platforms.bsky.refreshed >= 1
    assert platforms.reddit.token_requests == 1  # the token is kept until it expires
    assert len(stored(config)) == 14


def test_a_territory_added_later_starts_its_own_history(platforms: Platforms, tmp_path: Path) -> None:
    first = platforms.config(tmp_path, CREDENTIALS, territories=TERRITORIES[:2])
    crawl_in_subprocess(first, timeout=300)
    before = {t for titles in by_source(stored(first)).values() for t in titles}
    assert "Tignes vs Val Tho: which one?" in before  # found for Val Thorens
    tignes_only = {"Tignes glacier opens in October", "Le glacier de Tignes rouvre", "Tignes, lac gelé",
                   "Tignes : le glacier rouvre"}
    assert not tignes_only & before

    later = platforms.config(tmp_path, CREDENTIALS)
    report = crawl_in_subprocess(later, timeout=300)
    after = {t for titles in by_source(stored(later)).values() for t in titles}
    # Tignes' posts are read, though older than what the other territories' listings had seen.
    assert tignes_only <= after
    assert report.ok and report.new_documents == 4, report.summary()


def test_without_credentials_reddit_reads_public_feeds_and_the_others_say_what_is_missing(
    platforms: Platforms, tmp_path: Path
) -> None:
    config = platforms.write(tmp_path)
    crawled = run_placewatch("--config", str(config), "crawl", timeout=300)
    assert "Traceback" not in crawled.stderr and "Traceback" not in crawled.stdout
    out = crawled.stdout
    assert crawled.returncode == 1, out  # two sources cannot be read
    assert "reddit-alps (reddit): " in out and "4 new documents" in out.split("reddit-alps")[1].splitlines()[0]
    assert "limited: no Reddit app credentials" in out
    assert not [h for h in platforms.reddit.hits if h.path.endswith(".json") or h.path == "/api/v1/access_token"]
    bsky_line = next(line for line in out.splitlines() if line.startswith("bsky "))
    assert "PLACEWATCH_BLUESKY_HANDLE and PLACEWATCH_BLUESKY_APP_PASSWORD" in bsky_line
    assert "app password" in bsky_line
    assert not platforms.bsky.hits  # not one anonymous search
    masto_line = next(line for line in out.splitlines() if line.startswith("alpes-social "))
    assert "HTTP 401" in masto_line and "requires an access token: set ALPES_SOCIAL_TOKEN" in masto_line

    shown = run_placewatch("--config", str(config), "sources")
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    text = shown.stdout
    assert "limited: no Reddit app credentials" in text and "public Atom feeds" in text
    assert "PLACEWATCH_REDDIT_CLIENT_ID and PLACEWATCH_REDDIT_CLIENT_SECRET" in text
    assert "failing: Bluesky search needs an account" in text and "app password" in text
    assert "ALPES_SOCIAL_TOKEN" in text
    rows = {r["id"]: r for r in map(json.loads, run_placewatch("--config", str(config), "sources", "--json").stdout.splitlines())}
    assert rows["reddit-alps"]["mode"] == "limited" and rows["bsky"]["mode"] == "failing"
    assert rows["alpes-social"]["mode"] == "failing" and rows["news"]["mode"] == "ok"
    reddit_docs = [d for d in stored(parse_config(platforms.document(tmp_path), config, {})) if d.source_id == "reddit-alps"]
    opening = next(d for d in reddit_docs if d.title == "Val Thorens opening day")
    assert opening.text == "Lifts open at 9, snow is great." and opening.author == "u/skier_one"


def test_sources_check_asks_each_source_once(platforms: Platforms, tmp_path: Path) -> None:
    config = platforms.write(tmp_path)
    env = {k: v for k, v in CREDENTIALS.items() if "BLUESKY" not in k}
    checked = run_placewatch("--config", str(config), "sources", "check", env=env, timeout=300)
    assert "Traceback" not in checked.stderr, checked.stderr
    lines = {line.split(" ", 1)[0]: line for line in checked.stdout.splitlines()}
    assert set(lines) == {"reddit-alps", "bsky", "alpes-social", "news"}, checked.stdout
    assert ": ok" in lines["reddit-alps"] and ": ok" in lines["alpes-social"] and ": ok" in lines["news"]
    assert "failing:" in lines["bsky"] and "PLACEWATCH_BLUESKY_APP_PASSWORD" in lines["bsky"]
    assert checked.returncode == 1
    # Once: one listing per source, nothing followed, nothing stored.
    assert len([h for h in platforms.news.hits if h.path == "/rss/search"]) == 1
    assert len([h for h in platforms.masto.hits if h.path.startswith("/api/")]) == 1
    assert len([h for h in platforms.reddit.hits if "/search" in h.path]) == 1
    assert stored(parse_config(platforms.document(tmp_path), config, env)) == []

    limited = run_placewatch("--config", str(config), "sources", "check", "reddit-alps", timeout=300)
    assert limited.stdout.startswith("reddit-alps (reddit): limited: no Reddit app credentials"), limited.stdout
    assert limited.returncode == 0


def test_rate_limits_are_obeyed(platforms: Platforms, tmp_path: Path) -> None:
    platforms.reddit.rate_limit_first = 1  # 429, x-ratelimit-remaining 0, reset in 1 s
    config = platforms.config(tmp_path, CREDENTIALS)
    report = crawl_in_subprocess(config, ["reddit-alps"], timeout=300)
    assert report.ok and report.new_documents == 4, report.summary()

    platforms.reddit.remaining_zero_reset = 600  # nothing left for ten minutes: come back later
    with open_store(config.store) as store:
        store.save_source_state(type(store.get_source_state("reddit-alps"))("reddit-alps"))
    report = crawl_in_subprocess(config, ["reddit-alps"], timeout=300)
    with open_store(config.store) as store:
        state = store.get_source_state("reddit-alps")
    assert state is not None and state.next_attempt is not None
    assert (state.next_attempt - state.last_attempt).total_seconds() > 500  # type: ignore[operator]
    assert "Traceback" not in report.summary()


def test_secrets_are_never_logged_shown_or_exported(platforms: Platforms, tmp_path: Path) -> None:
    config = platforms.write(tmp_path)
    crawled = run_placewatch("-v", "--config", str(config), "crawl", env=CREDENTIALS, timeout=300)
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    time.sleep(2.5)  # the Bluesky token expires: the refresh is logged too
    again = run_placewatch("-v", "--config", str(config), "crawl", env=CREDENTIALS, timeout=300)
    shown = run_placewatch("--config", str(config), "sources", "--json", env=CREDENTIALS)
    exported = tmp_path / "all.jsonl"
    run_placewatch("--config", str(config), "export", str(exported), env=CREDENTIALS)
    everything = crawled.stdout + crawled.stderr + again.stdout + again.stderr + shown.stdout
    everything += exported.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in everything
    assert "session opened" in crawled.stderr.lower() or "bluesky" in crawled.stderr.lower()
