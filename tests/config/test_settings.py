"""The config file: valid files load into typed values, broken ones get a message naming the problem."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from config import load_config, parse_duration
from core.errors import ConfigError

VALID = """
[store]
path = "db/pw.db"

[[territories]]
id = "val-thorens"
name = "Val Thorens"
kind = "resort"
aliases = ["Val Tho", "#valthorens"]
groups = ["alps"]

[[territories]]
id = "tignes"
name = "Tignes"
kind = "resort"
groups = ["alps"]

[[groups]]
id = "alps"
name = "Stations des Alpes"

[[sources]]
id = "feed"
type = "rss"
url = "https://example.org/feed.xml"
every = "30m"

[alerts]
window = "1h"
cooldown = "6h"
recipients = ["office@example.org"]

[smtp]
host = "mail.example.org"
port = 587
starttls = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "placewatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_config_loads_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID), env={})
    assert config.store.path == tmp_path / "db" / "pw.db"
    assert [t.id for t in config.territories] == ["val-thorens", "tignes"]
    alps = config.group("alps")
    assert alps is not None and alps.name == "Stations des Alpes"
    assert alps.territories == ("val-thorens", "tignes")
    assert config.sources[0].every == timedelta(minutes=30)
    assert config.alerts.cooldown == timedelta(hours=6)
    assert config.smtp.starttls and config.smtp.port == 587


def test_crawl_extraction_workers_default_to_automatic(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, VALID), env={}).crawl.extraction_workers is None
    config = load_config(write(tmp_path, VALID + "\n[crawl]\nextraction_workers = 0\n"), env={})
    assert config.crawl.extraction_workers == 0


def test_secrets_come_from_the_environment(tmp_path: Path) -> None:
    env = {"PLACEWATCH_SMTP_PASSWORD": "s3cret", "PLACEWATCH_ES_URL": "http://es:9200"}
    config = load_config(write(tmp_path, VALID), env=env)
    assert config.smtp.password == "s3cret"
    assert config.store.url == "http://es:9200"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[store\npath = 1", "TOML syntax error"),
        ('[[sources]]\nid = "x"\ntype = "telegram"\nurl = "https://t.me"', "unknown type 'telegram'"),
        ('[[territories]]\nid = "nice"\nkind = "city"', "territory 'nice': missing required field 'name'"),
        ('[[territories]]\nid = "a"\nname = "A"\nkind = "planet"', "unknown kind 'planet'"),
        ('[[sources]]\nid = "x"\ntype = "rss"\nurl = "ftp://x"', "must start with http://"),
        ('[[sources]]\nid = "x"\ntype = "rss"\nurl = "http://x"\nevery = "soon"', "not a duration"),
        ('[alerts]\nmin_count = -1', "'min_count' must be an integer >= 0"),
        ('[storage]\npath = "x"', "unknown section 'storage'"),
        ('[[territories]]\nid = "a"\nname = "A"\n[[territories]]\nid = "a"\nname = "B"', "duplicate territory id"),
    ],
)
def test_broken_config_names_the_file_and_the_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("30s", timedelta(seconds=30)), ("15m", timedelta(minutes=15)), ("2h", timedelta(hours=2)),
     ("7d", timedelta(days=7)), ("2w", timedelta(weeks=2)), (90, timedelta(seconds=90))],
)
def test_durations(value: str | int, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "0m", "5 minutes", "-1h", "1y"])
def test_bad_durations(value: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_the_readme_configuration_example_loads(tmp_path: Path) -> None:
    import re

    from tests.helpers import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.findall(r"```toml\n(.*?)```", readme, re.S)[0]
    config = load_config(write(tmp_path, example), env={})
    assert config.territory("val-thorens") is not None
    assert config.alerts.rules and config.alerts.digest == "daily"
