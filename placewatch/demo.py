"""`placewatch demo`: serve the bundled site on loopback, collect, analyse, rank, then the dashboard."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from config import Config, load_config
from core.models import utcnow

if TYPE_CHECKING:
    from alerts import CheckReport
    from indexer import Store

logger = logging.getLogger(__name__)

DEMO_SITE_PORT = 8765  # a fixed port keeps document URLs stable when the demo runs again
CONFIG_NAME = "placewatch.toml"
DB_NAME = "placewatch.db"
ALERT_REPLAY = timedelta(days=7)  # the demo corpus' recent week, where its spike is


def write_demo_config(data_dir: Path, base_url: str) -> Path:
    """Write DIR/placewatch.toml pointing at the served demo site and DIR/placewatch.db."""
    from placewatch.demo_site import render_config

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONFIG_NAME
    # The database path is relative to the config file, so the folder can be moved.
    path.write_text(render_config(base_url, DB_NAME), encoding="utf-8")
    return path


def replay_alert_checks(config: Config, store: Store, since: datetime, until: datetime) -> CheckReport:
    """The alert checks the scheduler would have run from `since` to `until`, one per window.

    The demo's documents arrive all at once, days after they were published: checking only
    "now" would miss the week's spike, which a running service would have caught when it came.
    """
    from alerts import CheckReport, check_alerts

    step = max(config.alerts.window, timedelta(hours=1))
    total = CheckReport()
    moments = [since + step * i for i in range(1, int((until - since) / step) + 1)] + [until]
    for moment in moments:
        report = check_alerts(config, store, moment)
        total.alerts.extend(report.alerts)
        total.queued += report.queued
        total.sent += report.sent
        total.failed += report.failed
        total.held = report.held  # each check holds every still-unsent alert: the last count is the count
        total.errors.extend(report.errors)
    return total


def run_demo(data_dir: Path, out: TextIO | None = None) -> Config:
    """The whole pipeline on the demo corpus, up to the printed ranking; returns the demo's config."""
    from alerts import HOLD_REASONS
    from crawlers import crawl_in_subprocess
    from indexer import open_store
    from nlp import build_analyzer, enrich_pending
    from placewatch.demo_site import DemoSite
    from placewatch.top import format_top
    from reports import build_top

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    now = utcnow()
    # The demo's dates are relative to today: start from an empty store so the spike is recent.
    for suffix in ("", "-wal", "-shm"):
        (data_dir / (DB_NAME + suffix)).unlink(missing_ok=True)
    site = DemoSite(reference=now, port=DEMO_SITE_PORT)
    try:
        site.start()
    except OSError:
        site = DemoSite(reference=now)  # the fixed port is taken: any free one will do
    with site:
        config_path = write_demo_config(data_dir, site.base_url)
        config = load_config(config_path)
        say(f"demo site on {site.base_url}; config {config_path}; store {config.store.path}")
        say(f"collecting {len(config.sources)} sources with the Scrapy spiders…")
        report = crawl_in_subprocess(config)
        say(report.summary())
    say("analysing documents (language, places, sentiment)…")
    with open_store(config.store) as store:
        enriched = enrich_pending(store, build_analyzer(config))
        say(f"analysed {enriched.documents} new documents, {enriched.mentions} place mentions")
        stats = store.stats()
        say(f"store: {stats.documents} documents, {stats.mentions} mentions, "
            f"{stats.undated} without a publication date, {stats.duplicates} syndicated copies")
        for days in (7, 60):
            say("")
            say(format_top(build_top(store, config, now - timedelta(days=days), now, None, 10)))
        say("")
        say("checking alerts over the last 7 days, as the scheduler would have…")
        alerts = replay_alert_checks(config, store, now - ALERT_REPLAY, now)
        say(f"{alerts.queued} alerts detected, {alerts.sent} sent")
        for reason, n in alerts.held.items():
            say(f"{n} kept, {HOLD_REASONS.get(reason, reason)}: see the dashboard's Alerts page")
    say("")
    say(f"try: placewatch --config {config_path} top --since 30d")
    return config
