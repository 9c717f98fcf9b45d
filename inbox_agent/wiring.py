"""Builds the adapters a use case needs from the Config: state database, mail source, index.

Use cases receive what they need (a connection, a source, an index); the entry points and
the top use cases in `inbox_agent.pipeline` build them here, once per run.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

from inbox_agent.config import Config
from inbox_agent.config.credentials import imap_password
from inbox_agent.mail.local import MaildirSource, MboxSource
from inbox_agent.mail.source import MailSource
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
