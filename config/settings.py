"""Loading the one configuration object: a TOML file plus the environment, validated once.

The shape and every default live in `config.model`; this module reads the file, brings in what
only the environment may hold (secrets, `PLACEWATCH_ES_URL`), checks what refers to what, and
turns any problem into one `ConfigError` line naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from config.explain import NOT_IN_FILE, describe
from config.fields import parse_duration, shown
from config.model import (
    CREDENTIAL_VARIABLES,
    AlertRule,
    AlertsConfig,
    Config,
    CrawlConfig,
    Credentials,
    Group,
    NlpConfig,
    SmtpConfig,
    Source,
    StoreConfig,
    Territory,
    UiConfig,
)
from core.errors import ConfigError

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "AlertRule",
    "AlertsConfig",
    "Config",
    "CrawlConfig",
    "Credentials",
    "Group",
    "NlpConfig",
    "SmtpConfig",
    "Source",
    "StoreConfig",
    "Territory",
    "UiConfig",
    "load_config",
    "parse_config",
    "parse_duration",
]

DEFAULT_CONFIG_FILE = "placewatch.toml"

# (section, key) <- environment variable; a set, non-empty variable wins over the file.
_FROM_ENV = {
    ("store", "url"): "PLACEWATCH_ES_URL",
    ("store", "api_key"): "PLACEWATCH_ES_API_KEY",
    ("store", "ca_fingerprint"): "PLACEWATCH_ES_CA_FINGERPRINT",
    ("smtp", "password"): "PLACEWATCH_SMTP_PASSWORD",
    ("alerts", "webhook"): "PLACEWATCH_WEBHOOK_URL",
}


class _Invalid(Exception):
    """A problem found after validation: where it is, and what it is."""


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Load the config file (or `placewatch.toml` if present, else defaults) plus environment."""
    env = dict(os.environ) if env is None else env
    if path is None:
        candidate = Path(DEFAULT_CONFIG_FILE)
        if not candidate.exists():
            return parse_config({}, None, env)
        path = candidate
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return parse_config(data, path, env)


def parse_config(data: dict[str, Any], path: Path | None, env: dict[str, str]) -> Config:
    """Validate a parsed TOML document into a Config; errors name the file and the key."""
    where = str(path) if path else "built-in defaults"
    try:
        _refuse_what_the_file_may_not_set(data)
        config = _validator().validate_python({**_with_environment(data, env), "path": path})
        if "smtp" not in data:
            config = dataclasses.replace(config, smtp=dataclasses.replace(config.smtp, configured=False))
        return _checked(_with_groups(_with_store_path(config, path)))
    except ValidationError as exc:
        raise ConfigError(f"{where}: {describe(exc.errors(include_url=False)[0], data)}") from None
    except _Invalid as exc:
        raise ConfigError(f"{where}: {exc}") from None


@cache
def _validator() -> TypeAdapter[Config]:
    return TypeAdapter(Config)


def _refuse_what_the_file_may_not_set(data: dict[str, Any]) -> None:
    """Secrets and derived values have a key in Config but none in the file."""
    if "path" in data:
        raise _Invalid("unknown section 'path'")
    for section, keys in NOT_IN_FILE.items():
        for table, label in _tables(data, section):
            for key, reason in keys.items():
                if key in table:
                    raise _Invalid(f"{label}: {key!r} cannot be set in the file: {reason}")


def _tables(data: dict[str, Any], name: str) -> Iterable[tuple[dict[str, Any], str]]:
    value = data.get(name) if name else None
    if isinstance(value, dict):
        yield value, f"[{name}]"
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield item, f"[[{name}]] #{i + 1}"


def _with_environment(data: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """The document with the environment's values in place of (or beside) the file's."""
    merged = dict(data)
    for (section, key), variable in _FROM_ENV.items():
        value = env.get(variable)
        table = merged.get(section, {})
        if value and isinstance(table, dict):
            merged[section] = {**table, key: value}
    sources = merged.get("sources")
    if isinstance(sources, list):
        merged["sources"] = [_with_credentials(s, env) for s in sources]
    return merged


def _with_credentials(source: Any, env: dict[str, str]) -> Any:
    """A social source's table with the secrets its variables hold (the file names, never holds, them)."""
    if not isinstance(source, dict) or not isinstance(source.get("type"), str):
        return source  # validation says what is wrong with the table or its type
    if source["type"] not in CREDENTIAL_VARIABLES:
        return source
    names = source.get("token_env") or list(CREDENTIAL_VARIABLES[source["type"]])
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return source  # validation says what is wrong with token_env
    values = [env.get(name.strip(), "").strip() for name in names]
    return {**source, "credentials": {"names": [n.strip() for n in names], "values": values}}


def _with_store_path(config: Config, path: Path | None) -> Config:
    """Relative store paths are relative to the config file (to the working directory without one)."""
    store = config.store
    ca_certs = _resolve(store.ca_certs, path) if store.ca_certs is not None else None
    store = dataclasses.replace(store, path=_resolve(store.path, path), ca_certs=ca_certs)
    return dataclasses.replace(config, store=store)


def _resolve(file: Path, config_file: Path | None) -> Path:
    file = file.expanduser()
    return config_file.parent / file if not file.is_absolute() and config_file is not None else file


def _with_groups(config: Config) -> Config:
    """Each group with its members; a group named only by its members is still a group."""
    _unique("group", [g.id for g in config.groups])
    declared = {g.id: g for g in config.groups}
    for t in config.territories:
        for gid in t.groups:
            declared.setdefault(gid, Group(id=gid, name=gid))
    groups = tuple(
        dataclasses.replace(g, territories=tuple(t.id for t in config.territories if g.id in t.groups))
        for g in declared.values()
    )
    return dataclasses.replace(config, groups=groups)


def _checked(config: Config) -> Config:
    """What refers to what: unique ids, rules and the dashboard naming configured territories."""
    _unique("territory", [t.id for t in config.territories])
    _unique("source", [s.id for s in config.sources])
    _unique("alert rule", [r.id for r in config.alerts.rules])
    territories = [t.id for t in config.territories]
    groups = [g.id for g in config.groups]
    for rule in config.alerts.rules:
        for tid in rule.territories:  # a misspelt id would leave the rule watching nothing, silently
            _known(f"alert rule {shown(rule.id)}: territory", tid, territories)
        if rule.group is not None:
            _known(f"alert rule {shown(rule.id)}: group", rule.group, groups)
    if config.ui.territory is not None:
        _known("[ui]: territory", config.ui.territory, territories)
    for source in config.sources:
        if source.per_territory and not territories:
            raise _Invalid(f"source {source.id!r}: per_territory asks once per territory: add [[territories]]")
    return config


def _unique(label: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            # the id keys what is stored and sent: a second one would shadow the first
            raise _Invalid(f"{label} {shown(ident)}: duplicate {label} id")
        seen.add(ident)


def _known(what: str, ident: str, known: list[str]) -> None:
    if ident not in known:
        kind = what.rsplit(" ", 1)[-1]
        match = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
        hint = f" (did you mean {match[0]!r}?)" if match else ""
        raise _Invalid(f"{what} {shown(ident)} is not a configured {kind}{hint}")
