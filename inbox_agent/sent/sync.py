"""Sent sync: read the author's Sent folder incrementally, like the inbox.

Each message is read once per (account, folder, UIDVALIDITY, UID), with BODY.PEEK and
nothing changed on the server; a message also seen under another UID (a folder recreated
with a new UIDVALIDITY, a copy) is recognised by its Message-ID hash and counted once.
Only messages from the author's addresses count. What is kept of a sent message that
answers no stored reply is hashes only, so that a reply pulled later (answered from the
phone before inbox-agent saw it) is matched then and never drafted. The seen rows, the
answers and the draft changes of a group are committed together: a crash re-reads the
group, and nothing is counted twice.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from inbox_agent.config import Config
from inbox_agent.intake.pull import STORE_GROUP
from inbox_agent.mail.source import SentBox
from inbox_agent.models import FetchedMail, Progress, RunReport, no_progress
from inbox_agent.sent.effects import record_answer, remember_answers
from inbox_agent.sent.match import answered_by
from inbox_agent.sent.read import digest, read_sent, subject_key
from inbox_agent.store import answers as store_answers
from inbox_agent.store import db as store

log = logging.getLogger(__name__)
REVISIT_DAYS = 60  # an unmatched sent message read in these days is matched again


def author_addresses(config: Config) -> set[str]:
    return {a.strip().lower() for a in (config.author.email, *config.sent.aliases) if a.strip()}


def sync_sent(
    config: Config,
    conn: sqlite3.Connection,
    report: RunReport,
    *,
    box: SentBox,
    index=None,
    progress: Progress = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Read new sent messages, record the replies they answer; then the answer memory."""
    authors = author_addresses(config)
    if not authors:
        report.notices.append("the Sent folder is not read: set [author] email (and "
                              "[sent] aliases) so inbox-agent knows which mail is yours")
        return
    source, folder = box.source, box.folder
    with source:
        validity = source.uidvalidity(folder)
        seen = store_answers.seen_uids(conn, source.account, folder, validity)
        revisit = _revisit(conn, source.account, folder, validity)
        new = [uid for uid in source.uids(folder) if uid not in seen]
        wanted = sorted(set(new) | set(revisit))
        done = 0
        group: list[FetchedMail] = []
        for fetched in source.fetch(folder, wanted):
            group.append(fetched)
            if len(group) >= STORE_GROUP:
                _store_group(config, conn, group, authors, report)
                done += len(group)
                group = []
                progress(f"reading {folder}", done, len(wanted))
                if should_stop():
                    break
        if group:
            _store_group(config, conn, group, authors, report)
            done += len(group)
            progress(f"reading {folder}", done, len(wanted))
    if index is not None:
        remember_answers(conn, index)


def _revisit(conn: sqlite3.Connection, account: str, folder: str, validity: int) -> list[int]:
    """Unmatched sent messages whose hashes now name an unanswered stored reply."""
    since = (datetime.now(UTC) - timedelta(days=REVISIT_DAYS)).isoformat(timespec="seconds")
    rows = store_answers.unmatched(conn, account, folder, validity, since)
    if not rows:
        return []
    keys: set[str] = set()
    for reply in store_answers.unanswered_replies(conn):
        keys.add(digest(reply["message_id"]))
        keys.add(subject_key(reply["from_email"], reply["subject"]))
        keys.add(subject_key(reply["reply_to"], reply["subject"]))
    return [row["uid"] for row in rows if keys & set(json.loads(row["refs"] or "[]"))]


def _store_group(config: Config, conn: sqlite3.Connection, group: list[FetchedMail],
                 authors: set[str], report: RunReport) -> None:
    read = [(f, _read(f)) for f in group]
    with store.transaction(conn):
        for fetched, sent in read:
            report.sent_read += 1
            _store_one(config, conn, fetched, sent, authors, report)


def _read(fetched: FetchedMail):
    if fetched.raw is None:
        return None
    try:
        return read_sent(fetched.raw, fetched.internaldate)
    except Exception as err:  # noqa: BLE001 - one unreadable sent message never stops the sync
        log.warning("sent message %s/%s unreadable: %s", fetched.ref.folder, fetched.ref.uid,
                    err)
        return None


def _store_one(config: Config, conn: sqlite3.Connection, fetched: FetchedMail, sent,
               authors: set[str], report: RunReport) -> None:
    ref = fetched.ref
    if sent is None:
        store_answers.record_seen(conn, ref, message_hash="", status="unreadable")
        return
    stamp = sent.sent_at.isoformat(timespec="seconds") if sent.sent_at else ""
    if sent.from_email not in authors:
        store_answers.record_seen(conn, ref, message_hash=sent.message_hash, status="not_author")
        return
    if store_answers.is_known_sent(conn, sent.message_hash, ref):
        store_answers.record_seen(conn, ref, message_hash=sent.message_hash, status="duplicate")
        return
    matches = answered_by(conn, sent, config.sent.window_days)
    for reply, how in matches:
        if record_answer(conn, reply, sent, how, author_name=config.author.name):
            report.answered += 1
    status = "matched" if matches else "unmatched"
    refs = [] if matches else sent.refs()
    store_answers.record_seen(conn, ref, message_hash=sent.message_hash, status=status,
                              refs=refs, sent_at=stamp)

