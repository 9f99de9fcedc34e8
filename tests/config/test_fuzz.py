"""Whatever a config file holds, loading it gives a Config or one ConfigError line, never a traceback.

Three doors: parsed documents shaped like a config (known sections and keys, values near the
edges, the environment's overrides), arbitrary top-level keys, and raw file bytes through TOML.
"""

from __future__ import annotations

import dataclasses
import os
import string
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config import AlertRule, Config, load_config, parse_config
from core.errors import ConfigError

# Bounded: 300 derandomised examples per property (a few seconds each), the same run in CI as
# here; PLACEWATCH_FUZZ_EXAMPLES=5000 explores further with fresh random examples.
EXPLORE = int(os.environ.get("PLACEWATCH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXPLORE or 300, deadline=None, derandomize=not EXPLORE, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# Every section Config has, found from its fields, so a section added later is fuzzed too.
_HINTS = {name: hint for name, hint in get_type_hints(Config).items() if name != "path"}
TABLES = {name: hint for name, hint in _HINTS.items() if dataclasses.is_dataclass(hint)}
ARRAYS = {name: get_args(hint)[0] for name, hint in _HINTS.items() if get_origin(hint) is tuple}
WHERE = Path("fuzz.toml")


def _keys(cls: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


# Values that sit near the edges a loader must know: durations, kinds, ids, URLs, TOML's own types.
LIKELY = st.sampled_from([
    "30m", "0s", "-1h", "1y", "99999999999d", "3650d", "3651d", "rss", "mastodon", "city", "resort",
    "share_jump", "spike", "sqlite", "elasticsearch", "daily", "fr", "en", "a", "b", "alps",
    "http://127.0.0.1:9/feed.xml", "file:///etc/passwd", "ftp://x", "", " ", "Val\nThorens",
    "\u2028", "\x00", "#", "Annecy",
])
SCALARS = st.one_of(
    LIKELY,
    st.text(max_size=12),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 25, 65535, 65536, 1024, 2**63 - 1]),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
)


def _values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
        max_leaves=6,
    )


def _table(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly the keys the table knows, now and then a stranger; mostly plausible values."""
    known = st.sampled_from(_keys(cls))
    keys = st.one_of(known, known, known, st.text(string.ascii_lowercase + "_", min_size=1, max_size=10))
    return st.dictionaries(keys, st.one_of(LIKELY, SCALARS, _values(keys)), max_size=8)


def _rule_tables() -> st.SearchStrategy[dict[str, Any]]:
    return _table(AlertRule).map(lambda t: {"id": "r", **t} if len(t) % 2 else t)


DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        **{name: _table(cls) for name, cls in TABLES.items()},
        **{name: st.lists(_table(cls), max_size=3) for name, cls in ARRAYS.items()},
    },
).flatmap(
    lambda doc: st.just(doc) if not isinstance(doc.get("alerts"), dict) else st.lists(_rule_tables(), max_size=3).map(
        lambda rules: {**doc, "alerts": {**doc["alerts"], "rules": rules}} if rules else doc
    )
)
ENVIRONMENTS = st.dictionaries(
    st.sampled_from(["PLACEWATCH_ES_URL", "PLACEWATCH_ES_API_KEY", "PLACEWATCH_SMTP_PASSWORD",
                     "PLACEWATCH_WEBHOOK_URL", "PLACEWATCH_ES_CA_FINGERPRINT"]),
    st.text(max_size=10) | LIKELY,
    max_size=3,
)


def _config_or_one_line(load: Any) -> None:
    try:
        config = load()
    except ConfigError as exc:
        message = str(exc)
        assert len(message.splitlines()) == 1, message
        assert message.startswith(f"{WHERE}: "), message
    else:
        assert isinstance(config, Config)


@FUZZ
@given(DOCUMENTS, ENVIRONMENTS)
@example({"sources": [{"type": []}]}, {})  # found by exploring: an unhashable type once escaped as a TypeError
def test_any_document_gives_a_config_or_one_line(document: dict[str, Any], env: dict[str, str]) -> None:
    _config_or_one_line(lambda: parse_config(document, WHERE, env))


@FUZZ
@given(st.dictionaries(st.text(max_size=8), _values(st.text(max_size=8)), max_size=4))
def test_any_top_level_keys_give_a_config_or_one_line(document: dict[str, Any]) -> None:
    _config_or_one_line(lambda: parse_config(document, WHERE, {}))


HEADERS = [f"[{t}]" for t in TABLES] + [f"[[{a}]]" for a in ARRAYS] + ["[[alerts.rules]]", "[x]"]
KEYS = sorted({k for cls in (*TABLES.values(), *ARRAYS.values(), AlertRule) for k in _keys(cls)} | {"evrey", "hots"})
LITERALS = ['"30m"', '"0m"', "-5", "0", "1", "70000", "inf", "-inf", "nan", "1e308", "true", '"rss"', '"a"',
            '"http://127.0.0.1/"', '["a", "b"]', "[1, 2]", '"a\\nb"', "1979-05-27", "{ a = 1 }", "[]", '""']
TOML_LINES = st.lists(
    st.sampled_from(HEADERS) | st.builds("{} = {}".format, st.sampled_from(KEYS), st.sampled_from(LITERALS)),
    max_size=12,
).map("\n".join)


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode) | TOML_LINES.map(str.encode))
def test_any_file_gives_a_config_or_one_line(tmp_path_factory: Any, content: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.toml"
    path.write_bytes(content)
    try:
        config = load_config(path, env={})
    except ConfigError as exc:
        assert len(str(exc).splitlines()) == 1 and str(exc).startswith(f"{path}: "), str(exc)
    else:
        assert isinstance(config, Config)
