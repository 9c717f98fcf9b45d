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


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")


def decode_header_value(raw: str) -> tuple[str, str]:
    """(text, problem) of a raw header value: RFC 2047 encoded-words decoded, 8-bit text
    read as UTF-8 (else cp1252); problem is "" or what went wrong, for the defects."""
    raw, problem = decode_8bit(raw)
    if "=?" not in raw:
        return raw, problem
    out: list[str] = []
    pos = 0
    for found in _ENCODED_WORD.finditer(raw):
        gap = raw[pos : found.start()]
        if not (pos and _BETWEEN_WORDS.fullmatch(gap)):  # blanks between two words go
            out.append(gap)
        text, bad = _decode_word(*found.groups())
        problem = problem or bad
        out.append(text)
        pos = found.end()
    out.append(raw[pos:])
    return "".join(out), problem


def decode_8bit(raw: str) -> tuple[str, str]:
    """Raw 8-bit header bytes (kept by the parser as surrogates) read as UTF-8, else cp1252."""
    if raw.isascii():
        return raw, ""
    data = raw.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), "malformed"


def _decode_word(charset: str, encoding: str, payload: str) -> tuple[str, str]:
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
    bad = encoding in "bB" and bool(_NOT_BASE64.search(payload))
    try:
        if encoding in "bB":
            data = binascii.a2b_base64(payload + "=" * (-len(payload) % 4))
        else:
            data = binascii.a2b_qp(payload.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return payload, "broken encoded-word in"
    text, problem = decode_bytes(data, charset)
    return text, "broken encoded-word in" if bad or problem else ""


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
