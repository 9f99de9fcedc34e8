"""Serving the Streamlit app as a child process (`placewatch dashboard`, the demo's last step)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from config import Config
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


def serve_dashboard(config: Config, host: str, port: int) -> int:
    """Serve the Streamlit app until interrupted; returns its exit code.

    Beyond loopback only with a way to sign in (ConfigError otherwise, before anything listens).
    """
    env = dict(os.environ)
    check_exposure(host, env, secrets_files(Path.cwd(), Path.home()))
    if config.path is not None:
        env["PLACEWATCH_CONFIG"] = str(Path(config.path).resolve())
    proc = subprocess.Popen(streamlit_command(host, port), env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        return 0


__all__ = ["serve_dashboard", "streamlit_command"]
