"""Alert and digest emails: composed from the outbox at send time, delivered over SMTP."""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import ssl
import urllib.error
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, tzinfo
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.explain import Explanation, explanation_from_dict
from alerts.render import html_body, one_line, subject, text_body
from config import Config, SmtpConfig

logger = logging.getLogger(__name__)

CHART_CID = "spike-chart"


class Undeliverable(Exception):
    """Raised when an outbox entry can never be sent as it is (not a passing outage)."""


def alert_zone(config: Config) -> tzinfo:
    """`[alerts] timezone`, else the machine's zone (TZ, then /etc/localtime), else UTC."""
    name = config.alerts.timezone or os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("unknown time zone %r; alert times in UTC", name)
            return UTC
    try:
        with Path("/etc/localtime").open("rb") as fh:
            return ZoneInfo.from_file(fh, key=_localtime_key())
    except (OSError, ValueError):
        return UTC


def _localtime_key() -> str:
    target = os.path.realpath("/etc/localtime")
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "localtime"


def email_payload(to: Sequence[str], subject: str, text: str, html_body: str) -> dict[str, Any]:
    """A ready email (digests, tests): sent as is."""
    return {"to": list(to), "subject": subject, "text": text, "html": html_body}


def event_payload(to: Sequence[str], alerts: Sequence[Explanation], config: Config) -> dict[str, Any]:
    """What the outbox keeps for one event's email: its data, rendered again when it is sent
    (a fixed config fixes the email), and a preview for the dashboard."""
    from alerts.explain import explanation_to_dict

    data = [explanation_to_dict(ex) for ex in alerts]
    preview = compose_alerts(config, {"to": list(to), "alerts": data}, with_chart=False)
    return {
        "to": list(to),
        "subject": preview["subject"],
        "text": preview["text"],
        "alerts": data,
        "alert": data[0],
    }


def compose_alerts(config: Config, payload: dict[str, Any], with_chart: bool = True) -> dict[str, Any]:
    """Subject, text, HTML and inline images of an event's email, from its data and today's config.

    Raises Undeliverable when the data cannot make an email (a damaged entry).
    """
    try:
        alerts = [explanation_from_dict(a) for a in payload["alerts"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise Undeliverable(f"the outbox entry cannot be read back: {exc}") from None
    if not alerts:
        raise Undeliverable("the outbox entry holds no alert")
    alerts = [_current_name(config, ex) for ex in alerts]
    tz, lang, dashboard = alert_zone(config), config.ui.lang, config.alerts.dashboard_url
    images: list[dict[str, str]] = []
    chart = None
    if with_chart:
        from alerts.chart import spike_chart_png

        chart = spike_chart_png(alerts[0], tz, lang)
    if chart:
        images.append({"cid": CHART_CID, "png": base64.b64encode(chart).decode("ascii")})
    return {
        **payload,
        "subject": subject(alerts, tz, lang),
        "text": text_body(alerts, dashboard, tz, lang),
        "html": html_body(alerts, dashboard, tz, lang, chart_cid=CHART_CID if chart else None),
        "images": images,
    }


def _current_name(config: Config, ex: Explanation) -> Explanation:
    territory = config.territory(ex.territory)
    return replace(ex, name=territory.name) if territory else ex


def build_message(payload: dict[str, Any], sender: str) -> EmailMessage:
    """multipart/alternative (text, then HTML with its inline images as multipart/related)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(one_line(str(t)) for t in payload["to"])
    msg["Subject"] = one_line(str(payload["subject"]))
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "placewatch")
    msg.set_content(payload["text"])
    msg.add_alternative(payload["html"], subtype="html")
    images = payload.get("images") or []
    if images:
        html_part = msg.get_body(("html",))
        assert html_part is not None  # added just above
        for image in images:
            html_part.add_related(
                base64.b64decode(image["png"]),
                maintype="image",
                subtype="png",
                cid=f"<{image['cid']}>",
                disposition="inline",
                filename=f"{image['cid']}.png",
            )
    return msg


def send_email(smtp: SmtpConfig, payload: dict[str, Any]) -> None:
    """Send one email; raises OSError or smtplib.SMTPException when the server fails."""
    msg = build_message(payload, smtp.sender)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.ssl:
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.starttls and not smtp.ssl:
            client.starttls(context=context)
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(msg)
    logger.info("sent %r to %s", payload["subject"], ", ".join(payload["to"]))


def permanent(exc: BaseException) -> bool:
    """Whether a delivery error will happen again however long we wait: the mail server refused
    the message or its recipients for good (5xx), a webhook answered a client error (a deleted
    hook: 4xx but 408 and 429), or the entry cannot make a message."""
    if isinstance(exc, Undeliverable):
        return True
    if isinstance(exc, urllib.error.HTTPError):
        return 400 <= exc.code < 500 and exc.code not in (408, 429)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False  # the credentials are the config's to fix; the alert waits for them
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False
