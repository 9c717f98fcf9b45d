"""Archive file formats -> Issue: Markdown/HTML folders, Substack exports, RSS/Atom feeds.

Every importer reads and parses everything before returning: an unreadable file raises
ArchiveError naming it, and nothing is returned (nothing is half-imported). Entries that are
skipped on purpose (unpublished Substack posts, rows without an HTML file, empty files) are
logged, not raised.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import logging
import re
import zipfile
import zlib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from inbox_agent.errors import ArchiveError
from inbox_agent.models import Issue
from inbox_agent.text.html import (
    decode_text,
    html_title,
    html_to_text,
    markdown_to_text,
    slug_of,
    slugify,
)
from inbox_agent.text.language import detect_language as detect_text_language

log = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
_NUMBER = re.compile(
    r"(?:#|\bn[°ºo]\.?|\bno\.|\bnum(?:[ée]ro)?\.?|\bissue|\bédition|\bedition)\s*(\d{1,6})\b",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FR_WORDS = re.compile(
    r"\b(?:le|la|les|des|une|est|et|du|au|aux|pour|que|qui|pas|dans|sur|avec|vous|nous|je|"
    r"mais|plus|cette|sont|ont|été|être|très|aussi|où|ça)\b"
)
_EN_WORDS = re.compile(
    r"\b(?:the|and|of|to|is|in|that|it|for|with|you|we|this|are|was|not|but|on|have|be|at|"
    r"they|what|from)\b"
)


# --- shared helpers -------------------------------------------------------------------------


def parse_number(title: str) -> int | None:
    """The issue number written in a title: "#93", "n°93", "No. 93", "Numéro 93", "Issue 93"."""
    match = _NUMBER.search(title or "")
    return int(match.group(1)) if match else None


def iso_date(value: Any) -> str:
    """YYYY-MM-DD from a date, datetime or text holding one; "" when empty; ValueError otherwise."""
    if value is None or value == "":
        return ""
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    match = _ISO_DATE.search(str(value))
    if not match:
        raise ValueError(f"date {value!r} is not in YYYY-MM-DD form")
    date(*(int(part) for part in match.groups()))  # raises ValueError on 2024-13-45
    return match.group(0)


def detect_language(text: str) -> str:
    """ISO 639-1 code of a text (`inbox_agent.text.language`), else a stop-word vote."""
    try:
        found = detect_text_language(text)
    except Exception:  # noqa: BLE001 - a failing detector must not fail an import
        found = ""
    if found:
        return found
    sample = text[:5000].lower()
    return "fr" if len(_FR_WORDS.findall(sample)) > len(_EN_WORDS.findall(sample)) else "en"


def split_tags(value: Any) -> tuple[str, ...]:
    """Tags from a YAML list or a comma-separated string, stripped, empty ones dropped."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple, set)) else str(value).split(",")
    return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def fill_language(issue: Issue) -> Issue:
    """The issue with its language detected when it has none."""
    if issue.language or not issue.text:
        return issue
    return replace(issue, language=detect_language(issue.title + "\n" + issue.text))


# --- Markdown / HTML folder -----------------------------------------------------------------


def import_markdown(path: Path, *, base_url: str = "") -> list[Issue]:
    """Issues from a folder (searched recursively) of .md/.markdown/.html/.htm files.

    Optional YAML front matter gives title, date, number, url, slug, tags, language and
    message_id. Empty files are skipped; an unreadable file or bad front matter raises
    ArchiveError naming the file.
    """
    root = Path(path)
    if root.is_file():
        files, root = [root], root.parent
    elif root.is_dir():
        files = sorted(
            p
            for p in root.rglob("*")
            if p.is_file()
            and p.suffix.lower() in MARKDOWN_SUFFIXES | HTML_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
    else:
        raise ArchiveError(f"{path}: no such file or folder; give the archive folder")
    issues = []
    for file in files:
        issue = _markdown_issue(file, root, base_url)
        if issue is None:
            log.info("skipped empty file %s", file)
        else:
            issues.append(issue)
    return issues


def _markdown_issue(file: Path, root: Path, base_url: str) -> Issue | None:
    try:
        raw = decode_text(file.read_bytes())
    except OSError as err:
        raise ArchiveError(
            f"{file}: cannot be read ({err.strerror}); check its permissions"
        ) from err
    meta, body = _front_matter(raw, file)
    is_html = file.suffix.lower() in HTML_SUFFIXES
    text = html_to_text(body) if is_html else markdown_to_text(body)
    if not text.strip() and not meta:
        return None
    key = file.relative_to(root).with_suffix("").as_posix()
    title = (
        str(meta.get("title") or "").strip()
        or (html_title(body) if is_html else _first_heading(body))
        or file.stem
    )
    try:
        number = _number(meta.get("number"), title)
        when = iso_date(meta.get("date")) or _date_from_name(file.stem)
    except ValueError as err:
        raise ArchiveError(f"{file}: front matter {err}; fix it or remove the field") from err
    slug = str(meta.get("slug") or PurePosixPath(key).name)
    url = str(meta.get("url") or meta.get("link") or "")
    if not url and base_url:
        url = f"{base_url.rstrip('/')}/{slug}"
    issue = Issue(
        key=key,
        title=title,
        text=text,
        number=number,
        date=when,
        url=url,
        tags=split_tags(meta.get("tags")) or split_tags(meta.get("categories")),
        language=str(meta.get("language") or meta.get("lang") or "").strip().lower(),
        message_id=str(meta.get("message_id") or "").strip(),
        source=str(file),
    )
    return fill_language(issue)


def _front_matter(raw: str, file: Path) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        raise ArchiveError(
            f"{file}: the front matter between the --- lines is not valid YAML{line}; fix it"
        ) from err
    except ValueError as err:  # a well-formed but impossible date such as 2024-13-45
        raise ArchiveError(f"{file}: front matter date is impossible ({err}); fix it") from err
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArchiveError(f"{file}: the front matter must be 'key: value' lines (YAML mapping)")
    return meta, raw[match.end() :]


def _first_heading(markdown: str) -> str:
    match = re.search(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", markdown, re.MULTILINE)
    return markdown_to_text(match.group(1)) if match else ""


def _number(value: Any, title: str) -> int | None:
    if value is None or value == "":
        return parse_number(title)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    digits = re.fullmatch(r"\s*(?:#|n°|no\.?)?\s*(\d+)\s*", str(value), re.IGNORECASE)
    if not digits:
        raise ValueError(f"number {value!r} is not an integer")
    return int(digits.group(1))


def _date_from_name(stem: str) -> str:
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:\D|$)", stem)
    if not match:
        return ""
    try:
        return iso_date(match.group(1))
    except ValueError:
        return ""


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
                f"{path}: not a readable zip file ({err}); re-download the export"
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
                f"{self.name(member)}: larger than 50 MB; is this a Substack export?"
            )
        try:
            return self.zip.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as err:
            raise ArchiveError(
                f"{self.name(member)}: corrupt in the zip ({err}); re-download it"
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
        raise ArchiveError(f"{path}: no such file or folder; give the export zip or its folder")
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
            f"{export.path}: no posts.csv found; is this a Substack export (Settings > Exports)?"
        )
    try:
        reader = csv.DictReader(io.StringIO(decode_text(data), newline=""))
        missing = [c for c in SUBSTACK_REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ArchiveError(
                f"{export.name('posts.csv')}: missing column(s) {', '.join(missing)}; "
                "is this a Substack posts.csv?"
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


# --- RSS / Atom feed ------------------------------------------------------------------------


def import_feed(source: str | Path) -> list[Issue]:
    """Entries of an RSS 2.0 or Atom feed (a file, or an http(s) URL fetched by feedparser).

    Full content (content:encoded, Atom content) is preferred over the summary.
    """
    import feedparser

    text = str(source)
    is_url = bool(re.match(r"https?://", text, re.IGNORECASE))
    try:
        parsed = feedparser.parse(text if is_url else Path(source).read_bytes())
    except OSError as err:
        raise ArchiveError(f"{source}: cannot be read ({err.strerror}); check the path") from err
    except (ValueError, UnicodeError, LookupError) as err:  # a damaged encoding declaration
        raise ArchiveError(f"{source}: not a readable RSS/Atom feed ({err})") from err
    if parsed.get("bozo") and not parsed.entries:
        problem = parsed.get("bozo_exception") or "no entries"
        raise ArchiveError(f"{source}: not a readable RSS/Atom feed ({problem})")
    language = str(parsed.feed.get("language", "")).split("-")[0].lower()
    issues: list[Issue] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        try:
            issue = _feed_issue(entry, language, text)
        except (ValueError, UnicodeError) as err:
            raise ArchiveError(f"{source}: an entry cannot be read ({err})") from err
        key, n = issue.key, 2
        while key in seen:
            key, n = f"{issue.key}-{n}", n + 1
        seen.add(key)
        issues.append(fill_language(replace(issue, key=key)))
    return issues


def _feed_issue(entry: Any, language: str, source: str) -> Issue:
    contents = [c for c in entry.get("content", []) if c.get("value")]
    html = max((c["value"] for c in contents), key=len) if contents else entry.get("summary")
    html = html if isinstance(html, str) else ""
    title = " ".join(html_to_text(entry.get("title", "")).split())
    link = entry.get("link", "")
    link = link if re.match(r"https?://", link, re.IGNORECASE) else ""  # not a tag: URI id
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    when = f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}" if stamp else ""
    tags = split_tags([t.get("term") or t.get("label") for t in entry.get("tags", [])])
    entry_id = entry.get("id", "")
    key = slug_of(link) or slug_of(entry_id) or slugify(entry_id) or slugify(title) or "entry"
    return Issue(
        key=key,
        title=title,
        text=html_to_text(html, strip_substack=True),
        number=parse_number(title),
        date=when,
        url=link,
        tags=tags,
        language=language,
        source=source,
    )
