"""Review use cases: approve (threaded draft in Drafts, or SMTP), save an edit, skip,
mark as an idea, batch-approve quick thanks, and how much the author edits drafts.

Approving writes the reply where the author sends it from, records generated and final
text, and adds the final reply to the style memory. Approving again replaces the draft
inbox-agent saved before (found by its marker header), never one the author wrote.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from inbox_agent.config import Config
from inbox_agent.drafting.guardrails import (
    foreign_addresses,
    foreign_links,
    has_placeholders,
    placeholder_openings,
)
from inbox_agent.errors import InboxAgentError
from inbox_agent.mail import compose, smtp
from inbox_agent.mail.source import MailSource
from inbox_agent.models import DraftStatus, memory_key
from inbox_agent.store import db as store
from inbox_agent.store import review as store_review
from inbox_agent.store.lock import mailbox_lock
from inbox_agent.text.similarity import word_similarity
from inbox_agent.wiring import make_index, make_source, state

log = logging.getLogger(__name__)
APPROVAL_WAIT_SECONDS = 30  # for a pull or another approval writing to the mailbox
QUICK_THANKS_MAX_WORDS = 40


@dataclass
class Approval:
    draft_id: int
    destination: str
    sent: bool = False
    style_saved: bool = False


@dataclass
class BatchReport:
    approved: list[Approval] = field(default_factory=list)
    errors: dict[int, InboxAgentError] = field(default_factory=dict)  # by draft id


def _row(conn: sqlite3.Connection, draft_id: int) -> sqlite3.Row:
    row = store.get_draft(conn, draft_id)
    if row is None:
        raise InboxAgentError(f"no draft {draft_id}", hint="see `inbox-agent drafts list`")
    return row


def _lock(config: Config):
    return mailbox_lock(config, wait=APPROVAL_WAIT_SECONDS, command="approve")


# --- edits, skip, ideas -------------------------------------------------------------------


def save_edit(config: Config, draft_id: int, text: str) -> None:
    """Keep the author's version of the draft (the generated text stays for comparison)."""
    with state(config) as conn:
        row = _row(conn, draft_id)
        if row["sent_at"]:
            raise InboxAgentError(f"draft {draft_id} was already sent; it cannot change")
        store_review.set_final_text(conn, draft_id, text.replace("\r\n", "\n"))


def skip(config: Config, draft_id: int, *, source=None) -> None:
    """No answer for this reply; a draft saved earlier in Drafts is removed."""
    with state(config) as conn:
        row = _row(conn, draft_id)
        if row["sent_at"]:
            raise InboxAgentError(f"draft {draft_id} was already sent; it cannot be skipped")
        if row["destination"] and row["marker"]:
            source = source or make_source(config)
            with _lock(config), source:
                source.delete_drafts(compose.MARKER_HEADER, row["marker"])
        with store.transaction(conn):
            store.set_draft_status(conn, draft_id, DraftStatus.SKIPPED)
            store_review.clear_destination(conn, draft_id)


def mark_idea(config: Config, draft_id: int, marked: bool = True) -> None:
    """Flag the reader's message as an idea for a future issue (or unflag it)."""
    with state(config) as conn:
        _row(conn, draft_id)
        store_review.set_marked_idea(conn, draft_id, marked)


# --- approval ------------------------------------------------------------------------------


def build_message(config: Config, row: sqlite3.Row, reply: sqlite3.Row, text: str, now=None):
    original = compose.Original(
        message_id=reply["message_id"],
        subject=reply["subject"],
        from_email=reply["from_email"],
        from_name=reply["from_name"],
        reply_to=reply["reply_to"],
        references=reply["references_"],
        in_reply_to=reply["in_reply_to"],
        date=reply["date"],
        text=reply["reply_text"],
    )
    author = compose.Author(config.author.name, config.author.email)
    return compose.build_reply(
        original, author, text, language=row["language"] or config.author.default_language,
        draft_id=row["id"], quote_original=config.send.quote_original, now=now,
    )


def approve(
    config: Config, draft_id: int, text: str | None = None, *, source=None, index=None, now=None
) -> Approval:
    """Approve one draft (after saving `text` when given); raises when it cannot."""
    report = approve_many(config, [draft_id], {draft_id: text}, source=source, index=index,
                          now=now)
    if report.errors:
        raise report.errors[draft_id]
    return report.approved[0]


def approve_many(
    config: Config,
    draft_ids: list[int],
    texts: dict[int, str | None] | None = None,
    *,
    source=None,
    index=None,
    now: datetime | None = None,
) -> BatchReport:
    """Approve several drafts over one mailbox connection; one failure never stops the rest."""
    texts = texts or {}
    report = BatchReport()
    with state(config) as conn:
        ready = []
        for draft_id in draft_ids:
            try:
                ready.append(_prepare(config, conn, draft_id, texts.get(draft_id), now))
            except InboxAgentError as err:
                report.errors[draft_id] = err
        if ready:
            _deliver_all(config, conn, ready, report, source)
    _remember_styles(config, index, ready, report)
    return report


@dataclass
class _Ready:
    row: sqlite3.Row
    reply: sqlite3.Row
    text: str
    raw: bytes
    marker: str


def _prepare(config: Config, conn, draft_id: int, text: str | None, now) -> _Ready:
    row = _row(conn, draft_id)
    if row["sent_at"]:
        raise InboxAgentError(f"draft {draft_id} was already sent on {row['sent_at']}")
    final = (row["final_text"] if text is None else text).replace("\r\n", "\n")
    if text is not None:
        store_review.set_final_text(conn, draft_id, final)
    if not final.strip():
        raise InboxAgentError(f"draft {draft_id} is empty", hint="write the reply, then approve it")
    if has_placeholders(final):
        raise InboxAgentError(
            f"draft {draft_id} still has {' / '.join(placeholder_openings(final))} parts",
            hint="complete or remove them, then approve",
        )
    reply = store.get_reply(conn, row["reply_id"])
    message = build_message(config, row, reply, final, now)
    marker = message[compose.MARKER_HEADER]
    return _Ready(row, reply, final, compose.to_bytes(message), marker)


def _deliver_all(config: Config, conn, ready: list[_Ready], report: BatchReport, source) -> None:
    smtp = config.send.mode == "smtp"
    source = source or make_source(config)
    try:
        with _lock(config), source:
            for item in ready:
                draft_id = item.row["id"]
                sent_at = store.get_draft(conn, draft_id)["sent_at"]
                if sent_at:  # sent by an approval that held the lock just before this one
                    report.errors[draft_id] = InboxAgentError(
                        f"draft {draft_id} was already sent on {sent_at}"
                    )
                    continue
                try:
                    if smtp:
                        destination = send_smtp(config, item.raw, source)
                    else:
                        destination = source.save_draft(
                            item.raw, marker_header=compose.MARKER_HEADER,
                            marker_value=item.marker,
                        )
                except InboxAgentError as err:
                    report.errors[draft_id] = err
                    continue
                with store.transaction(conn):
                    store_review.record_approval(conn, draft_id, final_text=item.text,
                                                 destination=destination, marker=item.marker,
                                                 sent=smtp)
                report.approved.append(Approval(draft_id, destination, sent=smtp))
    except InboxAgentError as err:  # the mailbox could not be opened at all
        for item in ready:
            report.errors.setdefault(item.row["id"], err)


def _remember_styles(config: Config, index, ready: list[_Ready], report: BatchReport) -> None:
    done = {a.draft_id: a for a in report.approved}
    for item in ready:
        approval = done.get(item.row["id"])
        if approval is None:
            continue
        try:
            index = index or make_index(config)
            index.add_style_example(memory_key(item.reply["id"]), item.reply["reply_text"],
                                    item.text, item.row["language"])
            approval.style_saved = True
        except InboxAgentError as err:
            log.warning("draft %s approved, but not added to the style memory: %s",
                        item.row["id"], err)


# --- SMTP ----------------------------------------------------------------------------------


def send_smtp(config: Config, raw: bytes, source: MailSource | None = None) -> str:
    """Send over SMTP (see `inbox_agent.mail.smtp`); keep a copy in Sent where possible."""
    settings = config.send
    smtp.send(config, raw)
    copied = _append_sent(source, raw, settings.sent_folder)
    return f"sent via {settings.smtp_host}" + ("" if copied else " (no copy in Sent)")


def _append_sent(source, raw: bytes, folder: str) -> bool:
    """A copy in Sent where the source can keep one (IMAP); local sources cannot."""
    append = getattr(source, "append_sent", None)
    if append is None:
        return False
    append(raw, folder)
    return True


# --- queues and statistics -----------------------------------------------------------------


def quick_thanks(config: Config, max_words: int = QUICK_THANKS_MAX_WORDS) -> list[sqlite3.Row]:
    """Pending drafts answering a short thank-you, complete (no placeholders)."""
    with state(config) as conn:
        rows = store.list_drafts(conn, DraftStatus.PENDING.value)
    return [r for r in rows if is_quick_thanks(r, max_words, author_email=config.author.email)]


def is_quick_thanks(
    row, max_words: int = QUICK_THANKS_MAX_WORDS, *, author_email: str = ""
) -> bool:
    """A short thank-you with a complete grounded draft that raised nothing to look at.

    A draft with a flag, a link other than its cited issues', an address other than the
    author's or the reader's, or written by a model never enters the lane: it is read on
    its own page.
    """
    text = row["final_text"]
    cited = [c.get("url", "") for c in json.loads(row["cited"] or "[]")]
    addresses = [author_email, row["reader_email"], row["reply_to"]]
    return (
        row["intent"] == "thanks"
        and len(row["reply_text"].split()) <= max_words
        and bool(text.strip())
        and not has_placeholders(text)
        and row["drafter"] == "grounded"
        and not json.loads(row["flags"] or "[]")
        and not foreign_links(text, cited)
        and not foreign_addresses(text, addresses)
    )


def approve_quick_thanks(config: Config, draft_ids: list[int] | None = None, **kw) -> BatchReport:
    """Batch-approve the quick-thanks lane (only ids still in it, when given)."""
    lane = [r["id"] for r in quick_thanks(config)]
    chosen = lane if draft_ids is None else [i for i in draft_ids if i in set(lane)]
    return approve_many(config, chosen, **kw)


def similarity(generated: str, final: str) -> float:
    """1.0 when the author approved the draft as written; lower the more it was edited
    (the word-level measure of `inbox_agent.text.similarity`, also used for sent replies)."""
    return word_similarity(generated, final)


def edit_stats(config: Config) -> list[dict]:
    """Per ISO week of approval: approved drafts, mean similarity, how many unchanged."""
    with state(config) as conn:
        rows = store_review.approved_edits(conn)
    weeks: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        year, week, _ = datetime.fromisoformat(row["approved_at"]).isocalendar()
        weeks[f"{year}-W{week:02d}"].append(similarity(row["generated_text"], row["final_text"]))
    return [
        {"week": week, "approved": len(values),
         "mean_similarity": round(sum(values) / len(values), 3),
         "unchanged": sum(v >= 0.999 for v in values)}
        for week, values in sorted(weeks.items())
    ]
