"""Who may see the dashboard: a shared password, or Streamlit's OpenID Connect sign-in."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

from core.errors import ConfigError

logger = logging.getLogger(__name__)

PASSWORD_ENV = "PLACEWATCH_DASHBOARD_PASSWORD"
WRONG_PASSWORD_DELAY = 1.0  # seconds: guessing the password by trying costs time


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to anything: treat it as exposed


def password_from(env: Mapping[str, str]) -> str | None:
    """The shared dashboard password, when one is set (an empty value is none)."""
    return env.get(PASSWORD_ENV) or None


def secrets_files(cwd: Path, home: Path) -> list[Path]:
    """Where Streamlit reads its secrets (and so its [auth] settings) from, for a server started in cwd."""
    return [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]


def oidc_configured(files: list[Path]) -> bool:
    """Whether any secrets file has an [auth] table: Streamlit's OpenID Connect sign-in is set up."""
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(data.get("auth"), dict):
            return True
    return False


def check_exposure(host: str, env: Mapping[str, str], files: list[Path]) -> None:
    """Refuse to serve beyond loopback without a way to sign in; ConfigError says what to set."""
    if is_loopback(host) or password_from(env) or oidc_configured(files):
        return
    raise ConfigError(
        f"--host {host} would show every mention to anyone who can reach this machine: set "
        f"{PASSWORD_ENV} (a shared password), or configure Streamlit's OpenID Connect sign-in "
        f"([auth] in .streamlit/secrets.toml)"
    )


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much was right."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_password(given: str, expected: str) -> bool:
    """The sign-in form's check: a wrong password is answered only after a delay."""
    if password_matches(given, expected):
        return True
    logger.warning("dashboard: wrong password")
    time.sleep(WRONG_PASSWORD_DELAY)
    return False


def current_password() -> str | None:
    """The password the running dashboard asks for (from its environment)."""
    return password_from(os.environ)


__all__ = [
    "PASSWORD_ENV",
    "check_exposure",
    "check_password",
    "current_password",
    "is_loopback",
    "oidc_configured",
    "password_matches",
    "secrets_files",
]
