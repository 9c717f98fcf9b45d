"""One small tree of errors whose message is shown to the user as it is.

Each error says what went wrong (`message`) and, apart, what to do about it (`hint`); the
CLI prints the hint on its own line and the review page under the message.
"""

from __future__ import annotations


class InboxAgentError(Exception):
    """An error with a message meant for the user; the CLI prints it and exits."""

    exit_code = 1

    def __init__(self, message: str = "", *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(InboxAgentError):
    """The configuration is missing, malformed or invalid."""

    exit_code = 2


class MailboxError(InboxAgentError):
    """The mail source (IMAP server, Maildir, mbox) failed."""


class AuthError(MailboxError):
    """Login to the mail server was refused."""


class ConnectionLost(MailboxError):
    """The connection dropped or timed out; the caller may reconnect and resume."""


class ParseError(InboxAgentError):
    """A message or archive file could not be read."""


class ArchiveError(InboxAgentError):
    """An archive import failed; nothing was changed in the index."""


class IndexError_(InboxAgentError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The search index (Chroma) failed or does not match the configuration."""


class DraftError(InboxAgentError):
    """Drafting failed (model unreachable, invalid output)."""


class StoreError(InboxAgentError):
    """The state database failed or is from a newer version."""


class LockBusy(InboxAgentError):
    """Another inbox-agent process holds the lock."""

    exit_code = 3


class WebError(InboxAgentError):
    """The review page cannot be served (address in use, host unknown)."""
