"""Alert and digest emails: rendering (text + escaped HTML) and delivery over SMTP."""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlencode

from alerts.explain import Explanation
from config import SmtpConfig

logger = logging.getLogger(__name__)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _link(url: str, label: str) -> str:
    safe = url if url.startswith(("http://", "https://")) else "#"
    return f'<a href="{html.escape(safe, quote=True)}">{html.escape(label)}</a>'


def dashboard_link(base: str, territory: str) -> str:
    """The dashboard page for one territory."""
    return f"{base.rstrip('/')}/?{urlencode({'territory': territory})}"


WHAT = {
    "spike": "mentions spike",
    "negative_surge": "negative mentions surge",
    "share_jump": "share of voice jump",
}


def alert_subject(ex: Explanation) -> str:
    """One line that says what happened, where, and how big."""
    what = WHAT.get(ex.kind, ex.kind)
    if ex.share is not None and ex.usual_share is not None:
        size = f"{ex.share:.0%} vs {ex.usual_share:.0%} usually"
    else:
        size = f"{_fmt(ex.observed)} vs {_fmt(ex.expected)} expected"
    return f"[placewatch] {ex.name}: {what} — {size} ({ex.start:%Y-%m-%d %H:%M} UTC)"


def headline(ex: Explanation) -> str:
    """The first sentence of an alert: what rose, from what to what, when, out of how many."""
    when = f"between {ex.start:%Y-%m-%d %H:%M} and {ex.end:%H:%M} UTC"
    if ex.share is not None and ex.usual_share is not None:
        what = "share of voice" if ex.kind == "share_jump" else "negative mentions"
        return (
            f"{ex.name} ({ex.territory}): {what} rose from {ex.usual_share:.0%} to "
            f"{ex.share:.0%} of {ex.of} {when} ({ex.observed:.0f} of {ex.total} mentions; "
            f"{_fmt(ex.expected)} at the usual share)."
        )
    return (
        f"{ex.name} ({ex.territory}): {_fmt(ex.observed)} mentions {when}; "
        f"{_fmt(ex.expected)} expected for this time of day and week (score {ex.score:.1f})."
    )


def alert_text(ex: Explanation, dashboard: str) -> str:
    """The plain-text part of an alert email."""
    lines = [headline(ex)]
    if ex.detail:
        lines.append(ex.detail)
    if ex.sources:
        lines += ["", "Top sources:"] + [f"  - {s.value}: {s.mentions}" for s in ex.sources]
    if ex.terms:
        lines += ["", "Top terms: " + ", ".join(t.value for t in ex.terms)]
    if ex.places:
        lines += [
            "",
            "Mentioned with: "
            + ", ".join(f"{p.label or p.value} ({p.mentions})" for p in ex.places),
        ]
    if ex.languages:
        lines += ["", "Languages: " + ", ".join(f"{k} {v}" for k, v in ex.languages.items())]
    if ex.mentions:
        lines += ["", "Most shared:"]
        lines += [
            f"  - {m.title} ({m.source}, {m.shares} shares, {m.likes} likes)\n    {m.url}"
            for m in ex.mentions
        ]
    lines += ["", f"Dashboard: {dashboard_link(dashboard, ex.territory)}"]
    return "\n".join(lines) + "\n"


def alert_html(ex: Explanation, dashboard: str) -> str:
    """The HTML part: every crawled string is escaped before it goes in."""
    e = html.escape
    if ex.share is not None and ex.usual_share is not None:
        parts = [
            f"<h2>{e(ex.name)}: {e(WHAT.get(ex.kind, ex.kind))}, {ex.usual_share:.0%} → "
            f"{ex.share:.0%}</h2>",
            f"<p>{e(headline(ex))}</p>",
        ]
    else:
        parts = [
            f"<h2>{e(ex.name)}: {_fmt(ex.observed)} mentions, {_fmt(ex.expected)} expected</h2>",
            f"<p>{e(ex.start.strftime('%Y-%m-%d %H:%M'))}–{e(ex.end.strftime('%H:%M'))} UTC, "
            f"score {ex.score:.1f}. The expected value knows the time of day, the day of week "
            f"and the recent trend.</p>",
        ]
    if ex.detail:
        parts.append(f"<p>{e(ex.detail)}</p>")
    if ex.sources:
        rows = "".join(f"<tr><td>{e(s.value)}</td><td>{s.mentions}</td></tr>" for s in ex.sources)
        parts.append(f"<h3>Top sources</h3><table>{rows}</table>")
    if ex.terms:
        parts.append("<h3>Top terms</h3><p>" + ", ".join(e(t.value) for t in ex.terms) + "</p>")
    if ex.places:
        parts.append(
            "<h3>Mentioned with</h3><p>"
            + ", ".join(f"{e(p.label or p.value)} ({p.mentions})" for p in ex.places)
            + "</p>"
        )
    if ex.languages:
        parts.append(
            "<h3>Languages</h3><p>"
            + ", ".join(f"{e(k)} {v}" for k, v in ex.languages.items())
            + "</p>"
        )
    if ex.mentions:
        items = "".join(
            f"<li>{_link(m.url, m.title)} — {e(m.source)}, {m.shares} shares, {m.likes} likes"
            f"<br><small>{e(m.snippet)}</small></li>"
            for m in ex.mentions
        )
        parts.append(f"<h3>Most shared</h3><ul>{items}</ul>")
    parts.append(f"<p>{_link(dashboard_link(dashboard, ex.territory), 'Open the dashboard')}</p>")
    return "<html><body>" + "\n".join(parts) + "</body></html>"


def email_payload(to: Sequence[str], subject: str, text: str, html_body: str) -> dict[str, Any]:
    """What the outbox keeps for one email: rendered once, sent as is (even after a restart)."""
    return {"to": list(to), "subject": subject, "text": text, "html": html_body}


def build_message(payload: dict[str, Any], sender: str) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) from an outbox payload."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(payload["to"])
    msg["Subject"] = payload["subject"]
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "placewatch")
    msg.set_content(payload["text"])
    msg.add_alternative(payload["html"], subtype="html")
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
