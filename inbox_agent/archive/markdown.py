"""A folder of Markdown or HTML files (front matter optional) -> Issues; empty files are
skipped and logged, a bad file raises ArchiveError naming it."""

from __future__ import annotations

import logging
import re
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from inbox_agent.archive.fields import (
    fill_language,
    iso_date,
    parse_number,
    split_tags,
)
from inbox_agent.errors import ArchiveError
from inbox_agent.models import Issue
from inbox_agent.text.html import (
    decode_text,
    html_title,
    html_to_text,
    markdown_to_text,
)

log = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


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
        raise ArchiveError(f"{path}: no such file or folder", hint="give the archive folder")
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
            f"{file}: cannot be read ({err.strerror})", hint="check its permissions"
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
        raise ArchiveError(
            f"{file}: front matter {err}", hint="fix it or remove the field"
        ) from err
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
            f"{file}: the front matter between the --- lines is not valid YAML{line}", hint="fix it"
        ) from err
    except ValueError as err:  # a well-formed but impossible date such as 2024-13-45
        raise ArchiveError(
            f"{file}: front matter date is impossible ({err})", hint="fix it"
        ) from err
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
