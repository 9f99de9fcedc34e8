"""Crawl throughput: our rss+article crawl vs a do-nothing Scrapy spider over the same loopback site."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

logger = logging.getLogger(__name__)

PLACES = ["Val Thorens", "Courchevel", "Tignes", "Les Arcs", "Annecy", "Chamonix", "Nice", "Lyon"]


def article(i: int) -> bytes:
    """A realistic article page (navigation, body, sidebar, comments, footer) of about 6 KB."""
    place = PLACES[i % len(PLACES)]
    body = "".join(
        f"<p>Paragraph {p} of story {i}: visitors to {place} found fresh snow, busy lifts and full "
        f"restaurants this week, and the tourism office expects record bookings for the holidays.</p>"
        for p in range(8)
    )
    nav = "".join(f"<li><a href='/articles/{j}.html'>Story {j}</a></li>" for j in range(i, i + 15))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Story {i} about {place}"
        f"</title><meta property='article:published_time' content='2026-11-{1 + i % 28:02d}T08:00:00Z'>"
        f"</head><body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>Story {i}: "
        f"{place}</h1>{body}</article><aside><h2>Most read</h2><ul>{nav}</ul></aside>"
        f"<section class='comments'><p>Comment: I prefer another resort.</p></section></main>"
        f"<footer>© 2026 Bench News</footer></body></html>"
    ).encode()


def serve(pages: int, port_queue: Any) -> None:
    feed_items = "".join(
        f"<item><title>Story {i}</title><link>/articles/{i}.html</link>"
        f"<pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate></item>"
        for i in range(pages)
    )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm and delayed ACKs a
        # keep-alive response can stall ~40 ms, and the do-nothing spider then measures the server.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench</title>"
                        f"{feed_items}</channel></rss>").replace("<link>/", f"<link>{host}/").encode()
                kind = "application/rss+xml"
            elif self.path.startswith("/articles/"):
                body, kind = article(int(self.path.rsplit("/", 1)[1].split(".")[0])), "text/html"
            elif self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                body, kind = b"not found", "text/plain"
            self.send_response(200 if kind != "text/plain" or "robots" in self.path else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def baseline(base: str, concurrency: int, results: Any) -> None:
    """A do-nothing spider: fetch the feed, request every link, ignore the pages."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from config.settings import CrawlConfig
    from crawlers.settings import crawl_settings

    class NothingSpider(scrapy.Spider):
        name = "nothing"
        start_urls: ClassVar[list[str]] = [f"{base}/feed.xml"]
        pages = 0

        def parse(self, response: Any) -> Any:
            for link in response.xpath("//item/link/text()").getall():
                yield scrapy.Request(link, callback=self.page)

        def page(self, response: Any) -> None:
            NothingSpider.pages += 1

    settings = crawl_settings(CrawlConfig(autothrottle=False, concurrency_per_domain=concurrency))
    # Our pipelines and middlewares off; Scrapy's, and what our settings turn off, as for our crawl.
    ours_off = {k: v for k, v in settings["DOWNLOADER_MIDDLEWARES"].items() if not k.startswith("crawlers.")}
    settings.update(ITEM_PIPELINES={}, DOWNLOADER_MIDDLEWARES=ours_off, LOG_LEVEL="WARNING")
    process = CrawlerProcess(settings)
    process.crawl(NothingSpider)
    started, cpu = time.perf_counter(), time.process_time()
    process.start()
    elapsed = time.perf_counter() - started
    results.put((NothingSpider.pages, elapsed, *usage(cpu)))


def usage(cpu_started: float) -> tuple[float, float, float, float]:
    """(peak MB, CPU s) of this process, then the largest peak and total CPU of its children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_maxrss / 1024, time.process_time() - cpu_started,
            children.ru_maxrss / 1024, children.ru_utime + children.ru_stime)


def ours(base: str, concurrency: int, pages: int, db: Path, results: Any) -> None:
    """Our rss spider with extraction, dedupe and the SQLite store."""
    from config.settings import Config, CrawlConfig, Source, StoreConfig
    from crawlers.process import (
        crawl,  # imported before the clock starts, as Scrapy is for the baseline
    )

    logging.basicConfig(level=logging.WARNING)
    config = Config(
        store=StoreConfig(path=db),
        sources=(Source("bench", "rss", f"{base}/feed.xml", max_items=pages + 10),),
        crawl=CrawlConfig(autothrottle=False, concurrency_per_domain=concurrency),
    )
    started, cpu = time.perf_counter(), time.process_time()
    report = crawl(config)
    elapsed = time.perf_counter() - started
    print(report.summary().splitlines()[0], flush=True)
    results.put((report.new_documents, elapsed, *usage(cpu)))


def process_cpu(pid: int | None) -> float:
    """CPU seconds a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1,
                        help="pairs of runs (the machine may be shared: the median ratio is printed)")
    args = parser.parse_args(argv)
    ctx = multiprocessing.get_context("spawn")
    ports: Any = ctx.Queue()
    server = ctx.Process(target=serve, args=(args.pages, ports), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=30)}"
    results: Any = ctx.Queue()
    ratios = []
    try:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                runs = {}
                for name, target, extra in (
                    ("do-nothing spider", baseline, (base, args.concurrency, results)),
                    ("placewatch rss+article", ours,
                     (base, args.concurrency, args.pages, Path(tmp) / "b.db", results)),
                ):
                    server_cpu = process_cpu(server.pid)
                    child = ctx.Process(target=target, args=extra)
                    child.start()
                    runs[name] = results.get(timeout=1800)
                    child.join()
                    server_cpu = process_cpu(server.pid) - server_cpu
                    count, elapsed, peak, cpu, worker_peak, worker_cpu = runs[name]
                    # Children that did real work are our extraction workers (a mere helper uses ~0s).
                    workers = (f" + extraction worker {worker_peak:.0f} MB, {worker_cpu:.1f}s CPU"
                               if worker_cpu > 0.5 else "")
                    print(f"{name:<24} {count:>6} pages in {elapsed:7.2f}s = {count / elapsed:8.1f} "
                          f"pages/s, peak memory {peak:.0f} MB, {cpu:.1f}s CPU{workers}; site server {server_cpu:.1f}s CPU")
            (n0, t0, *_), (n1, t1, *_) = runs["do-nothing spider"], runs["placewatch rss+article"]
            ratios.append((n1 / t1) / (n0 / t0))
            print(f"ratio (ours / do-nothing): {ratios[-1]:.2f} (target >= 0.5)", flush=True)
    finally:
        server.terminate()
    if len(ratios) > 1:
        print(f"median ratio of {len(ratios)} runs: {statistics.median(ratios):.2f} "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}; target >= 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
