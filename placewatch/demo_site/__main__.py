"""Serve the demo site by hand: python -m placewatch.demo_site [--port N]."""

from __future__ import annotations

import argparse
import time

from placewatch.demo_site.server import DemoSite


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted, printing the address."""
    parser = argparse.ArgumentParser(prog="python -m placewatch.demo_site")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with DemoSite(port=args.port) as site:
        print(f"demo site on {site.base_url}/ (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    raise SystemExit(main())
