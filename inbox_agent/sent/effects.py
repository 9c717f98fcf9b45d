"""What an answer found in the Sent folder changes.

- The reply is answered: a pending (or failed) draft leaves the queue as "answered"; a reply
  not drafted yet is never drafted; an approved draft is recorded as sent.
- The draft's outcome: the author's own words against the generated draft, with the
  word-level measure of `inbox_agent.text.similarity` (the one the Status page uses for
  edits made in the page): unchanged / light / heavy / rewritten.
- The answer memory: the sent words replace the approved text under the reply's key
  (`remember_answers`, after the state is committed; retried at the next sync).
"""

from __future__ import annotations

import logging
import sqlite3

from inbox_agent.errors import InboxAgentError
from inbox_agent.intake.quotes import split_reply
from inbox_agent.models import DraftStatus, memory_key
from inbox_agent.sent.read import SentMail
from inbox_agent.store import answers as store_answers
from inbox_agent.store.db import now
from inbox_agent.text.similarity import HEAVY_EDIT, outcome, word_similarity

log = logging.getLogger(__name__)


def comparable(draft_text: str, author_name: str) -> str:
    """A draft as the author's words are read from sent mail: without its signature."""
    words, _ = split_reply(draft_text or "", signer=author_name)
    return words or draft_text or ""


def record_answer(conn: sqlite3.Connection, reply: sqlite3.Row, sent: SentMail, how: str,
                  *, author_name: str = "") -> bool:
    """Record that `sent` answers `reply` (inside the caller's transaction); False when it
    was recorded before."""
    draft = conn.execute("SELECT * FROM drafts WHERE reply_id = ?", (reply["id"],)).fetchone()
    similarity = None
    through = False
    if draft is not None and draft["generated_text"].strip():
        similarity = word_similarity(comparable(draft["generated_text"], author_name), sent.text)
        through = (how == "marker" or draft["status"] == DraftStatus.APPROVED
                   or similarity >= HEAVY_EDIT)
    sent_at = (sent.sent_at.isoformat(timespec="seconds") if sent.sent_at else now())
    added = store_answers.add_answer(
        conn, reply_id=reply["id"], message_hash=sent.message_hash, sent_at=sent_at,
        match=how, draft_id=draft["id"] if through else None,
        drafter=draft["drafter"] if through else "", text=sent.text,
        language=sent.language or reply["language"],
        similarity=similarity if through else None,
        outcome=outcome(similarity) if through and similarity is not None else "",
    )
    if added and draft is not None:
        if draft["status"] in (DraftStatus.PENDING, DraftStatus.FAILED):
            conn.execute("UPDATE drafts SET status = ?, updated_at = ? WHERE id = ?",
                         (DraftStatus.ANSWERED.value, now(), draft["id"]))
        elif draft["status"] == DraftStatus.APPROVED and not draft["sent_at"]:
            conn.execute("UPDATE drafts SET sent_at = ?, updated_at = ? WHERE id = ?",
                         (sent_at, now(), draft["id"]))
    return added


def remember_answers(conn: sqlite3.Connection, index) -> int:
    """Put the answers not yet in the answer memory there; returns how many were added.

    A store failure is logged and the answers stay marked for the next sync."""
    rows = store_answers.not_remembered(conn)
    done = []
    for row in rows:
        if not row["text"].strip():
            done.append(row["reply_id"])
            continue
        try:
            index.add_style_example(memory_key(row["reply_id"]), row["reply_text"],
                                    row["text"], row["language"])
        except InboxAgentError as err:
            log.warning("answers from Sent not added to the answer memory yet: %s", err)
            break
        done.append(row["reply_id"])
    if done:
        conn.execute("BEGIN IMMEDIATE")
        store_answers.set_remembered(conn, done)
        conn.execute("COMMIT")
    return len(done)
