"""The locked door: beyond loopback only with a sign-in; with a password, nothing before it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ConfigError
from dashboard.auth import (
    PASSWORD_ENV,
    check_exposure,
    is_loopback,
    oidc_configured,
    password_matches,
)
from tests.dashboard.apptest import APP, clear_caches
from tests.helpers import run_placewatch


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_stays_open(host: str) -> None:
    assert is_loopback(host)
    check_exposure(host, {}, [])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "dashboard.example.org"])
def test_any_other_address_needs_a_sign_in(host: str, tmp_path: Path) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match=PASSWORD_ENV):
        check_exposure(host, {}, [tmp_path / "missing.toml"])
    check_exposure(host, {PASSWORD_ENV: "s3cret"}, [])
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "https://x.example.org/oauth2callback"\n', encoding="utf-8")
    assert oidc_configured([tmp_path / "missing.toml", secrets])
    check_exposure(host, {}, [secrets])


def test_password_comparison() -> None:
    assert password_matches("s3cret é", "s3cret é")
    assert not password_matches("s3cret", "s3cret ")
    assert not password_matches("", "s3cret")


def test_dashboard_on_all_interfaces_without_a_password_refuses_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    env["HOME"] = str(tmp_path)  # no ~/.streamlit/secrets.toml with an [auth] table
    result = run_placewatch("dashboard", "--host", "0.0.0.0", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and PASSWORD_ENV in lines[0] and "[auth]" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def _app(config: Path, monkeypatch: pytest.MonkeyPatch, password: str | None) -> AppTest:
    monkeypatch.setenv("PLACEWATCH_CONFIG", str(config))
    if password is None:
        monkeypatch.delenv(PASSWORD_ENV, raising=False)
    else:
        monkeypatch.setenv(PASSWORD_ENV, password)
    clear_caches()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [t.value for t in at.title] + [h.value for h in at.subheader]
                     + [e.value for e in at.error])


def test_with_a_password_nothing_shows_before_sign_in(
    dashboard_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dashboard.auth.WRONG_PASSWORD_DELAY", 0.0)
    at = _app(dashboard_config, monkeypatch, "corde-télécabine")
    assert at.text_input(key="sign_in_password")
    assert not at.dataframe and not at.metric and not at.sidebar.selectbox
    assert "Les Arcs" not in _page_text(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/alerts.py")  # before sign-in, no page but the form exists

    at.text_input(key="sign_in_password").input("corde-telecabine")
    at.button[0].click().run()
    assert "Mot de passe incorrect." in _page_text(at) and not at.dataframe

    at.text_input(key="sign_in_password").input("corde-télécabine")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Mon territoire : Les Arcs" in _page_text(at)
    assert at.dataframe


def test_without_a_password_loopback_is_open(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(dashboard_config, monkeypatch, None)
    assert "Mon territoire : Les Arcs" in _page_text(at)


def test_with_openid_connect_configured_only_the_sign_in_button_shows(
    dashboard_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLACEWATCH_CONFIG", str(dashboard_config))
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    clear_caches()
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "placewatch", "client_secret": "y",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button] == ["Se connecter avec le compte de votre organisation"]
    assert not at.dataframe and "Les Arcs" not in _page_text(at)
