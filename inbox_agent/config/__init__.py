"""config.toml: the typed settings (settings.py), loading and validation (load.py, checks.py)
and where secrets come from (credentials.py). Import the names below from here."""

from inbox_agent.config.load import find_config, load_config, parse_config
from inbox_agent.config.settings import (
    CHOICES,
    CONFIG_ENV,
    HOME_ENV,
    RANGES,
    SINCE_LAST_ISSUE,
    ArchiveSettings,
    AuthorSettings,
    Config,
    DraftSettings,
    ImapSettings,
    IndexSettings,
    LlmSettings,
    NewsletterSettings,
    ScheduleSettings,
    SendSettings,
    SentSettings,
    SourceSettings,
    StateSettings,
    WebSettings,
    is_loopback,
)

__all__ = [
    "CHOICES", "CONFIG_ENV", "HOME_ENV", "RANGES", "SINCE_LAST_ISSUE", "ArchiveSettings",
    "AuthorSettings", "Config", "DraftSettings", "ImapSettings", "IndexSettings", "LlmSettings",
    "NewsletterSettings", "ScheduleSettings", "SendSettings", "SentSettings", "SourceSettings",
    "StateSettings",
    "WebSettings", "find_config", "is_loopback", "load_config", "parse_config",
]
