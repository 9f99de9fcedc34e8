"""Configuration: one typed object loaded from TOML and the environment, passed down."""

from __future__ import annotations

from config.model import CREDENTIAL_VARIABLES
from config.settings import (
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
    load_config,
    parse_config,
    parse_duration,
)

__all__ = [
    "CREDENTIAL_VARIABLES",
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
