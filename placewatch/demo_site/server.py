"""The loopback demo site: the corpus served over HTTP from 127.0.0.1, or written to a folder."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import ClassVar
from urllib.parse import urlsplit

from placewatch.demo_site.corpus import load_corpus
from placewatch.demo_site.render import Page, not_found_page, render_pages

logger = logging.getLogger(__name__)


def _aware(reference: datetime | None) -> datetime:
    if reference is None:
        return datetime.now(UTC)
    return reference if reference.tzinfo else reference.replace(tzinfo=UTC)


class _Handler(BaseHTTPRequestHandler):
    """Serves pre-rendered pages; anything else is a 404."""

    server_version = "placewatch-demo/1.0"
    pages: ClassVar[dict[str, Page]] = {}

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        page = self.pages.get(path)
        status = 200
        if page is None:
            status, page = 404, Page("text/html; charset=utf-8", not_found_page().encode())
        self.send_response(status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("demo site: " + format, *args)


class DemoSite:
    """The demo website on a loopback port, in a daemon thread; use as a context manager."""

    def __init__(
        self, reference: datetime | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.reference = _aware(reference)
        self.host = host
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The root URL, e.g. http://127.0.0.1:PORT (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("DemoSite is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> DemoSite:
        """Bind the port, render every page for that address and serve in the background."""
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self.host, self.port), _Handler)
        server.daemon_threads = True
        self._server = server
        pages = render_pages(load_corpus(), self.base_url, self.reference)
        server.RequestHandlerClass = type("DemoHandler", (_Handler,), {"pages": pages})
        self._thread = threading.Thread(
            target=server.serve_forever, name="placewatch-demo-site", daemon=True
        )
        self._thread.start()
        logger.info("demo site serving on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def render_site(
    directory: str | Path, reference: datetime | None = None, base_url: str = ""
) -> list[Path]:
    """Write the whole site as static files under `directory`; returns the files written.

    `base_url` is prefixed to links (canonical, feed, sitemap); '' keeps them root-relative.
    """
    root = Path(directory)
    written: list[Path] = []
    for path, page in render_pages(load_corpus(), base_url, _aware(reference)).items():
        target = root / ("index.html" if path == "/" else path.lstrip("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.body)
        written.append(target)
    return written
