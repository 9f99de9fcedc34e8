"""One email per event, in the recipient's time zone; an alert that cannot be sent fails once.

A volume spike and a share jump of one territory in one window are one story: one email
that says both. Times are the recipient's. An outbox entry is rendered when it is sent, so a
territory name fixed in the config fixes the email; what can never be sent is marked failed
with the reason, and the check moves on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from alerts.service import NEVER, check_alerts, undeliverable
from config.settings import parse_config
from tests.alerts.test_rules_end_to_end import (
    NOW,
    SHARE_RULE,
    SURGE,
    Corpus,
    Mailbox,
    alps_config,
    kinds,
    mail,  # noqa: F401 - fixture
    open_store,
    tignes_busy_hour,
)
from tests.alerts.test_service import free_port, html_part, text_part

PARIS_RULES = (replace(SHARE_RULE, recipients=()),)


def busy_tignes(tmp_path: Path) -> Path:
    corpus = Corpus()
    corpus.background()
    tignes_busy_hour(corpus)  # 50 mentions where 5 is usual: its share of the Alps too
    return corpus.save(tmp_path / "placewatch.db")


def test_a_spike_and_a_share_jump_in_one_window_are_one_email(tmp_path: Path, mail: Mailbox) -> None:  # noqa: F811
    db = busy_tignes(tmp_path)
    cfg = alps_config(db, mail.port, *PARIS_RULES)
    cfg = replace(cfg, alerts=replace(cfg.alerts, timezone="Europe/Paris"))
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    again = check_alerts(cfg, store, NOW + timedelta(minutes=15))
    told = kinds(store)
    store.close()
    assert report.sent == 1 and again.sent == again.queued == 0, report
    assert told == [["spike", "share_jump"]]
    assert len(mail.messages) == 1
    msg = mail.messages[0]
    subject = " ".join(str(msg["Subject"]).split())  # unfolded
    # 14:00-15:00 UTC is 15 h-16 h in Paris in November; the subject says both stories.
    assert subject.startswith("[placewatch] Tignes: 5"), subject
    assert "between 15:00 and 16:00 CET" in subject and "share of voice jump" in subject
    text = text_part(msg)
    assert "50 mentions, 5 expected" in text and "Share of voice rose from" in text
    assert "14:00" not in text  # no UTC time left anywhere
    assert "between 15:00 and 16:00 CET" in html_part(msg)


def test_french_recipients_read_french_and_local_hours(tmp_path: Path, mail: Mailbox) -> None:  # noqa: F811
    db = busy_tignes(tmp_path)
    cfg = alps_config(db, mail.port)
    cfg = replace(
        cfg,
        alerts=replace(cfg.alerts, timezone="Europe/Paris"),
        ui=replace(cfg.ui, lang="fr"),
    )
    store = open_store(db)
    check_alerts(cfg, store, NOW)
    store.close()
    subject = " ".join(str(mail.messages[0]["Subject"]).split())
    assert "Tignes : 5" in subject and "entre 15 h et 16 h" in subject, subject
    assert "attendues à cette heure" in text_part(mail.messages[0])


def test_timezone_must_be_a_real_zone() -> None:
    cfg = parse_config({"alerts": {"timezone": "Europe/Paris"}}, None, {})
    assert cfg.alerts.timezone == "Europe/Paris"
    try:
        parse_config({"alerts": {"timezone": "Europe/Pariss"}}, None, {})
    except Exception as exc:  # ConfigError: one line naming the field
        assert "unknown timezone 'Europe/Pariss'" in str(exc)
    else:
        raise AssertionError("a misspelt zone was accepted")


def test_a_name_with_a_line_break_never_freezes_a_broken_subject(
    tmp_path: Path, mail: Mailbox  # noqa: F811
) -> None:
    """The config refuses 'Tignes\r\nBcc: x' at load; an entry queued with such a name (by an
    older version, or by hand) is rendered when sent, from today's config, in one header line."""
    import json
    import sqlite3

    import pytest

    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="control character"):
        parse_config(
            {"territories": [{"id": "tignes", "name": "Tignes\r\nBcc: attacker@example.org"}]}, None, {}
        )
    db = busy_tignes(tmp_path)
    good = alps_config(db, mail.port)
    store = open_store(db)
    down = check_alerts(replace(good, smtp=replace(good.smtp, port=free_port())), store, NOW)
    assert down.queued == 1 and down.failed == 1  # queued while the mail server was down
    with sqlite3.connect(db) as conn:  # the entry as an older version froze it: name, subject broken
        row = conn.execute("SELECT key, payload_json FROM outbox").fetchone()
        payload = json.loads(row[1])
        payload["subject"] = "[placewatch] Tignes\r\nBcc: attacker@example.org: spike"
        for alert in payload["alerts"]:
            alert["name"] = "Tignes\r\nBcc: attacker@example.org"
        conn.execute("UPDATE outbox SET payload_json = ? WHERE key = ?", (json.dumps(payload), row[0]))
    later = check_alerts(good, store, NOW + timedelta(hours=2))
    store.close()
    assert later.sent == 1, later
    msg = mail.messages[0]
    assert "Bcc" not in str(msg["Subject"]) and msg["Bcc"] is None
    assert str(msg["Subject"]).startswith("[placewatch] Tignes: 5")


def test_line_breaks_in_crawled_titles_make_no_header_like_lines(
    tmp_path: Path, mail: Mailbox  # noqa: F811
) -> None:
    corpus = Corpus()
    corpus.background()
    tignes_busy_hour(corpus)
    for k in range(12):
        corpus.add(
            SURGE + timedelta(minutes=k),
            "tignes",
            "Tignes: la course est lancée.",
            title="Course à Tignes\r\nTo: victim@example.org\nSubject: free skipass",
            reposts=50 + k,
        )
    db = corpus.save(tmp_path / "placewatch.db")
    store = open_store(db)
    check_alerts(alps_config(db, mail.port), store, NOW)
    store.close()
    text = text_part(mail.messages[0])
    assert "Course à Tignes To: victim@example.org Subject: free skipass" in text
    assert not any(
        line.startswith(("To:", "Subject:", "Bcc:")) for line in text.splitlines()
    ), text
    # Twelve copies of one story are one entry, from one outlet.
    assert text.count("Course à Tignes") == 1


class Refusing(MessageHandler):
    """A mail server that refuses every recipient for good (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        return "550 5.1.1 mailbox unavailable"

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        raise AssertionError("nothing should be accepted")


def test_an_alert_refused_for_good_is_marked_failed_not_retried(tmp_path: Path) -> None:
    db = busy_tignes(tmp_path)
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        cfg = alps_config(db, port)
        store = open_store(db)
        first = check_alerts(cfg, store, NOW)
        second = check_alerts(cfg, store, NOW + timedelta(hours=3))
        failed = undeliverable(store)
        store.close()
    finally:
        controller.stop()
    assert first.failed == 1 and second.failed == 0 and second.sent == 0
    assert len(failed) == 1 and failed[0].next_attempt == NEVER
    assert failed[0].last_error is not None and "550" in failed[0].last_error
    assert failed[0].last_error.startswith("failed for good:")


def test_a_damaged_outbox_entry_is_marked_failed_with_its_reason(tmp_path: Path, mail: Mailbox) -> None:  # noqa: F811
    from indexer import OutboxMessage

    db = busy_tignes(tmp_path)
    store = open_store(db)
    store.enqueue(
        [OutboxMessage(key="broken", channel="email", payload={"to": [], "alerts": [{"kind": "spike"}]},
                       created=NOW - timedelta(minutes=1))]
    )
    report = check_alerts(alps_config(db, mail.port), store, NOW)
    failed = undeliverable(store)
    store.close()
    assert report.sent == 1 and [m.key for m in failed] == ["broken"], report
    assert "cannot be read back" in (failed[0].last_error or "")
    assert len(mail.messages) == 1  # the check went on and sent the real alert
