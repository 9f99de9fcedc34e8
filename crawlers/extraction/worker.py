"""The child side of an extraction worker: pages in on stdin, extracted articles out on stdout.

It imports the extractor and nothing of the crawl (no Scrapy, Twisted or datasketch), so a
worker is ready in a fraction of the time the crawl process took to start.
"""

from __future__ import annotations

import logging
import pickle
import signal
import sys
from typing import Any, BinaryIO

from core.processes import die_with_parent
from crawlers.dedupe.shingles import Permutations, Sketch, shingle_hashes, sketch
from crawlers.extraction import Extracted, extract_response

HEADER = 4  # bytes of the big-endian length before each pickled message


def process_page(
    body: bytes, url: str, charset: str | None = None, permutations: Permutations | None = None
) -> tuple[Extracted, Sketch | None]:
    """What a worker does with one page: the article, and with the crawl's MinHash permutations
    the sketch of its text (near-duplicate grouping needs it; computing it here spares the
    crawl process). None when the text is too short to sketch or no permutations were given."""
    extracted = extract_response(body, url, charset)
    if permutations is None:
        return extracted, None
    return extracted, sketch(shingle_hashes(extracted.text), permutations)


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(HEADER, "big") + data


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """A worker's loop, until EOF: ("permutations", (a, b)) sets the MinHash permutations;
    (seq, body, url, charset) in, (seq, ok, (Extracted, sketch) | exception) out."""
    from nlp import load_language_model

    load_language_model()  # load the model before the first page, not during it
    permutations: Permutations | None = None
    while True:
        header = requests.read(HEADER)
        if len(header) < HEADER:
            return
        message = pickle.loads(requests.read(int.from_bytes(header, "big")))
        if message[0] == "permutations":
            permutations = message[1]
            continue
        seq, body, url, charset = message
        try:
            reply = frame((seq, True, process_page(body, url, charset, permutations)))
        except Exception as exc:  # the crawl process handles it as if raised there
            try:
                reply = frame((seq, False, exc))
            except Exception:  # an exception that does not pickle
                reply = frame((seq, False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        replies.write(reply)
        replies.flush()


def main() -> None:
    """Entry point of a worker process (`python -c`): stdout carries replies, nothing else."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle
    die_with_parent(signal.SIGKILL)  # a crawl killed outright takes its workers with it
    level = int(sys.argv[1]) if len(sys.argv) > 1 else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    replies = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the reply stream
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
