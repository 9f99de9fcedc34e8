"""Extraction workers: pages go out and come back extracted; a worker that dies loses no page."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crawlers.dedupe.index import PERMUTATIONS
from crawlers.dedupe.shingles import shingle_hashes, sketch
from crawlers.exceptions import NotHtmlError
from crawlers.extraction import Extracted, extract_response
from crawlers.extraction.pool import WorkerDied, _Worker
from crawlers.extraction.worker import frame as _frame
from crawlers.extraction.worker import serve

from .conftest import FIXTURES

ARTICLE = (FIXTURES / "site" / "articles" / "val-thorens-ouverture.html").read_bytes()
ROOT = Path(__file__).resolve().parents[2]


def replies(stream: bytes) -> list[tuple[int, bool, object]]:
    found, view = [], memoryview(stream)
    while view:
        size = int.from_bytes(view[:4], "big")
        found.append(pickle.loads(view[4 : 4 + size]))
        view = view[4 + size :]
    return found


def test_worker_extracts_what_the_crawl_process_would() -> None:
    url = "https://news.example/val-thorens"
    requests = io.BytesIO(
        _frame(("permutations", PERMUTATIONS))
        + _frame((1, ARTICLE, url, "utf-8"))
        + _frame((2, b"\x89PNG\r\n\x1a\n\x00\x00", url, None))
    )
    out = io.BytesIO()
    serve(requests, out)
    (seq1, ok1, first), (seq2, ok2, second) = replies(out.getvalue())
    assert (seq1, ok1) == (1, True)
    extracted, values = first
    assert extracted == extract_response(ARTICLE, url, "utf-8")
    assert isinstance(extracted, Extracted) and "Courchevel" not in extracted.text  # comments stay out
    # The sketch near-duplicate grouping needs comes along, computed from that text.
    assert np.array_equal(values, sketch(shingle_hashes(extracted.text), PERMUTATIONS))
    assert len(values) == 64
    # Errors come back as the exception the spider handles (a counted error, not a crash).
    assert (seq2, ok2) == (2, False)
    assert isinstance(second, NotHtmlError)


def test_worker_process_speaks_over_its_pipes() -> None:
    code = "from crawlers.extraction.worker import main; main()"
    url = "https://news.example/val-thorens"
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=_frame(("permutations", PERMUTATIONS)) + _frame((7, ARTICLE, url, None)),
        capture_output=True, cwd=ROOT, timeout=120, check=True,
    )
    [(seq, ok, (extracted, values))] = replies(done.stdout)
    assert (seq, ok) == (7, True)
    assert extracted == extract_response(ARTICLE, url)
    assert np.array_equal(values, sketch(shingle_hashes(extracted.text), PERMUTATIONS))


def test_replies_resolve_their_pages_in_any_order_and_in_pieces() -> None:
    worker = _Worker()
    worker.transport = type("Pipe", (), {"write": lambda self, data: None})()  # type: ignore[assignment]
    first, second = worker.submit(b"<p>a</p>", "u1", None), worker.submit(b"<p>b</p>", "u2", None)
    got: dict[str, object] = {}
    first.addCallback(lambda v: got.__setitem__("first", v))
    second.addErrback(lambda f: got.__setitem__("second", f.value))
    stream = _frame((2, False, NotHtmlError("empty"))) + _frame((1, True, "extracted"))
    for i in range(0, len(stream), 5):  # a pipe delivers arbitrary chunks
        worker.childDataReceived(1, stream[i : i + 5])
    assert got["first"] == "extracted"
    assert isinstance(got["second"], NotHtmlError)
    assert not worker.pending


def test_a_dying_worker_hands_its_pages_back() -> None:
    worker = _Worker()
    worker.transport = type("Pipe", (), {"write": lambda self, data: None})()  # type: ignore[assignment]
    page = worker.submit(b"<p>a</p>", "u1", None)
    failures: list[BaseException] = []
    page.addErrback(lambda f: failures.append(f.value))
    worker.childConnectionLost(1)
    assert not worker.alive
    assert len(failures) == 1 and isinstance(failures[0], WorkerDied)


@pytest.mark.parametrize("charset", [None, "utf-8"])
def test_latin1_declared_utf8_is_reported_with_the_extraction(charset: str | None) -> None:
    body = ARTICLE.decode("utf-8").encode("cp1252")
    got = extract_response(body, "https://news.example/x", charset)
    assert "Péclet" in got.text
    assert got.encoding_warning is not None and "not valid UTF-8" in got.encoding_warning
