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


def test_analysis_processes_default_to_one_per_core_unless_set(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, VALID), env={}).nlp.processes is None
    config = load_config(write(tmp_path, VALID + "\n[nlp]\nprocesses = 1\n"), env={})
    assert config.nlp.processes == 1


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
        ("[nlp]\nprocesses = 0", "[nlp]: 'processes' must be an integer >= 1"),
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


SOURCE = '[[sources]]\nid = "feed"\ntype = "rss"\nurl = "https://example.org/feed.xml"\n'
TERRITORY = '[[territories]]\nid = "annecy"\nname = "Annecy"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TERRITORY + 'aliasses = ["Annecy-le-Vieux"]', "territory 'annecy': unknown key 'aliasses' (did you mean 'aliases'?)"),
        (SOURCE + 'evrey = "5m"', "source 'feed': unknown key 'evrey' (did you mean 'every'?)"),
        ('[alerts]\nrecipient = ["office@example.org"]', "[alerts]: unknown key 'recipient' (did you mean 'recipients'?)"),
        ('[smtp]\nhots = "mail.example.org"', "[smtp]: unknown key 'hots' (did you mean 'host'?)"),
        ('[crawl]\ncolour = "blue"', "[crawl]: unknown key 'colour' (expected: "),
        ('[[alerts.rules]]\nid = "r"\ntreshold = 5', "alert rule 'r': unknown key 'treshold' (did you mean 'threshold'?)"),
        ('[stores]\npath = "x"', "unknown section 'stores' (did you mean 'store'?)"),
    ],
)
def test_a_misspelt_key_is_named_with_the_key_meant(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(info.value).startswith(f"{path}: {expected}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SOURCE + "every = -5", "source 'feed': 'every': duration must be positive"),
        (SOURCE + 'every = "0m"', "source 'feed': 'every': duration must be positive"),
        ('[alerts]\nevery = "99999999999d"', "[alerts]: 'every': duration too long"),
        ("[alerts]\ncooldown = 99999999999999999", "[alerts]: 'cooldown': duration too long"),
        ('[alerts]\nwindow = "0h"', "[alerts]: 'window': duration must be positive"),
        ('[crawl]\nenrich_every = "-1m"', "[crawl]: 'enrich_every': not a duration"),
        ("[smtp]\ntimeout = -1", "[smtp]: 'timeout' must be a positive number up to 3600"),
        ("[smtp]\ntimeout = inf", "[smtp]: 'timeout' must be a positive number"),
        ("[crawl]\ntimeout = nan", "[crawl]: 'timeout' must be a positive number"),
        ("[crawl]\ndownload_delay = -0.5", "[crawl]: 'download_delay' must be a number from 0 to 3600"),
        ("[smtp]\nport = 0", "[smtp]: 'port' must be an integer from 1 to 65535"),
        ("[ui]\nport = 70000", "[ui]: 'port' must be an integer from 1 to 65535"),
        ('[smtp]\nport = "25"', "[smtp]: 'port' must be an integer from 1 to 65535"),
        ('[[territories]]\nid = "annecy"\nname = "Annecy\\r\\nBcc: all@example.org"', "territory 'annecy': 'name':"),
        ('[[territories]]\nid = "annecy"\nname = "Annecy\\u0000"', "contains a control character"),
        (TERRITORY + 'aliases = ["Annecy\\tlac"]', "territory 'annecy': 'aliases':"),
        (TERRITORY + "lat = 145.9", "territory 'annecy': 'lat' must be a number from -90 to 90"),
        (TERRITORY + "max_items = 1", "unknown key 'max_items'"),
        (SOURCE + "max_items = 0", "source 'feed': 'max_items' must be an integer >= 1"),
        ("[crawl]\nobey_robots = 1", "[crawl]: 'obey_robots' must be true or false"),
        ('[smtp]\npassword = "hunter2"', "[smtp]: 'password' cannot be set in the file: a secret: set PLACEWATCH_SMTP_PASSWORD"),
        ("territories = 3", "[[territories]] must be an array of tables"),
        ('[[sources]]\nid = "s"\ntype = []', "source 's': unknown type [] (expected one of: rss,"),
        ('[[sources]]\nid = "s"\ntype = { a = 1 }\nurl = "http://x"', "source 's': unknown type {'a': 1}"),
        ('store = "sqlite"', "[store] must be a table"),
        ('[[groups]]\nid = "alps"\n[[groups]]\nid = "alps"', "group 'alps': duplicate group id"),
        (SOURCE + SOURCE, "source 'feed': duplicate source id"),
        (TERRITORY + '[ui]\nterritory = "anecy"', "[ui]: territory 'anecy' is not a configured territory (did you mean 'annecy'?)"),
    ],
)
def test_values_that_cannot_be_right_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert len(message.splitlines()) == 1


def test_every_default_loads_and_a_bare_file_equals_no_file(tmp_path: Path) -> None:
    bare = load_config(write(tmp_path, ""), env={})
    assert bare.alerts.every == timedelta(minutes=15) and bare.smtp.port == 25
    assert load_config(None, env={}).crawl == bare.crawl


def test_environment_overrides_and_secrets(tmp_path: Path) -> None:
    env = {"PLACEWATCH_ES_API_KEY": "k", "PLACEWATCH_WEBHOOK_URL": "http://127.0.0.1:9/hook",
           "PLACEWATCH_ES_URL": "https://es.example.org:9200"}
    config = load_config(write(tmp_path, '[store]\nurl = "http://localhost:9200"\n[alerts]\nwebhook = "http://x"'), env=env)
    assert config.store.url == "https://es.example.org:9200"
    assert (config.store.api_key, config.alerts.webhook) == ("k", "http://127.0.0.1:9/hook")
    assert load_config(write(tmp_path, ""), env={"PLACEWATCH_ES_URL": ""}).store.url == "http://localhost:9200"


def test_durations_are_bounded() -> None:
    assert parse_duration("3650d") == timedelta(days=3650)
    for value in ("3651d", "99999999999d", 10**30, "9" * 400 + "w"):
        with pytest.raises(ValueError, match="too long"):
            parse_duration(value)
    with pytest.raises(ValueError, match="positive"):
        parse_duration(-5)


def test_secrets_never_appear_in_the_config_repr(tmp_path: Path) -> None:
    """A config logged or shown in a traceback keeps the SMTP password to itself."""
    path = write(tmp_path, '[smtp]\nhost = "mail.example.org"')
    cfg = load_config(path, env={"PLACEWATCH_SMTP_PASSWORD": "hunter2-secret"})
    assert cfg.smtp.password == "hunter2-secret"
    assert "hunter2-secret" not in repr(cfg) and "hunter2-secret" not in str(cfg)
