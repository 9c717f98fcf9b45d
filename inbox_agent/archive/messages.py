"""Sent issues stored as mail (an IMAP folder of the newsletter as it went out)."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import re
from collections.abc import Iterable

from inbox_agent.archive.fields import fill_language, parse_number
from inbox_agent.errors import ArchiveError
from inbox_agent.mail.source import MailSource
from inbox_agent.models import Issue
from inbox_agent.text.html import decode_text, html_to_text, parse_html, slug_of, slugify, tidy_text

# --- sent issues stored as mail ---------------------------------------------------------------

_VIEW_ONLINE = re.compile(
    r"view (?:it )?(?:in (?:your |a )?browser|online|on the web)|read (?:it )?online|web version|"
    r"open in (?:your )?browser|voir (?:dans|sur) (?:le|votre) navigateur|"
    r"(?:lire|voir|afficher) (?:en ligne|la version en ligne|dans le navigateur)|"
    r"version (?:en ligne|web)",
    re.IGNORECASE,
)
_POST_URL = re.compile(r"https?://[^\s\"'<>()\[\]]+?/p/[\w-]+", re.IGNORECASE)


def import_messages(raws: Iterable[bytes]) -> list[Issue]:
    """Issues from sent newsletter mail: Subject, Date, Message-ID and the body text.

    The HTML part is preferred (the text part of a mailing is usually generated from it).
    The url is the "View in browser" link, else a /p/<slug> post link, else "".
    """
    issues: list[Issue] = []
    for index, raw in enumerate(raws, start=1):
        try:
            issue = _message_issue(raw, index)
        except (LookupError, ValueError, TypeError, AttributeError) as err:
            raise ArchiveError(f"message {index}: cannot be read as mail ({err})") from err
        if issue is not None:
            issues.append(issue)
    return issues


def _message_issue(raw: bytes, index: int) -> Issue | None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    title = " ".join(str(message.get("Subject", "")).split())
    html_part = message.get_body(preferencelist=("html",))
    plain_part = message.get_body(preferencelist=("plain",))
    html = _part_text(html_part) if html_part is not None else ""
    plain = _part_text(plain_part) if plain_part is not None else ""
    text = html_to_text(html, strip_substack=True) if html.strip() else tidy_text(plain)
    if not title and not text:
        return None
    message_id = str(message.get("Message-ID", "")).strip()
    url = _online_url(html, plain)
    try:
        when = email.utils.parsedate_to_datetime(str(message.get("Date", ""))).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError):
        when = ""
    key = slug_of(url) or slugify(message_id.strip("<>")) or f"message-{index}"
    issue = Issue(
        key=key,
        title=title,
        text=text,
        number=parse_number(title),
        date=when,
        url=url,
        message_id=message_id,
        source=f"message {message_id or index}",
    )
    return fill_language(issue)


def _part_text(part: email.message.EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return decode_text(payload)


def _online_url(html: str, plain: str) -> str:
    root = parse_html(html) if html.strip() else None
    if root is not None:
        for link in root.iter("a"):
            href = (link.get("href") or "").strip()
            if href.startswith("http") and _VIEW_ONLINE.search(link.text_content()):
                return href
    for line in plain.splitlines():
        if _VIEW_ONLINE.search(line):
            found = re.search(r"https?://[^\s<>()\[\]]+", line)
            if found:
                return found.group(0)
    links = [href for href in (root.xpath("//a/@href") if root is not None else [])]
    for candidate in (*links, plain):
        found = _POST_URL.search(str(candidate))
        if found:
            return found.group(0)
    return ""


def import_folder(source: MailSource, folder: str) -> list[Issue]:
    """Every sent issue in `folder` of a mail source, read without changing anything there."""
    with source:
        uids = source.uids(folder)
        raws = [m.raw for m in source.fetch(folder, uids) if m.raw]
    return import_messages(raws)
