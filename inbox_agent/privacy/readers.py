"""Readers' data rights: export everything held about a reader, forget a reader, retention.

A reader is matched by the From and Reply-To addresses of their messages, ignoring case.
Forgetting deletes, in this order, so that a failure leaves something a rerun can finish:
1. the drafts inbox-agent saved in the mailbox (Drafts folder or local Maildir) and not sent,
2. the reader's entries in the style memory (Chroma collection ``<collection>_style``),
3. in one transaction of the state database: every row of every table that refers to the
   reader's replies or drafts (tags, quote permissions, stored reply embeddings, drafts),
   the replies themselves (with the raw message), and the reader's address in run errors.

The processed-mail rows of the reader's messages are kept, without personal data: the
Message-ID is replaced by a one-way hash and the status becomes "forgotten". This is what
stops the next run from importing the same messages again from the mailbox (the row keys
are the account, folder, UIDVALIDITY and UID, which say nothing about the reader). The
database is written with ``secure_delete`` so deleted text does not linger in free pages.

Retention (``[state] retention_months``, inbox_agent.retention) applies the same deletion
to every reply, of any reader, older than that many months.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.mail.compose import MARKER_HEADER
from inbox_agent.mail.headers import header_text
from inbox_agent.mail.source import MailSource
from inbox_agent.models import memory_key
from inbox_agent.privacy.forgotten import FORGOTTEN, message_hash
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.store import db as store
from inbox_agent.wiring import make_index, make_source, state

log = logging.getLogger(__name__)

HIDDEN_COLUMNS = {"raw", "vector"}  # binary columns, exported separately or not at all
HEADER_COLUMNS = ("from_name", "subject")  # taken from the reader's headers: shown decoded


# --- finding a reader's data ----------------------------------------------------------------


def normal_email(email: str) -> str:
    """The address as compared: trimmed, angle brackets removed, case folded."""
    return email.strip().strip("<>").strip().casefold()


def reader_reply_ids(conn: sqlite3.Connection, email: str) -> list[int]:
    """Ids of the replies whose From or Reply-To is `email` (any case)."""
    wanted = normal_email(email)
    if not wanted:
        raise InboxAgentError("give the reader's e-mail address, e.g. reader@example.org")
    rows = conn.execute("SELECT id, from_email, reply_to FROM replies ORDER BY id")
    return [
        row["id"]
        for row in rows
        if wanted in (normal_email(row["from_email"] or ""), normal_email(row["reply_to"] or ""))
    ]


def referencing_tables(conn: sqlite3.Connection, target: str) -> list[tuple[str, str]]:
    """(table, column) pairs with a foreign key to `target`.id, found in the schema itself.

    Tables added by later migrations are covered without changing this module.
    """
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    ]
    found = []
    for table in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({_quoted(table)})"):
            if fk["table"] == target and (fk["to"] in (None, "id")):
                found.append((table, fk["from"]))
    return found


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _in(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def _rows(conn: sqlite3.Connection, table: str, column: str, ids: Sequence[int]) -> list[dict]:
    if not ids:
        return []
    sql = f"SELECT * FROM {_quoted(table)} WHERE {_quoted(column)} IN ({_in(ids)})"
    return [dict(row) for row in conn.execute(sql, tuple(ids))]


# --- export ----------------------------------------------------------------------------------


def _headers(raw: bytes | None) -> list[list[str]]:
    """The message's header fields, their values as a person reads them (encoded-words
    and 8-bit text decoded by the one header decoder)."""
    if not raw:
        return []
    try:
        message = BytesHeaderParser(policy=compat32).parsebytes(raw)
        return [[name, header_text(str(value))] for name, value in message.raw_items()]
    except Exception:  # a malformed header block: the raw message is still exported on demand
        return []


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in HIDDEN_COLUMNS}


def _json_fields(row: dict, names: Sequence[str]) -> dict:
    for name in names:
        value = row.get(name)
        if isinstance(value, str):
            with contextlib.suppress(json.JSONDecodeError):
                row[name] = json.loads(value)
    return row


def _reply_export(conn: sqlite3.Connection, reply: dict, include_raw: bool) -> dict:
    raw = reply.get("raw")
    item = _json_fields(_clean(reply), ["defects", "attachments"])
    for name in HEADER_COLUMNS:
        if isinstance(item.get(name), str):
            item[name] = header_text(item[name])
    item["headers"] = _headers(raw)
    if include_raw and raw:
        item["raw_base64"] = base64.b64encode(raw).decode("ascii")
    item["drafts"] = [
        _json_fields(_clean(d), ["cited", "flags"])
        for d in _rows(conn, "drafts", "reply_id", [reply["id"]])
    ]
    item["tags"] = (
        _rows(conn, "reply_tags", "reply_id", [reply["id"]]) if _has(conn, "reply_tags") else []
    )
    insights = (
        _rows(conn, "reply_insights", "reply_id", [reply["id"]])
        if _has(conn, "reply_insights")
        else []
    )
    item["insights"] = [
        _clean(i) | {"has_embedding": i.get("vector") is not None} for i in insights
    ]
    item["quote_permission"] = insights[0]["quote"] if insights else "no"
    return item


def _has(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,))
    return row.fetchone() is not None


def export_reader_data(
    conn: sqlite3.Connection, email: str, *, include_raw: bool = False
) -> dict[str, Any]:
    """Everything the state database holds about a reader, as JSON-ready data."""
    ids = reader_reply_ids(conn, email)
    replies = _rows(conn, "replies", "id", ids)
    message_ids = [r["message_id"] for r in replies]
    processed = []
    if message_ids:
        processed = [
            dict(row)
            for row in conn.execute(
                f"SELECT * FROM processed WHERE message_id IN ({_in(message_ids)})",
                tuple(message_ids),
            )
        ]
    return {
        "reader": normal_email(email),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "replies": [_reply_export(conn, r, include_raw) for r in replies],
        "processed": processed,
        "style_memory_keys": [memory_key(i) for i in ids],
    }


def export_reader(
    config: Config, email: str, *, include_raw: bool = False, index: ArchiveIndex | None = None
) -> dict[str, Any]:
    """`inbox-agent reader export EMAIL`: what is held about a reader, as JSON-ready data."""
    with state(config) as conn:
        data = export_reader_data(conn, email, include_raw=include_raw)
    keys = data.pop("style_memory_keys")
    data["style_memory"] = (index or make_index(config)).style_entries(keys) if keys else []
    return data


# --- erasing -----------------------------------------------------------------------------------


@dataclass
class ForgetReport:
    """What was deleted, per place ("state:<table>", "style memory", "mailbox drafts")."""

    reader: str
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.deleted.values())

    def summary(self) -> str:
        if not self.deleted or not self.total:
            return f"nothing was held about {self.reader}"
        parts = ", ".join(f"{place}: {n}" for place, n in self.deleted.items() if n)
        return f"deleted for {self.reader}: {parts}"


def erase_replies(
    conn: sqlite3.Connection, reply_ids: Sequence[int], *, status: str, scrub: Sequence[str] = ()
) -> dict[str, int]:
    """Delete these replies and everything referring to them, in one transaction.

    Their processed rows keep only a hashed Message-ID and `status`; `scrub` texts (the
    reader's addresses) are removed from the recorded run errors. Returns counts per table.
    """
    counts: dict[str, int] = {}
    if not reply_ids:
        return counts
    ids = list(reply_ids)
    conn.execute("PRAGMA secure_delete = ON")
    with store.transaction(conn):
        draft_ids = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM drafts WHERE reply_id IN ({_in(ids)})", tuple(ids)
            )
        ]
        message_ids = [
            r[0]
            for r in conn.execute(
                f"SELECT message_id FROM replies WHERE id IN ({_in(ids)})", tuple(ids)
            )
        ]
        for target, keys in (("drafts", draft_ids), ("replies", ids)):
            for table, column in referencing_tables(conn, target):
                if keys and table not in ("drafts", "replies"):
                    counts[f"state:{table}"] = counts.get(f"state:{table}", 0) + _delete(
                        conn, table, column, keys
                    )
        counts["state:drafts"] = _delete(conn, "drafts", "id", draft_ids)
        counts["state:replies"] = _delete(conn, "replies", "id", ids)
        counts["state:processed (kept, anonymised)"] = _anonymise_processed(
            conn, message_ids, status
        )
        if scrub:
            counts["state:run errors"] = _scrub_runs(conn, scrub)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def _delete(conn: sqlite3.Connection, table: str, column: str, ids: Sequence[int]) -> int:
    if not ids:
        return 0
    sql = f"DELETE FROM {_quoted(table)} WHERE {_quoted(column)} IN ({_in(ids)})"
    return conn.execute(sql, tuple(ids)).rowcount


def _anonymise_processed(conn: sqlite3.Connection, message_ids: Sequence[str], status: str) -> int:
    changed = 0
    for message_id in message_ids:
        changed += conn.execute(
            "UPDATE processed SET message_id=?, status=?, error='', updated_at=? "
            "WHERE message_id=?",
            (message_hash(message_id), status, store.now(), message_id),
        ).rowcount
    return changed


def _scrub_runs(conn: sqlite3.Connection, texts: Sequence[str]) -> int:
    changed = 0
    rows = list(conn.execute("SELECT id, errors FROM runs WHERE errors != '[]'"))
    for row in rows:
        errors = row["errors"]
        cleaned = errors
        for text in texts:
            if text:
                cleaned = _replace_folded(cleaned, text, "[forgotten reader]")
        if cleaned != errors:
            conn.execute("UPDATE runs SET errors=? WHERE id=?", (cleaned, row["id"]))
            changed += 1
    return changed


def _replace_folded(text: str, old: str, new: str) -> str:
    lowered, needle = text.lower(), old.lower()
    out, start = [], 0
    while (found := lowered.find(needle, start)) >= 0:
        out.append(text[start:found] + new)
        start = found + len(needle)
    return "".join(out) + text[start:]


def _unsent_markers(conn: sqlite3.Connection, reply_ids: Sequence[int]) -> list[str]:
    """Markers of the drafts inbox-agent saved in the mailbox that were not sent."""
    if not reply_ids:
        return []
    rows = conn.execute(
        f"SELECT marker FROM drafts WHERE reply_id IN ({_in(reply_ids)}) "
        "AND marker != '' AND destination != '' AND sent_at = ''",
        tuple(reply_ids),
    )
    return [row[0] for row in rows]


def _delete_mailbox_drafts(markers: Sequence[str], source: MailSource) -> int:
    if not markers:
        return 0
    with source:
        return sum(source.delete_drafts(MARKER_HEADER, marker) for marker in markers)


def delete_style_entries(reply_ids: Sequence[int], index: ArchiveIndex) -> int:
    """Forget the approved replies to these replies from the style memory."""
    if not reply_ids:
        return 0
    return index.delete_style_examples([memory_key(i) for i in reply_ids])


def forget_reader(
    config: Config,
    email: str,
    *,
    source: MailSource | None = None,
    index: ArchiveIndex | None = None,
) -> ForgetReport:
    """`inbox-agent reader forget EMAIL`: delete what is held about a reader, everywhere.

    The mailbox and the style memory are cleaned first; if either fails, nothing is deleted
    from the state database and the error says to rerun once the cause is fixed.
    """
    report = ForgetReport(normal_email(email))
    with state(config) as conn:
        ids = reader_reply_ids(conn, email)
        if not ids:
            return report
        addresses = _addresses(conn, ids) | {email.strip()}
        try:
            report.deleted["mailbox drafts"] = _delete_mailbox_drafts(
                _unsent_markers(conn, ids), source or make_source(config)
            )
            report.deleted["style memory"] = delete_style_entries(
                ids, index or make_index(config)
            )
        except InboxAgentError as err:
            raise InboxAgentError(
                f"{err.message}; nothing was deleted from the state database yet",
                hint=(f"{err.hint}, then " if err.hint else "fix this, then ")
                + f"run `inbox-agent reader forget {report.reader}` again",
            ) from err
        report.deleted |= erase_replies(conn, ids, status=FORGOTTEN, scrub=sorted(addresses))
    log.info("%s", report.summary())
    return report


def _addresses(conn: sqlite3.Connection, ids: Sequence[int]) -> set[str]:
    rows = conn.execute(
        f"SELECT from_email, reply_to FROM replies WHERE id IN ({_in(ids)})", tuple(ids)
    )
    return {value for row in rows for value in row if value}
