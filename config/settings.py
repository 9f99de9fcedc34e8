"""The one typed configuration object, loaded once from TOML plus environment variables."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from core.errors import ConfigError

SOURCE_TYPES = ("rss", "sitemap", "page", "mastodon", "reddit", "bluesky")
TERRITORY_KINDS = ("city", "region", "country", "resort", "destination", "site")
STORE_BACKENDS = ("sqlite", "elasticsearch")
UI_LANGS = ("en", "fr")
DEFAULT_CONFIG_FILE = "placewatch.toml"

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(value: str | int) -> timedelta:
    """Parse '30m', '1h', '7d', '2w' or a number of seconds into a timedelta."""
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(seconds=value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 15m, 1h, 7d, 2w)")
    n = int(m.group(1))
    if n <= 0:
        raise ValueError(f"duration must be positive: {value!r}")
    return timedelta(**{_UNITS[m.group(2)]: n})


@dataclass(frozen=True)
class StoreConfig:
    """Where enriched documents live."""

    backend: str = "sqlite"
    path: Path = Path("data/placewatch.db")
    url: str = "http://localhost:9200"
    index_prefix: str = "placewatch"
    api_key: str | None = None  # PLACEWATCH_ES_API_KEY, never in the file
    ca_certs: Path | None = None  # the cluster's CA certificate (PEM), for https URLs
    ca_fingerprint: str | None = None  # PLACEWATCH_ES_CA_FINGERPRINT: SHA-256 of the CA or node certificate
    replicas: int | None = None  # replicas per shard; unset: 0 on one node, 1 on more


@dataclass(frozen=True)
class Territory:
    """A watched place: what marketers call their destination or a competitor."""

    id: str
    name: str
    kind: str = "destination"
    aliases: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None


@dataclass(frozen=True)
class Group:
    """A competitor set: territories compared in share of voice."""

    id: str
    name: str
    territories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """Somewhere to collect from: a feed, a sitemap, a site, a social API."""

    id: str
    type: str
    url: str
    every: timedelta = timedelta(minutes=30)
    hashtags: tuple[str, ...] = ()
    subreddits: tuple[str, ...] = ()
    query: str | None = None
    depth: int = 1
    max_items: int = 500
    enabled: bool = True


@dataclass(frozen=True)
class AlertRule:
    """An alert rule beyond the default volume spike: share-of-voice jump or negative surge."""

    id: str
    kind: str = "spike"  # spike | share_jump | negative_surge
    territories: tuple[str, ...] = ()  # empty: every territory
    group: str | None = None
    # spike: the robust z-score to reach (default 4); share_jump and negative_surge: the rise
    # in share, 0-1 (default 0.15, 15 points over the usual share of the previous week)
    threshold: float | None = None
    recipients: tuple[str, ...] = ()
    webhook: str | None = None


@dataclass(frozen=True)
class AlertsConfig:
    """Spike detection and delivery settings."""

    every: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)
    min_count: int = 5
    cooldown: timedelta = timedelta(hours=6)
    recipients: tuple[str, ...] = ()
    webhook: str | None = None
    digest: str | None = None  # None | "daily" | "weekly"
    dashboard_url: str = "http://127.0.0.1:8501"
    rules: tuple[AlertRule, ...] = ()


@dataclass(frozen=True)
class SmtpConfig:
    """Outgoing mail server; the password comes from PLACEWATCH_SMTP_PASSWORD."""

    host: str = "localhost"
    port: int = 25
    sender: str = "placewatch@localhost"
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 20.0
    # False when the config file has no [smtp] table: alerts are then kept, not emailed,
    # rather than tried against whatever answers on localhost:25.
    configured: bool = True


@dataclass(frozen=True)
class CrawlConfig:
    """Politeness and limits shared by every spider."""

    contact: str = "https://github.com/placewatch/placewatch"
    obey_robots: bool = True
    timeout: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024
    concurrency_per_domain: int = 2
    download_delay: float = 0.0
    autothrottle: bool = True
    enrich_every: timedelta = timedelta(minutes=5)
    extraction_workers: int | None = None  # processes extracting articles; None: one per spare CPU (max 2)


@dataclass(frozen=True)
class UiConfig:
    """Dashboard settings."""

    lang: str = "en"
    host: str = "127.0.0.1"
    port: int = 8501
    territory: str | None = None  # "my" territory, for the overview tiles


@dataclass(frozen=True)
class Config:
    """Everything placewatch needs, loaded once and passed down."""

    path: Path | None = None
    store: StoreConfig = field(default_factory=StoreConfig)
    territories: tuple[Territory, ...] = ()
    groups: tuple[Group, ...] = ()
    sources: tuple[Source, ...] = ()
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    ui: UiConfig = field(default_factory=UiConfig)

    def territory(self, territory_id: str) -> Territory | None:
        return next((t for t in self.territories if t.id == territory_id), None)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


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
    """Validate a parsed TOML document into a Config; errors name the file and the field."""
    where = str(path) if path else "built-in defaults"
    try:
        return _build(data, path, env)
    except _Invalid as exc:
        raise ConfigError(f"{where}: {exc}") from None


class _Invalid(Exception):
    pass


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _Invalid(f"[{key}] must be a table")
    return value


def _array_of_tables(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Invalid(f"[[{key}]] must be an array of tables")
    return value


def _str(table: dict[str, Any], key: str, ctx: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise _Invalid(f"{ctx}: missing required field '{key}'")
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{ctx}: '{key}' must be a non-empty string")
    return value.strip()


def _strs(table: dict[str, Any], key: str, ctx: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"{ctx}: '{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _int(table: dict[str, Any], key: str, ctx: str, default: int, minimum: int = 0) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _Invalid(f"{ctx}: '{key}' must be an integer >= {minimum}")
    return value


def _float(table: dict[str, Any], key: str, ctx: str, default: float | None) -> float | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(f"{ctx}: '{key}' must be a number")
    return float(value)


def _bool(table: dict[str, Any], key: str, ctx: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise _Invalid(f"{ctx}: '{key}' must be true or false")
    return value


def _duration(table: dict[str, Any], key: str, ctx: str, default: timedelta) -> timedelta:
    if key not in table:
        return default
    try:
        return parse_duration(table[key])
    except ValueError as exc:
        raise _Invalid(f"{ctx}: '{key}': {exc}") from None


def _choice(table: dict[str, Any], key: str, ctx: str, choices: tuple[str, ...], default: str) -> str:
    value = table.get(key, default)
    if value not in choices:
        raise _Invalid(f"{ctx}: unknown {key} {value!r} (expected one of: {', '.join(choices)})")
    return str(value)


def _ident(table: dict[str, Any], ctx: str) -> str:
    value = _str(table, "id", ctx)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", value):
        raise _Invalid(f"{ctx}: id {value!r} may hold only letters, digits, '-', '_', '.', ':'")
    return value


def _resolve(path_value: str, base: Path | None) -> Path:
    p = Path(path_value).expanduser()
    if not p.is_absolute() and base is not None:
        p = base.parent / p
    return p


def _build(data: dict[str, Any], path: Path | None, env: dict[str, str]) -> Config:
    known = {"store", "territories", "groups", "sources", "alerts", "smtp", "crawl", "ui"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _Invalid(f"unknown section '{unknown[0]}' (expected: {', '.join(sorted(known))})")

    s = _table(data, "store")
    store = StoreConfig(
        backend=_choice(s, "backend", "[store]", STORE_BACKENDS, "sqlite"),
        path=_resolve(_str(s, "path", "[store]", "data/placewatch.db"), path),
        url=env.get("PLACEWATCH_ES_URL") or _str(s, "url", "[store]", "http://localhost:9200"),
        index_prefix=_str(s, "index_prefix", "[store]", "placewatch"),
        api_key=env.get("PLACEWATCH_ES_API_KEY") or None,
        ca_certs=_resolve(_str(s, "ca_certs", "[store]"), path) if "ca_certs" in s else None,
        ca_fingerprint=env.get("PLACEWATCH_ES_CA_FINGERPRINT") or None,
        replicas=_int(s, "replicas", "[store]", 0) if "replicas" in s else None,
    )

    groups_raw = _array_of_tables(data, "groups")
    group_names: dict[str, str] = {}
    for i, g in enumerate(groups_raw):
        ctx = f"[[groups]] #{i + 1}"
        gid = _ident(g, ctx)
        if gid in group_names:
            raise _Invalid(f"{ctx}: duplicate group id {gid!r}")
        group_names[gid] = _str(g, "name", f"group {gid!r}", gid)

    territories: list[Territory] = []
    seen: set[str] = set()
    for i, t in enumerate(_array_of_tables(data, "territories")):
        ctx = f"[[territories]] #{i + 1}"
        tid = _ident(t, ctx)
        ctx = f"territory {tid!r}"
        if tid in seen:
            raise _Invalid(f"{ctx}: duplicate territory id")
        seen.add(tid)
        groups = _strs(t, "groups", ctx)
        for gid in groups:
            if gid not in group_names:
                group_names[gid] = gid  # a group named only by its members is still a group
        gid_value = t.get("geonames_id")
        if gid_value is not None and (isinstance(gid_value, bool) or not isinstance(gid_value, int)):
            raise _Invalid(f"{ctx}: 'geonames_id' must be an integer")
        territories.append(
            Territory(
                id=tid,
                name=_str(t, "name", ctx),
                kind=_choice(t, "kind", ctx, TERRITORY_KINDS, "destination"),
                aliases=_strs(t, "aliases", ctx),
                exclude=_strs(t, "exclude", ctx),
                groups=groups,
                lat=_float(t, "lat", ctx, None),
                lon=_float(t, "lon", ctx, None),
                geonames_id=gid_value,
            )
        )
    groups_out = tuple(
        Group(id=gid, name=name, territories=tuple(t.id for t in territories if gid in t.groups))
        for gid, name in group_names.items()
    )

    sources: list[Source] = []
    seen = set()
    for i, src in enumerate(_array_of_tables(data, "sources")):
        ctx = f"[[sources]] #{i + 1}"
        sid = _ident(src, ctx)
        ctx = f"source {sid!r}"
        if sid in seen:
            raise _Invalid(f"{ctx}: duplicate source id")
        seen.add(sid)
        stype = _choice(src, "type", ctx, SOURCE_TYPES, "")
        url = _str(src, "url", ctx)
        if not re.match(r"^(https?|file)://", url):
            raise _Invalid(f"{ctx}: url {url!r} must start with http://, https:// or file://")
        sources.append(
            Source(
                id=sid,
                type=stype,
                url=url,
                every=_duration(src, "every", ctx, timedelta(minutes=30)),
                hashtags=tuple(h.lstrip("#") for h in _strs(src, "hashtags", ctx)),
                subreddits=_strs(src, "subreddits", ctx),
                query=src.get("query") if isinstance(src.get("query"), str) else None,
                depth=_int(src, "depth", ctx, 1),
                max_items=_int(src, "max_items", ctx, 500, minimum=1),
                enabled=_bool(src, "enabled", ctx, True),
            )
        )

    a = _table(data, "alerts")
    rules: list[AlertRule] = []
    for i, r in enumerate(a.get("rules", []) if isinstance(a.get("rules", []), list) else []):
        if not isinstance(r, dict):
            raise _Invalid(f"[[alerts.rules]] #{i + 1} must be a table")
        ctx = f"alert rule #{i + 1}"
        rid = _ident(r, ctx)
        ctx = f"alert rule {rid!r}"
        if any(rule.id == rid for rule in rules):
            # the id keys what was sent: a second rule of that id would never be sent
            raise _Invalid(f"{ctx}: duplicate alert rule id")
        kind = _choice(r, "kind", ctx, ("spike", "share_jump", "negative_surge"), "spike")
        rule_territories = _strs(r, "territories", ctx)
        # A misspelt id would leave the rule watching nothing, silently.
        for tid in rule_territories:
            if tid not in seen_territories(territories):
                raise _Invalid(f"{ctx}: territory {tid!r} is not a configured territory")
        group = _str(r, "group", ctx) if "group" in r else None
        if group is not None and group not in group_names:
            raise _Invalid(f"{ctx}: group {group!r} is not a configured group")
        threshold = _float(r, "threshold", ctx, None)
        if threshold is not None and threshold <= 0:
            raise _Invalid(f"{ctx}: 'threshold' must be a positive number")
        if threshold is not None and kind != "spike" and threshold >= 1:
            # share rules take a rise in share (0.15 = 15 points), not a percentage or a z-score
            raise _Invalid(
                f"{ctx}: 'threshold' of a {kind} rule is a rise in share between 0 and 1 "
                f"(0.15 = 15 points), got {threshold:g}"
            )
        rules.append(
            AlertRule(
                id=rid,
                kind=kind,
                territories=rule_territories,
                group=group,
                threshold=threshold,
                recipients=_strs(r, "recipients", ctx),
                webhook=_str(r, "webhook", ctx) if "webhook" in r else None,
            )
        )
    digest = a.get("digest")
    if digest not in (None, "daily", "weekly"):
        raise _Invalid(f"[alerts]: unknown digest {digest!r} (expected daily or weekly)")
    alerts = AlertsConfig(
        every=_duration(a, "every", "[alerts]", timedelta(minutes=15)),
        window=_duration(a, "window", "[alerts]", timedelta(hours=1)),
        min_count=_int(a, "min_count", "[alerts]", 5),
        cooldown=_duration(a, "cooldown", "[alerts]", timedelta(hours=6)),
        recipients=_strs(a, "recipients", "[alerts]"),
        webhook=env.get("PLACEWATCH_WEBHOOK_URL") or (a.get("webhook") or None),
        digest=digest,
        dashboard_url=_str(a, "dashboard_url", "[alerts]", "http://127.0.0.1:8501"),
        rules=tuple(rules),
    )

    m = _table(data, "smtp")
    smtp = SmtpConfig(
        host=_str(m, "host", "[smtp]", "localhost"),
        port=_int(m, "port", "[smtp]", 25, minimum=1),
        sender=_str(m, "sender", "[smtp]", "placewatch@localhost"),
        starttls=_bool(m, "starttls", "[smtp]", False),
        ssl=_bool(m, "ssl", "[smtp]", False),
        username=str(m.get("username", "")),
        password=env.get("PLACEWATCH_SMTP_PASSWORD", ""),
        timeout=_float(m, "timeout", "[smtp]", 20.0) or 20.0,
        configured="smtp" in data,
    )

    c = _table(data, "crawl")
    crawl = CrawlConfig(
        contact=_str(c, "contact", "[crawl]", CrawlConfig.contact),
        obey_robots=_bool(c, "obey_robots", "[crawl]", True),
        timeout=_float(c, "timeout", "[crawl]", 30.0) or 30.0,
        max_page_bytes=_int(c, "max_page_bytes", "[crawl]", 10 * 1024 * 1024, minimum=1024),
        concurrency_per_domain=_int(c, "concurrency_per_domain", "[crawl]", 2, minimum=1),
        download_delay=_float(c, "download_delay", "[crawl]", 0.0) or 0.0,
        autothrottle=_bool(c, "autothrottle", "[crawl]", True),
        enrich_every=_duration(c, "enrich_every", "[crawl]", timedelta(minutes=5)),
        extraction_workers=(
            _int(c, "extraction_workers", "[crawl]", 0) if "extraction_workers" in c else None
        ),
    )

    u = _table(data, "ui")
    ui = UiConfig(
        lang=_choice(u, "lang", "[ui]", UI_LANGS, "en"),
        host=_str(u, "host", "[ui]", "127.0.0.1"),
        port=_int(u, "port", "[ui]", 8501, minimum=1),
        territory=u.get("territory") if isinstance(u.get("territory"), str) else None,
    )
    if ui.territory and ui.territory not in seen_territories(territories):
        raise _Invalid(f"[ui]: territory {ui.territory!r} is not a configured territory")

    return Config(
        path=path,
        store=store,
        territories=tuple(territories),
        groups=groups_out,
        sources=tuple(sources),
        alerts=alerts,
        smtp=smtp,
        crawl=crawl,
        ui=ui,
    )


def seen_territories(territories: list[Territory]) -> set[str]:
    return {t.id for t in territories}
