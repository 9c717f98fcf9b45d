"""Processed mail beyond the row per message: what was skipped and why, and the
post-actions (keyword, move) still to be done for stored messages."""

from __future__ import annotations

import sqlite3

from inbox_agent.models import MailRef


def skipped_reasons(
    conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int
) -> dict[int, str]:
    """uid -> reason of the messages skipped in this folder (too large, unreadable…)."""
    rows = conn.execute(
        "SELECT uid, error FROM processed WHERE account=? AND folder=? AND uidvalidity=? "
        "AND status='skipped'",
        (account, folder, uidvalidity),
    )
    return {row[0]: row[1] for row in rows}


def add_pending_post_actions(conn: sqlite3.Connection, refs: list[MailRef]) -> None:
    """Stored messages whose post-action (keyword, move) is still to be done."""
    conn.executemany(
        "INSERT OR IGNORE INTO pending_post_actions VALUES (?, ?, ?, ?)",
        [(r.account, r.folder, r.uidvalidity, r.uid) for r in refs],
    )


def pending_post_actions(
    conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int
) -> list[int]:
    rows = conn.execute(
        "SELECT uid FROM pending_post_actions WHERE account=? AND folder=? AND uidvalidity=? "
        "ORDER BY uid",
        (account, folder, uidvalidity),
    )
    return [row[0] for row in rows]


def clear_pending_post_actions(
    conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int, uids: list[int]
) -> None:
    conn.executemany(
        "DELETE FROM pending_post_actions WHERE account=? AND folder=? AND uidvalidity=? "
        "AND uid=?",
        [(account, folder, uidvalidity, uid) for uid in uids],
    )
