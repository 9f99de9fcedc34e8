"""The `placewatch` command line: parses arguments, loads the config once, reports errors in one line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from config.settings import DEFAULT_CONFIG_FILE, Config, load_config
from core.errors import ConfigError, InputError, PlacewatchError
from core.models import utcnow
from core.version import __version__
from indexer import open_store

logger = logging.getLogger("placewatch")

Handler = Callable[[argparse.Namespace, Config], int]


# ------------------------------------------------------------------ commands


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from placewatch.demo import run_demo

    demo_config = run_demo(Path(args.data_dir), out=sys.stdout)
    if args.no_dashboard:
        return 0
    return serve(demo_config, port=args.port)


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from scheduler import run_service

    run_service(config)
    return 0


def _sources_to_crawl(config: Config, ids: list[str]) -> bool:
    """Whether there is something to crawl: an unknown id is a config error, no source one line."""
    unknown = [s for s in ids if config.source(s) is None]
    if unknown:
        known = ", ".join(s.id for s in config.sources) or "none configured"
        raise ConfigError(f"{_config_name(config)}: unknown source {unknown[0]!r} (known: {known})")
    if not config.sources:
        print("no sources configured: add [[sources]] to the config file", file=sys.stderr)
        return False
    return True


def cmd_crawl(args: argparse.Namespace, config: Config) -> int:
    if not _sources_to_crawl(config, args.sources):
        return 1
    from crawlers import crawl_in_subprocess

    report = crawl_in_subprocess(config, args.sources or None, force=True)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_sources(args: argparse.Namespace, config: Config) -> int:
    from placewatch.sources import format_sources, source_rows

    if args.sources_command == "check":
        return cmd_sources_check(args, config)
    with open_store(config.store) as store:
        rows = source_rows(config, store.source_states())
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(format_sources(rows))
    return 0


def cmd_sources_check(args: argparse.Namespace, config: Config) -> int:
    from crawlers import crawl_in_subprocess
    from placewatch.sources import check_lines

    if not _sources_to_crawl(config, args.ids):
        return 1
    report = crawl_in_subprocess(config, args.ids or None, probe=True)
    lines, readable = check_lines(config, report)
    print("\n".join(lines))
    return 0 if readable else 1


def cmd_enrich(args: argparse.Namespace, config: Config) -> int:
    from placewatch.jobs import enrich_job

    outcome = enrich_job(config)
    if outcome.updated is not None:
        print(f"watchlist changed: re-analysed {outcome.updated.documents} documents it can affect")
    report = outcome.enriched
    print(f"analysed {report.documents} documents, {report.mentions} place mentions")
    return 0


def cmd_reanalyze(args: argparse.Namespace, config: Config) -> int:
    from tqdm import tqdm

    from nlp import analyses_for, plan_update, reanalyze, update_analyses
    from placewatch.top import parse_since

    since = parse_since(args.since, utcnow()) if args.since else None
    with open_store(config.store) as store:
        if args.all:
            total = store.count_raw(since)
            with analyses_for(config, total) as analyses, \
                    tqdm(total=total, unit="doc", desc="reanalyze", file=sys.stderr) as bar:
                report = reanalyze(store, analyses, since, progress=bar.update)
            print(f"re-analysed {report.documents} documents, {report.mentions} place mentions")
            return 0
        plan = plan_update(store, config.territories, since)
        if not plan:
            print("the stored analyses already match the watchlist: nothing to re-analyse "
                  "(--all re-analyses every document)")
            return 0
        total = len(plan.documents)
        with analyses_for(config, total) as analyses, \
                tqdm(total=total, unit="doc", desc="reanalyze", file=sys.stderr) as bar:
            report = update_analyses(store, analyses, plan, progress=bar.update)
    dropped = f"; {report.dropped} lost a removed territory's mentions" if report.dropped else ""
    print(f"re-analysed {report.documents} documents the watchlist change can affect, "
          f"{report.mentions} place mentions{dropped}")
    return 0


def cmd_analyze(args: argparse.Namespace, config: Config) -> int:
    from nlp import build_analyzer
    from placewatch.analyze import run_analyze

    failed = run_analyze(sys.stdin, sys.stdout, sys.stderr, build_analyzer(config), lang=args.lang)
    return 1 if failed else 0


def cmd_extract(args: argparse.Namespace, config: Config) -> int:
    from crawlers import extract_command

    result = extract_command(args.target, config)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_top(args: argparse.Namespace, config: Config) -> int:
    from placewatch.top import format_top
    from reports import build_top, top_to_json

    since, until = _period(args)
    with open_store(config.store) as store:
        report = build_top(store, config, since, until, args.group, args.limit)
    if args.json:
        print(json.dumps(top_to_json(report), ensure_ascii=False, indent=2))
    else:
        print(format_top(report))
    return 0


def _period(args: argparse.Namespace) -> tuple[datetime, datetime]:
    """--since (7d or a date) and --until (a date, default now) as a checked period."""
    from placewatch.top import parse_since, parse_until

    until = parse_until(args.until) if args.until else utcnow()
    return parse_since(args.since, until), until  # parse_since refuses a start at or after the end


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    from reports import build_board, write_pdf

    since, until = _period(args)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise InputError(f"--out {args.out}: folder {str(out.parent)!r} does not exist")
    with open_store(config.store) as store:
        report = build_board(store, config, since, until, args.group)
    try:
        size = write_pdf(report, args.lang or config.ui.lang, out)
    except OSError as exc:
        raise InputError(f"--out {args.out}: cannot write the report: {exc.strerror}") from None
    print(f"wrote {out} ({size:,} bytes): {report.top.total} mentions of {len(report.places)} places, "
          f"{since:%Y-%m-%d %H:%M} → {until:%Y-%m-%d %H:%M} UTC")
    return 0


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    from indexer.transfer import export_jsonl

    with open_store(config.store) as store:
        n = export_jsonl(store, Path(args.file))
    print(f"exported {n} documents to {args.file}")
    return 0


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    from indexer.transfer import import_jsonl

    with open_store(config.store) as store:
        imported = import_jsonl(store, Path(args.file))  # malformed lines raise after the rest
    print(f"imported {imported} documents from {args.file}")
    return 0


def cmd_alerts_check(args: argparse.Namespace, config: Config) -> int:
    from alerts import HOLD_REASONS
    from placewatch.jobs import alert_job

    report = alert_job(config)
    print(
        f"{len(report.alerts)} alerts detected, {report.queued} queued, {report.sent} sent, "
        f"{report.failed} delivery failures (kept in the outbox, retried later)"
    )
    for reason, n in report.held.items():
        print(f"{n} kept, {HOLD_REASONS.get(reason, reason)}; sent once that is set")
    for error in report.errors:
        print(f"placewatch: warning: {error}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_alerts_backtest(args: argparse.Namespace, config: Config) -> int:
    from placewatch.backtest import backtest_main

    return backtest_main(Path(args.series), args.window, sys.stdout)


def cmd_dashboard(args: argparse.Namespace, config: Config) -> int:
    return serve(config, host=args.host, port=args.port)


def serve(config: Config, host: str | None = None, port: int | None = None) -> int:
    """Serve the Streamlit app until interrupted (127.0.0.1 unless configured otherwise)."""
    from dashboard import check_exposure, secrets_files, serve_dashboard

    host = host or config.ui.host
    port = port or config.ui.port
    check_exposure(host, os.environ, secrets_files(Path.cwd(), Path.home()))
    print(f"dashboard on http://{host}:{port} (Ctrl-C to stop)", flush=True)
    return serve_dashboard(config, host, port)


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="placewatch",
        description=(
            "Social listening for territories: collect articles and posts about places, find "
            "which places they mention and how they feel about them, rank the most talked-about "
            "destinations, compare share of voice, and alert on spikes."
        ),
    )
    parser.add_argument("--version", action="version", version=f"placewatch {__version__}")
    parser.add_argument(
        "--config", metavar="FILE", default=None,
        help=f"configuration file (default: ./{DEFAULT_CONFIG_FILE} if present, else built-in defaults)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Handler, help_: str, description: str | None = None) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=description or help_)
        p.set_defaults(handler=handler)
        return p

    p = add("demo", cmd_demo, "run the whole pipeline on the bundled demo site, then serve the dashboard",
            "Serve the bundled demo site on 127.0.0.1, collect it with the real spiders, analyse it, "
            "print the ranking of the most talked-about places, then serve the dashboard.")
    p.add_argument("--no-dashboard", action="store_true", help="stop after printing the ranking")
    p.add_argument("--data-dir", default="data/demo", metavar="DIR",
                   help="where to write placewatch.toml and placewatch.db (default: data/demo)")
    p.add_argument("--port", type=int, default=None, help="dashboard port (default 8501)")

    add("run", cmd_run, "run the service: scheduled crawl, enrich and alert jobs until SIGTERM/SIGINT")

    p = add("crawl", cmd_crawl, "collect now from all sources or the named ones")
    p.add_argument("sources", nargs="*", metavar="SOURCE_ID", help="source ids from the config")

    p = add("sources", cmd_sources, "show each source's state: last success, documents, errors, reading mode",
            "Show each source's state: last success, documents, errors, and whether it is read in "
            "full, in a limited mode (and why), or cannot be read (and what to set). "
            "'sources check' asks each source once, live.")
    p.add_argument("--json", action="store_true", help="one JSON object per source")
    checks = p.add_subparsers(dest="sources_command", metavar="ACTION")
    c = checks.add_parser("check", help="ask each source (or the named ones) once, live",
                          description="Ask each source (or the named ones) once, live, and print one "
                          "line per source: ok / limited (why) / failing (why, and what to set).")
    c.add_argument("ids", nargs="*", metavar="SOURCE_ID", help="source ids from the config")

    add("enrich", cmd_enrich, "analyse the collected documents not analysed yet")

    p = add("reanalyze", cmd_reanalyze, "after a watchlist change, re-analyse the stored documents it can affect",
            "After a watchlist change, re-analyse the stored documents the change can affect: those "
            "whose text holds a name of a territory added, removed or edited, or whose analysis "
            "mentions one (placewatch run does this by itself when it starts). Uses every core "
            "unless [nlp] processes says otherwise.")
    p.add_argument("--since", metavar="DATE", help="only documents collected since (7d, 2026-11-01)")
    p.add_argument("--all", action="store_true", help="re-analyse every stored document")

    p = add("analyze", cmd_analyze, "analyse JSON Lines from stdin, write JSON Lines to stdout",
            'Read {"id", "text", "title"?, "lang"?} objects, one per line, and write one result per '
            "line in the same order: language, sentiment and the places mentioned with character "
            "offsets. Bad lines are reported on stderr; the others are still processed.")
    p.add_argument("--lang", choices=("auto", "fr", "en"), default="auto",
                   help="language of every line (default: detect per line)")

    p = add("extract", cmd_extract, "show what would be extracted from one page, as JSON")
    p.add_argument("target", metavar="FILE_OR_URL")

    p = add("top", cmd_top, "ranking of the most talked-about places and share of voice")
    p.add_argument("--since", default="7d", help="period: 7d, 24h, 4w or a date (default 7d)")
    p.add_argument("--group", metavar="ID", help="only this competitor group")
    p.add_argument("--limit", type=int, default=15, help="how many places (default 15)")
    p.add_argument("--until", metavar="DATE", help="end of the period (a date; default now)")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("report", cmd_report, "the period's report for a board, as a PDF",
            "Write the period's report for a board as a PDF: headline figures, the ranking with its "
            "change against the previous period, share of voice over time, sentiment by place, the "
            "spikes with their explanation, top mentions, ambassadors and critics. Its numbers are "
            "`top`'s for the same period.")
    p.add_argument("--since", default="30d", help="period: 30d, 4w or a date (default 30d)")
    p.add_argument("--until", metavar="DATE", help="end of the period (a date; default now)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--group", metavar="ID", help="only this competitor group")
    p.add_argument("--lang", choices=("fr", "en"), default=None, help="language (default: [ui] lang)")

    p = add("import", cmd_import, "import enriched documents from a JSON Lines file (see export)")
    p.add_argument("file", metavar="FILE.jsonl")
    p = add("export", cmd_export, "export enriched documents to a JSON Lines file")
    p.add_argument("file", metavar="FILE.jsonl")

    p = add("alerts", _alerts_help, "spike alerts: check now, or backtest the detector on a CSV series")
    alerts = p.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    a = alerts.add_parser("check", help="evaluate alert rules now and send what is due",
                          description="Evaluate alert rules now and send what is due.")
    a.set_defaults(handler=cmd_alerts_check)
    a = alerts.add_parser("backtest", help="run the spike detector over a timestamp,value CSV",
                          description="Run the spike detector over a timestamp,value CSV and print "
                          "one JSON line per alert: timestamp, value, expected, score.")
    a.add_argument("--series", required=True, metavar="FILE.csv")
    a.add_argument("--window", default=None, help="bucket size, e.g. 5m or 1h (default: the series' step)")
    a.set_defaults(handler=cmd_alerts_backtest)

    p = add("dashboard", cmd_dashboard, "serve the Streamlit dashboard (127.0.0.1 by default)",
            "Serve the Streamlit dashboard. On 127.0.0.1 it is open to this machine (unless "
            "PLACEWATCH_DASHBOARD_PASSWORD is set); any other address needs a way to sign in: "
            "PLACEWATCH_DASHBOARD_PASSWORD (a shared password) or Streamlit's OpenID Connect "
            "sign-in ([auth] in .streamlit/secrets.toml).")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--host", default=None,
                   help="address to listen on (default from [ui], 127.0.0.1); any other needs a sign-in")
    return parser


def _alerts_help(args: argparse.Namespace, config: Config) -> int:  # pragma: no cover - argparse requires
    return 2


def _config_name(config: Config) -> str:
    return str(config.path) if config.path else "built-in defaults"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        config = load_config(args.config) if args.command != "demo" else Config()
        return int(args.handler(args, config))
    except PlacewatchError as exc:
        print(f"placewatch: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("placewatch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()


__all__ = ["build_parser", "main", "serve"]
