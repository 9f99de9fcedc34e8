"""`placewatch alerts check` as cron or the scheduler runs it: the digest arrives once per day."""

from __future__ import annotations

from pathlib import Path

from tests.alerts.test_service import free_port, start_smtp
from tests.helpers import run_placewatch

CONFIG = """
[store]
path = "pw.db"

[[territories]]
id = "val-thorens"
name = "Val Thorens"
kind = "resort"

[alerts]
recipients = ["office@example.org"]
digest = "daily"

[smtp]
host = "127.0.0.1"
port = {port}
sender = "placewatch@example.org"
"""


def test_alerts_check_sends_the_daily_digest_once(tmp_path: Path) -> None:
    port = free_port()
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text(CONFIG.replace("{port}", str(port)), encoding="utf-8")
    controller, inbox = start_smtp(port)
    try:
        first = run_placewatch("--config", str(cfg), "alerts", "check")
        second = run_placewatch("--config", str(cfg), "alerts", "check")
    finally:
        controller.stop()
    assert first.returncode == 0, first.stderr
    assert "1 sent" in first.stdout and "0 sent" in second.stdout
    assert len(inbox.messages) == 1
    assert "digest" in inbox.messages[0]["Subject"].lower()


def test_alerts_check_with_smtp_down_keeps_the_digest(tmp_path: Path) -> None:
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text(CONFIG.replace("{port}", str(free_port())), encoding="utf-8")
    result = run_placewatch("--config", str(cfg), "alerts", "check")
    assert result.returncode == 1
    assert "1 delivery failures" in result.stdout and "Traceback" not in result.stderr


def test_alerts_check_without_smtp_keeps_the_digest_and_says_why(tmp_path: Path) -> None:
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text(CONFIG.split("[smtp]")[0], encoding="utf-8")
    result = run_placewatch("--config", str(cfg), "alerts", "check")
    assert result.returncode == 0, result.stderr
    assert "0 delivery failures" in result.stdout
    assert "1 kept, not emailed: no SMTP configured ([smtp] in the config file)" in result.stdout
