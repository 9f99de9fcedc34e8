"""One crawl per source at a time: who crawls a source now, held in the store and renewed while it runs.

A claim names its crawl (host, process id, a random token) and lasts CLAIM_FOR; the crawl renews
it every RENEW_EVERY seconds. A second crawl of the source is told who holds it and skips it.
A claim whose crawl is gone is taken over: at once when that process ran on this machine and no
longer exists, else when its time has passed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

logger = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=2)
RENEW_EVERY = 30.0  # seconds


def this_crawl() -> str:
    """The owner name of this process's crawl."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _host_and_pid(owner: str) -> tuple[str, int | None]:
    parts = owner.rsplit(":", 2)  # host:pid:token
    if len(parts) != 3 or not parts[1].isdigit():
        return owner, None
    return parts[0], int(parts[1])


def describe(owner: str) -> str:
    """'process 1234 on host' for an owner name."""
    host, pid = _host_and_pid(owner)
    return f"process {pid} on {host}" if pid is not None else owner


def gone(owner: str) -> bool:
    """True when the claiming process ran on this machine and no longer exists."""
    host, pid = _host_and_pid(owner)
    if host != socket.gethostname() or pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # exists, under another user
    return False


def busy_message(owner: str) -> str:
    """The line a second crawl of a source prints."""
    return f"another crawl of this source is running ({describe(owner)}); not crawled twice at once"
