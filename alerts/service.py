"""`placewatch alerts check` and digests: detect on stored volumes, queue, deliver with retries."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.detector import Bucket as Window
from alerts.detector import (
    DetectorParams,
    ShareJump,
    detect_share_jumps,
    detect_spikes,
    expected_band,
    from_first_mention,
    history_start,
    resample,
)
from alerts.digest import digest_payload
from alerts.email import (
    Undeliverable,
    compose_alerts,
    event_payload,
    permanent,
    send_email,
)
from alerts.explain import Explanation, explain_spike
from alerts.webhook import post_webhook, webhook_payload
from config import AlertRule, Config, Territory
from core.models import SentimentLabel
from indexer import Bucket, MentionFilter, OutboxMessage, Store

logger = logging.getLogger(__name__)

CHART_SPAN = timedelta(days=4)  # the days an alert's chart shows before its window
HISTORY = timedelta(days=28)  # what the detector reads: its memory plus its seasonal profile
MAX_BACKOFF = timedelta(hours=1)
# An entry that can never be sent is kept, marked failed, and never due again.
NEVER = datetime(9999, 1, 1, tzinfo=UTC)
PERMANENT = "failed for good:"
DEFAULT_SHARE_JUMP = 0.15  # a rise of 15 points in a share (share_jump, negative_surge)
USUAL = (
    "Usual share: the same hour on the previous 7 days and on the same weekday 2 and 3 weeks "
    "before; a rise chance would not explain (binomial test)."
)
NEG, REST = "negative", "rest"  # the two parts of a territory's mentions for negative_surge


@dataclass
class CheckReport:
    """What one `alerts check` found, queued and delivered."""

    alerts: list[str] = field(default_factory=list)  # idempotency keys of detected alerts
    queued: int = 0
    sent: int = 0
    failed: int = 0
    held: dict[str, int] = field(default_factory=dict)  # emails kept unsent, per hold reason
    errors: list[str] = field(default_factory=list)


# Why an email stays in the outbox untried; it goes out at the first check after the cause is fixed.
HOLD_NO_SMTP = "no_smtp"
HOLD_NO_RECIPIENTS = "no_recipients"
HOLD_REASONS = {
    HOLD_NO_SMTP: "not emailed: no SMTP configured ([smtp] in the config file)",
    HOLD_NO_RECIPIENTS: "not emailed: no recipients configured ([alerts] recipients)",
}


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1 min, 2, 4, … up to an hour."""
    return min(MAX_BACKOFF, timedelta(minutes=2 ** max(0, attempts)))


def default_rules(config: Config) -> tuple[AlertRule, ...]:
    """The configured rules, plus a volume-spike rule over every territory unless one is configured."""
    rules = config.alerts.rules
    if any(r.kind == "spike" for r in rules):
        return rules
    return (AlertRule(id="spike"), *rules)


def _territories(config: Config, rule: AlertRule) -> list[Territory]:
    if rule.territories:
        return [t for t in config.territories if t.id in rule.territories]
    if rule.group:
        return [t for t in config.territories if rule.group in t.groups]
    return list(config.territories)


def stored_series(
    store: Store, f: MentionFilter, window: timedelta, start: datetime, end: datetime
) -> list[Window]:
    """Mentions per window in [start, end), zeros where nothing was said."""
    bucket: Bucket = "hour" if window < timedelta(days=1) else "day"
    if window < timedelta(hours=1):
        logger.warning("[alerts] window %s is finer than the store's hourly volumes", window)
        window = timedelta(hours=1)
    points = [(p.bucket, float(p.mentions)) for p in store.volume(f, bucket=bucket)]
    series = resample(points, window, empty=0.0, start=start, end=end - window)
    return [(ts, v) for ts, v in series if start <= ts and ts + window <= end]


def spoken_of_before(store: Store, territory: str, moment: datetime) -> bool:
    """Whether the store holds a mention of the territory before `moment` (it was listened to)."""
    f = MentionFilter(until=moment, territories=(territory,))
    return store.share_of_voice(f).counts.get(territory, 0) > 0


def territory_series(
    store: Store, territory: str, window: timedelta, start: datetime, end: datetime
) -> list[Window]:
    """A territory's mentions per window; before its first mention ever, unobserved.

    A quiet territory mentioned once months ago has real zeros; one added to the watchlist
    two days ago has no history at all, and its first mentions are not news.
    """
    f = MentionFilter(since=start, until=end, territories=(territory,))
    series = stored_series(store, f, window, start, end)
    return series if spoken_of_before(store, territory, start) else from_first_mention(series)


@dataclass(frozen=True)
class Learning:
    """A territory whose baseline does not mean anything yet: no spike alert before `ready`."""

    territory: Territory
    since: datetime | None  # its first mention in the detector's history; None: none yet
    ready: datetime | None


def territories_learning(config: Config, store: Store, now: datetime) -> list[Learning]:
    """Territories with too little history for a spike verdict, and when they will have enough."""
    need = DetectorParams().min_history
    since = now - HISTORY
    out: list[Learning] = []
    for t in config.territories:
        if spoken_of_before(store, t.id, since):
            continue
        f = MentionFilter(since=since, until=now, territories=(t.id,))
        points = [(p.bucket, float(p.mentions)) for p in store.volume(f, bucket="day")]
        first = history_start(resample(points, timedelta(days=1), empty=0.0)) if points else None
        if first is None:
            out.append(Learning(t, None, None))
        elif now - first < need + timedelta(days=1):
            # The day the first mention fell in counts whole: a conservative date to show.
            out.append(Learning(t, first, first + need + timedelta(days=1)))
    return out


def event_messages(
    config: Config, found: Sequence[tuple[AlertRule, Explanation]], created: datetime
) -> list[OutboxMessage]:
    """One email per event and recipients, one webhook call per event and hook.

    An event is a territory's window: a volume spike and a share jump there are one alert
    saying both. An email to the configured recipients keeps `to` empty, so it goes to whoever
    is configured when it is sent; a rule's own recipients are part of its key.
    """
    events: dict[tuple[str, datetime], list[tuple[AlertRule, Explanation]]] = {}
    for rule, ex in found:
        events.setdefault((ex.territory, ex.start), []).append((rule, ex))
    out: list[OutboxMessage] = []
    for (territory, start), items in events.items():
        base = f"{territory}:{start.isoformat()}"
        emails: dict[tuple[str, ...], list[Explanation]] = {}
        hooks: dict[str, list[Explanation]] = {}
        for rule, ex in items:
            hook = rule.webhook or config.alerts.webhook
            if rule.recipients or config.alerts.recipients or not hook:
                # With nobody to tell yet, the alert is still kept (held in the outbox): it shows
                # on the dashboard and is emailed once recipients and a mail server are set.
                _add_once(emails.setdefault(tuple(rule.recipients), []), ex)
            if hook:
                _add_once(hooks.setdefault(hook, []), ex)
        for to, alerts in emails.items():
            key = f"{base}:email" + (f":{','.join(sorted(to))}" if to else "")
            payload = event_payload(to, alerts, config)
            out.append(OutboxMessage(key=key, channel="email", payload=payload, created=created))
        for i, (hook, alerts) in enumerate(hooks.items()):
            preview = event_payload((), alerts, config)
            text = preview["subject"] + "\n" + preview["text"]
            out.append(
                OutboxMessage(
                    key=f"{base}:webhook" + (f":{i}" if i else ""),
                    channel="webhook",
                    payload={**webhook_payload(hook, text), "alert": preview["alert"]},
                    created=created,
                )
            )
    return out


def _add_once(alerts: list[Explanation], ex: Explanation) -> None:
    """Two rules of one kind finding the same window say it once."""
    if all(a.kind != ex.kind for a in alerts):
        alerts.append(ex)


def undeliverable(store: Store) -> list[OutboxMessage]:
    """Entries given up for a permanent reason (last_error says why), newest first."""
    unsent = store.due_messages(NEVER)
    failed = [m for m in unsent if m.next_attempt is not None and m.next_attempt >= NEVER]
    return sorted(failed, key=lambda m: m.created, reverse=True)


def _share_jumps(
    config: Config,
    rule: AlertRule,
    series: dict[str, list[Window]],
    window: timedelta,
) -> list[ShareJump]:
    """Share jumps in series on a common grid: the usual share is the one at this time of day
    and weekday, and the rise must be more than chance at the configured significance."""
    a = config.alerts
    return detect_share_jumps(
        series,
        rule.threshold or DEFAULT_SHARE_JUMP,
        a.min_count,
        history=max(1, round(timedelta(days=7) / window)),
        cooldown=a.cooldown,
        period=max(1, round(timedelta(days=1) / window)),
        alpha=a.significance,
    )


def _group_name(config: Config, rule: AlertRule) -> str:
    group = config.group(rule.group) if rule.group else None
    if group:
        return group.name
    return rule.group or "the watched territories"


def detect(config: Config, store: Store, now: datetime) -> list[tuple[AlertRule, Explanation]]:
    """Alerts due now: what each rule finds in the recent windows (within the cooldown)."""
    a = config.alerts
    window = max(a.window, timedelta(hours=1))
    since = now - HISTORY
    recent = now - max(a.cooldown, 2 * a.every, 2 * window)

    read: dict[tuple[str, SentimentLabel | None], list[Window]] = {}

    def series(territory: str, sentiment: SentimentLabel | None = None) -> list[Window]:
        """A territory's stored series, read once per check (several rules watch the same)."""
        key = (territory, sentiment)
        if key not in read and sentiment is None:
            read[key] = territory_series(store, territory, window, since, now)
        elif key not in read:
            f = MentionFilter(since=since, until=now, territories=(territory,), sentiment=sentiment)
            read[key] = stored_series(store, f, window, since, now)
        return read[key]

    found: list[tuple[AlertRule, Explanation]] = []
    for rule in default_rules(config):
        territories = _territories(config, rule)
        if rule.kind == "share_jump":
            of = _group_name(config, rule)
            counts = {t.id: series(t.id) for t in territories}
            for j in _share_jumps(config, rule, counts, window):
                if j.timestamp < recent:
                    continue
                t = config.territory(j.territory)
                detail = USUAL
                found.append(
                    (
                        rule,
                        explain_spike(
                            store,
                            j.territory,
                            t.name if t else j.territory,
                            j.timestamp,
                            window,
                            j.count,
                            j.expected_share * j.total,
                            j.jump,
                            "share_jump",
                            detail,
                            share=(j.share, j.expected_share, j.total, of),
                        ),
                    )
                )
            continue
        if rule.kind == "negative_surge":
            # The share of negative mentions, not their count: a territory twice as talked
            # about with its usual mix has twice the complaints, and that is no news.
            for t in territories:
                negative = series(t.id, "negative")
                rest: list[Window] = [
                    (ts, (n or 0.0) - (neg or 0.0))
                    for (ts, n), (_, neg) in zip(series(t.id), negative, strict=True)
                ]
                for j in _share_jumps(config, rule, {NEG: negative, REST: rest}, window):
                    if j.territory != NEG or j.timestamp < recent:
                        continue
                    detail = USUAL + " Sources, terms and examples: the negative mentions."
                    found.append(
                        (
                            rule,
                            explain_spike(
                                store,
                                t.id,
                                t.name,
                                j.timestamp,
                                window,
                                j.count,
                                j.expected_share * j.total,
                                j.jump,
                                "negative_surge",
                                detail,
                                sentiment="negative",
                                share=(j.share, j.expected_share, j.total, f"{t.name}'s mentions"),
                            ),
                        )
                    )
            continue
        params = DetectorParams(min_count=a.min_count, cooldown=a.cooldown)
        if rule.threshold is not None:
            params = replace(params, threshold=rule.threshold)
        for t in territories:
            for spike in detect_spikes(series(t.id), window, params):
                if spike.timestamp < recent:
                    continue
                found.append(
                    (
                        rule,
                        explain_spike(
                            store,
                            t.id,
                            t.name,
                            spike.timestamp,
                            window,
                            spike.value,
                            spike.expected,
                            spike.score,
                            rule.kind,
                        ),
                    )
                )
    return [(rule, with_recent(ex, series(ex.territory), window, a.min_count)) for rule, ex in found]


def with_recent(
    ex: Explanation, series: Sequence[Window], window: timedelta, min_count: int
) -> Explanation:
    """The explanation with the territory's last days and their usual range, for its chart."""
    span = CHART_SPAN if window < timedelta(days=1) else 7 * CHART_SPAN
    band = expected_band(series, window, DetectorParams(min_count=min_count))
    recent = [
        (ts.isoformat(), value, expected, low, high)
        for ts, value, expected, low, high in band
        if ex.start - span < ts <= ex.start + window
    ]
    return replace(ex, recent=recent)


def delivery_hold(config: Config, message: OutboxMessage) -> str | None:
    """Why an unsent email cannot be tried now (a HOLD_* code), or None when it can."""
    if message.channel != "email" or message.sent is not None:
        return None
    if not config.smtp.configured:
        return HOLD_NO_SMTP
    if not (message.payload.get("to") or config.alerts.recipients):
        return HOLD_NO_RECIPIENTS
    return None


def deliver(config: Config, store: Store, now: datetime, report: CheckReport) -> None:
    """Send what is due; a failure is retried later with back-off, never dropped."""
    for m in store.due_messages(now):
        hold = delivery_hold(config, m)
        if hold is not None:
            report.held[hold] = report.held.get(hold, 0) + 1
            continue
        try:
            if m.channel == "email":
                to = m.payload.get("to") or list(config.alerts.recipients)
                send_email(config.smtp, _email_for_sending(config, {**m.payload, "to": to}))
            elif m.channel == "webhook":
                post_webhook(m.payload)
            else:
                raise Undeliverable(f"unknown channel {m.channel!r}")
        except (OSError, smtplib.SMTPException, ValueError, Undeliverable) as exc:
            error = f"{type(exc).__name__}: {exc}"
            report.failed += 1
            report.errors.append(f"{m.key}: {error}")
            if permanent(exc):
                # Retrying would fail the same way: kept, marked failed with the reason.
                store.mark_failed(m.key, f"{PERMANENT} {error}", NEVER)
                logger.warning("cannot deliver %s, ever (%s); marked failed", m.key, error)
                continue
            retry = now + backoff(m.attempts)
            store.mark_failed(m.key, error, retry)
            logger.warning("could not deliver %s (%s); retrying at %s", m.key, error, retry)
        else:
            store.mark_sent(m.key, now)
            report.sent += 1


def _email_for_sending(config: Config, payload: dict[str, Any]) -> dict[str, Any]:
    """An event's email rendered now, from its data; a ready email (digest) as it is."""
    if "alerts" not in payload:
        return payload
    try:
        return compose_alerts(config, payload)
    except ValueError as exc:  # the data cannot make an email: no retry will change that
        raise Undeliverable(str(exc)) from None


def check_alerts(config: Config, store: Store, now: datetime) -> CheckReport:
    """Detect spikes, queue one message per alert and channel (idempotent), deliver what is due."""
    report = CheckReport()
    messages: list[OutboxMessage] = []
    for m in event_messages(config, detect(config, store, now), now):
        report.alerts.append(m.key)
        messages.append(m)
    if messages:
        report.queued = store.enqueue(messages)
    deliver(config, store, now, report)
    return report


def send_digest(config: Config, store: Store, now: datetime) -> CheckReport:
    """Queue the daily or weekly digest once per period, then deliver what is due."""
    report = CheckReport()
    kind = config.alerts.digest or "daily"
    days = 7 if kind == "weekly" else 1
    if config.alerts.recipients:
        key = f"digest:{kind}:{now:%Y-%m-%d}" if days == 1 else f"digest:{kind}:{now:%G-W%V}"
        payload = digest_payload(config, store, now, days)
        report.alerts.append(key)
        report.queued = store.enqueue(
            [OutboxMessage(key=key, channel="email", payload=payload, created=now)]
        )
    deliver(config, store, now, report)
    return report


def pending(store: Store, now: datetime) -> Sequence[OutboxMessage]:
    """Messages still waiting (for `alerts check` to report an outage)."""
    return store.due_messages(now + MAX_BACKOFF)


def run_due(config: Config, store: Store, now: datetime) -> CheckReport:
    """Everything due now: spike alerts, then the digest when one is configured (the alert job)."""
    report = check_alerts(config, store, now)
    if config.alerts.digest:
        digest = send_digest(config, store, now)
        report.alerts.extend(digest.alerts)
        report.queued += digest.queued
        report.sent += digest.sent
        report.failed += digest.failed
        for reason, n in digest.held.items():
            report.held[reason] = report.held.get(reason, 0) + n
        report.errors.extend(digest.errors)
    return report
