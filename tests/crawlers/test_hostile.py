"""Hostile input never wins on the crawl side: no local file through a feed, no endless page in
`placewatch extract`, no crawl that outlives its parent or runs twice at once."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from config.settings import Source
from crawlers import crawl_in_subprocess
from indexer import open_store
from tests.helpers import placewatch_cmd, run_placewatch

from .conftest import Hit, LoopbackSite, Reply, make_config

pytestmark = pytest.mark.slow

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{title}: la station a accueilli des milliers de skieurs ce week-end, sous un grand soleil et "
    "avec une neige abondante sur tout le domaine skiable, selon l'office de tourisme.</p>"
    "<p>Les commerçants se disent satisfaits et les réservations pour les vacances sont en hausse.</p>"
    "</article></body></html>"
)
LOCAL = ["file:///etc/passwd", "file://localhost/etc/hostname", "file:///no/such/file/anywhere",
         "FILE:///etc/passwd", "data:text/html;base64,PHA+aGk8L3A+", "javascript:alert(1)",
         "ftp://127.0.0.1/pub/x.html"]


def page(title: str) -> Reply:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE.format(title=title).encode()


def hostile_site(site: LoopbackSite) -> None:
    b = site.base
    links = [*LOCAL, f"{b}/redirect-to-file", f"{b}/ok.html"]
    items = "".join(f"<item><title>Item {i}</title><link>{link.replace('&', '&amp;')}</link>"
                    f"<description>Entry {i}</description></item>" for i, link in enumerate(links))
    rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>H</title>{items}</channel></rss>"
    urlset = "".join(f"<url><loc>{link}</loc></url>" for link in [*LOCAL, f"{b}/ok-sitemap.html"])
    sitemap = f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urlset}</urlset>"
    index = ("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             "<sitemap><loc>file:///etc/passwd</loc></sitemap>"
             f"<sitemap><loc>{b}/hostile-sitemap.xml</loc></sitemap></sitemapindex>")
    json_feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "1", "url": "file:///etc/passwd", "content_text": "x"},
        {"id": "2", "url": f"{b}/ok-json.html", "content_text": "y"}]})
    html_home = ("<html><head><link rel='alternate' type='application/rss+xml' href='file:///etc/passwd'>"
                 "</head><body>home</body></html>")
    xml = {"Content-Type": "application/xml"}
    site.routes.update({
        "/hostile.xml": lambda hit: (200, xml, rss.encode()),
        "/hostile-sitemap.xml": lambda hit: (200, xml, sitemap.encode()),
        "/hostile-index.xml": lambda hit: (200, xml, index.encode()),
        "/hostile.json": lambda hit: (200, {"Content-Type": "application/feed+json"}, json_feed.encode()),
        "/home.html": lambda hit: (200, {"Content-Type": "text/html"}, html_home.encode()),
        "/redirect-to-file": lambda hit: (302, {"Location": "file:///etc/passwd"}, b""),
        "/ok.html": lambda hit: page("Val Thorens"),
        "/ok-sitemap.html": lambda hit: page("Tignes"),
        "/ok-json.html": lambda hit: page("Courchevel"),
    })


def test_only_http_and_https_links_are_ever_fetched(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        hostile_site(site)
        b = site.base
        config = make_config(
            tmp_path,
            Source("feed", "rss", f"{b}/hostile.xml"),
            Source("sitemap", "sitemap", f"{b}/hostile-index.xml"),
            Source("json", "rss", f"{b}/hostile.json"),
            Source("home", "rss", f"{b}/home.html"),
        )
        report = crawl_in_subprocess(config, timeout=120)
    with open_store(config.store) as store:
        docs = list(store.raw_documents())
    assert sorted(d.url.rsplit("/", 1)[1] for d in docs) == ["ok-json.html", "ok-sitemap.html", "ok.html"]
    assert all(d.url.startswith("http://127.0.0.1") for d in docs)
    assert not any("root:" in d.text or "root:" in (d.title or "") for d in docs)
    feed = report.sources["feed"]
    # The page that redirects to a file: Scrapy declines such a redirect itself, else our guard refuses it.
    assert feed.refused in (len(LOCAL), len(LOCAL) + 1)
    assert f"{feed.refused} links refused (not http or https)" in feed.line()
    refusals = {m for m in feed.error_messages if m.startswith("refused")}
    # The same words whether a file exists there or not; never its path.
    assert refusals == {
        "refused a file: link (only http and https links are followed)",
        "refused a data: link (only http and https links are followed)",
        "refused a javascript: link (only http and https links are followed)",
        "refused a ftp: link (only http and https links are followed)",
    }
    assert report.sources["sitemap"].refused == len(LOCAL) + 1  # the child sitemap too
    assert report.sources["json"].refused == 1 and report.sources["home"].refused == 1


def slow_site(site: LoopbackSite, pages: int = 30, delay: float = 4.0) -> None:
    """A feed of articles that each take `delay` seconds to arrive."""
    b = site.base
    items = "".join(f"<item><title>Slow {i}</title><link>{b}/slow/{i}.html</link></item>" for i in range(pages))
    rss = f"<?xml version='1.0'?><rss version='2.0'><channel><title>S</title>{items}</channel></rss>"
    site.routes["/slow.xml"] = lambda hit: (200, {"Content-Type": "application/xml"}, rss.encode())

    def slow(hit: Hit) -> Reply:
        time.sleep(delay)
        return page(f"Lent {hit.path}")

    for i in range(pages):
        site.routes[f"/slow/{i}.html"] = slow


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def write_config(tmp_path: Path, url: str, **crawl: object) -> Path:
    settings = {"autothrottle": False, "timeout": 30, "concurrency_per_domain": 2, "extraction_workers": 1, **crawl}
    lines = [f'[store]\npath = "{tmp_path / "placewatch.db"}"', "[crawl]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    lines += ['[[sources]]\nid = "slow"\ntype = "rss"', f'url = "{url}"']
    path = tmp_path / "placewatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_a_crawl_dies_with_its_parent_and_one_crawl_runs_per_source(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        slow_site(site)
        config = write_config(tmp_path, f"{site.base}/slow.xml")
        first = subprocess.Popen([*placewatch_cmd(), "--config", str(config), "crawl"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while not [h for h in site.hits if h.path.startswith("/slow/")] and time.monotonic() < deadline:
                time.sleep(0.2)
            assert time.monotonic() < deadline, "the crawl never started"
            # A second crawl of the same source while the first runs: one clear line, nothing done twice.
            second = run_placewatch("--config", str(config), "crawl", timeout=300)
            assert "slow (rss): skipped, another crawl of this source is running (process" in second.stdout
            assert "Traceback" not in second.stderr

            family = descendants(first.pid)
            assert len(family) >= 2, family  # the crawl process and its extraction worker
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            deadline = time.monotonic() + 15
            while [p for p in family if alive(p)] and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not [p for p in family if alive(p)], "the crawl outlived its parent"
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        with open_store(make_config(tmp_path).store) as store:
            stored = store.count_raw(source_id="slow")
        time.sleep(5)  # nothing writes any more
        with open_store(make_config(tmp_path).store) as store:
            assert store.count_raw(source_id="slow") == stored

        # The next crawl is not kept out by the dead one's claim; the count is what is stored.
        site.routes.update({f"/slow/{i}.html": (lambda hit: page("Rapide")) for i in range(30)})
        again = run_placewatch("--config", str(config), "crawl", timeout=300)
        assert again.returncode == 0 and "skipped" not in again.stdout, again.stdout + again.stderr
    rows = json.loads(run_placewatch("--config", str(config), "sources", "--json").stdout.splitlines()[0])
    with open_store(make_config(tmp_path).store) as store:
        assert rows["documents"] == store.count_raw(source_id="slow") > 0


def test_extract_has_the_crawls_time_and_size_caps(tmp_path: Path) -> None:
    with LoopbackSite() as site:
        def trickle(hit: Hit) -> None:
            assert hit.handler is not None
            h = hit.handler
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            try:
                for _ in range(60):
                    h.wfile.write(b"<p>x</p>")
                    h.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            h.close_connection = True

        site.routes["/trickle"] = trickle
        site.routes["/redirect-to-file"] = lambda hit: (302, {"Location": "file:///etc/passwd"}, b"")
        site.routes["/redirect-to-ftp"] = lambda hit: (302, {"Location": "ftp://127.0.0.1/pub/x.html"}, b"")
        config = write_config(tmp_path, f"{site.base}/x.xml", timeout=2)
        started = time.monotonic()
        slow = run_placewatch("--config", str(config), "extract", f"{site.base}/trickle", timeout=120)
        assert time.monotonic() - started < 30
        assert slow.returncode != 0 and "gave up after 2 s" in slow.stderr
        assert len(slow.stderr.strip().splitlines()) == 1 and "Traceback" not in slow.stderr

        for target in ("redirect-to-file", "redirect-to-ftp"):
            redirected = run_placewatch("--config", str(config), "extract", f"{site.base}/{target}")
            assert redirected.returncode != 0 and len(redirected.stderr.strip().splitlines()) == 1
            assert "root:" not in redirected.stdout + redirected.stderr
        assert "redirected to a URL that is not http or https" in redirected.stderr  # urllib would go to ftp:

    named = run_placewatch("extract", "file:///etc/passwd")
    assert named.returncode != 0 and "name a local file by its path" in named.stderr

    zero = run_placewatch("--config", str(config), "extract", "/dev/zero", timeout=120)
    assert zero.returncode != 0 and "page larger than the configured maximum" in zero.stderr
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb") as out:
        for _ in range(256):
            out.write(b"\0" * (1 << 20))  # 256 MB of zeros in a file of about 256 KB
    exploded = run_placewatch("--config", str(config), "extract", str(bomb), timeout=120)
    assert exploded.returncode != 0 and "once decompressed" in exploded.stderr
    assert len(exploded.stderr.strip().splitlines()) == 1


def test_sigterm_to_the_dashboard_frees_its_port(tmp_path: Path) -> None:
    import socket
    import urllib.request

    from tests.dashboard.browser import free_port

    port = free_port()
    config = write_config(tmp_path, "http://127.0.0.1:9/x.xml")
    proc = subprocess.Popen([*placewatch_cmd(), "--config", str(config), "dashboard", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        family = descendants(proc.pid)
        assert family, "Streamlit runs as a child"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while [p for p in family if alive(p)] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in family if alive(p)], "Streamlit outlived placewatch dashboard"
        with socket.socket() as s:  # the port is free again
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
