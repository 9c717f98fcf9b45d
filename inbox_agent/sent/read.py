"""A message from the author's Sent folder, read for matching: who it went to, what it
answers, and the author's own words (quotes and signature removed)."""

from __future__ import annotations

import email.parser
import email.utils
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy

from inbox_agent.intake.parse import parse_message
from inbox_agent.intake.pull import message_id_of
from inbox_agent.mail.compose import MARKER_HEADER

# "Re:", "RE :", "Re[2]:", "Fwd:", "TR:", "AW:", "SV:", "Antw:", "Réf :", "R:" at the start
_PREFIX = re.compile(r"^\s*(?:re|fwd?|tr|aw|sv|antw|r[ée]f|r|rif|wg)\s*(?:\[\d+\])?\s*:\s*",
                     re.IGNORECASE)


def digest(value: str) -> str:
    """The hash kept of a Message-ID or a matching key (never the value itself)."""
    return hashlib.sha256(value.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]


def normal_subject(subject: str) -> str:
    """The subject without reply and forward prefixes, lowercased, spaces collapsed."""
    text = subject or ""
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.lower().split())


def subject_key(email_address: str, subject: str) -> str:
    """The fallback key of a reply: to whom, about what (hashed)."""
    return digest(f"{email_address.lower()}|{normal_subject(subject)}")


@dataclass(frozen=True)
class SentMail:
    message_hash: str
    from_email: str
    recipients: tuple[str, ...]  # To and Cc, lowercased
    subject: str
    sent_at: datetime | None
    in_reply_to: str
    references: tuple[str, ...]
    marker: str  # our draft marker when the author's client kept it
    text: str  # the author's own words
    language: str

    def refs(self) -> list[str]:
        """The hashes a reply stored later is recognised by (Message-IDs it answers, and
        recipient + subject keys)."""
        ids = [self.in_reply_to, *self.references]
        keys = [subject_key(r, self.subject) for r in self.recipients]
        return list(dict.fromkeys([digest(i) for i in ids if i] + keys))


def read_sent(raw: bytes, arrived: datetime | None = None) -> SentMail:
    mail = parse_message(raw)
    headers = email.parser.BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    marker = " ".join(str(headers.get(MARKER_HEADER, "") or "").split())
    recipients = tuple(
        dict.fromkeys(
            address.lower()
            for _, address in email.utils.getaddresses(
                [mail.headers.get("to", ""), mail.headers.get("cc", "")]
            )
            if "@" in address
        )
    )
    when = mail.date or arrived
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return SentMail(
        message_hash=digest(message_id_of(mail.message_id, raw)),
        from_email=mail.from_email.lower(),
        recipients=recipients,
        subject=mail.subject,
        sent_at=when,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        marker=marker,
        text=mail.reply_text.strip(),
        language=mail.language,
    )
