"""Read-side use cases: drafts, set-apart mail, archive, status, parse output."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from inbox_agent.config import Config, find_config, load_config
from inbox_agent.errors import InboxAgentError
from inbox_agent.intake.parse import parse_file as parse
from inbox_agent.intake.triage import triage
from inbox_agent.models import DraftStatus, Issue, ReplyKind
from inbox_agent.sent.stats import scoreboard as sent_scoreboard
from inbox_agent.store import answers as store_answers
from inbox_agent.store import db as store
from inbox_agent.wiring import state


def draft_as_dict(row: sqlite3.Row) -> dict:
    cited = json.loads(row["cited"])
    return {
        "id": row["id"],
        "reply_id": row["reply_id"],
        "status": row["status"],
        "reader_email": row["reply_to"] or row["reader_email"],
        "reader_name": row["reader_name"],
        "first_name": row["first_name"],
        "language": row["language"],
        "reply_language": row["reply_language"],
        "intent": row["intent"],
        "issue_answered": row["issue_number"],
        "subject": row["subject"],
        "reply_text": row["reply_text"],
        "draft_text": row["final_text"],
        "generated_text": row["generated_text"],
        "cited_issues": [
            {
                "number": c["number"],
                "title": c["title"],
                "url": c["url"],
                "date": c["date"],
                "answered": c["answered"],
            }
            for c in cited
        ],
        "flags": json.loads(row["flags"]),
        "drafter": row["drafter"],
        "error": row["error"],
        "updated_at": row["updated_at"],
    }


def list_drafts(config: Config, status: str | None = None) -> list[dict]:
    with state(config) as conn:
        return [draft_as_dict(row) for row in store.list_drafts(conn, status)]


def get_draft(config: Config, draft_id: int) -> dict:
    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
    if row is None:
        raise InboxAgentError(f"no draft {draft_id}", hint="see `inbox-agent drafts list`")
    return draft_as_dict(row)


def resolve_id(config: Config, kind: str | None, number: int, want: str) -> int:
    """The id of `want` ("draft" or "message") for a reference: a bare number is already of
    the wanted kind; a draft's message, or a message's draft, is looked up."""
    if kind in (None, want):
        return number
    with state(config) as conn:
        if want == "draft":
            row = conn.execute("SELECT id FROM drafts WHERE reply_id = ?", (number,)).fetchone()
            if row is None:
                raise InboxAgentError(f"message {number} has no draft",
                                      hint="it may be set apart: see `inbox-agent other`")
        else:
            row = conn.execute("SELECT reply_id FROM drafts WHERE id = ?", (number,)).fetchone()
            if row is None:
                raise InboxAgentError(f"no draft {number}", hint="see `inbox-agent drafts list`")
    return int(row[0])


def set_status(config: Config, draft_id: int, status: DraftStatus) -> None:
    get_draft(config, draft_id)
    with state(config) as conn:
        store.set_draft_status(conn, draft_id, status)


def set_apart(config: Config) -> list[dict]:
    """Auto-replies, bounces, unsubscribes and other mail kept out of drafting."""
    with state(config) as conn:
        rows = store.list_replies(conn, [k.value for k in ReplyKind if k is not ReplyKind.REPLY])
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "from": r["from_email"],
            "subject": r["subject"],
            "reason": r["reason"],
        }
        for r in rows
    ]


def archive_issues(config: Config) -> list[dict]:
    with state(config) as conn:
        issues = store.load_issues(conn)
    return [
        {"key": i.key, "number": i.number, "title": i.title, "date": i.date, "url": i.url,
         "tags": list(i.tags), "language": i.language}
        for i in issues
    ]


def parse_file(path: str, config_path: str | None = None) -> dict:
    """What `inbox-agent parse` prints for one file."""
    mail = parse(path)
    issues: list[Issue] = []
    patterns: tuple[str, ...] = ()
    if config_path or _default_config_exists():
        config = load_config(config_path)
        patterns = config.newsletter.subject_patterns
        if Path(config.state.db).exists():
            with state(config) as conn:
                issues = store.load_issues(conn)
    verdict = triage(mail, issues, patterns) if patterns else triage(mail, issues)
    return {
        "file": str(path), "from": mail.reply_to or mail.from_email, "name": mail.from_name,
        "subject": mail.subject, "date": mail.date.isoformat() if mail.date else "",
        "language": mail.language, "kind": verdict.kind.value, "intent": verdict.intent,
        "reply_text": mail.reply_text, "issue": verdict.issue_number,
        "defects": list(mail.defects),
    }


def _default_config_exists() -> bool:
    try:
        find_config()
    except InboxAgentError:
        return False
    return True


def status(config: Config) -> dict:
    with state(config) as conn:
        runs = [
            {"id": r["id"], "kind": r["kind"], "started_at": r["started_at"],
             "ended_at": r["ended_at"], "status": r["status"], "counts": json.loads(r["counts"]),
             "errors": json.loads(r["errors"])}
            for r in store.list_runs(conn)
        ]
        rows = conn.execute("SELECT status, count(*) FROM drafts GROUP BY status").fetchall()
        drafts = {row[0]: row[1] for row in rows}
        skipped = conn.execute(
            "SELECT error, count(*) FROM processed WHERE status='skipped' GROUP BY error"
        ).fetchall()
    reasons: dict[str, int] = {}
    for error, count in skipped:  # "too large: 12.3 MB > 10 MB" counts as "too large"
        reason = (error or "unreadable").split(":")[0]
        reasons[reason] = reasons.get(reason, 0) + count
    return {"runs": runs, "drafts": drafts, "skipped": reasons}


def scoreboard(config: Config, since: date | None = None) -> dict:
    """How the drafts fare, per week of arrival, drafter and intent (see `sent.stats`)."""
    with state(config) as conn:
        return sent_scoreboard(conn, since)


def earlier_exchange(conn: sqlite3.Connection, reply_id: int) -> dict | None:
    """An earlier reply whose answer a draft adapts: that reader's first name (never their
    address) and words, and what the author answered, as drafting reads it (the latest
    answer found in Sent, else the approved draft; "" when neither). None when the reply no
    longer exists."""
    reply = conn.execute("SELECT id, first_name, reply_text, date FROM replies WHERE id = ?",
                         (reply_id,)).fetchone()
    if reply is None:
        return None
    answer = store_answers.earlier_answer(conn, reply_id) or {}
    return {
        "reply_id": reply["id"], "first_name": reply["first_name"],
        "reply_text": reply["reply_text"], "received_at": reply["date"],
        "answer": answer.get("text", ""), "answered_at": answer.get("sent_at", ""),
    }
