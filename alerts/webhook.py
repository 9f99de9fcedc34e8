"""Slack-compatible webhook delivery: a JSON POST with a text summary."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

logger = logging.getLogger(__name__)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's message format gives a meaning (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(url: str, text: str) -> dict[str, Any]:
    """What the outbox keeps for one webhook call; crawled text cannot inject <!channel> or links."""
    return {"url": url, "json": {"text": slack_escape(text)}}


def post_webhook(payload: dict[str, Any], timeout: float = 10.0) -> None:
    """POST the JSON body; raises OSError (URLError, HTTPError, timeout) on failure."""
    data = json.dumps(payload["json"]).encode("utf-8")
    request = urllib.request.Request(
        payload["url"],
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "placewatch"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
    logger.info("posted webhook to %s", payload["url"])
