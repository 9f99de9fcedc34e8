"""Every page of the real served dashboard in headless Chromium, on the demo data with a hostile document."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard import synthetic
from tests.dashboard.browser import chromium, served_dashboard, wait_for_text
from tests.helpers import chromium_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="needs Debian chromium and chromium-driver"),
]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# Records any alert()/confirm()/prompt() before the page's own scripts run.
TRAP = """
window.__alerts = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__alerts.push([name, String(args[0])]); };
}
"""

# page path → (text that proves the page rendered, does the hostile document show there?)
PAGES: dict[str, tuple[str, bool]] = {
    "": ("Mon territoire : Les Arcs", False),
    "competitors": ("Part de voix sur la période", False),
    "place": ("Mentions positives", True),
    "mentions": ("documents trouvés", True),
    "voices": ("Ambassadeurs", False),
    "map": ("lieux géolocalisés", False),
    "alerts": ("Spike: Les Arcs", True),
    "sources": ("État des sources", False),
}


@pytest.fixture(scope="module")
def browser(dashboard_config: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path]]:
    """One served dashboard and one Chromium for every page, with the alert trap installed."""
    tmp = tmp_path_factory.mktemp("browser")
    downloads = tmp / "downloads"
    downloads.mkdir()
    with served_dashboard(dashboard_config) as url, chromium(tmp) as driver:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TRAP})  # type: ignore[attr-defined]
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",  # type: ignore[attr-defined]
                               {"behavior": "allow", "downloadPath": str(downloads)})
        yield url, driver, downloads


def _open(driver: Any, url: str, expected: str) -> str:
    driver.get(url)
    body = wait_for_text(driver, expected)
    _wait_until_idle(driver)
    return str(driver.find_element("tag name", "body").text) or body


def _wait_until_idle(driver: Any, timeout: float = 30) -> None:
    """Until Streamlit has finished running the page script (no 'Running' status widget)."""
    deadline = time.monotonic() + timeout
    time.sleep(1)
    while time.monotonic() < deadline:
        if not driver.find_elements("css selector", '[data-testid="stStatusWidget"]'):
            return
        time.sleep(0.3)


def _screenshot(driver: Any, output_dir: Path, name: str) -> None:
    height = driver.execute_script(
        "const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
        "return Math.max(m.scrollHeight, document.body.scrollHeight);")
    driver.set_window_size(1400, min(max(1000, int(height) + 120), 6000))
    time.sleep(0.8)
    driver.save_screenshot(str(output_dir / f"dashboard-{name}.png"))
    driver.set_window_size(1400, 1000)


def _assert_no_script_ran(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    assert driver.execute_script("return window.__alerts") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    scripts = driver.execute_script(
        "return [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length")
    assert scripts == 0


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_and_hostile_text_stays_text(browser: tuple[str, Any, Path], output_dir: Path,
                                                  path: str) -> None:
    url, driver, _ = browser
    expected, hostile_here = PAGES[path]
    body = _open(driver, f"{url}/{path}", expected)
    assert not driver.find_elements("css selector", '[data-testid="stException"]'), body[:3000]
    _screenshot(driver, output_dir, path or "overview")
    if hostile_here:
        assert SCRIPT in body, body[:3000]
        if path != "alerts":
            assert IMG in body, body[:3000]
    _assert_no_script_ran(driver)


def test_mentions_csv_export_in_the_browser(browser: tuple[str, Any, Path]) -> None:
    url, driver, downloads = browser
    _open(driver, f"{url}/mentions", "documents trouvés")
    button = driver.find_element("xpath", "//button[contains(., 'Télécharger en CSV')]")
    button.click()
    deadline = time.monotonic() + 30
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = [f for f in downloads.glob("*.csv") if f.stat().st_size > 0]
        if files:
            break
        time.sleep(0.3)
    assert files, "no CSV downloaded"
    content = files[0].read_text(encoding="utf-8-sig")
    assert SCRIPT in content and IMG in content
    assert synthetic.XSS_TITLE in content
    _assert_no_script_ran(driver)


def test_alerts_page_shows_the_demos_spike_explained(browser: tuple[str, Any, Path]) -> None:
    """After `placewatch demo --no-dashboard`: the week's Les Arcs spike, kept without SMTP, explained."""
    url, driver, _ = browser
    body = _open(driver, f"{url}/alerts", "Les Arcs : pic de mentions")
    assert "attendues à cette heure et ce jour de la semaine" in body  # observed vs expected
    assert "aucun serveur SMTP configuré" in body  # its delivery state: kept, not lost
    assert "Sources · demo-" in body and "Mots ·" in body  # what drove it
    assert "Mentions les plus partagées" in body and "télécabine des Granges" in body
    _assert_no_script_ran(driver)


def test_on_all_interfaces_with_a_password_only_the_sign_in_form_shows(
    dashboard_config: Path, output_dir: Path, tmp_path: Path
) -> None:
    """`dashboard --host 0.0.0.0` with PLACEWATCH_DASHBOARD_PASSWORD: a sign-in form, no data, then the data."""
    from selenium.webdriver.common.by import By

    env = {"PLACEWATCH_DASHBOARD_PASSWORD": "corde-télécabine"}
    with served_dashboard(dashboard_config, host="0.0.0.0", env=env) as url, chromium(tmp_path) as driver:
        for path in ("alerts", "mentions", ""):  # whatever address is asked for
            body = _open(driver, f"{url}/{path}", "Mot de passe")
            assert "Les Arcs" not in body and "Alertes" not in body and "Vue d'ensemble" not in body, body
            assert "Spike" not in driver.page_source and "Arcs" not in driver.page_source
        _screenshot(driver, output_dir, "sign-in")
        field = driver.find_element(By.CSS_SELECTOR, "input[type='password']")
        field.send_keys("corde-télécabine")
        driver.find_element(By.XPATH, "//button[contains(., 'Se connecter')]").click()
        wait_for_text(driver, "Mon territoire : Les Arcs")
        wait_for_text(driver, "Se déconnecter")



ENGLISH_PAGES = {
    "": "My territory: Les Arcs", "competitors": "Share of voice for the period", "place": "Positive mentions",
    "mentions": "documents found", "voices": "Ambassadors", "map": "places with coordinates",
    "alerts": "Detected alerts", "sources": "Source health",
}
# Interface words that must never show in the French interface (crawled text may be English).
ENGLISH_CHROME = ("Choose an option", "Choose options", "Download CSV", "Page not found", "Last 30 days",
                  "Share of voice", "Net sentiment", "Most talked-about", "Detected alerts", "Sign out",
                  "Board report")


@pytest.fixture(scope="module")
def english_config(dashboard_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data with the interface in English."""
    import shutil

    target = tmp_path_factory.mktemp("english") / "demo"
    shutil.copytree(dashboard_data, target)
    config = target / "placewatch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('lang = "fr"', 'lang = "en"'), encoding="utf-8")
    return config


def test_every_page_in_french_has_no_english_chrome(browser: tuple[str, Any, Path], output_dir: Path) -> None:
    url, driver, _ = browser
    for path, (expected, _) in PAGES.items():
        body = _open(driver, f"{url}/{path}", expected)
        assert not driver.find_elements("css selector", '[data-testid="stException"]'), path
        _screenshot(driver, output_dir, f"fr-{path or 'overview'}")
        found = [w for w in ENGLISH_CHROME if w in body]
        assert not found, f"{path or 'overview'}: {found}"


def test_every_page_in_english(english_config: Path, output_dir: Path, tmp_path: Path) -> None:
    with served_dashboard(english_config) as url, chromium(tmp_path) as driver:
        for path, expected in ENGLISH_PAGES.items():
            _open(driver, f"{url}/{path}", expected)
            assert not driver.find_elements("css selector", '[data-testid="stException"]'), path
            _screenshot(driver, output_dir, f"en-{path or 'overview'}")



def test_the_report_button_gives_the_commands_file(browser: tuple[str, Any, Path], dashboard_config: Path,
                                                   tmp_path: Path) -> None:
    """The sidebar's report button downloads, byte for byte, what `placewatch report` writes."""
    from dashboard.data import period
    from tests.helpers import run_placewatch

    url, driver, downloads = browser
    _open(driver, f"{url}/", "Mon territoire : Les Arcs")
    driver.find_element("xpath", "//button[contains(., 'Rapport pour le comité (PDF)')]").click()
    deadline = time.monotonic() + 180
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = [f for f in downloads.glob("*.pdf") if f.stat().st_size > 0]
        if files:
            break
        time.sleep(0.5)
    assert files, "no report downloaded"
    since, until = period(30)  # the dashboard's default period, as its sidebar computed it
    assert files[0].name == f"placewatch-{since:%Y-%m-%d}-{until:%Y-%m-%d}.pdf"
    out = tmp_path / "report.pdf"
    made = run_placewatch("--config", str(dashboard_config), "report", "--since", since.isoformat(),
                          "--until", until.isoformat(), "--out", str(out), "--lang", "fr")
    assert made.returncode == 0, made.stderr
    assert files[0].read_bytes() == out.read_bytes()
    _assert_no_script_ran(driver)
