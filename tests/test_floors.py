"""eval/floors.toml names, for each of its sections, a gate test that exists and reads the floors."""

from __future__ import annotations

import re
import tomllib

from tests.helpers import REPO

FLOORS = REPO / "eval" / "floors.toml"


def test_every_section_names_a_gate_that_exists() -> None:
    text = FLOORS.read_text(encoding="utf-8")
    header = text.split("\n[", 1)[0]
    gates = re.findall(r"tests/[\w/]+\.py", header)
    assert gates, "the header names no gate test"
    for gate in gates:
        path = REPO / gate
        assert path.is_file(), f"eval/floors.toml names {gate}, which does not exist"
        assert "floors" in path.read_text(encoding="utf-8"), f"{gate} does not read the floors"
    for section in tomllib.loads(text):
        assert f"[{section}]" in header, f"the header does not say which gate checks [{section}]"
