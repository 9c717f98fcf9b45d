"""Sent sync over a Maildir inbox and a Maildir Sent folder: matching, effects, idempotence,
privacy. The IMAP side runs against Dovecot in tests/integration/test_sent_imap.py."""

from __future__ import annotations

import mailbox
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from inbox_agent import pipeline
from inbox_agent.config import parse_config
from inbox_agent.mail.source import SentBox
from inbox_agent.models import RunReport
from inbox_agent.privacy import readers as privacy
from inbox_agent.review import approve as review
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.sent.read import normal_subject
from inbox_agent.sent.sync import sync_sent
from inbox_agent.store import db as store
from inbox_agent.text.similarity import outcome, word_similarity
from inbox_agent.wiring import local_sent_source
from tests.support import ROOT
from tests.unit.review.test_approve import AUTHOR, QUESTION, THANKS, mail

SECOND = mail(5, "Marie Dupont <marie@reader.example>", "Re: L'Atelier du Futur #38",
              "Et aussi : comment fais-tu pour tenir le rythme d'un numéro toutes les deux "
              "semaines ?\n\nMarie")


def sent_mail(n: int, to: str, subject: str, body: str, *, in_reply_to: str = "",
              references: str = "", sender: str = f"Camille Durand <{AUTHOR}>",
              date: str = "Mon, 2 Mar 2026 18:00:00 +0100", extra: str = "") -> bytes:
    threading = (f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else "") + (
        f"References: {references or in_reply_to}\r\n" if (references or in_reply_to) else "")
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
            f"Message-ID: <sent{n}@atelier-du-futur.example>\r\n{threading}{extra}"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n"
            ).encode()


class Desk:
    def __init__(self, tmp_path: Path, replies: list[bytes]):
        self.inbox = mailbox.Maildir(tmp_path / "replies", create=True)
        self.sent = mailbox.Maildir(tmp_path / "sent", create=True)
        for raw in replies:
            self.inbox.add(raw)
        raw = {
            "author": {"name": "Camille Durand", "email": AUTHOR, "signature": "Camille"},
            "source": {"kind": "maildir", "path": str(tmp_path / "replies"),
                       "drafts_path": str(tmp_path / "drafts")},
            "sent": {"path": str(tmp_path / "sent"), "aliases": ["camille@perso.example"]},
            "state": {"db": str(tmp_path / "state.db")},
            "index": {"path": str(tmp_path / "vectorstore")},
        }
        self.config = parse_config(raw, tmp_path / "config.toml")
        self.index = ArchiveIndex(self.config.index, embeddings=DeterministicFakeEmbedding(size=32))
        pipeline.import_archive(self.config, ROOT / "examples/archive", "markdown",
                                index=self.index)
        self.drafts_path = tmp_path / "drafts"

    def run(self) -> RunReport:
        return pipeline.run_once(self.config, index=self.index)

    def sync(self) -> RunReport:
        report = RunReport()
        conn = store.connect(self.config.state.db)
        try:
            box = SentBox(local_sent_source(self.config), "INBOX")
            sync_sent(self.config, conn, report, box=box, index=self.index)
        finally:
            conn.close()
        return report

    def query(self, sql: str, *args):
        conn = store.connect(self.config.state.db)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def draft(self, message_id: str):
        [row] = self.query("SELECT d.* FROM drafts d JOIN replies r ON r.id = d.reply_id "
                           "WHERE r.message_id = ?", message_id)
        return row

    def answers(self, message_id: str):
        return self.query("SELECT a.* FROM answers a JOIN replies r ON r.id = a.reply_id "
                          "WHERE r.message_id = ? ORDER BY a.id", message_id)


def test_word_similarity_counts_words_not_spacing_and_names_the_band():
    assert word_similarity("Bonjour Marie,\n\nMerci !", "bonjour   marie, merci") == 1.0
    assert outcome(1.0) == "unchanged"
    draft = "Bonjour Marie, merci pour ton message, il me fait vraiment plaisir et je te réponds"
    light = draft + " très vite"
    assert outcome(word_similarity(draft, light)) == "light"
    assert outcome(word_similarity(draft, "Salut, oui bien sûr, on en parle demain")) == \
        "rewritten"
    assert normal_subject("RE: Re : TR: Fwd: L'Atelier  #38") == "l'atelier #38"


def test_an_approved_draft_sent_with_a_light_edit_is_recorded_with_its_outcome(tmp_path):
    desk = Desk(tmp_path, [THANKS])
    desk.run()
    draft = desk.draft("<m1@reader.example>")
    review.approve(desk.config, draft["id"], index=desk.index)
    [saved] = mailbox.Maildir(desk.drafts_path, create=False)
    message = message_from_bytes(saved.as_bytes(), policy=policy.default)
    body = message.get_content().replace("Camille", "Camille\n\nPS : à très vite !", 1)
    del message["Date"]
    message["Date"] = "Mon, 2 Mar 2026 19:00:00 +0100"
    message.set_content(body)
    desk.sent.add(message.as_bytes())

    report = desk.run()

    assert report.answered == 1
    [answer] = desk.answers("<m1@reader.example>")
    assert answer["match"] == "marker"
    assert answer["draft_id"] == draft["id"]
    assert answer["outcome"] in ("light", "unchanged")
    assert 0.8 <= answer["similarity"] <= 1.0
    assert desk.draft("<m1@reader.example>")["sent_at"].startswith("2026-03-02T19:00")
    memory = desk.index.style_entries([f"reply-{draft['reply_id']}"])
    assert "à très vite" in memory[0]["reply_text"]


def test_a_pending_draft_answered_from_the_phone_leaves_the_queue(tmp_path):
    desk = Desk(tmp_path, [QUESTION])
    desk.run()
    assert desk.draft("<m2@reader.example>")["status"] == "pending"
    desk.sent.add(sent_mail(1, "Tom B <tom.b@other.example>", "Re: L'Atelier du Futur #38",
                            "Hi Tom,\n\nI cancel every meeting without an agenda.\n\nCamille\n\n"
                            "> How do you decide which meetings to cancel?",
                            in_reply_to="<m2@reader.example>"))
    desk.sync()
    draft = desk.draft("<m2@reader.example>")
    assert draft["status"] == "answered"
    [answer] = desk.answers("<m2@reader.example>")
    assert answer["match"] == "thread" and answer["draft_id"] is None
    assert answer["outcome"] == ""
    assert "without an agenda" in answer["text"] and "How do you decide" not in answer["text"]
    # what the author told the reader is in the next draft's history
    conn = store.connect(desk.config.state.db)
    history = store.reader_history(conn, "tom@reader.example", 10**6)
    conn.close()
    assert history[-1]["status"] == "sent" and "agenda" in history[-1]["final_text"]


def test_a_reply_answered_before_it_was_pulled_is_never_drafted(tmp_path):
    desk = Desk(tmp_path, [])
    desk.sent.add(sent_mail(2, "marie@reader.example", "Re: L'Atelier du Futur #38",
                            "Merci Marie !", in_reply_to="<m1@reader.example>"))
    first = desk.run()
    assert first.sent_read == 1 and first.answered == 0
    assert desk.query("SELECT status, refs != '[]' FROM sent_seen")[0][0] == "unmatched"
    desk.inbox.add(THANKS)
    report = desk.run()
    assert report.replies == 1 and report.answered == 1
    assert report.drafted == 0
    assert desk.query("SELECT count(*) FROM drafts")[0][0] == 0
    assert desk.query("SELECT status FROM sent_seen")[0][0] == "matched"


def test_one_sent_message_answers_two_replies_of_the_same_reader_by_subject(tmp_path):
    desk = Desk(tmp_path, [THANKS, SECOND])
    desk.run()
    desk.sent.add(sent_mail(3, "Marie <MARIE@reader.example>", "RE: L'Atelier du Futur #38",
                            "Merci Marie, pour le rythme : je bloque le vendredi matin.",
                            date="Tue, 3 Mar 2026 10:00:00 +0100"))
    report = desk.sync()
    assert report.answered == 2
    for message_id in ("<m1@reader.example>", "<m5@reader.example>"):
        [answer] = desk.answers(message_id)
        assert answer["match"] == "subject"  # low confidence, shown as such


def test_sync_is_idempotent_and_a_copy_is_counted_once(tmp_path):
    desk = Desk(tmp_path, [QUESTION])
    desk.run()
    answer = sent_mail(4, "tom.b@other.example", "Re: x", "Hi Tom, agenda first.",
                       in_reply_to="<m2@reader.example>")
    desk.sent.add(answer)
    assert desk.sync().answered == 1
    assert desk.sync().answered == 0
    desk.sent.add(answer + b"\r\n")  # the same message again, under another key
    again = desk.sync()
    assert again.sent_read == 1 and again.answered == 0
    assert len(desk.answers("<m2@reader.example>")) == 1
    assert sorted(r[0] for r in desk.query("SELECT status FROM sent_seen")) == [
        "duplicate", "matched"]


def test_only_the_authors_addresses_count_and_nothing_else_is_kept(tmp_path):
    desk = Desk(tmp_path, [QUESTION])
    desk.run()
    desk.sent.add(sent_mail(5, "tom.b@other.example", "Re: x", "Not me.",
                            in_reply_to="<m2@reader.example>",
                            sender="Assistant <assistant@atelier-du-futur.example>"))
    desk.sent.add(sent_mail(6, "someone@else.example", "Dinner", "See you at 8, secret plan."))
    desk.sent.add(sent_mail(7, "tom.b@other.example", "Re: x", "From my other address.",
                            in_reply_to="<m2@reader.example>",
                            sender="Camille <camille@perso.example>"))
    report = desk.sync()
    assert report.sent_read == 3 and report.answered == 1
    statuses = sorted(r[0] for r in desk.query("SELECT status FROM sent_seen"))
    assert statuses == ["matched", "not_author", "unmatched"]
    dump = "\n".join(str(tuple(r)) for r in desk.query("SELECT * FROM sent_seen"))
    assert "secret plan" not in dump and "someone@else" not in dump and "Dinner" not in dump


def test_reader_export_includes_and_forget_deletes_what_sent_mail_taught(tmp_path):
    desk = Desk(tmp_path, [QUESTION])
    desk.run()
    desk.sent.add(sent_mail(8, "tom.b@other.example", "Re: x", "Hi Tom, agenda first.",
                            in_reply_to="<m2@reader.example>"))
    desk.sync()
    data = privacy.export_reader(desk.config, "tom@reader.example", index=desk.index)
    assert "agenda first" in str(data)
    assert any("agenda first" in e["reply_text"] for e in data["style_memory"])
    privacy.forget_reader(desk.config, "tom@reader.example", index=desk.index)
    assert desk.query("SELECT count(*) FROM answers")[0][0] == 0
    assert desk.index.style_entries(["reply-1"]) == []


@pytest.mark.parametrize("kind", ["maildir", "mbox"])
def test_the_sent_path_may_be_a_maildir_or_an_mbox(tmp_path, kind):
    desk = Desk(tmp_path, [QUESTION])
    desk.run()
    answer = sent_mail(9, "tom.b@other.example", "Re: x", "Hi Tom.",
                       in_reply_to="<m2@reader.example>")
    if kind == "mbox":
        box = mailbox.mbox(tmp_path / "sent.mbox")
        box.add(answer)
        box.flush()
        desk.config = parse_config(
            {"author": {"email": AUTHOR}, "source": {"path": str(tmp_path / "replies")},
             "sent": {"path": str(tmp_path / "sent.mbox")},
             "state": {"db": str(tmp_path / "state.db")},
             "index": {"path": str(tmp_path / "vectorstore")}}, tmp_path / "config.toml")
    else:
        desk.sent.add(answer)
    assert desk.sync().answered == 1


def test_a_missing_sent_path_is_one_line_and_the_pass_goes_on(tmp_path):
    desk = Desk(tmp_path, [QUESTION])
    desk.config = replace(desk.config, sent=replace(desk.config.sent,
                                                    path=str(tmp_path / "nowhere")))
    report = desk.run()
    assert report.drafted == 1
    [line] = [e for e in report.notices if "Sent" in e]
    assert "no sent mail at" in line and "nowhere" in line


def test_retention_deletes_what_sent_mail_taught_with_its_reply(tmp_path):
    from datetime import UTC, datetime

    from inbox_agent.privacy.retention import apply_retention

    desk = Desk(tmp_path, [QUESTION])
    desk.run()
    desk.sent.add(sent_mail(10, "tom.b@other.example", "Re: x", "Hi Tom, agenda first.",
                            in_reply_to="<m2@reader.example>"))
    desk.sync()
    [reply_id] = [r[0] for r in desk.query("SELECT id FROM replies")]
    assert desk.index.style_entries([f"reply-{reply_id}"])
    config = replace(desk.config, state=replace(desk.config.state, retention_months=6))
    conn = store.connect(config.state.db)
    try:
        apply_retention(config, conn, index=desk.index, now=datetime(2027, 1, 1, tzinfo=UTC))
    finally:
        conn.close()
    assert desk.query("SELECT count(*) FROM answers")[0][0] == 0
    assert desk.index.style_entries([f"reply-{reply_id}"]) == []


def test_the_scoreboard_counts_outcomes_per_week_drafter_and_intent(tmp_path):
    import json

    from click.testing import CliRunner

    from inbox_agent.cli.main import main

    desk = Desk(tmp_path, [THANKS, QUESTION, SECOND])
    desk.run()
    draft = desk.draft("<m1@reader.example>")
    review.approve(desk.config, draft["id"], index=desk.index)
    [saved] = mailbox.Maildir(desk.drafts_path, create=False)
    desk.sent.add(saved.as_bytes())  # sent as drafted
    desk.sent.add(sent_mail(11, "tom.b@other.example", "Re: x", "Hi Tom, agenda first.",
                            in_reply_to="<m2@reader.example>",
                            date="Mon, 2 Mar 2026 21:00:00 +0100"))
    desk.sync()
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[author]\nemail = "{AUTHOR}"\n[source]\npath = "{tmp_path / "replies"}"\n'
        f'[state]\ndb = "{desk.config.state.db}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config_file), "stats", "--json"])
    assert result.exit_code == 0, result.output
    board = json.loads(result.output)
    [week] = board["weeks"]
    assert week["week"] == "2026-W10" and week["received"] == 3
    assert week["through_draft"]["unchanged"] == 1
    assert week["without_draft"] == 1 and week["open"] == 1
    assert week["median_similarity"] == 1.0
    assert week["median_hours_to_answer"] is not None and week["median_hours_to_answer"] > 0
    assert board["by_drafter"]["grounded"]["through_draft"]["unchanged"] == 1
    assert board["by_intent"]["thanks"]["through_draft"]["unchanged"] == 1
    later = CliRunner().invoke(main, ["--config", str(config_file), "stats", "--since",
                                      "2026-04-01", "--json"])
    assert json.loads(later.output)["weeks"] == []
    table = CliRunner().invoke(main, ["--config", str(config_file), "--lang", "en", "stats"])
    assert "\n2 Mar" in table.output  # the week of Monday 2 March 2026
    assert "By drafter:\n  written without a model: 1 answered through a draft" in table.output
