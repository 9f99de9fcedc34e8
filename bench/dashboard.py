"""Dashboard benchmark: time to render each page (AppTest, cold and cached) on the 1M-mention store."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.store import END, TERRITORIES, places  # noqa: E402

OUT = ROOT / "bench" / "out"
APP = str(ROOT / "dashboard" / "app.py")
TARGET_SECONDS = 2.0
RESORTS = 16  # the first names of bench/store.py's watchlist are ski resorts
PAGES = ("overview", "competitors", "place", "mentions", "map", "voices", "alerts", "sources")


def slug(name: str) -> str:
    """The territory id bench/store.py gives a watched place."""
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def write_config(db: Path, folder: Path) -> Path:
    """A config naming the benchmark store's watchlist, two competitor groups and Les Arcs as mine."""
    watched, _ = places(random.Random(7))  # same seed, same coordinates as the generated corpus
    lines = [f'[store]\npath = "{db}"\n', '[ui]\nlang = "en"\nterritory = "les-arcs"\n',
             '[[groups]]\nid = "alps"\nname = "Ski resorts"\n', '[[groups]]\nid = "towns"\nname = "Towns"\n']
    for i, p in enumerate(watched):
        if not slug(p.name).isascii():
            continue  # bench/store.py keeps accents in ids ('méribel'); a config id may not
        group = "alps" if i < RESORTS else "towns"
        lines.append(f'[[territories]]\nid = "{slug(p.name)}"\nname = "{p.name}"\nkind = "destination"\n'
                     f'groups = ["{group}"]\nlat = {p.lat:.4f}\nlon = {p.lon:.4f}\n')
    assert len(watched) == len(TERRITORIES)
    path = folder / "placewatch.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def render_times(page: str, days: int, prepare: Callable[[Any], None] | None = None) -> dict[str, float]:
    """Seconds to run one page with an empty query cache (first) and again (cached)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    at.sidebar.selectbox(key="period_days").set_value(days)
    at.switch_page(f"views/{page}.py")
    if prepare:
        at.run()
        prepare(at)
    st.cache_data.clear()  # the store stays open, as in a running server
    first = timed(at.run)
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    cached = timed(at.run)
    return {"first_s": round(first, 2), "cached_s": round(cached, 2)}


def search_for(query: str) -> Callable[[Any], None]:
    def prepare(at: Any) -> None:
        at.text_input(key="mentions_query").set_value(query)
    return prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=OUT / "store.db",
                        help="store made by bench/store.py (default bench/out/store.db)")
    parser.add_argument("--days", type=int, default=30, help="period shown (the dashboard's default is 30)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db}: no such store; make it with python bench/store.py --db {args.db}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PLACEWATCH_CONFIG"] = str(write_config(args.db.resolve(), Path(tmp)))
        os.environ["PLACEWATCH_NOW"] = END.isoformat()  # the corpus ends there
        # Once per server process: imports, config, store opening, and the spaCy stop-word lists
        # the store's term counter loads on first use. Reported apart, not as a page's cost.
        warmup = {page: render_times(page, args.days)["first_s"] for page in ("overview", "place")}
        cases: dict[str, tuple[str, Callable[[Any], None] | None]] = {p: (p, None) for p in PAGES}
        cases["mentions: search 'neige OR snow'"] = ("mentions", search_for("neige OR snow"))
        results = {name: render_times(page, args.days, prepare) for name, (page, prepare) in cases.items()}
    from indexer import SqliteStore

    with SqliteStore(args.db) as store:
        stats = store.stats()
    report = {"db": str(args.db), "mentions": stats.mentions, "documents": stats.documents,
              "period_days": args.days, "target_s": TARGET_SECONDS, "process_warmup_s": warmup,
              "pages": results}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dashboard.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    return 0


def print_table(report: dict[str, Any]) -> None:
    print(f"dashboard on {report['mentions']:,} mentions in {report['documents']:,} documents "
          f"(last {report['period_days']} days, target {report['target_s']} s per page)")
    warm = ", ".join(f"{p} {s} s" for p, s in report["process_warmup_s"].items())
    print(f"first pages after the server starts (one-time imports and store opening): {warm}")
    width = max(len(name) for name in report["pages"])
    print(f"{'page':<{width}}  {'first s':>8}  {'cached s':>8}")
    for name, t in report["pages"].items():
        flag = "" if t["first_s"] <= report["target_s"] else f"  > {report['target_s']} s"
        print(f"{name:<{width}}  {t['first_s']:>8}  {t['cached_s']:>8}{flag}")


if __name__ == "__main__":
    sys.exit(main())
