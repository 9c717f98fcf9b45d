"""Mail in: fetch new messages from the source, parse and triage them, store them.

A message's processed row and reply row are committed in the same transaction, a group
of STORE_GROUP messages at a time, so a crash or a rerun never loses a reply nor stores
one twice; one message's failure is recorded and the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from inbox_agent.config import SINCE_LAST_ISSUE, Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.intake.parse import parse_message
from inbox_agent.intake.triage import issue_index, triage
from inbox_agent.mail.source import MailSource, skipped_size_mb
from inbox_agent.models import (
    FetchedMail,
    Issue,
    ParsedMail,
    Progress,
    ReplyKind,
    RunReport,
    Triage,
    no_progress,
)
from inbox_agent.privacy.forgotten import FORGOTTEN, is_forgotten, message_hash
from inbox_agent.store import db as store
from inbox_agent.store import processed

log = logging.getLogger(__name__)


def message_id_of(mail_id: str, raw: bytes) -> str:
    """The Message-ID, or a stable one made from the bytes when the mail has none."""
    if mail_id.strip():
        return mail_id.strip()
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@inbox-agent.invalid>"


@dataclass
class Analysis:
    """What parse and triage made of one message's bytes, or why they failed."""

    mail: ParsedMail | None
    verdict: Triage | None
    error: str = ""


def analyse(raw: bytes, issues, patterns: tuple[str, ...]) -> Analysis:
    """Parse and triage one message (pure); any failure is returned, never raised."""
    try:
        mail = parse_message(raw)
        return Analysis(mail, triage(mail, issues, patterns))
    except Exception as err:  # one message's failure never stops the batch
        return Analysis(None, None, str(err) or type(err).__name__)


def store_message(
    conn: sqlite3.Connection, fetched: FetchedMail, analysis: Analysis | None, report: RunReport
) -> None:
    """Record one message (reply row and processed row) inside the caller's transaction."""
    ref = fetched.ref
    report.fetched += 1
    if fetched.raw is None or analysis is None:
        store.record_processed(
            conn, ref, message_id="", status="skipped", error=fetched.skip_reason or ""
        )
        report.skipped += 1
        return
    mail, verdict = analysis.mail, analysis.verdict
    if mail is None or verdict is None:
        log.warning("message %s/%s failed: %s", ref.folder, ref.uid, analysis.error)
        store.record_processed(
            conn, ref, message_id="", status="failed", error=analysis.error[:500]
        )
        report.failed += 1
        report.errors.append(f"{ref.folder} uid {ref.uid}: {analysis.error}")
        return
    message_id = message_id_of(mail.message_id, fetched.raw)
    if mail.message_id != message_id:
        mail = replace(mail, message_id=message_id)
    if is_forgotten(conn, message_id):  # the reader asked to be forgotten
        store.record_processed(conn, ref, message_id=message_hash(message_id), status=FORGOTTEN)
        report.skipped += 1
        return
    if store.reply_id_for_message(conn, message_id) is not None:
        store.record_processed(conn, ref, message_id=message_id, status="duplicate")
        report.duplicates += 1
        return
    store.add_reply(conn, ref, mail, verdict, fetched.raw)
    store.record_processed(conn, ref, message_id=message_id, status="done")
    if verdict.kind is ReplyKind.REPLY:
        report.replies += 1
    else:
        report.set_apart += 1


STORE_GROUP = 50  # messages committed together: a crash costs at most this many re-reads


def pull(
    config: Config,
    conn: sqlite3.Connection,
    report: RunReport,
    *,
    source: MailSource,
    progress: Progress = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Fetch and store every message not processed yet, in every configured folder.

    Messages are committed in groups of STORE_GROUP, each group in one transaction with
    its processed rows: a crash loses no reply and stores none twice, the next run just
    reads the uncommitted group again. A stop request ends the pass after the group.
    """

    issues = issue_index(store.load_issues(conn))
    patterns = config.newsletter.subject_patterns
    since = _since(config, issues.issues)
    with source:
        for folder in source.folders():
            uidvalidity = source.uidvalidity(folder)
            known = store.processed_uids(conn, source.account, folder, uidvalidity)
            known -= _fits_now(conn, config, source.account, folder, uidvalidity)
            where = (source.account, folder, uidvalidity)
            _post_actions(conn, source, where, processed.pending_post_actions(conn, *where))
            new = [uid for uid in source.uids(folder, since=since) if uid not in known]
            done = 0
            for group in _groups(source.fetch(folder, new), STORE_GROUP):
                analyses = [
                    analyse(f.raw, issues, patterns) if f.raw is not None else None for f in group
                ]
                with store.transaction(conn):
                    for fetched, analysis in zip(group, analyses, strict=True):
                        store_message(conn, fetched, analysis, report)
                    processed.add_pending_post_actions(conn, [f.ref for f in group])
                _post_actions(conn, source, where, [f.ref.uid for f in group])
                done += len(group)
                progress(f"reading {folder}", done, len(new))
                if should_stop():
                    break
            if should_stop():
                return


def _post_actions(
    conn: sqlite3.Connection, source: MailSource, where: tuple[str, str, int], uids: list[int]
) -> None:
    """The source's post-action (keyword, move) for stored messages, then forgotten as done.

    Each stored message is recorded as pending in the same transaction as its reply, so a
    pass killed in between completes the post-action at the start of the next one.
    """
    if not uids:
        return
    source.mark_processed(where[1], uids)
    with store.transaction(conn):
        processed.clear_pending_post_actions(conn, *where, uids)


def _fits_now(
    conn: sqlite3.Connection, config: Config, account: str, folder: str, uidvalidity: int
) -> set[int]:
    """Messages skipped as too large that the cap of today admits: they are read again.

    The reason records the size to 0.1 MB, so the size is taken as up to 0.05 MB more.
    """
    cap = config.imap.max_message_mb
    skipped = processed.skipped_reasons(conn, account, folder, uidvalidity)
    sizes = {uid: skipped_size_mb(why) for uid, why in skipped.items()}
    return {uid for uid, mb in sizes.items() if mb is not None and mb + 0.05 <= cap}


def _groups(items: Iterable[FetchedMail], size: int) -> Iterator[list[FetchedMail]]:
    group: list[FetchedMail] = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _since(config: Config, issues: Sequence[Issue]) -> date | None:
    """The first day to read mail from: source.since, or the day the latest issue went out."""
    since = config.source.since
    if not since:
        return None
    if since == SINCE_LAST_ISSUE:
        dates = sorted(i.date for i in issues if i.date)
        if not dates:
            log.info("source.since = %r: the archive has no dated issue, reading all mail", since)
            return None
        since = dates[-1][:10]
    try:
        return date.fromisoformat(since)
    except ValueError as err:
        raise InboxAgentError(
            f"{config.path}: source.since must be a date like 2026-06-01 or {SINCE_LAST_ISSUE!r}"
        ) from err
