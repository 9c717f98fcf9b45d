"""The `MailSource` protocol: what the pipeline pulls from and saves drafts to.

IMAP (`inbox_agent.mail.imap`), Maildir and mbox (`inbox_agent.mail.local`) implement it;
`inbox_agent.wiring.SOURCE_KINDS` picks one from `[source] kind`. Code above this floor
types against the protocol and never names a backend.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, Self

from inbox_agent.models import FetchedMail

MB = 1024 * 1024


class MailSource(Protocol):
    """A mailbox to pull replies from and to save approved drafts into."""

    account: str

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def folders(self) -> list[str]: ...
    def uidvalidity(self, folder: str) -> int: ...
    def uids(self, folder: str, since: dt.date | None = None) -> list[int]: ...
    def fetch(self, folder: str, uids: Sequence[int]) -> Iterator[FetchedMail]: ...
    def mark_processed(self, folder: str, uids: Sequence[int]) -> None: ...
    def save_draft(self, raw: bytes, *, marker_header: str, marker_value: str) -> str: ...
    def delete_drafts(self, marker_header: str, marker_value: str) -> int: ...


@dataclass
class SentBox:
    """Where the author's sent mail is read: a source and its folder."""

    source: MailSource
    folder: str


_TOO_LARGE = re.compile(r"^too large: (\d+(?:\.\d+)?) MB")


def skipped_size_mb(reason: str) -> float | None:
    """The size recorded in a `too_large_reason`, in MB; None for any other reason."""
    found = _TOO_LARGE.match(reason or "")
    return float(found.group(1)) if found else None


def too_large_reason(size: int, max_message_mb: float) -> str | None:
    """ "too large: 12.3 MB > 10 MB" when `size` bytes exceed the cap, else None."""
    if size <= max_message_mb * MB:
        return None
    return f"too large: {size / MB:.1f} MB > {max_message_mb:g} MB"
