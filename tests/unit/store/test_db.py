"""State store: append-only migrations, exactly-once bookkeeping, draft rules."""

from __future__ import annotations

import sqlite3

import pytest

from inbox_agent.errors import StoreError
from inbox_agent.models import Draft, DraftStatus, MailRef, ParsedMail, ReplyKind, Triage
from inbox_agent.store import db as store

REF = MailRef("acct", "INBOX", 7, 42)


def parsed(message_id: str = "<m1@example.org>", **overrides) -> ParsedMail:
    values = dict(
        message_id=message_id, subject="Re: #44", from_email="ana@example.org", from_name="Ana",
        first_name="Ana", reply_to="ana@example.org", date=None, in_reply_to="", references=(),
        body_text="Merci !", reply_text="Merci !", quoted_text="", language="fr", headers={},
        content_type="text/plain",
    )
    values.update(overrides)
    return ParsedMail(**values)


def test_empty_database_gets_every_migration(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    names = [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == [name for name, _ in store.MIGRATIONS]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"processed", "replies", "drafts", "runs", "archive_issues"} <= tables


def test_older_database_gets_only_the_missing_migrations(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:1])
    old = store.connect(path)
    store.record_processed(old, REF, message_id="<x@y>", status="done")
    old.close()
    monkeypatch.undo()
    conn = store.connect(path)
    assert store.processed_uids(conn, "acct", "INBOX", 7) == {42}
    assert conn.execute("SELECT count(*) FROM archive_issues").fetchone()[0] == 0
    assert store.migrate(conn) == []


def test_database_from_a_newer_version_is_refused(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    conn.execute("INSERT INTO migrations VALUES ('9999_future', 'now')")
    conn.close()
    with pytest.raises(StoreError, match="upgrade inbox-agent"):
        store.connect(tmp_path / "s.db")


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the state database"):
        store.connect(path)


def test_processed_uids_are_per_uidvalidity(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    store.record_processed(conn, REF, message_id="<a@b>", status="done")
    assert store.processed_uids(conn, "acct", "INBOX", 7) == {42}
    assert store.processed_uids(conn, "acct", "INBOX", 8) == set()


def test_a_message_id_is_stored_once(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    triage = Triage(ReplyKind.REPLY, "reader reply")
    store.add_reply(conn, REF, parsed(), triage, b"raw")
    with pytest.raises(sqlite3.IntegrityError):
        store.add_reply(conn, MailRef("acct", "INBOX", 8, 1), parsed(), triage, b"raw")


def test_failed_transaction_leaves_nothing(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    with pytest.raises(RuntimeError), store.transaction(conn):
        store.record_processed(conn, REF, message_id="<a@b>", status="done")
        raise RuntimeError("crash between the two writes")
    assert store.processed_uids(conn, "acct", "INBOX", 7) == set()


def test_approved_draft_is_never_overwritten_by_a_new_generation(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    reply_id = store.add_reply(conn, REF, parsed(), Triage(ReplyKind.REPLY, "r"), None)
    draft_id = store.save_draft(conn, reply_id, Draft("first", "fr"))
    store.set_draft_status(conn, draft_id, DraftStatus.APPROVED, final_text="edited")
    assert store.save_draft(conn, reply_id, Draft("second", "fr")) == draft_id
    row = store.get_draft(conn, draft_id)
    assert (row["status"], row["final_text"], row["generated_text"]) == (
        "approved", "edited", "first"
    )


def test_replies_to_draft_skips_set_apart_mail_and_drafted_replies(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    reply = store.add_reply(conn, REF, parsed("<1@x>"), Triage(ReplyKind.REPLY, "r"), None)
    store.add_reply(conn, MailRef("a", "I", 1, 2), parsed("<2@x>"),
                    Triage(ReplyKind.AUTO_REPLY, "ooo"), None)
    failed = store.add_reply(conn, MailRef("a", "I", 1, 3), parsed("<3@x>"),
                             Triage(ReplyKind.REPLY, "r"), None)
    store.save_draft(conn, failed, Draft("", "fr"), error="model timed out")
    assert [r["id"] for r in store.replies_to_draft(conn)] == [reply, failed]
    store.save_draft(conn, reply, Draft("ok", "fr"))
    assert [r["id"] for r in store.replies_to_draft(conn)] == [failed]
