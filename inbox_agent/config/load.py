"""config.toml -> a validated Config: find the file, read it, check names, types and ranges,
resolve paths (inputs against the file's folder, data against home), then run the rules of
checks.py. Every error names the file and the key, and says what to do."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
import tomllib
import typing
from pathlib import Path

from inbox_agent.config.checks import CHECKS
from inbox_agent.config.settings import (
    CHOICES,
    CONFIG_ENV,
    HOME_ENV,
    INPUT_PATHS,
    RANGES,
    SECTIONS,
    SINCE_LAST_ISSUE,
    Config,
)
from inbox_agent.errors import ConfigError

SECRET_KEY = re.compile(r"pass(word)?$|secret|token$|api_?key$", re.IGNORECASE)
ADDRESS = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+")


def find_config(explicit: str | Path | None = None) -> Path:
    """The config file to use: --config, $INBOX_AGENT_CONFIG, $INBOX_AGENT_HOME, ./, ~/.config."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    candidates = []
    if os.environ.get(HOME_ENV):
        candidates.append(Path(os.environ[HOME_ENV]).expanduser() / "config.toml")
    candidates += [Path.cwd() / "config.toml", Path.home() / ".config/inbox-agent/config.toml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ConfigError(
        "no config.toml found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "): pass --config PATH or set INBOX_AGENT_HOME"
    )


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate a config file; every error names the file and the key."""
    config_path = find_config(path).resolve()
    try:
        raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{config_path}: file not found", hint="pass --config PATH") from err
    except IsADirectoryError:
        raise ConfigError(f"{config_path} is a folder, not a config file",
                          hint=f"pass --config {config_path / 'config.toml'}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{config_path}: cannot read it ({err})") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{config_path}: not valid TOML: {err}") from err
    return parse_config(raw, config_path)


def parse_config(raw: dict, config_path: Path) -> Config:
    """Build a Config from parsed TOML, validating names, types and choices."""
    where = str(config_path)
    home = Path(os.environ.get(HOME_ENV) or config_path.parent).expanduser().resolve()
    if home.exists() and not home.is_dir():
        named = f"{HOME_ENV}={home}" if os.environ.get(HOME_ENV) else str(home)
        raise ConfigError(f"{named} is a file, not a folder",
                          hint=f"point {HOME_ENV} to the folder for inbox-agent's data")
    sections: dict[str, object] = {}
    for name, value in raw.items():
        if name not in SECTIONS:
            raise ConfigError(f"{where}: unknown section [{name}]{_suggest(name, SECTIONS)}")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{name}] must be a table of keys, not a single value")
        sections[name] = _build_section(name, value, where, config_path.parent, home)
    for name in SECTIONS:
        if name not in sections:
            sections[name] = _build_section(name, {}, where, config_path.parent, home)
    config = Config(**sections, path=config_path, home=home)
    _check_required(config, where)
    return config


def _build_section(name: str, values: dict, where: str, config_dir: Path, home: Path) -> object:
    cls = _section_class(name)
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known and SECRET_KEY.search(key):
            raise ConfigError(
                f"{where}: {name}.{key}: secrets never go in config.toml",
                hint="remove it; name an environment variable (password_env, api_key_env), "
                "a password_command or keyring = true instead",
            )
        if key not in known:
            raise ConfigError(f"{where}: unknown key {name}.{key}{_suggest(key, known)}")
        kwargs[key] = _coerce(name, key, value, hints[key], where)
    for f in dataclasses.fields(cls):
        value = kwargs.get(f.name, f.default)
        if hints[f.name] is Path:
            base = config_dir if (name, f.name) in INPUT_PATHS else home
            kwargs[f.name] = (base / Path(value).expanduser()).resolve()
    return cls(**kwargs)


def _section_class(name: str) -> type:
    return typing.get_type_hints(Config)[name]


def _coerce(section: str, key: str, value: object, hint: object, where: str) -> object:
    label = f"{where}: {section}.{key}"
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{label} must be a whole number, got {value!r}")
        if value < 0:
            raise ConfigError(f"{label} must not be negative, got {value}")
        return _in_range(section, key, value, label)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{label} must be a number, got {value!r}")
        return _in_range(section, key, float(value), label)
    if hint in (str, Path):
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be a text in quotes, got {value!r}")
        choices = CHOICES.get((section, key))
        if choices and value not in choices:
            raise ConfigError(f"{label} must be one of {', '.join(choices)}; got {value!r}")
        return value
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f'{label} must be a list of texts, like ["INBOX"]; got {value!r}')
        return tuple(value)
    raise ConfigError(f"{label}: unsupported setting type")  # pragma: no cover


def _in_range(section: str, key: str, value: float, label: str) -> float:
    low, high, hint = RANGES.get((section, key), (None, None, ""))
    if low is not None and not low <= value <= high:
        raise ConfigError(f"{label} must be between {low:g} and {high:g}, got {value:g}",
                          hint=hint)
    return value


def _check_required(config: Config, where: str) -> None:
    if not config.author.email:
        raise ConfigError(
            f"{where}: author.email is missing", hint="set the address you answer from"
        )
    if not ADDRESS.fullmatch(config.author.email):
        raise ConfigError(f"{where}: author.email must be an address like you@example.org, "
                          f"got {config.author.email!r}")
    if config.source.kind == "imap":
        for key in ("host", "username"):
            if not getattr(config.imap, key):
                raise ConfigError(f"{where}: imap.{key} is missing (source.kind is imap)")
    if config.archive.kind == "imap" and not config.archive.imap_folder:
        raise ConfigError(f"{where}: archive.imap_folder is missing (archive.kind is imap)")
    cap = config.imap.max_message_mb
    if not cap > 0:  # 0 or less would skip every message
        raise ConfigError(f"{where}: imap.max_message_mb must be more than 0, not {cap:g}",
                          hint="10, the default, suits most mail")
    since = config.source.since
    if since and since != SINCE_LAST_ISSUE:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            raise ConfigError(
                f'{where}: source.since must be a date like "2026-06-01", "{SINCE_LAST_ISSUE}" '
                f"(mail received since the latest issue of the archive) or empty; got {since!r}"
            ) from None
    for check in CHECKS:
        check(config, where)


def _suggest(word: str, options: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]}?)" if close else ""
