"""`[[alerts.rules]]` as a marketer writes it: options read as meant, mistakes named, never ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import load_config
from core.errors import ConfigError
from tests.helpers import run_placewatch

BASE = """
[[territories]]
id = "les-arcs"
name = "Les Arcs"
kind = "resort"
groups = ["alps"]

[[territories]]
id = "tignes"
name = "Tignes"
kind = "resort"
groups = ["alps"]

[alerts]
recipients = ["office@example.org"]
"""


def write(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "placewatch.toml"
    path.write_text(BASE + rules, encoding="utf-8")
    return path


def test_share_and_negative_rules_are_read_as_written(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
[[alerts.rules]]
id = "alps-share"
kind = "share_jump"
group = "alps"
threshold = 0.2
recipients = ["direction@example.org"]

[[alerts.rules]]
id = "tignes-negative"
kind = "negative_surge"
territories = ["tignes"]
webhook = "http://127.0.0.1:9/hook"
""",
        ),
        env={},
    )
    share, negative = config.alerts.rules
    assert (share.kind, share.group, share.threshold) == ("share_jump", "alps", 0.2)
    assert share.recipients == ("direction@example.org",)
    assert (negative.kind, negative.territories, negative.threshold) == (
        "negative_surge",
        ("tignes",),
        None,
    )
    assert negative.webhook == "http://127.0.0.1:9/hook"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            'kind = "share_jump"\ngroup = "alpes"',
            "alert rule 'r': group 'alpes' is not a configured group",
        ),
        (
            'kind = "negative_surge"\nterritories = ["tigne"]',
            "alert rule 'r': territory 'tigne' is not a configured territory",
        ),
        ('kind = "share_jump"\ngroup = "alps"\nthreshold = 15', "between 0 and 1"),
        ('kind = "negative_surge"\nthreshold = 4', "between 0 and 1"),
        ('kind = "share_jump"\nthreshold = 0', "'threshold' must be a positive number"),
        ('kind = "share_jump"\ngroup = ["alps"]', "'group' must be a non-empty string"),
        ('kind = "spike"\nwebhook = 1', "'webhook' must be a non-empty string"),
        ('kind = "surge"', "unknown kind 'surge'"),
    ],
)
def test_rule_mistakes_are_named(tmp_path: Path, rule: str, message: str) -> None:
    path = write(tmp_path, f'\n[[alerts.rules]]\nid = "r"\n{rule}\n')
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).startswith(f"{path}: ")  # the file, then the rule and the problem
    assert message in str(err.value)


def test_two_rules_with_one_id_are_refused(tmp_path: Path) -> None:
    """The id keys what was sent: the second rule's alerts would be taken as already sent."""
    rules = '\n[[alerts.rules]]\nid = "r"\nkind = "share_jump"\n' * 2
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, rules), env={})
    assert "alert rule 'r': duplicate alert rule id" in str(err.value)


def test_a_spike_rule_keeps_its_z_score_threshold(tmp_path: Path) -> None:
    rules = '\n[[alerts.rules]]\nid = "vt"\nkind = "spike"\nthreshold = 5\n'
    assert load_config(write(tmp_path, rules), env={}).alerts.rules[0].threshold == 5.0


def test_alerts_check_names_a_misspelt_group_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, '\n[[alerts.rules]]\nid = "r"\nkind = "share_jump"\ngroup = "alpes"\n')
    result = run_placewatch("--config", str(path), "alerts", "check")
    assert result.returncode != 0
    assert "group 'alpes' is not a configured group" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
