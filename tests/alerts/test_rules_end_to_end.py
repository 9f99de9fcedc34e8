"""End to end: share-of-voice jumps and negative surges → one explained alert, over real SMTP and HTTP.

Three weeks of an ordinary hourly rhythm for four Alps resorts are stored through the Store
API, then one window changes. A marketer's rule must notice what it is about (a share, a
sentiment mix) and nothing else, say why, and never say it twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import pytest

from alerts.service import check_alerts, run_due
from config.settings import (
    AlertRule,
    AlertsConfig,
    Config,
    Group,
    SmtpConfig,
    StoreConfig,
    Territory,
)
from core.models import Analysis, Engagement, PlaceMention, RawDocument, Sentiment, utcnow
from indexer.sqlite import SqliteStore
from tests.alerts.test_service import Inbox, free_port, html_part, start_smtp, text_part
from tests.alerts.test_webhook import Received, receiver  # noqa: F401 - fixture
from tests.helpers import run_placewatch

HOUR = timedelta(hours=1)
NOW = datetime(2026, 11, 28, 15, 10, tzinfo=UTC)  # a Saturday, the scheduler's 15:10 run
SURGE = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # the last full window before NOW

ALPS = {
    "val-thorens": "Val Thorens",
    "courchevel": "Courchevel",
    "tignes": "Tignes",
    "les-arcs": "Les Arcs",
}
# Mentions per hour, day and night alike (resort webcams and bots never sleep): Les Arcs is
# usually 2 of the group's 14, one Tignes mention in five is negative.
USUAL = {"val-thorens": 4, "courchevel": 3, "tignes": 5, "les-arcs": 2}

HOSTILE = "<script>alert('arcs')</script> Les Arcs inaugure sa télécabine"


@dataclass
class Corpus:
    """Documents with one watched place each, as the NLP pipeline would have stored them."""

    items: list[tuple[RawDocument, Analysis]] = field(default_factory=list)

    def add(
        self,
        when: datetime,
        territory: str,
        text: str,
        *,
        title: str | None = None,
        sentiment: float = 0.0,
        source: str = "example-feed",
        reposts: int = 0,
    ) -> None:
        i = len(self.items) + 1
        name = ALPS[territory]
        doc = RawDocument(
            id=f"d{i}",
            url=f"https://news.example.org/{territory}/{i}",
            source_id=source,
            source_type="mastodon" if source.startswith("mastodon") else "rss",
            text=text,
            collected=when,
            title=title or f"{name}, story {i}",
            published=when,
            lang="fr",
            engagement=Engagement(likes=reposts, reposts=reposts),
        )
        start = text.index(name)
        place = PlaceMention(
            text=name,
            start=start,
            end=start + len(name),
            name=name,
            territory=territory,
            kind="resort",
            sentiment=sentiment,
        )
        self.items.append((doc, Analysis(lang="fr", sentiment=Sentiment(), places=(place,))))

    def usual_hour(self, t: datetime, counts: dict[str, int] | None = None) -> None:
        """One ordinary hour; one Tignes mention in five grumbles about parking."""
        for territory, name in ALPS.items():
            n = (counts or USUAL)[territory]
            for k in range(n):
                grumble = territory == "tignes" and k % 5 == 4
                self.add(
                    t + timedelta(seconds=3600 * k // n + 30),
                    territory,
                    f"{name}: trop de monde au parking." if grumble else f"Ski à {name} ce matin.",
                    sentiment=-0.5 if grumble else 0.3,
                    source="mastodon-ski" if k % 2 else "example-feed",
                )

    def background(self, until: datetime = SURGE, days: int = 21) -> None:
        t = until - timedelta(days=days)
        while t < until:
            self.usual_hour(t)
            t += HOUR

    def save(self, path: Path) -> Path:
        store = SqliteStore(path)
        store.setup()
        store.upsert_raw(d for d, _ in self.items)
        store.save_analyses(self.items)
        store.close()
        return path


def les_arcs_share_jump(corpus: Corpus, at: datetime = SURGE) -> None:
    """Les Arcs opens a gondola: 8 mentions (usually 2) while its competitors are a little quieter."""
    corpus.usual_hour(at, {"val-thorens": 3, "courchevel": 2, "tignes": 4, "les-arcs": 0})
    for k in range(8):
        corpus.add(
            at + timedelta(minutes=6 * k + 2),
            "les-arcs",
            f"Les Arcs inaugure la nouvelle télécabine du Vanoise, ouverture ce week-end. #{k}",
            title=HOSTILE if k == 0 else None,
            source="skipass-news" if k % 2 else "mastodon-ski",
            reposts=50 if k == 0 else k,
        )


def tignes_negative_surge(corpus: Corpus, at: datetime = SURGE) -> None:
    """A cable car breaks down: 6 of Tignes's 7 mentions are negative (usually 1 in 6)."""
    corpus.usual_hour(at, {**USUAL, "tignes": 0})
    for k in range(6):
        corpus.add(
            at + timedelta(minutes=8 * k + 3),
            "tignes",
            f"Panne du téléphérique de Tignes, files d'attente interminables. #{k}",
            title=f"Panne à Tignes #{k}",
            sentiment=-0.7,
            source="mastodon-ski",
            reposts=k,
        )
    corpus.add(
        at + timedelta(minutes=50),
        "tignes",
        "Belle poudreuse à Tignes aujourd'hui.",
        title="Poudreuse à Tignes",
        sentiment=0.8,
        reposts=500,  # the most shared of the hour, but not what the surge is about
    )


def tignes_busy_hour(corpus: Corpus, at: datetime = SURGE) -> None:
    """Tignes ten times busier than usual (a ski race), with its usual one-in-five grumbles."""
    corpus.usual_hour(at, {**USUAL, "tignes": 50})


def alps_config(db: Path, port: int, *rules: AlertRule, webhook: str | None = None) -> Config:
    return Config(
        store=StoreConfig(path=db),
        territories=tuple(
            Territory(id=tid, name=name, kind="resort", groups=("alps",)) for tid, name in ALPS.items()
        ),
        groups=(Group(id="alps", name="Alps", territories=tuple(ALPS)),),
        alerts=AlertsConfig(
            recipients=("office@example.org",),
            webhook=webhook,
            dashboard_url="http://127.0.0.1:8501",
            rules=rules,
        ),
        smtp=SmtpConfig(host="127.0.0.1", port=port, sender="placewatch@example.org", timeout=5),
    )


SHARE_RULE = AlertRule(
    id="alps-share", kind="share_jump", group="alps", recipients=("direction@example.org",)
)
NEGATIVE_RULE = AlertRule(id="tignes-negative", kind="negative_surge", territories=("tignes",))


def open_store(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.setup()
    return store


@dataclass
class Mailbox:
    """A real SMTP server on loopback and what it received."""

    port: int
    inbox: Inbox

    @property
    def messages(self) -> list[Message]:
        return self.inbox.messages


@pytest.fixture
def mail() -> Iterator[Mailbox]:
    port = free_port()
    controller, inbox = start_smtp(port)
    yield Mailbox(port, inbox)
    controller.stop()


def share_jump_db(tmp_path: Path) -> Path:
    corpus = Corpus()
    corpus.background()
    les_arcs_share_jump(corpus)
    return corpus.save(tmp_path / "placewatch.db")


def test_share_jump_sends_one_email_naming_the_shares_and_the_reason(
    tmp_path: Path, mail: Mailbox
) -> None:
    db = share_jump_db(tmp_path)
    cfg = alps_config(db, mail.port, SHARE_RULE)
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    assert report.sent == 1, report
    assert len(mail.messages) == 1
    msg = mail.messages[0]
    assert msg["To"] == "direction@example.org"  # the rule's recipients, not the office's
    subject = str(msg["Subject"])
    assert "Les Arcs" in subject and "share of voice" in subject
    text = text_part(msg)
    # The old and new share, with the counts they are shares of (8 of 17; usually 2 of 14).
    assert "47%" in text and "14%" in text and "17 mentions" in text, text
    assert "of Alps" in text  # which competitor set: a marketer may watch several
    assert "time of day" not in text  # the usual share is a weekly one, not a seasonal profile
    # Why: what was said, by whom, and the stories themselves.
    assert "télécabine" in text
    assert "skipass-news" in text and "mastodon-ski" in text
    assert "https://news.example.org/les-arcs/" in text
    body = html_part(msg)
    assert "47%" in body and "14%" in body
    assert "<script>" not in body and "&lt;script&gt;alert(" in body
    assert 'href="http://127.0.0.1:8501/place?place=les-arcs&amp;spike=2026-11-28T14' in body
    # The scheduler checks again 15 minutes later, and again next hour: nothing new.
    again = check_alerts(cfg, store, NOW + timedelta(minutes=15))
    later = check_alerts(cfg, store, NOW + HOUR)
    assert again.queued == again.sent == 0 and later.queued == later.sent == 0
    assert len(mail.messages) == 1
    store.close()


def kinds(store: SqliteStore) -> list[list[str]]:
    """What each email sent told: the kinds of alert it carries."""
    return [[a["kind"] for a in m.payload["alerts"]] for m in store.sent_messages()]


def test_share_jump_is_not_a_volume_spike_nor_a_negative_surge(
    tmp_path: Path, mail: Mailbox
) -> None:
    """All three rules in force: the Les Arcs hour is a share-of-voice story only."""
    db = share_jump_db(tmp_path)
    cfg = alps_config(db, mail.port, SHARE_RULE, NEGATIVE_RULE)
    store = open_store(db)
    report = run_due(cfg, store, NOW)
    told = kinds(store)
    store.close()
    assert report.sent == 1, report
    assert [k.split(":")[0] for k in report.alerts] == ["les-arcs"]
    assert told == [["share_jump"]]
    assert len(mail.messages) == 1


def test_quiet_fortnight_sends_nothing(tmp_path: Path, mail: Mailbox) -> None:
    corpus = Corpus()
    corpus.background(until=SURGE + HOUR)
    db = corpus.save(tmp_path / "placewatch.db")
    cfg = alps_config(db, mail.port, SHARE_RULE, NEGATIVE_RULE)
    store = open_store(db)
    for hours in range(0, 24, 3):  # a day of scheduler runs over ordinary hours
        report = run_due(cfg, store, NOW - timedelta(hours=hours))
        assert report.alerts == [] and report.sent == 0, (hours, report)
    store.close()
    assert mail.messages == []


def test_share_jump_is_not_sent_before_it_happens(tmp_path: Path, mail: Mailbox) -> None:
    """Checked the evening before, the same store (with the jump to come) is quiet."""
    db = share_jump_db(tmp_path)
    cfg = alps_config(db, mail.port, SHARE_RULE)
    store = open_store(db)
    report = check_alerts(cfg, store, NOW - timedelta(hours=20))
    store.close()
    assert report.alerts == [] and mail.messages == []


def test_negative_surge_sends_one_email_with_the_complaints(tmp_path: Path, mail: Mailbox) -> None:
    corpus = Corpus()
    corpus.background()
    tignes_negative_surge(corpus)
    db = corpus.save(tmp_path / "placewatch.db")
    cfg = alps_config(db, mail.port, NEGATIVE_RULE)
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    assert report.sent == 1, report
    assert len(mail.messages) == 1
    msg = mail.messages[0]
    subject = str(msg["Subject"])
    assert "Tignes" in subject and "negative" in subject
    text = text_part(msg)
    # 6 of 7 mentions negative, usually one in five.
    assert "86%" in text and "20%" in text and "7 mentions" in text, text
    assert "téléphérique" in text and "mastodon-ski" in text
    assert "Panne à Tignes" in text
    # The examples are the complaints, not the hour's most shared (and happy) post.
    assert "Poudreuse à Tignes" not in text
    assert "poudreuse" not in text.lower().split("top terms:")[1].split("\n")[0]
    again = check_alerts(cfg, store, NOW + timedelta(minutes=15))
    assert again.queued == again.sent == 0
    assert len(mail.messages) == 1
    store.close()


def test_more_mentions_with_the_usual_sentiment_mix_is_no_negative_surge(
    tmp_path: Path, mail: Mailbox
) -> None:
    """Tignes ten times busier, one grumble in five as ever: a volume spike, not a negative surge."""
    corpus = Corpus()
    corpus.background()
    tignes_busy_hour(corpus)
    db = corpus.save(tmp_path / "placewatch.db")
    cfg = alps_config(db, mail.port, NEGATIVE_RULE)
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    told = kinds(store)
    store.close()
    assert [k.split(":")[0] for k in report.alerts] == ["tignes"], report.alerts
    assert told == [["spike"]]
    assert len(mail.messages) == 1
    assert "Tignes: 5" in str(mail.messages[0]["Subject"])  # "Tignes: 50 mentions …"


def test_share_jump_reaches_the_webhook_too(
    tmp_path: Path,
    mail: Mailbox,
    receiver: tuple[str, Received],  # noqa: F811
) -> None:
    url, received = receiver
    db = share_jump_db(tmp_path)
    cfg = alps_config(db, mail.port, SHARE_RULE, webhook=url)
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    again = check_alerts(cfg, store, NOW + timedelta(minutes=15))
    store.close()
    assert report.sent == 2 and again.sent == 0, report
    assert len(mail.messages) == 1 and len(received) == 1
    text = received[0]["body"]["text"]  # type: ignore[index]
    assert "Les Arcs" in text and "share of voice" in text
    assert "47%" in text and "14%" in text
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_negative_surge_rule_webhook_only(
    tmp_path: Path,
    receiver: tuple[str, Received],  # noqa: F811
) -> None:
    """A rule with its own webhook and no mail server: the surge is posted, nothing fails."""
    url, received = receiver
    corpus = Corpus()
    corpus.background()
    tignes_negative_surge(corpus)
    db = corpus.save(tmp_path / "placewatch.db")
    base = alps_config(db, free_port(), replace(NEGATIVE_RULE, webhook=url))
    cfg = replace(base, alerts=replace(base.alerts, recipients=()))
    store = open_store(db)
    report = check_alerts(cfg, store, NOW)
    store.close()
    assert report.sent == 1 and report.failed == 0, report
    assert len(received) == 1
    text = received[0]["body"]["text"]  # type: ignore[index]
    assert "Tignes" in text and "negative" in text and "86%" in text


CLI_CONFIG = """
[store]
path = "pw.db"

[[groups]]
id = "alps"
name = "Stations des Alpes"

{territories}

[alerts]
recipients = ["office@example.org"]
webhook = "{webhook}"

[[alerts.rules]]
id = "alps-share"
kind = "share_jump"
group = "alps"
threshold = 0.2
recipients = ["direction@example.org"]

[smtp]
host = "127.0.0.1"
port = {port}
sender = "placewatch@example.org"
"""


def test_placewatch_alerts_check_sends_the_share_jump_once(
    tmp_path: Path,
    mail: Mailbox,
    receiver: tuple[str, Received],  # noqa: F811
) -> None:
    """As cron runs it: the TOML rule, the real clock, the command twice."""
    url, received = receiver
    last = utcnow().replace(minute=0, second=0, microsecond=0) - HOUR
    corpus = Corpus()
    corpus.background(until=last)
    les_arcs_share_jump(corpus, last)
    corpus.save(tmp_path / "pw.db")
    territories = "\n".join(
        f'[[territories]]\nid = "{tid}"\nname = "{name}"\nkind = "resort"\ngroups = ["alps"]\n'
        for tid, name in ALPS.items()
    )
    cfg = tmp_path / "placewatch.toml"
    cfg.write_text(
        CLI_CONFIG.replace("{territories}", territories)
        .replace("{webhook}", url)
        .replace("{port}", str(mail.port)),
        encoding="utf-8",
    )
    first = run_placewatch("--config", str(cfg), "alerts", "check")
    second = run_placewatch("--config", str(cfg), "alerts", "check")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "2 sent" in first.stdout and "0 sent" in second.stdout, (first.stdout, second.stdout)
    assert len(mail.messages) == 1 and len(received) == 1
    msg = mail.messages[0]
    assert msg["To"] == "direction@example.org"
    assert "Les Arcs" in str(msg["Subject"]) and "47%" in text_part(msg)


def test_a_share_that_stays_up_all_day_is_one_email(tmp_path: Path, mail: Mailbox) -> None:
    """Les Arcs keeps its new share for 24 hours; the scheduler checks every hour: one email."""
    corpus = Corpus()
    corpus.background()
    for h in range(24):
        les_arcs_share_jump(corpus, SURGE + h * HOUR)
    db = corpus.save(tmp_path / "placewatch.db")
    cfg = alps_config(db, mail.port, SHARE_RULE)
    store = open_store(db)
    for h in range(1, 26):
        check_alerts(cfg, store, SURGE + h * HOUR + timedelta(minutes=5))
    store.close()
    to_direction = [m for m in mail.messages if m["To"] == "direction@example.org"]
    assert len(to_direction) == 1, [str(m["Subject"]) for m in mail.messages]
    assert "share of voice" in str(to_direction[0]["Subject"])
