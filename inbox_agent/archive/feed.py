"""An RSS or Atom feed (file or URL) -> Issues."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from inbox_agent.archive.fields import (
    fill_language,
    parse_number,
    split_tags,
)
from inbox_agent.errors import ArchiveError
from inbox_agent.models import Issue
from inbox_agent.text.html import (
    html_to_text,
    slug_of,
    slugify,
)

log = logging.getLogger(__name__)

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
        raise ArchiveError(
            f"{source}: cannot be read ({err.strerror})", hint="check the path"
        ) from err
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
