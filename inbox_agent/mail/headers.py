"""Mail header values as text. Pure: RFC 2047 encoded-words, 8-bit headers, addresses.

Never raises on bad input: what went wrong comes back as a short text for the defects
of the parsed mail.
"""

from __future__ import annotations

import binascii
import codecs
import email.utils
import re
from collections.abc import Callable
from email.message import Message
from typing import TypeVar

MAX_HEADER_CHARS = 2_000  # longer header values are cut before parsing

T = TypeVar("T")


def safe_call(call: Callable[[], T], default: T) -> T:
    """``call()``, or ``default`` when the stdlib trips over broken mail."""
    try:
        return call()
    except Exception:  # noqa: BLE001
        return default


class HeaderReader:
    """Header values as one line of text, each decoded once; problems become defects."""

    def __init__(self, msg: Message, defects: list[str]) -> None:
        self._defects = defects
        self._raw: dict[str, str] = {}
        self._text: dict[str, str] = {}
        for name, value in safe_call(msg.raw_items, []):
            self._raw.setdefault(name.lower(), str(value))

    def __call__(self, name: str) -> str:
        text = self._text.get(name)
        if text is None:
            text = self._text[name] = self._decode(name, self._cut(name))
        return text

    def _cut(self, name: str) -> str:
        raw = self._raw.get(name, "")
        if len(raw) > MAX_HEADER_CHARS:
            self._defects.append(f"{name} header longer than {MAX_HEADER_CHARS} characters, cut")
            return raw[:MAX_HEADER_CHARS]
        return raw

    def _decode(self, name: str, raw: str) -> str:
        if not raw:
            return ""
        text, problem = decode_header_value(raw)
        if problem:
            self._defects.append(f"{problem} {name} header, read with replacement")
        return one_line(text)

    def address(self, name: str) -> tuple[str, str]:
        """(display name, lower-case address) of an address header, "" when absent."""
        raw, problem = decode_8bit(one_line(self._cut(name)))
        if problem:
            self._defects.append(f"{problem} {name} header, read with replacement")
        if not raw:
            return "", ""
        if "=?" not in raw and raw.isascii():
            return parse_address(raw)
        # split first: a decoded name may hold commas, quotes, angle brackets or line breaks;
        # a trailing <address> is the address, whatever the name before it looks like
        angle = _ANGLE_ADDRESS.search(raw)
        if angle:
            name_part, addr = raw[: angle.start()], angle.group(1)
        else:
            name_part, addr = email.utils.parseaddr(raw)
        if not addr or "@" not in addr:
            return parse_address(self(name))
        text, problem = decode_header_value(name_part)
        if problem:
            self._defects.append(f"{problem} {name} header, read with replacement")
        return _address_parts(one_line(text), addr)


# Lenient on purpose: blanks inside the encoded text and an empty charset are mistakes
# mail programs make; the reader still wrote a name, not "=?utf-8?q?…?=".
_ENCODED_WORD = re.compile(r"=\?([^?\s]*)\?([qQbB])\?([^?]*?)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")


def decode_header_value(raw: str) -> tuple[str, str]:
    """(text, problem) of a raw header value: RFC 2047 encoded-words decoded, 8-bit text
    read as UTF-8 (else cp1252); problem is "" or what went wrong, for the defects.

    The one decoder of header text: parse reads headers with it, and what is shown or
    written from a header value (names, subjects, attribution lines, exports) goes
    through it or through header_text(). Adjacent encoded-words in one charset are
    decoded together, so a character split between two of them comes out whole.
    """
    raw, problem = decode_8bit(raw)
    if "=?" not in raw:
        return raw, problem
    out: list[str] = []
    run: list[bytes] = []
    run_charset = ""
    pos = 0
    for found in _ENCODED_WORD.finditer(raw):
        gap = raw[pos : found.start()]
        charset = found.group(1).split("*", 1)[0].lower() or "utf-8"  # RFC 2231 language
        data, bad = _word_bytes(found.group(2), found.group(3))
        problem = problem or bad
        joined = pos and _BETWEEN_WORDS.fullmatch(gap)  # blanks between two words go
        if not (joined and run and charset == run_charset and data is not None):
            problem = _flush(out, run, run_charset) or problem
            if not joined:
                out.append(gap)
        if data is None:
            out.append(found.group(3))
        else:
            run.append(data)
            run_charset = charset
        pos = found.end()
    problem = _flush(out, run, run_charset) or problem
    out.append(raw[pos:])  # an unfinished "=?utf-8?q?…" is left as it was written
    return "".join(out), problem


def header_text(value: str) -> str:
    """A header value as a person reads it: decoded, on one line, without control
    characters. For names, subjects and attribution lines taken from a reader's mail."""
    return clean_name(decode_header_value(value)[0])


def _flush(out: list[str], run: list[bytes], charset: str) -> str:
    """Decode the bytes of a run of encoded-words onto `out`; the problem, or ""."""
    if not run:
        return ""
    text, problem = decode_bytes(b"".join(run), charset)
    run.clear()
    out.append(text)
    return "broken encoded-word in" if problem else ""


def decode_8bit(raw: str) -> tuple[str, str]:
    """Raw 8-bit header bytes (kept by the parser as surrogates) read as UTF-8, else cp1252."""
    if raw.isascii():
        return raw, ""
    data = raw.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), "malformed"


def _word_bytes(encoding: str, payload: str) -> tuple[bytes | None, str]:
    """The bytes an encoded-word's text stands for (None when unreadable), and a problem."""
    try:
        if encoding in "bB":
            packed = "".join(payload.split())
            bad = "broken encoded-word in" if _NOT_BASE64.search(packed) else ""
            packed = _NOT_BASE64.sub("", packed).rstrip("=")
            return binascii.a2b_base64(packed + "=" * (-len(packed) % 4)), bad
        return binascii.a2b_qp(payload.encode("ascii", "replace"), header=True), ""
    except (binascii.Error, ValueError):
        return None, "broken encoded-word in"


def decode_bytes(data: bytes, charset: str) -> tuple[str, str]:
    """Decode with replacement; the second value names what went wrong, or ""."""
    try:
        codecs.lookup(charset)
    except (LookupError, ValueError):
        return data.decode("utf-8", "replace"), f"bad charset {charset!r}"
    try:
        return data.decode(charset), ""
    except UnicodeDecodeError:
        return data.decode(charset, "replace"), f"invalid {charset} bytes"
    except Exception:  # noqa: BLE001 - some codecs raise other errors on garbage
        return data.decode("utf-8", "replace"), f"undecodable {charset} bytes"


_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Runs of white space (folded header lines included) as one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_ANGLE_ADDRESS = re.compile(r"<\s*([^<>\s@]+@[^<>\s@]+)\s*>\s*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def parse_address(value: str) -> tuple[str, str]:
    """(display name, lower-case address) of one address; a bare address is dug out of junk."""
    if not value:
        return "", ""
    name, addr = email.utils.parseaddr(value)
    if not addr or "@" not in addr:
        found = _ADDRESS.search(value)
        addr = found.group(0) if found else addr
    return _address_parts(name, addr)


def clean_name(text: str) -> str:
    """One line without control characters: no CR, LF or NUL from a reader reaches a header."""
    return " ".join(_CONTROL.sub(" ", text).split())


def clean_address(address: str) -> str:
    return _CONTROL.sub("", address).strip()


def _address_parts(name: str, addr: str) -> tuple[str, str]:
    return clean_name(name).strip("\"'").strip(), clean_address(addr).lower()
