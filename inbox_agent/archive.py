"""The newsletter archive: import any supported format, then cut issues into indexable chunks.

The file formats live in `importers`; this module picks one (`import_any`), reads sent issues
stored as mail (`import_messages`), and turns an Issue into Chunks whose content hash changes
whenever the text or the stored metadata changes.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import hashlib
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from inbox_agent.errors import ArchiveError
from inbox_agent.htmltext import decode_text, html_to_text, parse_html, slug_of, slugify, tidy_text
from inbox_agent.importers import (
    detect_language,
    fill_language,
    import_feed,
    import_markdown,
    import_substack,
    parse_number,
)
from inbox_agent.models import Chunk, Issue

__all__ = [
    "KINDS",
    "chunk_issue",
    "detect_kind",
    "detect_language",
    "import_any",
    "import_feed",
    "import_markdown",
    "import_messages",
    "import_substack",
    "issue_fingerprint",
    "parse_number",
]

KINDS = ("markdown", "substack", "rss")
_KIND_ALIASES = {
    "markdown": "markdown",
    "md": "markdown",
    "html": "markdown",
    "folder": "markdown",
    "substack": "substack",
    "rss": "rss",
    "atom": "rss",
    "feed": "rss",
}
_FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_HEADING_MAX_WORDS = 12


# --- import dispatch ------------------------------------------------------------------------


def import_any(source: str | Path, kind: str | None = None, *, base_url: str = "") -> list[Issue]:
    """Import an archive of the given kind ("markdown", "substack", "rss"), or detect it."""
    kind = _normalise_kind(kind) if kind else detect_kind(source)
    if kind == "substack":
        return import_substack(Path(source), base_url=base_url)
    if kind == "rss":
        return import_feed(source)
    return import_markdown(Path(source), base_url=base_url)


def detect_kind(source: str | Path) -> str:
    """Which importer fits: a Substack zip/folder, a feed file or URL, or a Markdown folder."""
    text = str(source)
    if re.match(r"https?://", text, re.IGNORECASE):
        return "rss"
    path = Path(source)
    hint = f"pass --kind {'|'.join(KINDS)}"
    if not path.exists():
        raise ArchiveError(f"{path}: no such file or folder; check the path")
    if path.is_dir():
        return "substack" if (path / "posts.csv").is_file() else "markdown"
    if zipfile.is_zipfile(path):
        return "substack"
    if path.suffix.lower() in _FEED_SUFFIXES or _looks_like_feed(path):
        return "rss"
    if path.suffix.lower() in {".md", ".markdown", ".html", ".htm"}:
        return "markdown"
    raise ArchiveError(f"{path}: cannot tell which kind of archive this is; {hint}")


def _normalise_kind(kind: str) -> str:
    found = _KIND_ALIASES.get(kind.strip().lower())
    if found is None:
        raise ArchiveError(f"unknown archive kind {kind!r}; use one of: {', '.join(KINDS)}")
    return found


def _looks_like_feed(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lower()
    except OSError:
        return False
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


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


# --- chunking -------------------------------------------------------------------------------


def chunk_issue(issue: Issue, *, max_words: int = 180, overlap_words: int = 40) -> list[Chunk]:
    """Cut an issue into chunks of at most max_words words.

    A heading always starts a new chunk; paragraphs are packed together; a paragraph longer
    than a chunk is cut at sentence ends (or, failing that, between words). A chunk that
    continues a section starts with the last overlap_words words of the previous one.
    """
    if max_words < 1 or not 0 <= overlap_words < max_words:
        raise ValueError("chunking needs max_words >= 1 and 0 <= overlap_words < max_words")
    texts: list[str] = []
    for section in _sections(issue.text):
        texts.extend(_pack_section(section, max_words, overlap_words))
    chunks = []
    for position, text in enumerate(texts):
        metadata = chunk_metadata(issue, position)
        chunks.append(
            Chunk(
                id=f"{issue.key}#{position}",
                issue_key=issue.key,
                text=text,
                content_hash=_hash({"text": text, **metadata}),
                position=position,
                metadata=metadata,
            )
        )
    return chunks


def chunk_metadata(issue: Issue, position: int) -> dict[str, str | int]:
    """The flat metadata stored with a chunk (str and int values only, as Chroma requires)."""
    return {
        "issue_key": issue.key,
        "title": issue.title,
        "number": issue.number if issue.number is not None else -1,
        "date": issue.date,
        "url": issue.url,
        "tags": ",".join(issue.tags),
        "language": issue.language,
        "position": position,
    }


def issue_fingerprint(issue: Issue) -> str:
    """sha256 over every field of the issue: equal fingerprints mean nothing to re-import."""
    return _hash(asdict(issue))


def _hash(data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _is_heading(paragraph: str) -> bool:
    """A one-line, short paragraph that does not end like a sentence."""
    if "\n" in paragraph or paragraph.startswith(("- ", "* ", "> ")):
        return False
    words = paragraph.split()
    return 0 < len(words) <= _HEADING_MAX_WORDS and not paragraph.endswith(
        (".", "!", ",", ";", ":", "…", '"', "»", ")")
    )


def _sections(text: str) -> list[list[str]]:
    """Paragraphs grouped into sections; each heading starts a new section.

    Consecutive headings stay together, and a heading-like last line (a signature) stays
    with the section before it.
    """
    sections: list[list[str]] = []
    for paragraph in (p.strip() for p in re.split(r"\n[ \t]*\n", text or "")):
        if not paragraph:
            continue
        lone_heading = bool(sections) and len(sections[-1]) == 1 and _is_heading(sections[-1][0])
        if not sections or (_is_heading(paragraph) and not lone_heading):
            sections.append([paragraph])
        else:
            sections[-1].append(paragraph)
    if len(sections) > 1 and len(sections[-1]) == 1:
        sections[-2].extend(sections.pop())
    return sections


def _pack_section(paragraphs: list[str], max_words: int, overlap_words: int) -> list[str]:
    heading_words = len(paragraphs[0].split()) if _is_heading(paragraphs[0]) else 0
    budget = max(1, max_words - max(overlap_words, heading_words))
    pieces = [piece for p in paragraphs for piece in _split_long(p, budget)]
    chunks: list[str] = []
    current: list[str] = []
    count, has_body = 0, False
    for index, piece in enumerate(pieces):
        words = len(piece.split())
        if has_body and count + words > max_words:
            chunks.append("\n\n".join(current))
            tail = _tail(chunks[-1], overlap_words)
            current, count, has_body = ([tail] if tail else []), len(tail.split()), False
        current.append(piece)
        count += words
        has_body = has_body or index > 0 or not heading_words
    if current and (has_body or not chunks):
        chunks.append("\n\n".join(current))
    return chunks


def _split_long(paragraph: str, budget: int) -> list[str]:
    """Cut a paragraph longer than budget words at line ends, then sentence ends, then words."""
    if len(paragraph.split()) <= budget:
        return [paragraph]
    units: list[str] = []
    for line in paragraph.split("\n"):
        for sentence in _SENTENCE_END.split(line):
            words = sentence.split()
            units.extend(" ".join(words[i : i + budget]) for i in range(0, len(words), budget))
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1].split()) + len(unit.split()) <= budget:
            pieces[-1] = f"{pieces[-1]} {unit}"
        else:
            pieces.append(unit)
    return pieces


def _tail(text: str, overlap_words: int) -> str:
    """The last overlap_words words of a chunk, starting at a sentence when one begins there."""
    if overlap_words <= 0:
        return ""
    words = text.split()[-overlap_words:]
    for index, word in enumerate(words[:-1]):
        if word.endswith((".", "!", "?", "…")) and len(words) - index - 1 >= overlap_words // 2:
            return " ".join(words[index + 1 :])
    return " ".join(words)
