"""The spike email a director forwards: a chart inline, local time, each story once, readable.

Received over real SMTP (aiosmtpd); its HTML part is opened in headless Chromium and
screenshotted (phone width, light and dark) into the test output folder for a person to see.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from alerts.service import check_alerts, send_digest
from tests.alerts.test_rules_end_to_end import (
    NOW,
    SHARE_RULE,
    SURGE,
    Corpus,
    Mailbox,
    alps_config,
    mail,  # noqa: F401 - fixture
    open_store,
    tignes_busy_hour,
)

WIRE = "Coupe du monde : Tignes accueille le slalom <b>géant</b> & la foule"
OUTLETS = ("ledauphine", "francebleu", "lequipe", "ski-chrono", "montagnes-mag")


def event_store(tmp_path: Path) -> Path:
    """Tignes ten times busier (a race): a volume spike and a share jump in the same hour; one
    wire story run by five outlets, and a hostile title."""
    corpus = Corpus()
    corpus.background()
    tignes_busy_hour(corpus)
    for k, outlet in enumerate(OUTLETS):
        corpus.add(SURGE + timedelta(minutes=5 + k), "tignes", f"Tignes: {WIRE}. Reprise AFP.",
                   title=WIRE, source=outlet, reposts=40 + k)
    corpus.add(SURGE + timedelta(minutes=20), "tignes", "Tignes <img src=x onerror=alert(1)> live.",
               title="<script>alert('x')</script> Tignes live", source="mastodon-ski", reposts=20)
    return corpus.save(tmp_path / "placewatch.db")


def parts(message: Message) -> Message:
    return message_from_bytes(message.as_bytes())


def html_and_images(message: Message) -> tuple[str, dict[str, bytes]]:
    html, images = "", {}
    for part in parts(message).walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        elif part.get_content_type() == "image/png":
            images[str(part["Content-ID"]).strip("<>")] = part.get_payload(decode=True)
    return html, images


def text_of(message: Message) -> str:
    for part in parts(message).walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def french_config(db: Path, port: int):  # type: ignore[no-untyped-def]
    cfg = alps_config(db, port, replace(SHARE_RULE, recipients=()))
    return replace(cfg, alerts=replace(cfg.alerts, timezone="Europe/Paris"), ui=replace(cfg.ui, lang="fr"))


def test_the_spike_email_carries_its_chart_local_time_and_each_story_once(
    tmp_path: Path, mail: Mailbox  # noqa: F811
) -> None:
    db = event_store(tmp_path)
    store = open_store(db)
    report = check_alerts(french_config(db, mail.port), store, NOW)
    store.close()
    assert report.sent == 1, report
    msg = mail.messages[0]
    subject = " ".join(str(msg["Subject"]).split())
    assert subject.startswith("[placewatch] Tignes : 56 mentions 28/11"), subject
    assert "entre 15 h et 16 h" in subject  # 14:00 UTC is 15 h in Paris in November
    html, images = html_and_images(msg)
    # The chart is inline: a PNG part whose Content-ID the HTML references, with alt text.
    assert list(images) == ["spike-chart"]
    assert images["spike-chart"].startswith(b"\x89PNG") and 5_000 < len(images["spike-chart"]) < 200_000
    img = re.search(r'<img[^>]* src="cid:spike-chart"[^>]*alt="([^"]+)"', html)
    assert img and "Tignes" in img.group(1) and "mentions" in img.group(1)
    assert not re.search(r'src="(?!cid:)', html)  # no remote image, nothing fetched on open
    # Each story once: the wire story of five outlets is one entry "and 4 other outlets".
    text = text_of(msg)
    assert text.count(WIRE) == 1 and "et 4 autres médias" in text
    assert html.count("Coupe du monde") == 1 and "et 4 autres médias" in html  # no copy, no echo
    # Crawled text is escaped, never markup.
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>géant</b>" not in html
    # Share of its group, change vs usual, and a button to the Place page at this window.
    assert "La part de voix passe de" in text and "dans Alps" in text and "fois l&#x27;habitude" in html
    assert 'href="http://127.0.0.1:8501/place?place=tignes&amp;spike=2026-11-28T14' in html
    assert "Europe/Paris" in html


def test_the_digest_carries_its_share_of_voice_chart(tmp_path: Path, mail: Mailbox) -> None:  # noqa: F811
    db = event_store(tmp_path)
    cfg = french_config(db, mail.port)
    cfg = replace(cfg, alerts=replace(cfg.alerts, digest="daily"))
    store = open_store(db)
    report = send_digest(cfg, store, NOW)
    store.close()
    assert report.sent == 1
    html, images = html_and_images(mail.messages[0])
    assert list(images) == ["sov-1"] and images["sov-1"].startswith(b"\x89PNG")
    assert 'src="cid:sov-1"' in html and "Part de voix dans Alps" in html
    assert text_of(mail.messages[0]).count(WIRE) == 1


@pytest.mark.browser
def test_screenshot_of_the_email_for_a_person_to_look_at(
    tmp_path: Path, mail: Mailbox, output_dir: Path  # noqa: F811
) -> None:
    from tests.dashboard.browser import chromium

    db = event_store(tmp_path)
    store = open_store(db)
    check_alerts(french_config(db, mail.port), store, NOW)
    cfg = replace(french_config(db, mail.port), ui=replace(french_config(db, mail.port).ui, lang="en"))
    send_digest(replace(cfg, alerts=replace(cfg.alerts, digest="daily")), store, NOW)
    store.close()
    shots = {}
    for name, msg in (("alert-email", mail.messages[0]), ("digest-email", mail.messages[1])):
        html, images = html_and_images(msg)
        # A mail client resolves cid: from the message; a browser needs the picture inline.
        for cid, png in images.items():
            html = html.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(png).decode())
        page = output_dir / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        shots[name] = page
    with chromium(tmp_path) as driver:
        for name, page in shots.items():
            for scheme in ("light", "dark"):
                driver.execute_cdp_cmd(  # type: ignore[attr-defined]
                    "Emulation.setEmulatedMedia",
                    {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
                )
                driver.set_window_size(430, 1600)  # type: ignore[attr-defined]
                driver.get(page.as_uri())  # type: ignore[attr-defined]
                height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
                driver.set_window_size(430, min(int(height) + 140, 4000))  # type: ignore[attr-defined]
                out = output_dir / f"{name}-{scheme}.png"
                assert driver.save_screenshot(str(out))  # type: ignore[attr-defined]
                assert out.stat().st_size > 10_000
                # Nothing overflows a phone's width.
                width = driver.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
                assert int(width) <= 430
