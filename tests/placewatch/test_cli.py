"""The command line as a user meets it: help texts, one-line errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_placewatch

SUBCOMMANDS = [
    ["demo"], ["run"], ["crawl"], ["sources"], ["enrich"], ["reanalyze"], ["analyze"], ["extract"],
    ["top"], ["import"], ["export"], ["alerts"], ["alerts", "check"], ["alerts", "backtest"],
    ["dashboard"],
]


def test_main_help_lists_every_subcommand() -> None:
    result = run_placewatch("--help")
    assert result.returncode == 0
    for (name, *_) in SUBCOMMANDS:
        assert name in result.stdout
    assert "territor" in result.stdout  # it says what placewatch is for


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=lambda a: " ".join(a))
def test_each_subcommand_explains_itself(args: list[str]) -> None:
    result = run_placewatch(*args, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: placewatch" in result.stdout
    assert len(result.stdout.splitlines()) >= 3


BROKEN = {
    "syntax": ("[store\npath = 'x'\n", "TOML syntax error"),
    "source_type": ('[[sources]]\nid = "s"\ntype = "myspace"\nurl = "https://example.org"\n', "unknown type 'myspace'"),
    "nameless_territory": ('[[territories]]\nid = "nice"\nkind = "city"\n', "missing required field 'name'"),
    "misspelt_key": ('[smtp]\nhots = "mail.example.org"\n', "[smtp]: unknown key 'hots' (did you mean 'host'?)"),
    "misspelt_alias_key": ('[[territories]]\nid = "nice"\nname = "Nice"\naliasses = ["Nissa"]\n',
                           "territory 'nice': unknown key 'aliasses' (did you mean 'aliases'?)"),
    "negative_every": ('[[sources]]\nid = "s"\ntype = "rss"\nurl = "https://example.org"\nevery = -5\n',
                       "source 's': 'every': duration must be positive"),
    "huge_window": ('[alerts]\nwindow = "99999999999d"\n', "[alerts]: 'window': duration too long"),
    "port_zero": ("[smtp]\nport = 0\n", "[smtp]: 'port' must be an integer from 1 to 65535"),
    "infinite_timeout": ("[crawl]\ntimeout = inf\n", "[crawl]: 'timeout' must be a positive number"),
    "line_break_in_name": ('[[territories]]\nid = "nice"\nname = "Nice\\r\\nBcc: x@example.org"\n',
                           "territory 'nice': 'name': 'Nice\\r\\nBcc: x@example.org' contains a control character"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_config_gives_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    result = run_placewatch("--config", str(broken), "top")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(broken) in lines[0] and expected in lines[0]
    assert result.stdout == ""


def test_run_with_a_negative_interval_stops_at_once_instead_of_spinning(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[alerts]\nevery = -60\n', encoding="utf-8")
    result = run_placewatch("--config", str(broken), "run", timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"placewatch: error: {broken}: [alerts]: 'every': duration must be positive: -60"
    ]


@pytest.mark.parametrize(
    ("since", "expected"),
    [("0d", "duration must be positive"), ("99999999999d", "duration too long"),
     ("3651d", "duration too long"), ("2999-01-01", "give a past date"), ("soon", "expected a duration")],
)
def test_top_with_an_impossible_period_gives_one_line_and_exit_2(tmp_path: Path, since: str, expected: str) -> None:
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text('[store]\npath = "pw.db"\n')
    result = run_placewatch("--config", str(cfg), "top", "--since", since)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"--since {since!r}" in lines[0] and expected in lines[0], result.stderr
    assert result.stdout == ""


def test_missing_config_file(tmp_path: Path) -> None:
    result = run_placewatch("--config", str(tmp_path / "absent.toml"), "top")
    assert result.returncode == 2
    assert "config file not found" in result.stderr and "Traceback" not in result.stderr


def test_top_on_an_empty_store_says_so(tmp_path: Path) -> None:
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text('[store]\npath = "pw.db"\n[[territories]]\nid = "a"\nname = "Annecy"\ngroups = ["g"]\n')
    result = run_placewatch("--config", str(cfg), "top")
    assert result.returncode == 0, result.stderr
    assert "no mentions in this period" in result.stdout
    unknown = run_placewatch("--config", str(cfg), "top", "--group", "nope")
    assert unknown.returncode == 1
    assert "no such group" in unknown.stderr and "Traceback" not in unknown.stderr


def test_unknown_source_id_for_crawl(tmp_path: Path) -> None:
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text('[[sources]]\nid = "feed"\ntype = "rss"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    result = run_placewatch("--config", str(cfg), "crawl", "other")
    assert result.returncode == 2
    assert "unknown source 'other'" in result.stderr


def _series_csv(path: Path) -> Path:
    """Three weeks of hourly counts with a daily rhythm, then a four-hour surge."""
    from datetime import datetime, timedelta

    start = datetime(2026, 1, 5)
    rows = ["timestamp,value"]
    for h in range(21 * 24):
        t = start + timedelta(hours=h)
        value = 20 + (15 if 9 <= t.hour <= 18 else 0) + (h * 7919 % 5)
        if 21 * 24 - 30 <= h < 21 * 24 - 26:
            value *= 6
        rows.append(f"{t:%Y-%m-%d %H:%M:%S},{value}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_alerts_backtest_prints_one_json_line_per_alert(tmp_path: Path) -> None:
    import json

    result = run_placewatch("alerts", "backtest", "--series", str(_series_csv(tmp_path / "s.csv")))
    assert result.returncode == 0, result.stderr
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(alerts) == 1
    assert set(alerts[0]) == {"timestamp", "value", "expected", "score"}
    assert alerts[0]["timestamp"].startswith("2026-01-24T18")  # the first surging hour
    assert alerts[0]["value"] > 3 * alerts[0]["expected"]


def test_alerts_backtest_bad_csv_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,value\n2026-01-01 00:00:00,3\nyesterday,4\n", encoding="utf-8")
    result = run_placewatch("alerts", "backtest", "--series", str(bad))
    assert result.returncode != 0
    assert f"{bad}:3" in result.stderr and "Traceback" not in result.stderr
