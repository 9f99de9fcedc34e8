"""Scrapy settings a self-hosted service must not leave at Scrapy's defaults."""

from __future__ import annotations

from scrapy.settings import Settings

from config.settings import CrawlConfig
from crawlers.settings import crawl_settings


def test_no_remote_code_execution_server_and_no_telnet_console() -> None:
    settings = Settings(crawl_settings(CrawlConfig()))
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    # Not merely disabled: Scrapy would still import them (aiohttp for the remote control).
    extensions = settings.get_component_priority_dict_with_base("EXTENSIONS")
    assert not any(name.endswith((".RemoteControl", ".TelnetConsole")) for name in extensions)
    assert any(name.endswith(".AutoThrottle") for name in extensions)  # the rest is kept


def test_user_agent_names_placewatch_and_the_contact() -> None:
    settings = Settings(crawl_settings(CrawlConfig(contact="mailto:office@tignes.example")))
    assert settings["USER_AGENT"].startswith("placewatch/")
    assert "mailto:office@tignes.example" in settings["USER_AGENT"]
    assert settings.getbool("ROBOTSTXT_OBEY") is True
