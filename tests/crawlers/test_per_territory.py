"""What a per-territory source asks, the credentials it reads, and the config lines that refuse nonsense."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from config import Territory, parse_config
from core.errors import ConfigError
from crawlers.access import source_access
from crawlers.per_territory import feed_url_for, territory_hashtags, territory_query
from crawlers.social.auth import AppToken, app_token, rate_limit_wait

VAL_THORENS = Territory(id="val-thorens", name="Val Thorens", aliases=("Val Tho", "#valthorens", "@valthorens"))
ALPE = Territory(id="alpe", name="L'Alpe d'Huez", aliases=("Alpe d'Huez",))
GENEVE = Territory(id="geneve", name="Genève", aliases=("Geneva", '"Genf"'))


@pytest.mark.parametrize(("territory", "query"), [
    (VAL_THORENS, '"Val Thorens" OR "Val Tho"'),
    (ALPE, '''"L'Alpe d'Huez" OR "Alpe d'Huez"'''),
    (GENEVE, '"Genève" OR "Geneva" OR "Genf"'),  # a quote in an alias cannot break the query
    (Territory(id="x", name="Nice", aliases=("nice", "NICE")), '"Nice"'),  # once each, whatever the case
])
def test_the_query_names_each_name_once(territory: Territory, query: str) -> None:
    assert territory_query(territory) == query


@pytest.mark.parametrize(("territory", "tags"), [
    (VAL_THORENS, ("valthorens", "valtho")),
    (ALPE, ("lalpedhuez", "alpedhuez")),
    (GENEVE, ("genève", "geneve", "geneva", "genf")),
])
def test_hashtags_come_from_the_names_and_the_hashtag_aliases(territory: Territory, tags: tuple[str, ...]) -> None:
    assert territory_hashtags(territory) == tags


def test_the_query_is_url_encoded_into_the_feed_url() -> None:
    url = feed_url_for("https://news.example/rss/search?q={query}&hl=fr", territory_query(VAL_THORENS))
    assert url == "https://news.example/rss/search?q=%22Val+Thorens%22+OR+%22Val+Tho%22&hl=fr"


NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("headers", "wait"), [
    ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "42"}, 42.0),
    ({"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "7"}, 7.0),
    ({"x-ratelimit-remaining": "12", "x-ratelimit-reset": "42"}, None),  # requests left
    ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-11-20T08:05:00Z"}, 300.0),  # Mastodon's date
    ({"x-ratelimit-remaining": "0"}, None),
    ({"x-ratelimit-remaining": "zero", "x-ratelimit-reset": "5"}, None),
])
def test_rate_limit_headers(headers: dict[str, str], wait: float | None) -> None:
    assert rate_limit_wait(headers, NOW) == wait


def test_an_app_token_is_reused_until_shortly_before_it_expires() -> None:
    token = app_token({"access_token": "SECRET-TOKEN", "token_type": "bearer", "expires_in": 3600}, "app", NOW)
    assert token.usable("app", NOW + timedelta(minutes=50))
    assert not token.usable("app", NOW + timedelta(minutes=59))
    assert not token.usable("other-app", NOW)
    assert AppToken.from_state(token.to_state()) == token
    assert "SECRET-TOKEN" not in repr(token)


def test_credentials_come_from_the_environment_and_never_show() -> None:
    doc = {"sources": [{"id": "r", "type": "reddit", "subreddits": ["skiing"]}]}
    full = parse_config(doc, None, {"PLACEWATCH_REDDIT_CLIENT_ID": "id", "PLACEWATCH_REDDIT_CLIENT_SECRET": "s3cr3t"})
    assert full.sources[0].url == "https://oauth.reddit.com"  # the API by default
    assert source_access(full.sources[0]).mode == "ok"
    assert "s3cr3t" not in repr(full)
    limited = parse_config(doc, None, {"PLACEWATCH_REDDIT_CLIENT_ID": "id"})
    access = source_access(limited.sources[0])
    assert access.mode == "limited" and "PLACEWATCH_REDDIT_CLIENT_SECRET not set" in (access.why or "")
    sky = parse_config({"sources": [{"id": "b", "type": "bluesky", "query": "ski", "token_env": ["H", "P"]}]}, None, {})
    assert sky.sources[0].url == "https://bsky.social"
    access = source_access(sky.sources[0])
    assert access.mode == "failing" and "set H and P" in (access.fix or "") and "app password" in (access.fix or "")


@pytest.mark.parametrize(("source", "message"), [
    ({"id": "s", "type": "sitemap", "url": "https://x.example/s.xml", "per_territory": True},
     "source 's': 'per_territory' applies to rss, mastodon, reddit, bluesky sources"),
    ({"id": "g", "type": "rss", "url": "https://x.example/feed", "per_territory": True},
     "source 'g': a per_territory rss source needs a {query} placeholder in its url"),
    ({"id": "g", "type": "rss", "url": "https://x.example/s?q={query}"},
     "source 'g': 'url' has a {query} placeholder: set per_territory = true"),
    ({"id": "r", "type": "reddit", "query": "ski", "per_territory": True},
     "source 'r': 'per_territory' builds the query from each territory's name and aliases: remove 'query'"),
    ({"id": "r", "type": "reddit", "token_env": "ONLY_ONE"},
     "source 'r': 'token_env' of a reddit source names 2 variable(s)"),
    ({"id": "f", "type": "rss", "url": "https://x.example/feed", "token_env": "X"},
     "source 'f': 'token_env' applies to reddit, bluesky, mastodon sources"),
    ({"id": "m", "type": "mastodon", "url": "https://m.example", "token_env": "1BAD"},
     "source 'm': 'token_env': '1BAD' is not an environment variable name"),
    ({"id": "m", "type": "mastodon", "url": "https://m.example", "feed_url": "https://m.example"},
     "source 'm': 'token_url' and 'feed_url' apply to reddit sources"),
    ({"id": "r", "type": "reddit", "credentials": {"names": ["A"], "values": ["b"]}},
     "[[sources]] #1: 'credentials' cannot be set in the file"),
])
def test_per_territory_and_credential_keys_are_checked(source: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"territories": [{"id": "t", "name": "T"}], "sources": [source]}, None, {})
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_per_territory_source_needs_territories() -> None:
    with pytest.raises(ConfigError, match="per_territory asks once per territory: add \\[\\[territories\\]\\]"):
        parse_config({"sources": [{"id": "b", "type": "bluesky", "per_territory": True}]}, None, {})
