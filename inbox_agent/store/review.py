"""SQLite state of the review: the author's edits, approvals, ideas and the review queue.

Plain functions over a connection opened by ``store.connect``; the columns come from the
``0003_review`` migration in ``store.MIGRATIONS``.
"""

from __future__ import annotations

import sqlite3

from inbox_agent.store.db import now


def set_final_text(conn: sqlite3.Connection, draft_id: int, text: str) -> None:
    """The author's edit of a draft; the generated text stays as it was."""
    conn.execute(
        "UPDATE drafts SET final_text=?, updated_at=? WHERE id=?", (text, now(), draft_id)
    )


def record_approval(
    conn: sqlite3.Connection,
    draft_id: int,
    *,
    final_text: str,
    destination: str,
    marker: str,
    sent: bool = False,
) -> None:
    stamp = now()
    conn.execute(
        """UPDATE drafts SET status='approved', final_text=?, destination=?, marker=?,
               approved_at=?, sent_at=CASE WHEN ? THEN ? ELSE sent_at END, updated_at=?
           WHERE id=?""",
        (final_text, destination, marker, stamp, sent, stamp, stamp, draft_id),
    )


def clear_destination(conn: sqlite3.Connection, draft_id: int) -> None:
    conn.execute(
        "UPDATE drafts SET destination='', marker='', updated_at=? WHERE id=?", (now(), draft_id)
    )


def set_marked_idea(conn: sqlite3.Connection, draft_id: int, marked: bool) -> None:
    conn.execute(
        "UPDATE drafts SET marked_idea=?, updated_at=? WHERE id=?", (int(marked), now(), draft_id)
    )


def approved_edits(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Generated and final text of every approved draft, in approval order."""
    return list(
        conn.execute(
            """SELECT id, generated_text, final_text, approved_at FROM drafts
               WHERE status='approved' AND approved_at != '' ORDER BY approved_at, id"""
        )
    )


def pending_cards(conn: sqlite3.Connection, excerpt_chars: int = 600) -> list[sqlite3.Row]:
    """What the review queue shows of each pending draft (reply text cut to an excerpt)."""
    return list(
        conn.execute(
            """SELECT d.id, d.final_text, d.flags, d.cited, d.drafter, d.marked_idea, d.language,
                   r.from_email AS reader_email, r.from_name AS reader_name, r.reply_to,
                   r.subject, substr(r.reply_text, 1, ?) AS reply_text, r.intent,
                   r.issue_number, r.date AS reply_date
               FROM drafts d JOIN replies r ON r.id = d.reply_id
               WHERE d.status = 'pending' ORDER BY d.id""",
            (excerpt_chars,),
        )
    )
