"""SQLite state of the insights: reply tags, quote permissions, reply embeddings.

Plain functions over a connection opened by ``store.connect``; the tables come from the
``0004_insights`` migration in ``store.MIGRATIONS``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from inbox_agent.store.db import now


def _ensure_insight_row(conn: sqlite3.Connection, reply_id: int) -> None:
    conn.execute("INSERT OR IGNORE INTO reply_insights (reply_id) VALUES (?)", (reply_id,))


def replies_to_tag(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Replies of kind 'reply' never tagged."""
    return list(
        conn.execute(
            """SELECT r.* FROM replies r LEFT JOIN reply_insights i ON i.reply_id = r.id
               WHERE r.kind = 'reply' AND (i.reply_id IS NULL OR i.tagged_at = '')
               ORDER BY r.id"""
        )
    )


def save_auto_tags(
    conn: sqlite3.Connection,
    reply_id: int,
    intents: Sequence[str],
    topics: Sequence[str],
    tagger: str,
) -> None:
    """Replace the automatic tags of a reply; tags the author edited are left alone."""
    _ensure_insight_row(conn, reply_id)
    row = conn.execute("SELECT edited FROM reply_insights WHERE reply_id=?", (reply_id,)).fetchone()
    conn.execute("UPDATE reply_insights SET tagger=?, tagged_at=? WHERE reply_id=?",
                 (tagger, now(), reply_id))
    if row["edited"]:
        return
    conn.execute("DELETE FROM reply_tags WHERE reply_id=? AND source='auto'", (reply_id,))
    rows = [(reply_id, "intent", t, "auto", n) for n, t in enumerate(intents)]
    rows += [(reply_id, "topic", t, "auto", n) for n, t in enumerate(topics)]
    conn.executemany("INSERT OR IGNORE INTO reply_tags VALUES (?, ?, ?, ?, ?)", rows)


def edit_tags(
    conn: sqlite3.Connection,
    reply_id: int,
    add: Sequence[tuple[str, str]] = (),
    remove: Sequence[tuple[str, str]] = (),
) -> None:
    """The author's change to a reply's tags, as (kind, tag) pairs; marks the tags edited."""
    _ensure_insight_row(conn, reply_id)
    for kind, tag in remove:
        conn.execute("DELETE FROM reply_tags WHERE reply_id=? AND kind=? AND tag=?",
                     (reply_id, kind, tag))
    for kind, tag in add:
        conn.execute(
            """INSERT INTO reply_tags VALUES (?, ?, ?, 'author',
                   (SELECT count(*) FROM reply_tags WHERE reply_id=? AND kind=?))
               ON CONFLICT (reply_id, kind, tag) DO NOTHING""",
            (reply_id, kind, tag, reply_id, kind),
        )
    conn.execute("UPDATE reply_insights SET edited=1 WHERE reply_id=?", (reply_id,))


def tags_of(conn: sqlite3.Connection, reply_ids: Sequence[int] | None = None) -> dict[int, dict]:
    """reply id -> {"intents": [...], "topics": [...], "edited", "quote", "tagger"}."""
    sql = "SELECT * FROM reply_insights"
    params: tuple = ()
    if reply_ids is not None:
        sql += f" WHERE reply_id IN ({','.join('?' * len(reply_ids))})"
        params = tuple(reply_ids)
    found = {
        r["reply_id"]: {"intents": [], "topics": [], "edited": bool(r["edited"]),
                        "quote": r["quote"], "tagger": r["tagger"]}
        for r in conn.execute(sql, params)
    }
    rows = conn.execute(
        "SELECT reply_id, kind, tag FROM reply_tags ORDER BY reply_id, kind, position, tag"
    )
    for r in rows:
        if r["reply_id"] in found:
            found[r["reply_id"]]["intents" if r["kind"] == "intent" else "topics"].append(r["tag"])
    return found


def set_quote_permission(conn: sqlite3.Connection, reply_id: int, quote: str) -> None:
    """"with_name", "anonymous" or "no" (the default)."""
    _ensure_insight_row(conn, reply_id)
    conn.execute("UPDATE reply_insights SET quote=? WHERE reply_id=?", (quote, reply_id))


def save_reply_vector(conn: sqlite3.Connection, reply_id: int, spec: str, vector: bytes) -> None:
    _ensure_insight_row(conn, reply_id)
    conn.execute("UPDATE reply_insights SET vector_spec=?, vector=? WHERE reply_id=?",
                 (spec, vector, reply_id))


def reply_vectors(conn: sqlite3.Connection, spec: str) -> dict[int, bytes]:
    """Stored reply embeddings made with `spec`."""
    rows = conn.execute(
        "SELECT reply_id, vector FROM reply_insights WHERE vector_spec=? AND vector IS NOT NULL",
        (spec,),
    )
    return {r[0]: r[1] for r in rows}


def starred_replies(conn: sqlite3.Connection) -> set[int]:
    """Replies whose draft the author marked as an idea for an issue."""
    rows = conn.execute("SELECT DISTINCT reply_id FROM drafts WHERE marked_idea != 0")
    return {r[0] for r in rows}
