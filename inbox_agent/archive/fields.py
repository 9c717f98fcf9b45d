"""What every archive importer reads the same way: issue number, date, language, tags."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from inbox_agent.models import Issue
from inbox_agent.text.language import detect_language as detect_text_language

log = logging.getLogger(__name__)

_NUMBER = re.compile(
    r"(?:#|\bn[°ºo]\.?|\bno\.|\bnum(?:[ée]ro)?\.?|\bissue|\bédition|\bedition)\s*(\d{1,6})\b",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
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
