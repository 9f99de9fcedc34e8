"""Child processes that never outlive the process that started them (a crawl, its workers, Streamlit)."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import threading
import time

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send `sig` to this process when the thread that started it ends (Linux).

    Also when the parent is killed with SIGKILL, which no handler sees. False where the kernel
    offers no such thing (the caller then relies on `follow_parent` or on its pipes closing).
    Meant for children started from a process's main thread: a parent *thread* ending counts.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def follow_parent(interval: float = 0.5, exit_code: int = 70) -> threading.Thread:
    """Leave at once, without cleaning up, when the parent process is gone (a thread polls for it).

    For children started from any thread of their parent: the parent's pid stops being ours
    only when the whole parent process has ended (exited, crashed or killed with SIGKILL).
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                logger.warning("the process that started this one (%d) is gone: stopping", parent)
                os._exit(exit_code)

    watcher = threading.Thread(target=watch, name="follow-parent", daemon=True)
    watcher.start()
    return watcher
