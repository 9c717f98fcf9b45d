"""Builds the adapters a use case needs from the Config: state database, mail source, index.

Use cases receive what they need (a connection, a source, an index); the entry points and
the top use cases in `inbox_agent.pipeline` build them here, once per run.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from inbox_agent.config import Config
from inbox_agent.config.credentials import imap_password
from inbox_agent.errors import InboxAgentError, MailboxError
from inbox_agent.mail.local import MaildirSource, MboxSource
from inbox_agent.mail.source import MailSource, SentBox
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.store import db as store


def open_state(config: Config) -> sqlite3.Connection:
    return store.connect(config.state.db)


@contextlib.contextmanager
def state(config: Config) -> Iterator[sqlite3.Connection]:
    """The state database for one block, closed when it ends."""
    conn = open_state(config)
    try:
        yield conn
    finally:
        conn.close()


def _maildir(config: Config) -> MailSource:
    return MaildirSource(
        config.source.path,
        drafts_path=config.source.drafts_path,
        max_message_mb=config.imap.max_message_mb,
    )


def _mbox(config: Config) -> MailSource:
    return MboxSource(config.source.path, max_message_mb=config.imap.max_message_mb)


def imap_source(config: Config) -> MailSource:
    """The configured IMAP account (also the home of an archive of sent issues)."""
    from inbox_agent.mail.imap import ImapSource  # imapclient is loaded for IMAP users only

    return ImapSource(config.imap, lambda: imap_password(config))


# `[source] kind` -> the mail source it names; config.py validates the same names.
SOURCE_KINDS: dict[str, Callable[[Config], MailSource]] = {
    "maildir": _maildir,
    "mbox": _mbox,
    "imap": imap_source,
}


def make_source(config: Config) -> MailSource:
    return SOURCE_KINDS[config.source.kind](config)


def make_index(config: Config, embeddings=None) -> ArchiveIndex:
    """The archive index; it connects to Chroma lazily, at its first use."""
    return ArchiveIndex(config.index, embeddings=embeddings)


def local_sent_source(config: Config) -> MailSource:
    """The Maildir (a folder with cur/ and new/) or mbox file of `[sent] path`, read-only;
    a relative path is read from the config file's folder."""
    path = Path(config.sent.path).expanduser()
    if not path.is_absolute():
        path = (config.path.parent / path).resolve()
    if path.is_dir():
        return MaildirSource(path, max_message_mb=config.imap.max_message_mb)
    if not path.is_file():
        raise MailboxError(f"no sent mail at {path} (a Maildir folder or an mbox file)",
                           hint="set `path` in the [sent] section of the config")
    return MboxSource(path, max_message_mb=config.imap.max_message_mb)


def sent_box(config: Config, source: MailSource, notices: list[str]) -> SentBox | None:
    """The author's sent mail next to this source, or None (with a notice when the author
    would expect one): `[sent] path` for a local source, the IMAP account's Sent folder."""
    if not config.sent.enabled:
        return None
    if config.sent.path:
        try:
            return SentBox(local_sent_source(config), "INBOX")
        except InboxAgentError as err:
            notices.append(f"the Sent folder is not read: {err} ({err.hint})")
            return None
    finder = getattr(source, "sent_folder", None)
    if finder is None:
        return None  # a local inbox without [sent] path: there is no sent mail to read
    try:
        with source:
            folder = finder(config.sent.folder or config.send.sent_folder)
    except InboxAgentError as err:
        notices.append(f"the Sent folder is not read: {err}")
        return None
    if folder is None:
        notices.append("no Sent folder found on the server: set [sent] folder to its name")
        return None
    return SentBox(source, folder)
