"""Pure: build the threaded reply message to a reader (RFC 5322 bytes). No I/O."""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid, parsedate_to_datetime

from inbox_agent.mail.headers import clean_address, clean_name, header_text

MARKER_HEADER = "X-Inbox-Agent-Draft"

# "Re:", "RE :", "Re[2]:", "AW:", "SV:", "Antw:" at the start, any number of times.
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
# A Message-ID as it may be written back: printable ASCII between angle brackets.
_MSGID = re.compile(r"<[!-;=?-~]+>")
_FR_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class Original:
    """The reader's message being answered, as stored."""

    message_id: str
    subject: str
    from_email: str
    from_name: str = ""
    reply_to: str = ""
    references: str = ""  # space-separated Message-IDs
    in_reply_to: str = ""
    date: str = ""  # ISO 8601 or RFC 2822
    text: str = ""  # what to quote (the reader's words)


@dataclass(frozen=True)
class Author:
    name: str
    email: str


def reply_subject(subject: str) -> str:
    """`Re: ` once: earlier Re:/RE:/AW: prefixes are dropped, TR:/Réf/Fwd are kept."""
    rest = subject.strip()
    while True:
        stripped = _REPLY_PREFIX.sub("", rest, count=1)
        if stripped == rest:
            break
        rest = stripped
    return f"Re: {rest}" if rest else "Re:"


def references_for(original: Original) -> list[str]:
    """The reader's References (or In-Reply-To when absent) followed by its Message-ID."""
    found = _MSGID.findall(original.references) or _MSGID.findall(original.in_reply_to)
    chain: list[str] = []
    for mid in [*found, _clean_id(original.message_id)]:
        if mid and mid not in chain:
            chain.append(mid)
    return chain


def _clean_id(value: str) -> str:
    """The Message-ID when it is one clean <…> token, else ""."""
    value = value.strip()
    return value if _MSGID.fullmatch(value) else ""


def header_address(address: str) -> str:
    """The address as written in a header: its domain in IDNA (punycode) when not ASCII."""
    local, _, domain = address.strip().rpartition("@")
    if domain and not domain.isascii():
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}" if local else address.strip()


def marker_value(draft_id: int, message_id: str) -> str:
    """`<draft id>-<hash of the reader's Message-ID>`: recognises our own draft later."""
    digest = hashlib.sha256(message_id.strip().encode("utf-8", "replace")).hexdigest()[:16]
    return f"{draft_id}-{digest}"


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def attribution(original: Original, language: str) -> str:
    """`Le 2 octobre 2023 à 09:15, Marie <m@x> a écrit :` or `On … wrote:`."""
    # body text, not a header: the name as the reader wrote it, never an encoded-word
    name = header_text(original.from_name)
    who = f"{name} <{original.from_email}>" if name else original.from_email
    when = _parse_date(original.date)
    if language == "fr":
        if when is None:
            return f"{who} a écrit :"
        day = f"{when.day} {_FR_MONTHS[when.month - 1]} {when.year} à {when:%H:%M}"
        return f"Le {day}, {who} a écrit :"
    if when is None:
        return f"{who} wrote:"
    return f"On {when:%a}, {when.day} {when:%b %Y} at {when:%H:%M}, {who} wrote:"


def quote(text: str) -> str:
    """Each line prefixed with "> " (">" alone for empty lines, ">>" for quoted ones)."""
    lines = text.strip("\n").splitlines() or [""]
    out = []
    for line in lines:
        if not line.strip():
            out.append(">")
        elif line.startswith(">"):
            out.append(">" + line)
        else:
            out.append("> " + line)
    return "\n".join(out)


def reply_body(body: str, original: Original, language: str, *, quote_original: bool) -> str:
    text = body.rstrip() + "\n"
    if quote_original and original.text.strip():
        text += f"\n{attribution(original, language)}\n{quote(original.text)}\n"
    return text


def text_to_html(text: str) -> str:
    """A minimal HTML rendering of a plain-text body: escaped paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    parts = []
    for para in paragraphs:
        lines = [html.escape(line) for line in para.splitlines()]
        if all(line.startswith("&gt;") for line in lines):
            inner = "<br>\n".join(re.sub(r"^(&gt;\s?)+", "", line) for line in lines)
            parts.append(f"<blockquote>{inner}</blockquote>")
        else:
            parts.append("<p>" + "<br>\n".join(lines) + "</p>")
    return '<!DOCTYPE html>\n<html><body>\n' + "\n".join(parts) + "\n</body></html>\n"


def build_reply(
    original: Original,
    author: Author,
    body: str,
    *,
    language: str,
    draft_id: int,
    quote_original: bool = False,
    html_part: bool = False,
    now: datetime | None = None,
) -> EmailMessage:
    """The threaded reply: Re: subject, In-Reply-To, References, From author, To reader."""
    message = EmailMessage(policy=SMTP)
    message["From"] = _mailbox(author.name, author.email)
    to_addr = header_address(clean_address(original.reply_to or original.from_email))
    same = to_addr.lower() == header_address(original.from_email).lower()
    message["To"] = _mailbox(original.from_name if same else "", to_addr)
    message["Subject"] = clean_name(reply_subject(header_text(original.subject)))
    message["Date"] = format_datetime(now or datetime.now(UTC))
    domain = author.email.rpartition("@")[2] or "inbox-agent.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    if _clean_id(original.message_id):
        message["In-Reply-To"] = _clean_id(original.message_id)
    chain = references_for(original)
    if chain:
        message["References"] = " ".join(chain)
    message[MARKER_HEADER] = marker_value(draft_id, original.message_id)
    text = reply_body(body, original, language, quote_original=quote_original)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if html_part:
        message.add_alternative(text_to_html(text), subtype="html", charset="utf-8")
    return message


def _mailbox(name: str, address: str) -> Address:
    local, _, domain = address.rpartition("@")
    return Address(display_name=header_text(name), username=local, domain=domain)


def to_bytes(message: EmailMessage) -> bytes:
    """RFC 5322 bytes; headers in UTF-8 (RFC 6532) only when an address needs it."""
    headers = [message[name] for name in ("From", "To") if message[name]]
    specs = [address.addr_spec for header in headers for address in header.addresses]
    policy = SMTP if all(spec.isascii() for spec in specs) else SMTPUTF8
    return message.as_bytes(policy=policy)
