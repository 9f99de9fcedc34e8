"""The real served dashboard in headless Chromium: the top place's name is on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard import synthetic
from tests.dashboard.browser import chromium, served_dashboard, wait_for_text
from tests.helpers import chromium_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="needs Debian chromium and chromium-driver"),
]


def test_served_overview_shows_the_top_place(tmp_path: Path, output_dir: Path) -> None:
    config = synthetic.build(tmp_path)
    with served_dashboard(config) as url, chromium(tmp_path) as driver:
        driver.get(url)  # type: ignore[attr-defined]
        body = wait_for_text(driver, "Les Arcs")
        assert "Most talked-about places" in body
        driver.save_screenshot(str(output_dir / "overview-synthetic.png"))  # type: ignore[attr-defined]
        alerts = [e for e in driver.get_log("browser") if "alert" in e.get("message", "")]  # type: ignore[attr-defined]
        assert not alerts
