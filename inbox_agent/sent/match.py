"""Which stored replies a sent message answers.

In order of confidence:
- `marker`: it carries our draft marker (X-Inbox-Agent-Draft) and the marker's hash is the
  reply's Message-ID;
- `thread`: its In-Reply-To names the reply, or its References name an unanswered reply
  from one of its recipients;
- `subject` (low confidence, shown as such): nothing above, but it went to the reader of
  unanswered replies with the same subject (reply prefixes removed) sent in the
  `window_days` before it.
One sent message may answer several replies of the same reader.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from inbox_agent.mail.compose import marker_value
from inbox_agent.sent.read import SentMail, normal_subject
from inbox_agent.store import answers as store_answers
from inbox_agent.store import db as store


def answered_by(conn: sqlite3.Connection, sent: SentMail,
                window_days: int) -> list[tuple[sqlite3.Row, str]]:
    """(reply row, how it matched) for each stored reply `sent` answers."""
    found: dict[int, tuple[sqlite3.Row, str]] = {}
    reply = _marked_reply(conn, sent.marker)
    if reply is not None:
        found[reply["id"]] = (reply, "marker")
    recipients = set(sent.recipients)
    for row in store_answers.replies_by_message_ids(conn, [sent.in_reply_to]):
        found.setdefault(row["id"], (row, "thread"))
    for row in store_answers.replies_by_message_ids(conn, sent.references):
        if row["id"] in found or not _to_reader(row, recipients):
            continue
        if row["kind"] == "reply" and store_answers.answer_count(conn, row["id"]) == 0:
            found[row["id"]] = (row, "thread")
    if not found:
        for row in _same_subject(conn, sent, window_days):
            found[row["id"]] = (row, "subject")
    return list(found.values())


def _marked_reply(conn: sqlite3.Connection, marker: str) -> sqlite3.Row | None:
    number, _, _ = marker.partition("-")
    if not number.isdigit():
        return None
    draft = store.get_draft(conn, int(number))
    if draft is None or marker_value(int(number), draft["message_id"]) != marker:
        return None
    return store.get_reply(conn, draft["reply_id"])


def _to_reader(row: sqlite3.Row, recipients: set[str]) -> bool:
    return bool({row["from_email"].lower(), row["reply_to"].lower()} & recipients)


def _same_subject(conn: sqlite3.Connection, sent: SentMail, window_days: int) -> list:
    if sent.sent_at is None or not sent.recipients:
        return []
    subject = normal_subject(sent.subject)
    earliest = sent.sent_at - timedelta(days=window_days)
    chosen = []
    for row in store_answers.replies_from(conn, sent.recipients):
        when = _date(row["date"])
        if normal_subject(row["subject"]) != subject or when is None:
            continue
        in_window = earliest <= when <= sent.sent_at + timedelta(hours=1)
        if in_window and store_answers.answer_count(conn, row["id"]) == 0:
            chosen.append(row)
    return chosen


def _date(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
