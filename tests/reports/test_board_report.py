"""`placewatch report` on the demo data: a PDF a director can read, whose numbers are `top`'s."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import run_placewatch

pytestmark = pytest.mark.slow




@pytest.fixture(scope="module")
def period(dashboard_data: Path) -> tuple[str, str]:
    """A fixed 30-day period ending on the hour after the demo ran: both commands see the same data."""
    from datetime import UTC, datetime, timedelta

    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return (end - timedelta(days=30)).isoformat(), end.isoformat()


def _pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_carries_tops_places_and_counts(dashboard_data: Path, tmp_path: Path, period: tuple[str, str],
                                               lang: str) -> None:
    config = str(dashboard_data / "placewatch.toml")
    since, until = period
    out = tmp_path / f"report-{lang}.pdf"
    made = run_placewatch("--config", config, "report", "--since", since, "--until", until, "--out", str(out),
                          "--lang", lang)
    assert made.returncode == 0, made.stderr
    top = run_placewatch("--config", config, "top", "--since", since, "--until", until, "--json")
    assert top.returncode == 0, top.stderr
    figures = json.loads(top.stdout)
    pages, text = _pdf_text(out)
    assert pages >= 2
    lines = text.splitlines()
    assert figures["places"], "the demo has mentions in the period"
    for place in figures["places"][:10]:
        row = next((line for line in lines if re.match(rf"^{place['rank']} \*? ?{re.escape(place['name'])} ", line)),
                   None)
        assert row is not None, f"{place['name']} not ranked #{place['rank']} in:\n{text[:3000]}"
        assert row.split()[len(place["name"].split()) + 1 + ("*" in row)] == str(place["mentions"]), row
    total = f"{figures['total_mentions']:,}".replace(",", "\u202f" if lang == "fr" else ",")
    assert total in text
    headings = ("Part de voix dans le temps", "Sentiment par lieu", "Pics de la période", "Mentions phares",
                "Ambassadeurs") if lang == "fr" else ("Share of voice over time", "Sentiment by place",
                                                      "Spikes of the period", "Top mentions", "Ambassadors")
    for heading in headings:
        assert heading in text, heading
    assert "Les Arcs" in text.split(headings[2])[1]  # the demo's spike, with its explanation
    for group in figures["share_of_voice"]:
        for t in group["territories"]:
            if t["mentions"]:
                assert f"{t['name']} " in text


def test_hostile_text_stays_text_in_the_pdf(dashboard_data: Path, tmp_path: Path) -> None:
    """The planted <script> title is printed as text; the PDF holds no script, no action, no odd link."""
    out = tmp_path / "report.pdf"
    made = run_placewatch("--config", str(dashboard_data / "placewatch.toml"), "report", "--since", "7d",
                          "--out", str(out), "--lang", "en")
    assert made.returncode == 0, made.stderr
    raw = out.read_bytes()
    for action in (b"/JavaScript", b"/JS", b"/Launch", b"/AA", b"/SubmitForm", b"/ImportData", b"/EmbeddedFile",
                   b"/RichMedia"):
        assert action not in raw, action
    reader = PdfReader(out)
    opening = reader.trailer["/Root"].get("/OpenAction")
    assert opening is None or isinstance(opening.get_object(), list)  # a page to open at, never an action
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            uri = annot.get_object().get("/A", {}).get("/URI")
            assert uri is None or str(uri).startswith(("http://", "https://")), uri
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "<script>alert(1)</script>" in text


def test_bad_report_arguments_get_one_line(dashboard_data: Path, tmp_path: Path) -> None:
    config = str(dashboard_data / "placewatch.toml")
    for args, expected in (
        (["--out", str(tmp_path / "missing" / "r.pdf")], "does not exist"),
        (["--out", str(tmp_path / "r.pdf"), "--group", "nope"], "no such group"),
        (["--out", str(tmp_path / "r.pdf"), "--since", "yesterday"], "expected a duration"),
    ):
        result = run_placewatch("--config", config, "report", *args)
        assert result.returncode != 0, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr, result.stderr
