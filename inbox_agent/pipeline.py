"""Use cases: each command of the CLI, worker and web page is one call here.

Mail in (pull, parse, triage, store) lives in inbox_agent.intake; its `pull` is
re-exported here. A failure while drafting one reply marks that draft failed and the
pass goes on.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from inbox_agent import store
from inbox_agent.config import Config
from inbox_agent.errors import InboxAgentError
from inbox_agent.intake import Progress, no_progress, pull
from inbox_agent.models import Issue

log = logging.getLogger("inbox_agent")


@dataclass
class RunReport:
    fetched: int = 0
    replies: int = 0
    set_apart: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    drafted: int = 0
    draft_failed: int = 0
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}

    def summary(self) -> str:
        return (
            f"{self.fetched} new messages: {self.replies} replies, {self.set_apart} set apart "
            f"(auto-replies, bounces, unsubscribes), {self.duplicates} duplicates, "
            f"{self.skipped} skipped, {self.failed} failed; {self.drafted} drafts written"
            + (f", {self.draft_failed} drafts failed" if self.draft_failed else "")
        )


# --- adapters ---------------------------------------------------------------


def open_state(config: Config) -> sqlite3.Connection:
    return store.connect(config.state.db)


@contextlib.contextmanager
def state(config: Config) -> Iterator[sqlite3.Connection]:
    """The state database for one block, closed when it ends."""
    conn = open_state(config)
    try:
        yield conn
    finally:
        conn.close()


def make_source(config: Config):  # -> MailSource
    from inbox_agent import mailbox

    kind = config.source.kind
    max_mb = config.imap.max_message_mb
    if kind == "maildir":
        return mailbox.MaildirSource(
            config.source.path, drafts_path=config.source.drafts_path, max_message_mb=max_mb
        )
    if kind == "mbox":
        return mailbox.MboxSource(config.source.path, max_message_mb=max_mb)
    from inbox_agent.config import imap_password

    return mailbox.ImapSource(config.imap, lambda: imap_password(config))


def make_index(config: Config, embeddings=None):  # -> ArchiveIndex
    from inbox_agent.index import ArchiveIndex

    return ArchiveIndex(config.index, embeddings=embeddings)


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
    index=None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import the archive (the configured one by default), re-embedding only what changed."""
    from inbox_agent import archive

    kind = kind or (None if source else config.archive.kind)
    if kind == "imap":
        issues = _issues_from_imap(config)
    else:
        issues = archive.import_any(
            source or config.archive.path, kind, base_url=config.newsletter.base_url
        )
    chunks = [chunk for issue in issues for chunk in archive.chunk_issue(issue)]
    index = index or make_index(config)
    report = index.sync(issues, chunks, progress=lambda d, t: progress("embedding", d, t))
    with state(config) as conn, store.transaction(conn):
        store.replace_issues(conn, issues)
    return ImportReport(len(issues), report.added, report.updated, report.unchanged, report.removed)


def _issues_from_imap(config: Config) -> list[Issue]:
    from inbox_agent import archive, mailbox
    from inbox_agent.config import imap_password

    folder = config.archive.imap_folder
    with mailbox.ImapSource(config.imap, lambda: imap_password(config)) as source:
        uids = source.uids(folder)
        raws = [m.raw for m in source.fetch(folder, uids) if m.raw]
    return archive.import_messages(raws)


# --- drafting -----------------------------------------------------------------


def draft_pending(
    config: Config,
    conn: sqlite3.Connection,
    report: RunReport,
    *,
    index=None,
    progress: Progress = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Draft every reply that has no draft yet; a failure marks that draft failed."""
    rows = store.replies_to_draft(conn)
    if not rows:
        return
    index = index or make_index(config)
    issues = {i.key: i for i in store.load_issues(conn)}
    for n, row in enumerate(rows, 1):
        try:
            draft = draft_for(config, row, index, issues, conn)
            with store.transaction(conn):
                store.save_draft(conn, row["id"], draft)
            report.drafted += 1
        except InboxAgentError as err:
            from inbox_agent.models import Draft

            with store.transaction(conn):
                store.save_draft(conn, row["id"], Draft("", row["language"]), error=str(err))
            report.draft_failed += 1
            report.errors.append(f"draft for reply {row['id']}: {err}")
        progress("drafting", n, len(rows))
        if should_stop():
            return


def draft_for(
    config: Config,
    row: sqlite3.Row,
    index,
    issues: dict[str, Issue],
    conn: sqlite3.Connection | None = None,
):
    """Retrieve related issues for one stored reply and draft the answer."""
    from inbox_agent import drafting

    return drafting.draft_for(config, row, index, issues, conn)


# --- one pass -------------------------------------------------------------------


def run_once(
    config: Config,
    *,
    source=None,
    index=None,
    progress: Progress = no_progress,
    should_stop: Callable[[], bool] = lambda: False,
    lock_wait: float | None = 0,
) -> RunReport:
    """Pull new mail, triage it, draft the replies; the run is recorded in the state DB.

    Holds the single-instance lock, waiting up to `lock_wait` seconds (None: forever) for
    another inbox-agent to finish; `should_stop` is checked after each message.
    """
    from inbox_agent.lock import instance_lock

    with instance_lock(config, wait=lock_wait):
        return _run_once(config, source, index, progress, should_stop)


def _run_once(
    config: Config, source, index, progress: Progress, should_stop: Callable[[], bool]
) -> RunReport:
    conn = open_state(config)
    report = RunReport()
    run_id = store.start_run(conn, "run")
    status = "error"
    index = index or make_index(config)  # connects lazily; shared by the stages below
    try:
        pull(config, conn, report, source=source, progress=progress, should_stop=should_stop)
        if config.state.retention_months and not should_stop():
            from inbox_agent.retention import apply_retention

            apply_retention(config, conn, index=index)
        if not should_stop():
            draft_pending(
                config, conn, report, index=index, progress=progress, should_stop=should_stop
            )
        if not should_stop():
            from inbox_agent.insights_use import tag_pending

            tag_pending(config, conn, index=index)
        status = "stopped" if should_stop() else "ok"
    except InboxAgentError as err:
        report.errors.append(str(err))
        raise
    finally:
        store.finish_run(conn, run_id, report.counts(), report.errors[-50:], status)
        conn.close()
    log.info("run finished: %s", report.summary())
    return report


def reindex_archive(config: Config, *, progress: Progress = no_progress) -> ImportReport:
    """Drop the index and import the configured archive again."""
    index = make_index(config)
    index.reset()
    return import_archive(config, index=index, progress=progress)


def regenerate_draft(
    config: Config, draft_id: int, instruction: str, *, index=None, model=None
) -> dict:
    """Draft a pending or failed draft again following the author's instruction."""
    from inbox_agent import drafting, queries

    with state(config) as conn:
        row = store.get_draft(conn, draft_id)
        if row is None:
            raise InboxAgentError(f"no draft {draft_id}: see `inbox-agent drafts list`")
        if row["status"] not in ("pending", "failed"):
            raise InboxAgentError(
                f"draft {draft_id} is {row['status']}: only pending or failed drafts "
                "can be regenerated"
            )
        reply = store.get_reply(conn, row["reply_id"])
        issues = {i.key: i for i in store.load_issues(conn)}
        draft = drafting.regenerate(
            config,
            reply,
            row["final_text"],
            instruction,
            index or make_index(config),
            issues,
            conn,
            model=model,
        )
        with store.transaction(conn):
            store.save_draft(conn, reply["id"], draft)
        return queries.draft_as_dict(store.get_draft(conn, draft_id))
