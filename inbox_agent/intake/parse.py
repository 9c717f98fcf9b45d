"""RFC 822 bytes -> ParsedMail. Pure: no I/O except parse_file(); never raises on bad mail.

Problems found along the way (bad charsets, broken encoded-words, unparseable dates,
truncated bodies) are recorded as readable strings in ``ParsedMail.defects``.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from inbox_agent.errors import ParseError
from inbox_agent.intake import names
from inbox_agent.intake.quotes import split_reply
from inbox_agent.mail.headers import MAX_HEADER_CHARS as MAX_HEADER_CHARS  # re-exported
from inbox_agent.mail.headers import HeaderReader, decode_bytes, decode_header_value, one_line
from inbox_agent.mail.headers import safe_call as _safe
from inbox_agent.models import UNREADABLE, Attachment, ParsedMail
from inbox_agent.text.html import html_to_text, tree_text, visible_tree
from inbox_agent.text.language import reader_language

MAX_TEXT_CHARS = 200_000  # body text kept and processed per message
MAX_HTML_CHARS = 500_000  # HTML handed to the converter
MAX_PART_BYTES = 4 * MAX_TEXT_CHARS  # raw bytes decoded per text part
MAX_HTML_PART_BYTES = 4 * MAX_HTML_CHARS  # raw bytes decoded per HTML part
MAX_DEPTH = 100  # MIME nesting levels read; real mail nests a handful


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


KEPT_HEADERS = _words(
    "auto-submitted x-autoreply x-autorespond x-autoresponder precedence x-precedence"
    " x-auto-response-suppress list-unsubscribe list-id return-path content-type"
    " x-failed-recipients x-mailer user-agent x-original-to delivered-to to cc reply-to from"
    " subject"
)
_MSGID = re.compile(r"<[^<>\s]+>")


def parse_file(path: str | Path) -> ParsedMail:
    """Read and parse one message file; ParseError names the file when it cannot be read."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as err:
        raise ParseError(f"cannot read mail file {file.name}: {err.strerror or err}") from err
    try:
        return parse_message(raw)
    except ParseError as err:
        raise ParseError(f"{file.name}: {err}") from err


def parse_message(raw: bytes) -> ParsedMail:
    """Parse RFC 822 bytes; only input that is not mail at all raises ParseError."""
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise ParseError("a mail message must be given as bytes")
    raw = bytes(raw)
    if not raw.strip():
        raise ParseError("the message is empty: there is nothing to parse")
    defects: list[str] = []
    try:  # compat32 keeps header values as plain text: they are decoded here, once
        msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception as err:  # noqa: BLE001 - the stdlib parser is not supposed to raise
        # The headers still tell who wrote and about what; the body is not guessed at (read
        # as text it would be raw MIME), so the message is set apart with this reason.
        why = "nested too deeply" if isinstance(err, RecursionError) else type(err).__name__
        defects.append(f"{UNREADABLE}: MIME structure unreadable ({why})")
        msg = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        msg.set_payload("")
    return _build(msg, defects)


def _build(msg: Message, defects: list[str]) -> ParsedMail:
    get = HeaderReader(msg, defects)
    from_name, from_email = get.address("from")
    _, reply_to = get.address("reply-to")
    body = _Body(defects)
    body.collect(msg)
    body_text = body.text()
    reply_text, quoted_text = body.reply_and_quotes(signer=from_name)
    return ParsedMail(
        message_id=_first_id(get("message-id")),
        subject=get("subject"),
        from_email=from_email,
        from_name=from_name,
        first_name=first_name(from_name, from_email, body_text),
        reply_to=reply_to or from_email,
        date=_date(get("date"), defects),
        in_reply_to=_first_id(get("in-reply-to")),
        references=tuple(dict.fromkeys(_MSGID.findall(get("references")))),
        body_text=body_text,
        reply_text=reply_text,
        quoted_text=quoted_text,
        language=reader_language(reply_text or body_text),
        headers={name: value for name in KEPT_HEADERS if (value := get(name))},
        content_type=_safe(msg.get_content_type, "text/plain"),
        attachments=tuple(body.attachments),
        defects=tuple(dict.fromkeys(defects)),
    )


def _first_id(value: str) -> str:
    found = _MSGID.search(value)
    return found.group(0) if found else value.strip()


def first_name(display_name: str, address: str = "", text: str = "") -> str:
    """How to greet the sender: "Dupont, Marie" -> "Marie"; the name signed in `text`
    wins (intake/names.py)."""
    return names.first_name(display_name, address, text)


def _date(value: str, defects: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        defects.append(f"unparseable Date header {value[:60]!r}")
        return None
    if parsed.tzinfo is None:
        defects.append("Date header without a time zone, read as UTC")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


class _Body:
    """Walks the MIME tree: text parts (plain first, else HTML) and attachment metadata."""

    def __init__(self, defects: list[str]) -> None:
        self.defects = defects
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[Attachment] = []
        self._chars = 0
        self._html_chars = 0

    def collect(self, message: Message) -> None:
        """Every part in order, depth first, without recursion, down to MAX_DEPTH levels."""
        stack: list[tuple[Message, int]] = [(message, 0)]
        while stack:
            part, depth = stack.pop()
            if depth > MAX_DEPTH:
                self.defects.append(f"{UNREADABLE}: MIME nesting deeper than {MAX_DEPTH} "
                                    "levels, inner parts not read")
                continue
            if part.is_multipart():
                payload = _safe(part.get_payload, [])
                subs = payload if isinstance(payload, list) else []
                stack.extend((sub, depth + 1) for sub in reversed(subs))
            else:
                self._leaf(part)

    def _leaf(self, part: Message) -> None:
        ctype = _safe(part.get_content_type, "text/plain")
        if ctype.startswith("multipart/") and not part.get_payload():
            return  # a body set aside as unreadable
        if ctype.startswith("multipart/"):
            self.defects.append(f"{ctype} boundary not found, body read as plain text")
            self.plain.append(self._decode(part, "text/plain"))
        elif _is_attachment(part, ctype):
            self.attachments.append(_attachment(part, ctype))
        elif ctype == "text/html":
            self.html.append(self._decode(part, ctype))
        elif ctype.startswith("text/") or ctype == "message/delivery-status":
            self.plain.append(self._decode(part, ctype))

    def _decode(self, part: Message, ctype: str) -> str:
        data = _safe(lambda: part.get_payload(decode=True), b"") or b""
        if not isinstance(data, bytes):
            data = str(data).encode("utf-8", "replace")
        html = ctype == "text/html"
        data = data[: MAX_HTML_PART_BYTES if html else MAX_PART_BYTES]
        charset = _safe(part.get_content_charset, None) or ""
        if charset:
            text, problem = decode_bytes(data, charset)
            if problem == f"bad charset {charset!r}":
                self.defects.append(
                    f"bad charset {charset!r} in {ctype} part, decoded as utf-8 with replacement"
                )
            elif problem:
                self.defects.append(f"{problem} in {ctype} part, replaced")
        else:
            text, problem = decode_bytes(data, "utf-8")
            if problem:
                text = data.decode("cp1252", "replace")
                self.defects.append(f"{ctype} part without charset is not utf-8, read as cp1252")
        if html:  # markup has its own budget: the text it holds is bounded after conversion
            room = max(MAX_HTML_CHARS - self._html_chars, 0)
            if len(text) > room:
                self.defects.append(f"{UNREADABLE}: HTML longer than {MAX_HTML_CHARS} "
                                    "characters, the rest not read")
                text = text[:room]
                if text.rfind("<") > text.rfind(">"):  # not half a tag, read as text
                    text = text[: text.rfind("<")]
            self._html_chars += len(text)
        else:
            room = max(MAX_TEXT_CHARS - self._chars, 0)
            if len(text) > room:
                self.defects.append(f"body text truncated to {MAX_TEXT_CHARS} characters")
                text = text[:room]
            self._chars += len(text)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def text(self) -> str:
        if any(p.strip() for p in self.plain):
            return "\n\n".join(p for p in self.plain if p.strip()).strip()
        text = "\n\n".join(html_to_text(h) for h in self.html if h.strip()).strip()
        return text[:MAX_TEXT_CHARS]

    def reply_and_quotes(self, signer: str = "") -> tuple[str, str]:
        if any(p.strip() for p in self.plain):
            return split_reply(self.text(), signer=signer)
        replies, quotes = [], []
        for html in self.html:
            reply, quoted = html_reply(html, signer=signer)
            replies.append(reply)
            quotes.append(quoted)
        return "\n\n".join(filter(None, replies)), "\n\n".join(filter(None, quotes))


def _is_attachment(part: Message, ctype: str) -> bool:
    disposition = (_safe(part.get_content_disposition, None) or "").lower()
    filename = _safe(part.get_filename, None)
    if disposition == "attachment" or filename:
        return True
    return not (ctype.startswith("text/") or ctype == "message/delivery-status")


def _attachment(part: Message, ctype: str) -> Attachment:
    filename = _filename(part)
    payload = _safe(lambda: part.get_payload(decode=False), "")
    size = len(payload) if isinstance(payload, (str, bytes)) else 0
    if isinstance(payload, list):
        size = sum(len(str(p)) for p in payload)
    cte = str(part.get("content-transfer-encoding", "")).lower()
    if "base64" in cte and isinstance(payload, str):
        packed = re.sub(r"\s", "", payload)
        size = len(packed) * 3 // 4 - (len(packed) - len(packed.rstrip("=")))
    return Attachment(filename=one_line(filename), content_type=ctype, size=size)


def _filename(part: Message) -> str:
    """The attachment's file name; 8-bit and encoded-word names are decoded."""
    items = [
        (name, value)
        for name, value in _safe(part.raw_items, [])
        if name.lower() in ("content-disposition", "content-type")
    ]
    if any(not str(value).isascii() for _, value in items):
        part = Message()  # compat32 would hand 8-bit parameters over as replacement characters
        for name, value in items:
            part[name] = decode_header_value(str(value))[0]
    return decode_header_value(str(_safe(part.get_filename, None) or ""))[0]


# ---- HTML -------------------------------------------------------------------------------

_QUOTE_XPATH = (
    "//blockquote | //div[contains(concat(' ', @class, ' '), ' gmail_quote ')]"
    " | //div[contains(concat(' ', @class, ' '), ' yahoo_quoted ')]"
    " | //div[contains(concat(' ', @class, ' '), ' moz-cite-prefix ')]"
)
_CUT_XPATH = (
    "//*[@id='divRplyFwdMsg'] | //hr[@id='stopSpelling'] | //*[@id='appendonsend']"
    " | //*[@id='mail-editor-reference-message-container']"
    " | //div[contains(@style, 'border-top') and contains(@style, 'solid')]"
)
_CUT_MARK = "\u2063quoted-history\u2063"


def html_reply(html: str, *, strip_signature: bool = True, signer: str = "") -> tuple[str, str]:
    """(reader's words, quoted history) of an HTML body, using the mail programs' markup."""
    tree = visible_tree(html[:MAX_HTML_CHARS])
    if tree is None:
        return "", ""
    quoted = []
    for element in list(tree.xpath(_QUOTE_XPATH)):
        if element.getparent() is None:
            continue
        quoted.append(tree_text(element))
        element.drop_tree()
    cut = tree.xpath(_CUT_XPATH)
    if cut:
        marker = cut[0].makeelement("p")
        marker.text = _CUT_MARK
        cut[0].addprevious(marker)
    text = tree_text(tree)[: MAX_TEXT_CHARS + len(_CUT_MARK)]
    if _CUT_MARK in text:
        text, rest = text.split(_CUT_MARK, 1)
        quoted.insert(0, rest)
    reply, more = split_reply(text, strip_signature=strip_signature, signer=signer)
    return reply, "\n\n".join(q.strip() for q in [more, *quoted] if q.strip())
