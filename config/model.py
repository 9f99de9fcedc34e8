"""The configuration's typed shape: one frozen dataclass per section, each default declared once.

pydantic validates them, from a TOML table or when code builds one directly; unknown keys are
refused. Cross-references between sections (a rule naming a territory) are checked by the loader.
"""

from __future__ import annotations

from dataclasses import field
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, model_validator
from pydantic.dataclasses import dataclass

from config.fields import (
    Count,
    Delay,
    Digest,
    Duration,
    EnvNames,
    FilePath,
    Flag,
    Hashtags,
    Ident,
    Idents,
    Latitude,
    Level,
    Longitude,
    OptionalText,
    PageBytes,
    Port,
    PositiveCount,
    RuleKind,
    Seconds,
    SourceType,
    SourceUrl,
    StoreBackend,
    TerritoryKind,
    Text,
    Texts,
    Threshold,
    TimeZone,
    UiLang,
)

_STRICT = ConfigDict(extra="forbid", defer_build=True)

# Where each social source type reads its credentials by default; a source's `token_env` names
# its own variables instead, as many and in this order.
CREDENTIAL_VARIABLES: dict[str, tuple[str, ...]] = {
    "reddit": ("PLACEWATCH_REDDIT_CLIENT_ID", "PLACEWATCH_REDDIT_CLIENT_SECRET"),
    "bluesky": ("PLACEWATCH_BLUESKY_HANDLE", "PLACEWATCH_BLUESKY_APP_PASSWORD"),
    "mastodon": ("PLACEWATCH_MASTODON_TOKEN",),
}
# The API a social source asks when its file names none.
DEFAULT_API_URLS = {"reddit": "https://oauth.reddit.com", "bluesky": "https://bsky.social"}
PER_TERRITORY_TYPES = ("rss", "mastodon", "reddit", "bluesky")


@dataclass(frozen=True, config=_STRICT)
class StoreConfig:
    """Where enriched documents live."""

    backend: StoreBackend = "sqlite"
    path: FilePath = Path("data/placewatch.db")  # relative to the config file
    url: Text = "http://localhost:9200"  # PLACEWATCH_ES_URL overrides
    index_prefix: Ident = "placewatch"
    api_key: str | None = None  # PLACEWATCH_ES_API_KEY, never in the file
    ca_certs: FilePath | None = None  # the cluster's CA certificate (PEM), for https URLs; relative to the config file
    ca_fingerprint: str | None = None  # PLACEWATCH_ES_CA_FINGERPRINT: SHA-256 of the CA or node certificate
    replicas: Count | None = None  # replicas per shard; unset: 0 on one node, 1 on more


@dataclass(frozen=True, config=_STRICT)
class Territory:
    """A watched place: what marketers call their destination or a competitor."""

    id: Ident
    name: Text
    kind: TerritoryKind = "destination"
    aliases: Texts = ()
    exclude: Texts = ()  # phrases that veto a match in the same sentence
    groups: Idents = ()  # competitor sets it belongs to
    lat: Latitude | None = None
    lon: Longitude | None = None
    geonames_id: PositiveCount | None = None


@dataclass(frozen=True, config=_STRICT)
class Group:
    """A competitor set: territories compared in share of voice."""

    id: Ident
    name: Text
    territories: Texts = ()  # derived from the territories' `groups`, never read from the file

    @model_validator(mode="before")
    @classmethod
    def _named_after_id(cls, data: Any) -> Any:
        """A group declared without a name is shown by its id."""
        if isinstance(data, dict) and "name" not in data and "id" in data:
            return {**data, "name": data["id"]}
        return data


@dataclass(frozen=True, config=_STRICT)
class Credentials:
    """A source's secrets, read from the environment variables it names, never from the file."""

    names: tuple[str, ...]  # the variables, in the order the source type reads them
    values: tuple[str, ...] = field(default=(), repr=False)  # "" for a variable that is not set

    @property
    def complete(self) -> bool:
        """True when every variable is set."""
        return len(self.values) == len(self.names) and all(self.values)

    @property
    def missing(self) -> tuple[str, ...]:
        """The variables that are not set."""
        given = dict(zip(self.names, self.values, strict=False))
        return tuple(name for name in self.names if not given.get(name))


@dataclass(frozen=True, config=_STRICT)
class Source:
    """Somewhere to collect from: a feed, a sitemap, a site, a social API."""

    id: Ident
    type: SourceType
    url: SourceUrl  # for APIs: the instance or API base URL (reddit and bluesky have a default)
    every: Duration = timedelta(minutes=30)
    hashtags: Hashtags = ()  # mastodon; a leading '#' is dropped
    subreddits: Texts = ()
    query: Text | None = None  # reddit, bluesky
    depth: Count = 1  # page: how many links deep from the start page
    max_items: PositiveCount = 500
    enabled: Flag = True
    # Asked once per watched territory, the query built from its name and aliases (rss: a
    # {query} placeholder in url; mastodon: hashtags from the names).
    per_territory: Flag = False
    token_url: SourceUrl | None = None  # reddit: the app-only OAuth token endpoint
    feed_url: SourceUrl | None = None  # reddit: the site whose public feeds are read without credentials
    token_env: EnvNames = ()  # the variables holding this source's credentials (default per type)
    credentials: Credentials | None = None  # from the environment, never in the file

    @model_validator(mode="before")
    @classmethod
    def _api_url_by_default(cls, data: Any) -> Any:
        """A Reddit or Bluesky source without a url asks the platform's own API."""
        kind = data.get("type") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind in DEFAULT_API_URLS and "url" not in data:
            return {**data, "url": DEFAULT_API_URLS[kind]}
        return data

    @model_validator(mode="after")
    def _options_fit_the_type(self) -> Source:
        if self.per_territory and self.type not in PER_TERRITORY_TYPES:
            raise ValueError(f"'per_territory' applies to {', '.join(PER_TERRITORY_TYPES)} sources")
        if self.per_territory and self.query is not None:
            raise ValueError("'per_territory' builds the query from each territory's name and aliases: remove 'query'")
        if self.type == "rss" and self.per_territory != ("{query}" in self.url):
            raise ValueError(
                "a per_territory rss source needs a {query} placeholder in its url"
                if self.per_territory
                else "'url' has a {query} placeholder: set per_territory = true"
            )
        if (self.token_url or self.feed_url) and self.type != "reddit":
            raise ValueError("'token_url' and 'feed_url' apply to reddit sources")
        expected = CREDENTIAL_VARIABLES.get(self.type)
        if self.token_env and expected is None:
            raise ValueError(f"'token_env' applies to {', '.join(CREDENTIAL_VARIABLES)} sources")
        if self.token_env and expected is not None and len(self.token_env) != len(expected):
            raise ValueError(
                f"'token_env' of a {self.type} source names {len(expected)} variable(s), like "
                f"the defaults {', '.join(expected)}"
            )
        return self


@dataclass(frozen=True, config=_STRICT)
class AlertRule:
    """An alert rule beyond the default volume spike: share-of-voice jump or negative surge."""

    id: Ident
    kind: RuleKind = "spike"
    territories: Texts = ()  # empty: every territory
    group: Text | None = None
    # spike: the robust z-score to reach (default 4.5); share_jump and negative_surge: the rise
    # in share, 0-1 (default 0.15, 15 points over the usual share of the previous week)
    threshold: Threshold | None = None
    recipients: Texts = ()
    webhook: Text | None = None

    @model_validator(mode="after")
    def _share_threshold_is_a_share(self) -> AlertRule:
        if self.threshold is not None and self.kind != "spike" and self.threshold >= 1:
            # share rules take a rise in share (0.15 = 15 points), not a percentage or a z-score
            raise ValueError(
                f"'threshold' of a {self.kind} rule is a rise in share between 0 and 1 "
                f"(0.15 = 15 points), got {self.threshold:g}"
            )
        return self


@dataclass(frozen=True, config=_STRICT)
class AlertsConfig:
    """Spike detection and delivery settings."""

    every: Duration = timedelta(minutes=15)
    window: Duration = timedelta(hours=1)  # bucket size the detector works on
    min_count: Count = 5
    cooldown: Duration = timedelta(hours=6)
    recipients: Texts = ()
    webhook: Text | None = None  # PLACEWATCH_WEBHOOK_URL overrides
    digest: Digest | None = None
    dashboard_url: Text = "http://127.0.0.1:8501"
    rules: tuple[AlertRule, ...] = ()
    # Share rules alert only on a rise chance would not explain at this level (binomial test).
    significance: Level = 0.01
    timezone: TimeZone | None = None  # IANA name for every time in alert emails; None: the machine's


@dataclass(frozen=True, config=_STRICT)
class SmtpConfig:
    """Outgoing mail server; the password comes from PLACEWATCH_SMTP_PASSWORD."""

    host: Text = "localhost"
    port: Port = 25
    sender: Text = "placewatch@localhost"
    starttls: Flag = False
    ssl: Flag = False
    username: OptionalText = ""
    password: str = field(default="", repr=False)  # never in the file, never in a log line
    timeout: Seconds = 20.0
    # False when the config file has no [smtp] table: alerts are then kept, not emailed,
    # rather than tried against whatever answers on localhost:25.
    configured: bool = True


@dataclass(frozen=True, config=_STRICT)
class CrawlConfig:
    """Politeness and limits shared by every spider."""

    contact: Text = "https://github.com/placewatch/placewatch"  # in the User-Agent
    obey_robots: Flag = True
    timeout: Seconds = 30.0
    max_page_bytes: PageBytes = 10 * 1024 * 1024
    concurrency_per_domain: PositiveCount = 2
    download_delay: Delay = 0.0
    autothrottle: Flag = True
    enrich_every: Duration = timedelta(minutes=5)
    extraction_workers: Count | None = None  # processes extracting articles; None: one per spare CPU (max 2)


@dataclass(frozen=True, config=_STRICT)
class NlpConfig:
    """How documents are analysed."""

    processes: PositiveCount | None = None  # analysis processes for enrich and reanalyze; None: one per core


@dataclass(frozen=True, config=_STRICT)
class UiConfig:
    """Dashboard settings."""

    lang: UiLang = "en"
    host: Text = "127.0.0.1"
    port: Port = 8501
    territory: Text | None = None  # "my" territory, for the overview tiles


@dataclass(frozen=True, config=_STRICT)
class Config:
    """Everything placewatch needs, loaded once and passed down."""

    path: Path | None = None  # the file it was read from, never a key in it
    store: StoreConfig = field(default_factory=StoreConfig)
    territories: tuple[Territory, ...] = ()
    groups: tuple[Group, ...] = ()
    sources: tuple[Source, ...] = ()
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    ui: UiConfig = field(default_factory=UiConfig)

    def territory(self, territory_id: str) -> Territory | None:
        return next((t for t in self.territories if t.id == territory_id), None)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
