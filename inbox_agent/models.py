"""Plain data passed between the stages. No I/O here."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


class ReplyKind(enum.StrEnum):
    """What a received message is, as far as drafting is concerned."""

    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    UNSUBSCRIBE = "unsubscribe"
    OTHER = "other"


class DraftStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SKIPPED = "skipped"
    FAILED = "failed"
    ANSWERED = "answered"  # the author answered from their own mail program


@dataclass(frozen=True)
class MailRef:
    """Where a message lives: unique per (account, folder, uidvalidity, uid)."""

    account: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class FetchedMail:
    """A message as a source hands it over: raw bytes, or None when not fetched."""

    ref: MailRef
    raw: bytes | None
    size: int
    internaldate: datetime | None = None
    skip_reason: str | None = None  # e.g. "too large: 12.3 MB > 10 MB"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


# A ParsedMail defect starting with this means the reader's words could not be read from the
# body (MIME nested beyond reading, say): triage sets such mail apart with the defect as reason.
UNREADABLE = "body not read in full"


@dataclass(frozen=True)
class ParsedMail:
    """What parse.parse_message() extracts from RFC 822 bytes."""

    message_id: str
    subject: str
    from_email: str
    from_name: str
    first_name: str
    reply_to: str  # the address to answer: Reply-To when present, else From
    date: datetime | None
    in_reply_to: str
    references: tuple[str, ...]
    body_text: str  # the whole text body (HTML converted), quotes included
    reply_text: str  # the reader's own words: no quoted history, no signature
    quoted_text: str  # the quoted history that was removed
    language: str  # ISO 639-1 code, "" when unknown
    headers: dict[str, str]  # selected headers, lower-case names, for triage
    content_type: str
    attachments: tuple[Attachment, ...] = ()
    defects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Triage:
    kind: ReplyKind
    reason: str  # why this kind, for the reviewer and the logs
    issue_number: int | None = None  # the newsletter issue it answers, when found
    intent: str = ""  # thanks / question / disagreement / idea / story / correction / other


@dataclass(frozen=True)
class Issue:
    """One newsletter issue from the archive."""

    key: str  # stable identity inside the archive (slug or file stem)
    title: str
    text: str
    number: int | None = None
    date: str = ""  # ISO date, YYYY-MM-DD
    url: str = ""
    tags: tuple[str, ...] = ()
    language: str = ""
    message_id: str = ""  # Message-ID of the sent issue, when known
    source: str = ""  # file or export it came from


@dataclass(frozen=True)
class Chunk:
    id: str  # "<issue key>#<n>"
    issue_key: str
    text: str
    content_hash: str
    position: int
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """A retrieved issue with the passages that matched."""

    issue_key: str
    title: str
    url: str
    number: int | None
    date: str
    score: float
    passages: tuple[str, ...] = ()
    answered: bool = False  # the issue the reader answered


@dataclass
class Draft:
    text: str
    language: str
    cited: list[Evidence] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    drafter: str = "grounded"  # "grounded" or the model name
    reused_reply: int | None = None  # the earlier reply whose sent answer the draft adapts
    reuse_score: float | None = None  # how close that reply is to this one (cosine)


# Progress of a long step: (stage, done, total), e.g. ("embedding", 40, 120).
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class RunReport:
    fetched: int = 0
    replies: int = 0
    set_apart: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    drafted: int = 0
    draft_failed: int = 0
    redrafted: int = 0  # drafts written while the archive was empty, written again
    sent_read: int = 0  # messages read from the author's Sent folder
    answered: int = 0  # stored replies found answered in the Sent folder
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the author should know, one line each

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}

    def summary(self) -> str:
        return (
            f"{self.fetched} new messages: {self.replies} replies, {self.set_apart} set apart "
            f"(auto-replies, bounces, unsubscribes), {self.duplicates} duplicates, "
            f"{self.skipped} skipped, {self.failed} failed; {self.drafted} drafts written"
            + (f", {self.draft_failed} drafts failed" if self.draft_failed else "")
            + (f" ({self.redrafted} written again now that the archive is imported)"
               if self.redrafted else "")
            + (f"; {self.answered} replies found answered in Sent" if self.answered else "")
        )


# --- the answer memory --------------------------------------------------------------

MEMORY_KEY = re.compile(r"reply-(\d+)")


def memory_key(reply_id: int) -> str:
    """The answer-memory (style memory) key of a stored reply's answer."""
    return f"reply-{reply_id}"


def memory_reply(key: str) -> int | None:
    """The stored reply an answer-memory key is about; None for another kind of key."""
    found = MEMORY_KEY.fullmatch(key or "")
    return int(found.group(1)) if found else None
