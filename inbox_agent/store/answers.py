"""SQLite state of the Sent folder: which sent messages were read, and the answers found.

`sent_seen` holds one row per message read from Sent: only hashes (of its Message-ID and of
the messages it answers), never its text. `answers` holds, for a stored reply, what the
author sent: their own words, how close they are to our draft, and how it was matched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from inbox_agent.models import MailRef
from inbox_agent.store.db import now


def seen_uids(conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int) -> set[int]:
    rows = conn.execute(
        "SELECT uid FROM sent_seen WHERE account=? AND folder=? AND uidvalidity=?",
        (account, folder, uidvalidity),
    )
    return {row[0] for row in rows}


def is_known_sent(conn: sqlite3.Connection, message_hash: str, ref: MailRef) -> bool:
    """True when the same sent message was already matched under another UID (a copy, or the
    folder read again after a UIDVALIDITY change)."""
    row = conn.execute(
        """SELECT 1 FROM sent_seen WHERE message_hash=? AND status='matched'
           AND NOT (account=? AND folder=? AND uidvalidity=? AND uid=?)""",
        (message_hash, ref.account, ref.folder, ref.uidvalidity, ref.uid),
    ).fetchone()
    return row is not None


def record_seen(
    conn: sqlite3.Connection, ref: MailRef, *, message_hash: str, status: str,
    refs: Sequence[str] = (), sent_at: str = "",
) -> None:
    conn.execute(
        """INSERT INTO sent_seen VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (account, folder, uidvalidity, uid) DO UPDATE SET
               message_hash=excluded.message_hash, status=excluded.status,
               refs=excluded.refs, sent_at=excluded.sent_at""",
        (ref.account, ref.folder, ref.uidvalidity, ref.uid, message_hash, status,
         json.dumps(list(refs)), sent_at, now()),
    )


def unmatched(conn: sqlite3.Connection, account: str, folder: str, uidvalidity: int,
              since: str) -> list[sqlite3.Row]:
    """Sent messages matched to no stored reply, first read on or after `since`."""
    return list(conn.execute(
        """SELECT uid, refs FROM sent_seen WHERE account=? AND folder=? AND uidvalidity=?
           AND status='unmatched' AND seen_at >= ?""",
        (account, folder, uidvalidity, since),
    ))


def unanswered_replies(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return list(conn.execute(
        """SELECT r.id, r.message_id, r.from_email, r.reply_to, r.subject FROM replies r
           WHERE r.kind = 'reply'
             AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.reply_id = r.id)"""
    ))


def replies_by_message_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> list[sqlite3.Row]:
    ids = [i for i in dict.fromkeys(ids) if i]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return list(conn.execute(f"SELECT * FROM replies WHERE message_id IN ({marks})", ids))


def replies_from(conn: sqlite3.Connection, emails: Iterable[str]) -> list[sqlite3.Row]:
    emails = sorted({e.lower() for e in emails if e})
    if not emails:
        return []
    marks = ",".join("?" * len(emails))
    return list(conn.execute(
        f"""SELECT * FROM replies WHERE kind = 'reply'
            AND (lower(from_email) IN ({marks}) OR lower(reply_to) IN ({marks}))""",
        emails + emails,
    ))


def answer_count(conn: sqlite3.Connection, reply_id: int) -> int:
    return conn.execute("SELECT count(*) FROM answers WHERE reply_id=?", (reply_id,)).fetchone()[0]


def add_answer(conn: sqlite3.Connection, *, reply_id: int, message_hash: str, sent_at: str,
               match: str, draft_id: int | None, drafter: str, text: str, language: str,
               similarity: float | None, outcome: str) -> bool:
    """Record one answer; False when this sent message was already recorded for the reply."""
    cursor = conn.execute(
        """INSERT OR IGNORE INTO answers (reply_id, message_hash, sent_at, match, draft_id,
               drafter, text, language, similarity, outcome, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (reply_id, message_hash, sent_at, match, draft_id, drafter, text, language,
         None if similarity is None else round(similarity, 4), outcome, now()),
    )
    return cursor.rowcount > 0


def answers_for(conn: sqlite3.Connection, reply_id: int) -> list[sqlite3.Row]:
    return list(conn.execute("SELECT * FROM answers WHERE reply_id=? ORDER BY id", (reply_id,)))


def not_remembered(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """The latest answer of each reply not yet in the answer memory."""
    return list(conn.execute(
        """SELECT a.*, r.reply_text, r.first_name, r.from_name FROM answers a
           JOIN replies r ON r.id = a.reply_id
           WHERE a.remembered = 0 AND a.id = (SELECT max(id) FROM answers b
                                              WHERE b.reply_id = a.reply_id)"""
    ))


def set_remembered(conn: sqlite3.Connection, reply_ids: Sequence[int]) -> None:
    conn.executemany("UPDATE answers SET remembered = 1 WHERE reply_id = ?",
                     [(i,) for i in reply_ids])


def all_answers(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return list(conn.execute("SELECT * FROM answers ORDER BY sent_at, id"))


def voice_samples(conn: sqlite3.Connection, limit: int = 400) -> list[sqlite3.Row]:
    """The author's latest sent answers, with the reader's first name: what their voice is
    learned from."""
    return list(conn.execute(
        """SELECT a.id, a.text, a.language, r.first_name FROM answers a
           JOIN replies r ON r.id = a.reply_id
           WHERE a.text != '' ORDER BY a.id DESC LIMIT ?""",
        (limit,),
    ))


def latest_voice_sample(conn: sqlite3.Connection) -> int:
    """The newest answer's id (0 when none): the learned voice is current while it holds."""
    return conn.execute("SELECT coalesce(max(id), 0) FROM answers").fetchone()[0]


def earlier_answer(conn: sqlite3.Connection, reply_id: int) -> dict | None:
    """What the author answered to a stored reply: the latest sent answer, else the approved
    draft; with that reader's names. None when the reply is gone or was never answered."""
    reader = conn.execute(
        "SELECT first_name, from_name, from_email FROM replies WHERE id = ?", (reply_id,)
    ).fetchone()
    if reader is None:
        return None
    sent = conn.execute(
        "SELECT text, sent_at FROM answers WHERE reply_id = ? AND text != '' "
        "ORDER BY id DESC LIMIT 1", (reply_id,),
    ).fetchone()
    if sent is None:
        sent = conn.execute(
            """SELECT final_text AS text, coalesce(nullif(sent_at, ''), approved_at) AS sent_at
               FROM drafts WHERE reply_id = ? AND status = 'approved'""",
            (reply_id,),
        ).fetchone()
    if sent is None or not (sent["text"] or "").strip():
        return None
    return {"reply_id": reply_id, "first_name": reader["first_name"] or "",
            "full_name": reader["from_name"] or "", "email": reader["from_email"] or "",
            "text": sent["text"], "sent_at": sent["sent_at"] or ""}
