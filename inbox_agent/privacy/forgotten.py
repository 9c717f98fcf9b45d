"""What is kept of a forgotten or expired message: a hash of its Message-ID, so that it is
never imported again (mail in checks it before storing a message)."""

from __future__ import annotations

import hashlib
import sqlite3

FORGOTTEN = "forgotten"
EXPIRED = "expired"


def message_hash(message_id: str) -> str:
    """What is kept of a forgotten message's Message-ID: a one-way hash."""
    digest = hashlib.sha256(message_id.strip().encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest[:40]}"


def is_forgotten(conn: sqlite3.Connection, message_id: str) -> bool:
    """True when this message was forgotten or expired (it must not be imported again)."""
    row = conn.execute(
        "SELECT 1 FROM processed WHERE message_id=? AND status IN (?, ?) LIMIT 1",
        (message_hash(message_id), FORGOTTEN, EXPIRED),
    ).fetchone()
    return row is not None
