"""Platform credentials as the crawl keeps them: Reddit app-only tokens, Bluesky sessions, API errors.

Kept in the source's state in the store (tokens are secrets: never logged, never exported, never
shown by `placewatch sources`), so a crawl reuses a token until it expires and a Bluesky session
is refreshed rather than opened again (createSession is rate-limited per account).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crawlers.exceptions import PayloadShapeError
from crawlers.extraction import parse_date

MARGIN = timedelta(minutes=2)  # a token this close to expiring is renewed before use


def basic_auth(user: str, password: str) -> str:
    """An HTTP Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


@dataclass(frozen=True)
class AppToken:
    """A Reddit app-only bearer token, for the app (client id) that obtained it."""

    client: str
    token: str
    expires: datetime

    def usable(self, client: str, now: datetime) -> bool:
        """True for the same app's token with more than MARGIN left."""
        return client == self.client and now + MARGIN < self.expires

    def to_state(self) -> dict[str, str]:
        return {"client": self.client, "token": self.token, "expires": self.expires.isoformat()}

    @classmethod
    def from_state(cls, data: Any) -> AppToken | None:
        if not isinstance(data, Mapping):
            return None
        expires = parse_date(str(data.get("expires") or ""))
        client, token = data.get("client"), data.get("token")
        if not (isinstance(client, str) and isinstance(token, str) and token and expires):
            return None
        return cls(client, token, expires)

    def __repr__(self) -> str:
        return f"AppToken(client={self.client!r}, expires={self.expires.isoformat()})"


def app_token(payload: Any, client: str, now: datetime) -> AppToken:
    """The token in an OAuth client_credentials answer; raises PayloadShapeError otherwise."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("access_token"), str):
        raise PayloadShapeError("the token endpoint's answer has no access_token")
    if str(payload.get("token_type", "bearer")).lower() != "bearer":
        raise PayloadShapeError(f"unexpected token type {payload.get('token_type')!r}")
    try:
        lifetime = max(0.0, float(payload.get("expires_in", 3600)))
    except (TypeError, ValueError):
        lifetime = 3600.0
    return AppToken(client, payload["access_token"], now + timedelta(seconds=lifetime))


@dataclass(frozen=True)
class AccountSession:
    """A Bluesky session: a short-lived access token, the token that renews it, for one account."""

    handle: str  # the account the session was opened for (as configured)
    access: str
    refresh: str

    def to_state(self) -> dict[str, str]:
        return {"handle": self.handle, "access": self.access, "refresh": self.refresh}

    @classmethod
    def from_state(cls, data: Any, handle: str) -> AccountSession | None:
        """The stored session, if it was opened for this account."""
        if not isinstance(data, Mapping) or data.get("handle") != handle:
            return None
        access, refresh = data.get("access"), data.get("refresh")
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            return None
        return cls(handle, access, refresh)

    def __repr__(self) -> str:
        return f"AccountSession(handle={self.handle!r})"


def session_of(payload: Any, handle: str) -> AccountSession:
    """The session in a createSession or refreshSession answer; raises PayloadShapeError otherwise."""
    if not isinstance(payload, Mapping):
        raise PayloadShapeError("the session answer is not a JSON object")
    access, refresh = payload.get("accessJwt"), payload.get("refreshJwt")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        raise PayloadShapeError("the session answer has no accessJwt or refreshJwt")
    return AccountSession(handle, access, refresh)


def xrpc_error(body: bytes) -> tuple[str, str]:
    """(error name, message) of an XRPC error answer ({"error": "ExpiredToken", "message": …})."""
    try:
        data = json.loads(body)
    except ValueError:
        return "", ""
    if not isinstance(data, Mapping):
        return "", ""
    return str(data.get("error") or ""), str(data.get("message") or "")[:200]


def rate_limit_wait(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds until the rate limit resets, when the answer says no request is left (else None).

    Reddit sends x-ratelimit-remaining (requests left, may be fractional) and x-ratelimit-reset
    in seconds until the window resets; Mastodon sends the reset as a date.
    """
    remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
    if remaining is None or reset is None:
        return None
    try:
        left = float(remaining)
    except ValueError:
        return None
    if left >= 1:
        return None
    try:
        seconds = float(reset)
    except ValueError:
        when = parse_date(reset)
        if when is None:
            return None
        seconds = (when - now).total_seconds()
    return seconds if seconds > 0 else None
