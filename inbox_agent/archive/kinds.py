"""Archive kinds: one table from `[archive] kind` to the importer that reads it.

The file formats live in `markdown` (Markdown/HTML folder), `substack` and `feed` (RSS/Atom);
`messages` reads sent issues stored as mail in an IMAP folder.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inbox_agent.archive.feed import import_feed
from inbox_agent.archive.markdown import import_markdown
from inbox_agent.archive.messages import import_folder
from inbox_agent.archive.substack import import_substack
from inbox_agent.errors import ArchiveError
from inbox_agent.mail.source import MailSource
from inbox_agent.models import Issue

FILE_KINDS = ("markdown", "substack", "rss")
_KIND_ALIASES = {
    "markdown": "markdown",
    "md": "markdown",
    "html": "markdown",
    "folder": "markdown",
    "substack": "substack",
    "rss": "rss",
    "atom": "rss",
    "feed": "rss",
    "imap": "imap",
}
_FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed"}


# --- import dispatch ------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where an archive is: a file, folder or URL; for "imap", the folder of sent issues."""

    location: str | Path
    base_url: str = ""
    mail: Callable[[], MailSource] | None = None  # "imap": opens the account


def _imap(where: Where) -> list[Issue]:
    if where.mail is None:
        raise ArchiveError("an archive of kind imap needs the IMAP account", hint="set [imap]")
    return import_folder(where.mail(), str(where.location))


KINDS: dict[str, Callable[[Where], list[Issue]]] = {
    "markdown": lambda where: import_markdown(Path(where.location), base_url=where.base_url),
    "substack": lambda where: import_substack(Path(where.location), base_url=where.base_url),
    "rss": lambda where: import_feed(where.location),
    "imap": _imap,
}


def import_any(
    source: str | Path,
    kind: str | None = None,
    *,
    base_url: str = "",
    mail: Callable[[], MailSource] | None = None,
) -> list[Issue]:
    """Import an archive of the given kind (see KINDS), or detect a file kind from `source`."""
    kind = _normalise_kind(kind) if kind else detect_kind(source)
    return KINDS[kind](Where(source, base_url, mail))


def detect_kind(source: str | Path) -> str:
    """Which importer fits: a Substack zip/folder, a feed file or URL, or a Markdown folder."""
    text = str(source)
    if re.match(r"https?://", text, re.IGNORECASE):
        return "rss"
    path = Path(source)
    hint = f"pass --kind {'|'.join(FILE_KINDS)}"
    if not path.exists():
        raise ArchiveError(f"{path}: no such file or folder", hint="check the path")
    if path.is_dir():
        return "substack" if (path / "posts.csv").is_file() else "markdown"
    if zipfile.is_zipfile(path):
        return "substack"
    if path.suffix.lower() in _FEED_SUFFIXES or _looks_like_feed(path):
        return "rss"
    if path.suffix.lower() in {".md", ".markdown", ".html", ".htm"}:
        return "markdown"
    raise ArchiveError(f"{path}: cannot tell which kind of archive this is", hint=hint)


def _normalise_kind(kind: str) -> str:
    found = _KIND_ALIASES.get(kind.strip().lower())
    if found is None:
        raise ArchiveError(f"unknown archive kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    return found


def _looks_like_feed(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lower()
    except OSError:
        return False
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
