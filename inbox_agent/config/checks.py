"""What config.toml values must satisfy beyond their type and range: one rule per function,
each raising a ConfigError that names the file and the key, run at load by `parse_config`.

A mistake found here stops every command at once (exit 2) instead of surfacing later, half-way
through a run.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import zoneinfo
from collections.abc import Callable

from inbox_agent.config.settings import (
    DEFAULT_EMBEDDING,
    EMBEDDING_PROVIDERS,
    LLM_PROVIDERS,
    Config,
    ScheduleSettings,
    is_loopback,
)
from inbox_agent.errors import ConfigError
from inbox_agent.text.language import LANGUAGES

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?")
IP_LIKE = re.compile(r"[0-9.]+|\[?[0-9A-Fa-f:.]+\]?")
COLLECTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,510})[A-Za-z0-9]")
SQLITE_HEADER = b"SQLite format 3\x00"

Check = Callable[[Config, str], None]


def subject_patterns(config: Config, where: str) -> None:
    for pattern in config.newsletter.subject_patterns:
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as err:
            raise ConfigError(f"{where}: newsletter.subject_patterns: {pattern!r} is not a "
                              f"valid regular expression ({err})") from None
        if "number" not in compiled.groupindex:
            raise ConfigError(
                f"{where}: newsletter.subject_patterns: {pattern!r} has no (?P<number>…) group",
                hint=r'the group holds the issue number, e.g. "#\s*(?P<number>\d+)"',
            )


def word_limits(config: Config, where: str) -> None:
    low, high = config.draft.min_words, config.draft.max_words
    if low > high:
        raise ConfigError(f"{where}: draft.min_words ({low}) is more than draft.max_words "
                          f"({high})", hint="the shortest draft cannot be longer than the longest")


def urls(config: Config, where: str) -> None:
    for key, value in (("newsletter.base_url", config.newsletter.base_url),
                       ("llm.base_url", config.llm.base_url), ("index.url", config.index.url)):
        if value and not re.match(r"https?://[^\s/]+", value):
            raise ConfigError(f"{where}: {key} must start with http:// or https://, "
                              f"got {value!r}")


def env_names(config: Config, where: str) -> None:
    """password_env and friends name a variable; a secret pasted there would sit in the file."""
    for key, value in (("imap.password_env", config.imap.password_env),
                       ("send.smtp_password_env", config.send.smtp_password_env),
                       ("llm.api_key_env", config.llm.api_key_env)):
        if value and not ENV_NAME.fullmatch(value):
            raise ConfigError(
                f"{where}: {key} must name an environment variable (like IMAP_PASSWORD), "
                "not hold the secret itself",
                hint=f"remove the value from {where}, then export the secret in a variable",
            )


def llm_model(config: Config, where: str) -> None:
    model = config.llm.model
    if not model:
        return
    provider, _, name = model.partition(":")
    if not name.strip():
        raise ConfigError(
            f"{where}: llm.model = {model!r} names no provider",
            hint='write it as provider:model, e.g. "ollama:mistral-small" or "openai:gpt-4o-mini"',
        )
    if provider not in LLM_PROVIDERS:
        raise ConfigError(f"{where}: llm.model provider {provider!r} is not one of "
                          f"{', '.join(LLM_PROVIDERS)}{_suggest(provider, LLM_PROVIDERS)}")


def embedding(config: Config, where: str) -> None:
    spec = config.index.embedding.strip()
    if spec == DEFAULT_EMBEDDING:
        return
    provider, _, name = spec.partition(":")
    if provider not in EMBEDDING_PROVIDERS or not name.strip():
        raise ConfigError(
            f"{where}: index.embedding {spec!r} is unknown: use {DEFAULT_EMBEDDING!r} (bundled) "
            "or provider:model with provider one of " + ", ".join(EMBEDDING_PROVIDERS)
        )


def collection(config: Config, where: str) -> None:
    name = config.index.collection
    if not name:
        raise ConfigError(f"{where}: index.collection is missing")
    if not COLLECTION.fullmatch(name) or ".." in name:
        raise ConfigError(f"{where}: index.collection {name!r} must be 3 or more letters, "
                          "digits, dots, dashes or underscores, starting and ending with a "
                          "letter or digit")


def timezone(config: Config, where: str) -> None:
    name = config.schedule.timezone
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, zoneinfo.available_timezones(), n=1)
        hint = f"did you mean {close[0]}?" if close else 'a tz name such as "Europe/Paris"'
        raise ConfigError(f"{where}: schedule.timezone {name!r} is not a time zone",
                          hint=hint) from None


def page_language(config: Config, where: str) -> None:
    """web.language: one of the draft languages, or empty for author.default_language."""
    language = config.web.language
    if language and language not in LANGUAGES:
        raise ConfigError(
            f"{where}: web.language must be one of {', '.join(LANGUAGES)}, or \"\" for "
            f"author.default_language; got {language!r}",
            hint="the review page speaks French and English, and English for the others",
        )


def schedule(config: Config, where: str) -> None:
    """The cron fields, read as the worker's scheduler reads them (when not the defaults)."""
    s, default = config.schedule, ScheduleSettings()
    fields = {"day_of_week": s.day_of_week, "hour": s.hour, "minute": s.minute,
              "reindex_day_of_week": s.reindex_day_of_week, "reindex_hour": s.reindex_hour}
    changed = {k: v for k, v in fields.items() if v != getattr(default, k)}
    if not changed:
        return
    from apscheduler.triggers.cron import CronTrigger  # only for a changed schedule

    for key, value in changed.items():
        try:
            CronTrigger(**{key.removeprefix("reindex_"): value})
        except ValueError as err:
            raise ConfigError(f"{where}: schedule.{key} = {value!r} is not a cron field "
                              f"({err})", hint='e.g. day_of_week = "mon", hour = "13-19", '
                              'minute = "*/30"') from None


def hosts(config: Config, where: str) -> None:
    for key, value in (("web.host", config.web.host), ("imap.host", config.imap.host),
                       ("send.smtp_host", config.send.smtp_host)):
        if value and not valid_host(value):
            raise ConfigError(f"{where}: {key} = {value!r} is not a host name or an IP address")


def valid_host(host: str) -> bool:
    """A host name or an IPv4/IPv6 address (what a socket can listen on or connect to)."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare)
        return True
    except ValueError:
        pass
    if IP_LIKE.fullmatch(host):  # 999.1.1.1 or a broken IPv6 address is no host name
        return False
    return bool(HOSTNAME.fullmatch(host))


def mail_settings(config: Config, where: str) -> None:
    imap, send = config.imap, config.send
    if imap.post_action == "move" and not imap.post_move_to:
        raise ConfigError(f'{where}: imap.post_move_to is missing (post_action is "move")',
                          hint="name the folder read replies are moved to")
    if any(not folder.strip() for folder in imap.folders) or (
        config.source.kind == "imap" and not imap.folders
    ):
        raise ConfigError(f'{where}: imap.folders must list folder names, like ["INBOX"]')
    if imap.auth == "xoauth2" and not imap.oauth2_token_command:
        raise ConfigError(f"{where}: imap.oauth2_token_command is missing (auth = xoauth2)",
                          hint="the command prints a fresh access token")
    if (config.source.kind == "imap" and imap.security == "plain"
            and not is_loopback(imap.host)):
        raise ConfigError(
            f'{where}: imap.security = "plain" would send the password unencrypted to '
            f"{imap.host}", hint='use "tls" or "starttls"; plain is for a server on this machine',
        )
    if send.mode == "smtp" and not send.smtp_host:
        raise ConfigError(f'{where}: send.smtp_host is missing (send.mode is "smtp")')


def state_db(config: Config, where: str) -> None:
    """state.db, when it exists, must be an SQLite file (not a folder, not another file)."""
    path = config.state.db
    if path.is_dir():
        raise ConfigError(f"{where}: state.db {path} is a folder", hint="name a file inside it")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return  # created at first use
    except NotADirectoryError:
        raise ConfigError(f"{where}: state.db {path}: a part of that path is a file, not a "
                          "folder", hint="set state.db to a path inside a folder") from None
    except OSError as err:
        raise ConfigError(f"{where}: state.db {path} cannot be read ({err.strerror})",
                          hint="check the file's owner and permissions") from None
    if head and head != SQLITE_HEADER:
        raise ConfigError(f"{where}: state.db {path} is not an inbox-agent database "
                          "(not an SQLite file)",
                          hint="point state.db to a new file, or move that file away")


def _suggest(word: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


CHECKS: tuple[Check, ...] = (subject_patterns, word_limits, urls, env_names, llm_model,
                             embedding, collection, timezone, page_language, schedule, hosts,
                             mail_settings, state_db)
