"""Every link and address in a text, in any spelling a mail client or a reader would follow.

linkify-it (the extractor markdown-it and mail clients' "make it clickable" code use) finds
links with or without a scheme, protocol-relative `//host/path` and plain addresses. It
runs on the NFKC form of the text, so full-width `ｈｔｔｐｓ://…` counts as `https://…`,
and positions are mapped back to the original text so only the link itself is removed.
On top of it: any other scheme (`ftp:`, `javascript:`, `data:`…), defanged `hxxps://`,
`www.` and `host.tld/path` with any top-level domain, addresses under any top-level domain,
and addresses written out as `name (at) host (dot) example`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from linkify_it import LinkifyIt

_STOP = r"[^\s<>\"'«»()\[\]{}]"
_SCHEMES = (
    "https?|h[xX]{2}ps?|ftps?|sftp|file|javascript|vbscript|data|mailto|tel|sms|ssh|git|irc|"
    "wss?|smb|magnet|ldap|news|telnet|gopher"
)
_EXTRA = re.compile(
    rf"(?<![\w@/.-])(?:(?:{_SCHEMES}):(?://)?{_STOP}+"
    rf"|(?://)?www\.{_STOP}+"
    rf"|(?://)?(?:[a-z0-9-]+\.)+[a-z]{{2,24}}/{_STOP}*)",
    re.IGNORECASE,
)
_AT = r"\s*[(\[{<]\s*(?:at|arobase|chez)\s*[)\]}>]\s*|\s+(?:at|arobase)\s+"
_DOT = r"\s*[(\[{<]\s*(?:dot|point)\s*[)\]}>]\s*|\s+(?:dot|point)\s+"
_SPELLED_ADDRESS = re.compile(rf"[\w.+-]+(?:{_AT})[\w-]+(?:(?:{_DOT})[\w-]+)+", re.IGNORECASE)
_ADDRESS = re.compile(r"(?<![\w.+-])(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_TRAILING = ".,;:!?…"


@dataclass(frozen=True)
class Link:
    """A link or address found in the text: where it is, and what it points to."""

    start: int
    end: int
    target: str  # the NFKC form, scheme included when written
    is_address: bool = False


@functools.lru_cache(maxsize=1)
def _linkify() -> LinkifyIt:
    return LinkifyIt(options={"fuzzy_link": True, "fuzzy_email": True, "fuzzy_ip": True})


def _normalised(text: str) -> tuple[str, list[int]]:
    """The NFKC form of `text`, and for each of its characters the index it came from."""
    if unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        form = unicodedata.normalize("NFKC", char)
        out.append(form)
        origin.extend([index] * len(form))
    return "".join(out), origin


def find_links(text: str) -> list[Link]:
    """Every link and address of `text`, in order, overlapping matches merged."""
    return list(_links(text))


@functools.lru_cache(maxsize=64)  # a draft is checked for links and for addresses in turn
def _links(text: str) -> tuple[Link, ...]:
    flat, origin = _normalised(text)
    spans: list[tuple[int, int, bool]] = []
    for match in _linkify().match(flat) or []:
        spans.append((match.index, match.last_index, match.schema == "mailto:"))
    for match in _EXTRA.finditer(flat):
        end = match.end()
        while end > match.start() and flat[end - 1] in _TRAILING:
            end -= 1
        spans.append((match.start(), end, flat[match.start() : end].lower().startswith("mailto:")))
    spans += [(m.start(), m.end(), True) for m in _ADDRESS.finditer(flat)]
    spans += [(m.start(), m.end(), True) for m in _SPELLED_ADDRESS.finditer(flat)]
    links: list[Link] = []
    reached = 0
    for start, end, address in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < reached or end <= start:
            continue  # inside a link already found
        links.append(Link(origin[start], origin[end - 1] + 1, flat[start:end], address))
        reached = end
    return tuple(links)


def comparable(url: str) -> str:
    """A link as compared with the cited issues': no scheme, no www., no trailing slash."""
    url = url.strip().rstrip(_TRAILING).lower()
    url = re.sub(r"^(?:[a-z][a-z0-9+.-]*:)?//", "", url)
    url = url.removeprefix("www.")
    return url.rstrip("/")


def address_of(link: Link) -> str:
    """The e-mail address a link or spelled-out address stands for, lower case."""
    target = link.target.lower().removeprefix("mailto:")
    target = re.sub(_AT, "@", target, flags=re.IGNORECASE)
    target = re.sub(_DOT, ".", target, flags=re.IGNORECASE)
    return target.strip()
