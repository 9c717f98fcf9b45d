"""Sent sync against real IMAP servers (Dovecot, Cyrus): the \\Sent folder found by its
special-use flag, a folder named in config (one without the flag, a Gmail-style name), the
author's client appending an edited copy of our draft, a UIDVALIDITY change."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy

import pytest

from inbox_agent import pipeline
from inbox_agent.config import SentSettings
from inbox_agent.errors import MailboxError
from inbox_agent.review import approve as review
from inbox_agent.store import db as store
from tests.fixtures_dovecot import ImapUser
from tests.unit.review.test_approve import QUESTION, THANKS, make_env
from tests.unit.sent.test_sync import sent_mail


@pytest.fixture
def imap_user(imap_server) -> ImapUser:
    return imap_server.add_user()


def _rows(config, sql: str, *args):
    conn = store.connect(config.state.db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _sent_copy_of_our_draft(user: ImapUser, extra_line: str) -> bytes:
    """What a mail program appends to Sent after the author edits our draft and sends it."""
    client = user.client()
    try:
        client.select_folder(user.drafts, readonly=True)
        [uid] = client.search(["ALL"])
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    finally:
        client.logout()
    message = message_from_bytes(raw, policy=policy.default)
    message.set_content(message.get_content().replace("Camille", f"{extra_line}\n\nCamille", 1))
    return message.as_bytes()


def test_the_sent_folder_closes_the_loop_on_each_server(tmp_path, imap_user):
    env = make_env(tmp_path, [THANKS, QUESTION], imap_user=imap_user)
    thanks = env.draft_id("<m1@reader.example>")
    question = env.draft_id("<m2@reader.example>")
    review.approve(env.config, thanks, source=env.source_factory(), index=env.index)
    imap_user.append(imap_user.sent, _sent_copy_of_our_draft(imap_user, "À bientôt !"),
                     flags=[r"\Seen"])
    imap_user.append(imap_user.sent, sent_mail(
        1, "tom.b@other.example", "Re: L'Atelier du Futur #38",
        "Hi Tom,\n\nOnly meetings with an agenda survive.\n\nCamille",
        in_reply_to="<m2@reader.example>"))
    before = imap_user.flags(imap_user.sent)

    report = pipeline.run_once(env.config, source=env.source_factory(), index=env.index)

    assert report.sent_read == 2 and report.answered == 2, report.errors
    assert imap_user.flags(imap_user.sent) == before  # nothing changed on the server
    approved = env.row(thanks)
    assert approved["status"] == "approved" and approved["sent_at"]
    [(match, draft_id, outcome)] = _rows(
        env.config, "SELECT match, draft_id, outcome FROM answers WHERE reply_id = ?",
        approved["reply_id"])
    assert (match, draft_id) == ("marker", thanks) and outcome in ("light", "unchanged")
    assert env.row(question)["status"] == "answered"
    again = pipeline.sync_sent_folder(env.config, source=env.source_factory(), index=env.index)
    assert (again.sent_read, again.answered) == (0, 0)


@pytest.mark.parametrize("name", ["Envoyes perso", "[Gmail]/Sent Mail"])
def test_a_sent_folder_named_in_config(tmp_path, imap_user, name):
    env = make_env(tmp_path, [QUESTION], imap_user=imap_user)
    full = imap_user.create_folder(name)
    imap_user.append(full, sent_mail(2, "tom.b@other.example", "Re: x", "Agenda first.",
                                     in_reply_to="<m2@reader.example>"))
    config = replace(env.config, sent=SentSettings(folder=name))
    report = pipeline.sync_sent_folder(config, source=env.source_factory(), index=env.index)
    assert report.answered == 1, (report.notices, report.errors)
    missing = replace(env.config, sent=SentSettings(folder="Nowhere"))
    with pytest.raises(MailboxError, match=r"Nowhere.*\[sent\] folder"):
        pipeline.sync_sent_folder(missing, source=env.source_factory(), index=env.index)
    # inside a pass, the same is one line and the inbox is still read
    report = pipeline.run_once(missing, source=env.source_factory(), index=env.index)
    assert any("Nowhere" in n for n in report.notices) and not report.errors


def test_a_new_uidvalidity_on_sent_counts_nothing_twice(tmp_path, imap_user):
    env = make_env(tmp_path, [QUESTION], imap_user=imap_user)
    # Cyrus refuses to delete a special-use folder: a configured one is recreated instead
    config = replace(env.config, sent=SentSettings(folder="Sent copies"))
    full = imap_user.create_folder("Sent copies")
    answer = sent_mail(3, "tom.b@other.example", "Re: x", "Agenda first.",
                       in_reply_to="<m2@reader.example>")
    imap_user.append(full, answer)
    assert pipeline.sync_sent_folder(config, source=env.source_factory(),
                                     index=env.index).answered == 1
    imap_user.recreate_folder("Sent copies")
    imap_user.append(full, answer)
    report = pipeline.sync_sent_folder(config, source=env.source_factory(), index=env.index)
    assert (report.sent_read, report.answered) == (1, 0)
    assert _rows(env.config, "SELECT count(*) FROM answers")[0][0] == 1
    assert sorted(r[0] for r in _rows(env.config, "SELECT status FROM sent_seen")) == [
        "duplicate", "matched"]
