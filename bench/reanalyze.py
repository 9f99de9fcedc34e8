"""Add a competitor to a 200,000-document store: the incremental pass against a full pass (measured
on a sample, extrapolated), and enrich throughput on one process against every core.

The store is built once (`bench/out/`) from generated French and English posts and articles
(`bench/texts.py`), with the analyses the base watchlist gives to the names written into them
(analysing 200,000 documents for real would take hours; nothing in the incremental pass reads an
analysis it does not replace). Then, per repetition, in the same run: the incremental pass on a
fresh copy (plan with the full-text index, re-analyse on every core, save), a full pass on a
random sample with the same processes, and `enrich` on one process and on every core, each in a
fresh child process. The machine is shared: medians of the repetitions, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.texts import (  # noqa: E402
    BASE_WATCHLIST,
    NEW_TERRITORY,
    GeneratedDocument,
    TextGenerator,
)
from config import Config, NlpConfig, StoreConfig  # noqa: E402
from core.models import Analysis, Engagement, PlaceMention, RawDocument, Sentiment  # noqa: E402
from indexer import MentionFilter, SqliteStore  # noqa: E402

OUT = REPO / "bench" / "out"
WRITE_BATCH = 5_000


# ---------------------------------------------------------------- the store


def raw_document(g: GeneratedDocument) -> RawDocument:
    return RawDocument(
        id=g.id, url=f"https://example.org/{g.id}", source_id="feed" if g.kind == "article" else "social",
        source_type="rss" if g.kind == "article" else "mastodon", text=g.text, title=g.title,
        collected=g.published, published=g.published, lang=g.lang, engagement=Engagement(followers=100),
    )


def stored_analysis(g: GeneratedDocument) -> Analysis:
    """What the base watchlist gives: a mention per watched name written into the text."""
    names = {t.id: t for t in BASE_WATCHLIST}
    places = tuple(
        PlaceMention(text=g.text[w.start : w.end], start=w.start, end=w.end, name=names[w.territory].name,
                     territory=w.territory, kind=names[w.territory].kind, confidence=0.9)
        for w in g.watched
    )
    return Analysis(g.lang, Sentiment(), places)


def build_store(path: Path, documents: int, seed: int) -> None:
    """The benchmark store, built once: raw documents with their analyses and watchlist label."""
    from nlp.changes import fingerprint, watchlist_entries

    if path.exists():
        with SqliteStore(path) as store:
            if store.stats().analysed == documents:
                return
        path.unlink()
    entries = watchlist_entries(BASE_WATCHLIST)
    started = time.perf_counter()
    with SqliteStore(path) as store:
        store.remember_watchlist(fingerprint(entries), entries)
        batch: list[GeneratedDocument] = []
        for g in TextGenerator(seed).documents(documents):
            batch.append(g)
            if len(batch) == WRITE_BATCH:
                _write(store, batch, fingerprint(entries))
                batch = []
        _write(store, batch, fingerprint(entries))
        store.optimize()
    print(f"built {documents:,} documents in {time.perf_counter() - started:.0f} s: {path}", flush=True)


def _write(store: SqliteStore, batch: list[GeneratedDocument], label: str) -> None:
    docs = [raw_document(g) for g in batch]
    store.upsert_raw(docs)
    store.save_analyses([(d, stored_analysis(g)) for d, g in zip(docs, batch, strict=True)], watchlist=label)


# ---------------------------------------------------------------- measuring


@contextmanager
def peak_memory() -> Iterator[dict[str, float]]:
    """Peak resident memory of this process plus its children (sampled every 0.2 s), in MB."""
    result = {"peak_mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            result["peak_mb"] = max(result["peak_mb"], tree_rss_mb(os.getpid()))
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Linux /proc), in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if int(entry.name) != pid and ppid != pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def workers_of(pid: int) -> list[int]:
    """The analysis workers among a process's children (not multiprocessing's resource tracker)."""
    found = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            found.append(child)
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def tree_cpu() -> float:
    """CPU time of this process and its live children."""
    me = os.getpid()
    return cpu_seconds([me, *children(me)])


def config_for(db: Path, territories: tuple[Any, ...], processes: int | None) -> Config:
    return Config(store=StoreConfig(path=db), territories=territories, nlp=NlpConfig(processes=processes))


def process_cpu() -> float:
    """CPU time of this process and of its children that have ended."""
    me, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ended.ru_utime + ended.ru_stime


def incremental(base: Path, work: Path) -> dict[str, Any]:
    """Add the new territory and bring the store up to it, as `placewatch run` does at start."""
    from nlp import analyses_for, plan_update, update_analyses

    shutil.copy(base, work)
    config = config_for(work, (*BASE_WATCHLIST, NEW_TERRITORY), None)
    with peak_memory() as memory, SqliteStore(work) as store:
        cpu = process_cpu()
        started = time.perf_counter()
        plan = plan_update(store, config.territories)
        planned = time.perf_counter() - started
        with analyses_for(config, len(plan.documents)) as analyses:
            report = update_analyses(store, analyses, plan)
        seconds = time.perf_counter() - started
        cpu = process_cpu() - cpu
        counted = {p.key: p.mentions for p in store.ranking(MentionFilter(), 50)}
    return {"seconds": seconds, "cpu": cpu, "plan_seconds": planned, "documents": report.documents,
            "new_mentions": counted.get(NEW_TERRITORY.id, 0), "ids": plan.documents, **memory}


def full_sample(base: Path, work: Path, ids: list[str]) -> dict[str, Any]:
    """A full pass over a random sample with every core: worker start, then the steady rate."""
    from nlp import AnalysisPool, analysis_processes, reanalyze

    with SqliteStore(base) as store:
        docs = store.get_documents(ids)
    work.unlink(missing_ok=True)
    config = config_for(work, (*BASE_WATCHLIST, NEW_TERRITORY), None)
    with SqliteStore(work) as store, AnalysisPool(config, analysis_processes(config)) as pool:
        store.upsert_raw(docs)
        started, cpu = time.perf_counter(), tree_cpu()
        pool.start()
        startup, startup_cpu = time.perf_counter() - started, tree_cpu() - cpu
        started, cpu = time.perf_counter(), tree_cpu()
        reanalyze(store, pool)
        seconds, cpu = time.perf_counter() - started, tree_cpu() - cpu
        analyses = {e.doc.id: e.analysis for e in store.iter_documents()}
    return {"startup": startup, "startup_cpu": startup_cpu, "rate": len(docs) / seconds,
            "cpu_per_doc": cpu / len(docs), "cores_used": cpu / seconds, "analyses": analyses}


def enrich_child(base: Path, work: Path, ids: list[str], processes: int, segment: int) -> list[dict[str, Any]]:
    """Enrich on one process and on `processes`, in alternating segments of a fresh process."""
    args = [sys.executable, __file__, "--enrich-child", str(processes), "--base", str(base),
            "--work", str(work), "--segment", str(segment), "--ids", ",".join(ids)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def run_enrich_child(base: Path, work: Path, ids: list[str], processes: int, segment: int) -> None:
    """Pending copies of the documents enriched segment by segment, in turn by an Analyzer in this
    process and by a pool of `processes` workers (both loaded first): load drifts between two
    neighbouring segments far less than between two runs."""
    from nlp import AnalysisPool, Analyzer, enrich_pending

    with SqliteStore(base) as store:
        docs = store.get_documents(ids)
    work.unlink(missing_ok=True)
    config = config_for(work, BASE_WATCHLIST, processes)
    base_mb = tree_rss_mb(os.getpid())
    analyzer = Analyzer(BASE_WATCHLIST)
    analyzer.pipeline("fr"), analyzer.pipeline("en")
    with_analyzer_mb = tree_rss_mb(os.getpid())
    with SqliteStore(work) as store, AnalysisPool(config, processes) as pool:
        pool.start()
        workers = workers_of(os.getpid())
        for i in range(0, len(docs), segment):
            chunk = docs[i : i + segment]
            store.upsert_raw(chunk)
            mode = processes if (i // segment) % 4 in (1, 2) else 1  # 1, N, N, 1, 1, N…: drift cancels
            analyses: Any = analyzer if mode == 1 else pool
            started, cpu = time.perf_counter(), tree_cpu()
            report = enrich_pending(store, analyses)
            seconds, cpu = time.perf_counter() - started, tree_cpu() - cpu
            print(json.dumps({"processes": mode, "documents": report.documents, "rate": report.documents / seconds,
                              "cores_used": cpu / seconds, "cpu_per_doc": cpu / max(1, report.documents),
                              "load": os.getloadavg()[0]}), flush=True)
        worker_peak = sum(peak_of(pid) for pid in workers)
    # this process held the analyzer that enriched on one process: its own peak is that figure
    print(json.dumps({"memory": True, "one_mb": peak_of(os.getpid()), "pool_mb": base_mb + worker_peak,
                      "calling_mb": base_mb, "worker_mb": worker_peak / max(1, len(workers)),
                      "loaded_mb": with_analyzer_mb}), flush=True)


def peak_of(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# ---------------------------------------------------------------- the record


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=600, help="documents of the full-pass sample")
    parser.add_argument("--segment", type=int, default=384, help="documents per enrich segment")
    parser.add_argument("--pairs", type=int, default=2, help="enrich segment pairs (1 and N processes) per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--enrich-only", action="store_true", help="only the enrich comparison (store built)")
    parser.add_argument("--enrich-child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--base", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.enrich_child:
        run_enrich_child(args.base, args.work, args.ids.split(","), args.enrich_child, args.segment)
        return 0

    from nlp import analysis_processes
    from nlp.pipeline import territory_config
    from nlp.watchlist import WatchlistMatcher

    OUT.mkdir(parents=True, exist_ok=True)
    base = OUT / f"reanalyze-{args.documents}.db"
    build_store(base, args.documents, args.seed)
    rng = random.Random(args.seed)
    all_ids = [f"doc{i:07d}" for i in range(args.documents)]
    with SqliteStore(base) as store:
        matcher = WatchlistMatcher(territory_config([NEW_TERRITORY]))
        named = {d.id for d in store.raw_documents() if matcher.find(d.text)}
        chars = sum(len(d.text) for d in store.get_documents(all_ids[:2000])) / 2000
    cores = analysis_processes(Config())
    print(f"{args.documents:,} documents ({chars:.0f} characters on average); the new territory is named in "
          f"{len(named):,} of them (matcher scan); {cores} cores; load {load()}", flush=True)

    if args.enrich_only:
        for rep in range(args.repeat):
            ids = rng.sample(all_ids, 2 * args.pairs * args.segment)
            for seg in enrich_child(base, OUT / "reanalyze-enrich.db", ids, cores, args.segment):
                print(f"run {rep + 1}: {json.dumps(seg)}", flush=True)
        return 0
    rows: list[dict[str, float]] = []
    for rep in range(args.repeat):
        load_before = os.getloadavg()[0]
        inc = incremental(base, OUT / "reanalyze-work.db")
        print(f"run {rep + 1}: incremental {inc['seconds']:.1f} s, {inc['cpu']:.0f} CPU s, load {load()}", flush=True)
        sample = rng.sample(all_ids, args.sample)
        full = full_sample(base, OUT / "reanalyze-sample.db", sample)
        full_seconds = full["startup"] + args.documents / full["rate"]
        full_cpu = full["startup_cpu"] + args.documents * full["cpu_per_doc"]
        chosen = set(sample)
        with SqliteStore(OUT / "reanalyze-work.db") as store:
            updated = {e.doc.id: e for e in store.iter_documents() if e.doc.id in chosen}
        differ = sum(  # the new territory in the sample's full pass against the incremental store
            1 for i in sample
            if [p for p in full["analyses"][i].places if p.territory == NEW_TERRITORY.id]
            != [p for p in updated[i].analysis.places if p.territory == NEW_TERRITORY.id]
        )
        segments = enrich_child(base, OUT / "reanalyze-enrich.db", rng.sample(all_ids, 2 * args.pairs * args.segment),
                                cores, args.segment)
        memory = next(s for s in segments if s.get("memory"))
        timed = [s for s in segments if not s.get("memory")]
        ratios = [next(s["rate"] for s in pair if s["processes"] == cores)
                  / next(s["rate"] for s in pair if s["processes"] == 1) for pair in zip(timed[::2], timed[1::2], strict=True)]
        row = {
            "incremental_s": inc["seconds"], "incremental_cpu_s": inc["cpu"], "plan_s": inc["plan_seconds"],
            "reanalysed": inc["documents"], "new_mentions": inc["new_mentions"], "missed": len(named - set(inc["ids"])),
            "sample_differ": differ, "full_s": full_seconds, "full_cpu_s": full_cpu, "full_rate": full["rate"],
            "startup_s": full["startup"], "speedup": full_seconds / inc["seconds"], "cpu_ratio": full_cpu / inc["cpu"],
            "incremental_peak_mb": inc["peak_mb"],
            "enrich1_rate": statistics.median(s["rate"] for s in timed if s["processes"] == 1),
            "enrichN_rate": statistics.median(s["rate"] for s in timed if s["processes"] == cores),
            "enrich_ratio": statistics.median(ratios),
            "enrichN_cores_used": statistics.median(s["cores_used"] for s in timed if s["processes"] == cores),
            # documents per CPU second on N processes against one: what N free cores would give
            "enrich_cpu_efficiency": statistics.median(s["cpu_per_doc"] for s in timed if s["processes"] == 1)
            / statistics.median(s["cpu_per_doc"] for s in timed if s["processes"] == cores),
            "enrich1_mb": memory["one_mb"], "enrichN_mb": memory["pool_mb"], "worker_mb": memory["worker_mb"],
            "load": (load_before + os.getloadavg()[0]) / 2,
        }
        rows.append(row)
        print(f"run {rep + 1}: incremental {row['incremental_s']:.1f} s ({row['reanalysed']:.0f} documents, "
              f"plan {row['plan_s']:.2f} s, {row['new_mentions']:.0f} mentions, missed {row['missed']:.0f}, "
              f"sample differs {differ}); full pass ~{full_seconds:.0f} s ({full['rate']:.1f} docs/s + "
              f"{full['startup']:.0f} s start): {row['speedup']:.0f}x wall, {row['cpu_ratio']:.0f}x CPU; "
              f"enrich {row['enrich1_rate']:.1f} vs {row['enrichN_rate']:.1f} docs/s on {cores} "
              f"({row['enrichN_cores_used']:.2f} cores used): {row['enrich_ratio']:.2f}x; load {load()}", flush=True)
    print(f"medians of {len(rows)} runs:")
    for key in rows[0]:
        values = [r[key] for r in rows]
        print(f"  {key:20s} {statistics.median(values):10.2f}   (min {min(values):.2f}, max {max(values):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
