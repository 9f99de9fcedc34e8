"""Competitors, Place, Mentions, Map, Alerts and Sources pages (streamlit.testing).

On the synthetic store where a test needs only some data, on the demo data where it checks what
the real pipeline made of the demo site (those are marked `demo`, skipped by `make test-fast`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.render import inert
from tests.dashboard import synthetic
from tests.dashboard.apptest import clear_caches, frame, markdown_text, open_page

HOSTILE_INERT = "&#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;"


def test_competitors_share_of_voice_adds_up(synthetic_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(synthetic_config, "competitors", monkeypatch)
    assert at.selectbox(key="competitors_group").value.name == "Stations des Alpes"
    summary = frame(at, "net_sentiment")
    assert summary["place"].iloc[0] == "Les Arcs"
    total = int(summary["mentions"].sum())
    assert f"Parts de {total} mentions" in " ".join(c.value for c in at.caption)
    assert abs(summary["share"].sum() - 1) < 1e-9
    assert {m.label for m in at.metric} == set(summary["place"])
    series = frame(at, "Total")
    assert int(series["Total"].sum()) == total
    assert {b.key for b in at.download_button} >= {"report_pdf"} and len(at.download_button) == 2


def test_competitors_toggles(synthetic_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(synthetic_config, "competitors", monkeypatch)
    plain = frame(at, "net_sentiment")
    at.toggle(key="competitors_once").set_value(True).run()
    once = frame(at, "net_sentiment")
    assert once["mentions"].sum() <= plain["mentions"].sum()
    at.toggle(key="competitors_weighted").set_value(True).run()
    assert "audience totale" in " ".join(c.value for c in at.caption)
    weighted = frame(at, "net_sentiment")
    assert abs(weighted["share"].sum() - 1) < 1e-9


def test_place_marks_a_spike_and_lists_its_mentions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """25 stories in one day after weeks of one or two: a spike, with the stories behind it."""
    at = open_page(synthetic.build_spike(tmp_path), "place", monkeypatch)
    assert at.header[0].value == "Les Arcs"
    spike = at.selectbox(key="place_spike")
    assert len(spike.options) == 1
    assert "25 mentions" in spike.options[0]
    text = markdown_text(at)
    assert text.count("Gondola stopped at Les Arcs") == 25 + 3  # the spike's stories, then 3 negative examples
    assert "Spikes by the alert detector on 1 d windows." in text
    sources = frame(at, "source")
    assert sources.set_index("source").loc["news", "mentions"] == 25


def test_place_tables_on_the_demo(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "place", monkeypatch)
    assert at.selectbox(key="place_key").value == "les-arcs"
    assert at.header[0].value == "Les Arcs"
    assert not frame(at, "source").empty
    voices = frame(at, "author")
    assert "<b>mallory</b>" in set(voices["author"])  # shown literally by the data grid
    assert not frame(at, "documents").empty


def test_place_examples_show_the_hostile_title_inert(dashboard_config: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "place", monkeypatch)
    text = markdown_text(at)
    assert HOSTILE_INERT in text
    assert "<mark>Les Arcs</mark>" in text
    assert "<script" not in text and "<img" not in text


def test_mentions_search_highlights_and_pages(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "mentions", monkeypatch)
    at.text_input(key="mentions_query").input("télécabine OR gondola").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "documents trouvés" in captions
    assert "<mark>" in markdown_text(at)
    at.text_input(key="mentions_query").input("(ski").run()
    assert at.error and "La requête de recherche n'est pas valide" in at.error[0].value


def test_mentions_hostile_document_is_text(synthetic_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(synthetic_config, "mentions", monkeypatch)
    at.text_input(key="mentions_query").input("alert").run()
    text = markdown_text(at)
    assert HOSTILE_INERT in text
    assert "<script" not in text and "<img" not in text


def test_mentions_filters(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "mentions", monkeypatch)
    everything = _found(at)
    at.selectbox(key="mentions_sentiment").set_value("negative").run()
    negative = _found(at)
    assert 0 < negative < everything
    at.selectbox(key="mentions_sentiment").set_value(None).run()
    at.multiselect(key="mentions_groups").set_value(["cities"]).run()
    assert 0 < _found(at) < everything
    assert "Les Arcs" not in " ".join(c.value for c in at.caption)


def _found(at: AppTest) -> int:
    """The number of documents in the 'N documents trouvés' caption."""
    caption = next(c.value for c in at.caption if "documents trouvés" in c.value)
    return int(caption.split()[0])


def test_mentions_csv_export_keeps_the_hostile_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import data

    monkeypatch.setenv("PLACEWATCH_CONFIG", str(synthetic.build(tmp_path)))
    clear_caches()
    since, until = data.period(30)
    raw = data.search_csv("alert", data.mention_filter(since, until)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert rows[0]["title"] == synthetic.XSS_TITLE
    assert "<img src=x onerror=alert(1)>" in rows[0]["excerpt"]
    assert rows[0]["url"] == "https://example.org/x"


def test_map_places_with_coordinates(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "map", monkeypatch)
    points = at.dataframe[0].value.set_index("place")
    assert points.loc["Les Arcs", "lat"] == pytest.approx(45.572)
    assert points["mentions"].iloc[0] == points["mentions"].max()
    assert len(at.get("vega_lite_chart")) == 1


def test_alerts_lists_every_detected_alert_newest_first_with_its_state(
    dashboard_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(dashboard_config, "alerts", monkeypatch)
    assert "fenêtres de 1 d, au moins 5 mentions" in at.markdown[0].value
    labels = [e.label for e in at.expander]
    # The hostile alert was sent two hours ago; the demo's spike started days ago: newest first.
    assert inert("Spike: Les Arcs") in labels[0]
    assert "<script>alert(1)</script>" in at.text[0].value  # its email text, shown literally by st.text
    spike = next(e for e in at.expander if "pic de mentions" in e.label)
    assert "Les Arcs" in spike.label and "attendues" in spike.label
    body = "\n".join([m.value for m in spike.markdown] + [c.value for c in spike.caption])
    assert "aucun serveur SMTP configuré" in body  # kept, not lost: the demo has no [smtp]
    assert "**Sources** · demo&#45;" in body and "**Mots**" in body  # sources and words that drove it
    assert "envoyée le" in "\n".join(c.value for c in at.expander[0].caption)


def test_sources_health(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "sources", monkeypatch)
    health = frame(at, "last_success").set_index("source")
    assert {"demo-feed", "demo-sitemap"} <= set(health.index)
    assert set(health.loc[["demo-feed", "demo-sitemap"], "status"]) == {"OK"}
    assert health["documents"].sum() > 0
    assert health.loc["demo-feed", "last_success"] is not None


def _links(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "open ↗" in c.value]


def test_odd_urls_never_break_the_mentions_page_or_the_spike_details(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quotes, spaces, brackets, javascript: and ftp: links: the cards render; only http(s) is a link."""
    config = synthetic.build_spike(tmp_path)
    synthetic.add_odd_urls(tmp_path)
    at = open_page(config, "place", monkeypatch)
    assert "29 mentions" in at.selectbox(key="place_spike").options[0]  # the odd stories are in the spike
    text = markdown_text(at)
    for i in range(4):
        assert f"Odd link {i} at Les Arcs" in text
    mentions = open_page(config, "mentions", monkeypatch)
    mentions.text_input(key="mentions_query").input("odd").run()
    assert not mentions.exception, [e.value for e in mentions.exception]
    cards = "\n".join(_links(mentions))
    assert cards.count("open ↗") == 2 and "javascript" not in cards and "ftp" not in cards
    assert inert("https://example.org/l%27arc%20%221800%22%20%5Bphotos%5D%20%282%29.html") in cards
    assert inert("HTTPS://Example.org/a%20b%3Cc%3Ed") in cards


@pytest.mark.parametrize("query", [
    " ".join(f"mot{i}" for i in range(150)),
    'neige AND (snow OR "unclosed',
    "(" * 200 + "neige" + ")" * 200,
    "neige\x00snow",
])
def test_long_or_malformed_searches_get_one_sentence(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch,
                                                     query: str) -> None:
    at = open_page(dashboard_config, "mentions", monkeypatch)
    at.text_input(key="mentions_query").input(query).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) <= 1
    if errors:
        assert errors[0].startswith(("La requête de recherche n'est pas valide", "La recherche n'a pas pu")), errors
        assert "Traceback" not in errors[0]


def test_ambassadors_and_critics(dashboard_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(dashboard_config, "voices", monkeypatch)
    ambassadors = frame(at, "weight", 0)
    critics = frame(at, "weight", 1)
    assert (ambassadors["net_sentiment"] > 0).all() and (critics["net_sentiment"] < 0).all()
    weights = list(ambassadors["weight"])
    assert weights == sorted(weights, reverse=True)  # heaviest first
    assert "<b>mallory</b>" in set(ambassadors["voice"])  # the hostile author, literally, in the grid
    mallory = ambassadors.set_index("voice").loc["<b>mallory</b>"]
    assert set(mallory["territories"].split(", ")) == {"Les Arcs", "Tignes"} and mallory["kind"] == "compte"
    assert mallory["first_seen"] is not None and mallory["last_seen"] is not None
    labels = [e.label for e in at.expander]
    assert inert("<b>mallory</b>") + " · Dernières mentions (1)" in labels
    assert "<b>" not in "\n".join(labels)
    assert "<script" not in markdown_text(at) and HOSTILE_INERT in markdown_text(at)
    assert {b.key for b in at.download_button} >= {"report_pdf"} and len(at.download_button) == 2
    at.selectbox(key="voices_group").set_value("cities").run()
    assert not at.exception
    assert "<b>mallory</b>" not in set(frame(at, "weight", 0)["voice"])  # Les Arcs is not a city
