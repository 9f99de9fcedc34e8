"""Serving the Streamlit app as a child process (`placewatch dashboard`, the demo's last step)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from config import Config
from core.processes import die_with_parent
from dashboard.auth import check_exposure, secrets_files

APP = Path(__file__).resolve().parent / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """The command line that serves the dashboard app headless on host:port."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
    ]


class _Stop(Exception):
    """A signal asked `placewatch dashboard` to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signum)


def _stop(proc: subprocess.Popen[bytes], signum: int, grace: float = 10.0) -> None:
    """Pass the signal on to Streamlit; if it has not let go of its port within `grace`, kill it."""
    if proc.poll() is not None:
        return
    proc.send_signal(signum)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve_dashboard(config: Config, host: str, port: int) -> int:
    """Serve the Streamlit app until interrupted; returns its exit code.

    Beyond loopback only with a way to sign in (ConfigError otherwise, before anything listens).
    SIGTERM, SIGHUP and Ctrl-C are passed on to Streamlit, which gets 10 s to stop before it is
    killed: it never keeps the port after `placewatch dashboard` is gone. Killed outright
    (SIGKILL), this process takes Streamlit with it (Linux).
    """
    env = dict(os.environ)
    check_exposure(host, env, secrets_files(Path.cwd(), Path.home()))
    if config.path is not None:
        env["PLACEWATCH_CONFIG"] = str(Path(config.path).resolve())
    main = threading.current_thread() is threading.main_thread()
    proc = subprocess.Popen(streamlit_command(host, port), env=env,
                            preexec_fn=die_with_parent if main else None)
    handled = (signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in handled} if main else {}
    try:
        return proc.wait()
    except KeyboardInterrupt:
        _stop(proc, signal.SIGINT)
        return 0
    except _Stop as stop:
        _stop(proc, stop.signum)
        return 128 + stop.signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = ["serve_dashboard", "streamlit_command"]
