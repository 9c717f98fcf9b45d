"""Retention: replies older than ``[state] retention_months`` are deleted with everything
that refers to them (privacy.erase_replies); their processed rows become "expired", so the
messages are not imported again."""

from __future__ import annotations

import calendar
import logging
import sqlite3
from datetime import UTC, datetime

from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.privacy.forgotten import EXPIRED
from inbox_agent.privacy.readers import delete_style_entries, erase_replies
from inbox_agent.search.index import ArchiveIndex

log = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def expired_reply_ids(conn: sqlite3.Connection, cutoff: datetime) -> list[int]:
    """Replies received before `cutoff` (their Date header, else when they were stored)."""
    stamp = cutoff.astimezone(UTC)
    expired = []
    for row in conn.execute("SELECT id, date, created_at FROM replies ORDER BY id"):
        when = _moment(row["date"]) or _moment(row["created_at"])
        if when is not None and when < stamp:
            expired.append(row["id"])
    return expired


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def apply_retention(
    config: Config,
    conn: sqlite3.Connection,
    *,
    index: ArchiveIndex,
    now: datetime | None = None,
) -> dict[str, int]:
    """Delete replies and drafts older than `[state] retention_months` (0: keep everything).

    Returns counts per place. A style memory that cannot be reached postpones the deletion
    to the next run (logged), so nothing of those replies is left behind.
    """
    months = config.state.retention_months
    if months <= 0:
        return {}
    cutoff = months_before(now or datetime.now(UTC), months)
    ids = expired_reply_ids(conn, cutoff)
    if not ids:
        return {}
    try:
        counts = {"style memory": delete_style_entries(ids, index)}
    except InboxAgentError as err:
        log.warning("retention postponed to the next run: %s", err)
        return {}
    counts |= erase_replies(conn, ids, status=EXPIRED)
    log.info(
        "retention (%d months): %d replies older than %s deleted",
        months,
        counts.get("state:replies", 0),
        cutoff.date().isoformat(),
    )
    return counts
