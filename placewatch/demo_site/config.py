"""The demo configuration: the bundled TOML template filled with a site URL and a database path."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

TEMPLATE = "demo.toml"


def toml_string_body(value: str) -> str:
    """Escape a value for the inside of a TOML basic string (JSON escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def config_template() -> str:
    """The raw demo.toml template, with its {base_url} and {db_path} placeholders."""
    return resources.files("placewatch.demo_site").joinpath(TEMPLATE).read_text("utf-8")


def render_config(base_url: str, db_path: str | Path) -> str:
    """The demo config as TOML text, pointing at the served site and the given database."""
    text = config_template()
    text = text.replace("{base_url}", toml_string_body(base_url.rstrip("/")))
    return text.replace("{db_path}", toml_string_body(str(db_path)))
