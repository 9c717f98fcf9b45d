"""Checks applied to every draft before the author sees it. Pure functions, no I/O.

Each check returns the (possibly cleaned) text and the flags to show the reviewer;
a flag says what was found and what to do about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from inbox_agent.drafting import languages
from inbox_agent.drafting.injection import injection_flags
from inbox_agent.drafting.languages import PLACEHOLDER_START
from inbox_agent.drafting.links import Link, address_of, comparable, find_links
from inbox_agent.models import Draft
from inbox_agent.text.language import LANGUAGE_NAMES

URL = re.compile(r"https?://[^\s<>\"'«»()\[\]]+", re.IGNORECASE)
# A whole placeholder, and the start of one (every draft language's opening).
PLACEHOLDER = re.compile(PLACEHOLDER_START + r"[^\]]*\]", re.IGNORECASE)
_ANY_PLACEHOLDER = re.compile(PLACEHOLDER_START, re.IGNORECASE)


def placeholder(language: str, what: str) -> str:
    """An explicit gap for the author to fill, in the reader's language."""
    return languages.placeholder(language, what)


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def has_placeholders(text: str) -> bool:
    """True while a placeholder is left in the text, closed or not (approval refuses it)."""
    return bool(_ANY_PLACEHOLDER.search(text))


def placeholder_openings(text: str) -> list[str]:
    """The kinds of placeholder left in the text, as drafts write them: ["[A COMPLETAR: …]"]."""
    found = (languages.placeholder_opening(m.group(0)) for m in _ANY_PLACEHOLDER.finditer(text))
    return list(dict.fromkeys(f"{opening}…]" for opening in found))


def web_links(urls: Iterable[str]) -> list[str]:
    """The http(s) ones: an issue's `javascript:` or `data:` URL never reaches a draft."""
    return [u for u in urls if u and u.strip().lower().startswith(("https://", "http://"))]


def foreign_links(text: str, allowed_urls: Iterable[str]) -> list[Link]:
    """Links of `text` (in any spelling) other than the cited issues' http(s) URLs."""
    known = {comparable(u) for u in web_links(allowed_urls)}
    return [
        link
        for link in find_links(text)
        if not link.is_address
        and (_scheme(link.target) not in WEB_SCHEMES or comparable(link.target) not in known)
    ]


WEB_SCHEMES = {"", "http", "https"}


def _scheme(target: str) -> str:
    found = re.match(r"([a-z][a-z0-9+.-]*):", target.lower())
    return found.group(1) if found else ""


def _remove(text: str, links: list[Link]) -> str:
    for link in sorted(links, key=lambda link: link.start, reverse=True):
        text = text[: link.start] + text[link.end :]
    return _tidy_spaces(text)


def strip_foreign_urls(text: str, allowed: Iterable[str]) -> tuple[str, list[str]]:
    """Remove links that are not among the retrieved issues' URLs; flag each one."""
    drop = foreign_links(text, allowed)
    flags = [f"removed a link that is not one of the cited issues: {link.target}" for link in drop]
    return (_remove(text, drop) if drop else text), flags


def foreign_addresses(text: str, allowed: Iterable[str]) -> list[Link]:
    """Addresses of `text` (however written) other than the `allowed` ones."""
    known = {a.strip().lower() for a in allowed if a}
    return [link for link in find_links(text) if link.is_address and address_of(link) not in known]


def strip_foreign_emails(text: str, allowed: Iterable[str]) -> tuple[str, list[str]]:
    """Remove e-mail addresses (however written) other than the author's and the reader's."""
    drop = foreign_addresses(text, allowed)
    flags = [
        f"removed an e-mail address the reply should not mention: {address_of(link)}"
        for link in drop
    ]
    return (_remove(text, drop) if drop else text), flags


def language_flags(text: str, expected: str, detect) -> list[str]:
    """A flag when the draft is not in the reader's language (``detect`` returns a code)."""
    body = PLACEHOLDER.sub(" ", URL.sub(" ", text))
    found = detect(body)
    if not expected or not found or found == expected:
        return []
    return [
        f"the draft reads as {LANGUAGE_NAMES.get(found, found)} but the reader wrote in "
        f"{LANGUAGE_NAMES.get(expected, expected)}: translate it or regenerate"
    ]


def register_flags(text: str, language: str, expected: str) -> list[str]:
    """A flag when the draft addresses the reader in the other register only.

    ``expected`` is "tu" (familiar) or "vous" (polite). A draft is flagged when it uses
    the other form at least twice and never the expected one.
    """
    entry = languages.LANGUAGES.get(language)
    if entry is None or not entry.familiar or expected not in ("tu", "vous"):
        return []
    body = PLACEHOLDER.sub(" ", URL.sub(" ", text))
    familiar, polite = languages.register_counts(body, language)
    wrong, right = (polite, familiar) if expected == "tu" else (familiar, polite)
    if wrong < 2 or right:
        return []
    other = "vous" if expected == "tu" else "tu"
    return [
        f"the draft addresses the reader with \"{entry.register_word(other)}\" but they wrote "
        f"with \"{entry.register_word(expected)}\": change it or regenerate"
    ]


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", PLACEHOLDER.sub(" ", URL.sub(" ", text))))


def length_flags(text: str, min_words: int, max_words: int) -> list[str]:
    """A flag when the draft has fewer than min_words or more than max_words words."""
    count = word_count(text)
    if min_words and count < min_words:
        return [f"the draft is short ({count} words, at least {min_words} expected): expand it"]
    if max_words and count > max_words:
        return [f"the draft is long ({count} words, at most {max_words} expected): shorten it"]
    return []


def check_draft(
    draft: Draft,
    *,
    reader_text: str,
    subject: str = "",
    allowed_urls: Iterable[str],
    allowed_emails: Iterable[str] = (),
    min_words: int = 0,
    max_words: int = 0,
    detect=None,
    register: str = "",
) -> Draft:
    """Apply every guardrail to a draft; returns a new Draft with cleaned text and flags."""
    text, flags = strip_foreign_urls(draft.text, allowed_urls)
    text, email_flags = strip_foreign_emails(text, allowed_emails)
    flags += email_flags
    if detect is not None:
        flags += language_flags(text, draft.language, detect)
    if register:
        flags += register_flags(text, draft.language, register)
    flags += length_flags(text, min_words, max_words)
    flags += injection_flags(reader_text, subject)
    merged = list(dict.fromkeys([*draft.flags, *flags]))
    return replace(draft, text=text, flags=merged)


def _tidy_spaces(text: str) -> str:
    text = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", text)
    return re.sub(r"(?<=\S)[ \t]{2,}", " ", text)
