"""A Substack export (the zip, or its unpacked folder) -> Issues; unpublished posts and rows
without an HTML file are skipped and logged."""

from __future__ import annotations

import csv
import html as html_lib
import io
import logging
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from inbox_agent.archive.fields import (
    fill_language,
    iso_date,
    parse_number,
)
from inbox_agent.errors import ArchiveError
from inbox_agent.models import Issue
from inbox_agent.text.html import (
    decode_text,
    html_to_text,
)

log = logging.getLogger(__name__)

# --- Substack export ------------------------------------------------------------------------

SUBSTACK_REQUIRED = ("post_id", "post_date", "is_published", "type", "title")
_MAX_MEMBER_BYTES = 50 * 1024 * 1024


class _Export:
    """Read access to exactly two things of a Substack export: posts.csv and posts/<id>.html.

    Subscriber lists (email_list*.csv, posts/*.opens.csv, posts/*.delivers.csv) are never opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as err:
            raise ArchiveError(
                f"{path}: not a readable zip file ({err})", hint="re-download the export"
            ) from err
        names = [n for n in self.zip.namelist() if PurePosixPath(n).name == "posts.csv"]
        if names:
            self.prefix = min(names, key=len)[: -len("posts.csv")]

    def name(self, member: str) -> str:
        return f"{self.path}:{self.prefix}{member}" if self.zip else str(self.path / member)

    def read(self, member: str) -> bytes | None:
        """The bytes of posts.csv or posts/<id>.html; None when absent."""
        if member != "posts.csv" and not (member.startswith("posts/") and member.endswith(".html")):
            raise ValueError(f"refusing to read {member}: not posts.csv or a post body")
        try:
            if self.zip is None:
                file = self.path / member
                return file.read_bytes() if file.is_file() else None
            info = self.zip.getinfo(self.prefix + member)
        except KeyError:
            return None
        except OSError as err:
            raise ArchiveError(f"{self.name(member)}: cannot be read ({err})") from err
        if info.file_size > _MAX_MEMBER_BYTES:
            raise ArchiveError(
                f"{self.name(member)}: larger than 50 MB", hint="is this a Substack export?"
            )
        try:
            return self.zip.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as err:
            raise ArchiveError(
                f"{self.name(member)}: corrupt in the zip ({err})", hint="re-download it"
            ) from err

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def import_substack(path: Path, *, base_url: str = "", include_all: bool = False) -> list[Issue]:
    """Published newsletter posts of a Substack export (zip or unpacked folder).

    include_all also takes podcasts and threads; pages and unpublished posts are never taken.
    Rows without a posts/<post_id>.html file (drafts, deleted posts) are skipped on purpose.
    """
    path = Path(path)
    if not path.exists():
        raise ArchiveError(
            f"{path}: no such file or folder", hint="give the export zip or its folder"
        )
    export = _Export(path)
    try:
        rows = _substack_rows(export)
        types = {"newsletter", "podcast", "thread"} if include_all else {"newsletter"}
        issues = []
        for line, row in rows:
            if row["is_published"].strip().lower() != "true" or row["type"].strip() not in types:
                continue
            issue = _substack_issue(export, line, row, base_url)
            if issue is not None:
                issues.append(issue)
        return issues
    finally:
        export.close()


def _substack_rows(export: _Export) -> list[tuple[int, dict[str, str]]]:
    data = export.read("posts.csv")
    if data is None:
        raise ArchiveError(
            f"{export.path}: no posts.csv found",
            hint="is this a Substack export (Settings > Exports)?",
        )
    try:
        reader = csv.DictReader(io.StringIO(decode_text(data), newline=""))
        missing = [c for c in SUBSTACK_REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ArchiveError(
                f"{export.name('posts.csv')}: missing column(s) {', '.join(missing)}",
                hint="is this a Substack posts.csv?",
            )
        return [(n + 2, {k: v or "" for k, v in row.items() if k}) for n, row in enumerate(reader)]
    except csv.Error as err:
        raise ArchiveError(f"{export.name('posts.csv')}: not valid CSV ({err})") from err


def _substack_issue(export: _Export, line: int, row: dict[str, str], base_url: str) -> Issue | None:
    post_id = row["post_id"].strip()
    member = f"posts/{post_id}.html"
    if not post_id or "/" in post_id:
        return None
    data = export.read(member)
    if data is None:
        log.info("skipped Substack post %s: no %s in the export", post_id, member)
        return None
    slug = post_id.split(".", 1)[1] if "." in post_id else post_id
    title = " ".join(html_lib.unescape(row["title"]).split())
    subtitle = " ".join(html_lib.unescape(row.get("subtitle", "")).split())
    body = html_to_text(decode_text(data), strip_substack=True)
    try:
        when = iso_date(row["post_date"])
    except ValueError as err:
        raise ArchiveError(f"{export.name('posts.csv')} line {line}: post_date {err}") from err
    issue = Issue(
        key=slug,
        title=title or slug,
        text="\n\n".join(t for t in (subtitle, body) if t),
        number=parse_number(title),
        date=when,
        url=f"{base_url.rstrip('/')}/p/{slug}" if base_url else "",
        source=export.name(member),
    )
    return fill_language(issue)
