"""On the demo data, end to end: the author's answers in a Sent Maildir give the next drafts
their voice and an earlier answer to reuse (bundled embeddings, embedded Chroma)."""

from __future__ import annotations

import json
import mailbox
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest

from inbox_agent import pipeline
from inbox_agent.demo import demo_config, demo_root
from inbox_agent.drafting import guardrails
from inbox_agent.store import db as store

ANSWERS = {  # demo reader -> what the author sent them
    "Julie Martin": (
        "Salut Julie,\n\nMerci pour ton message ! Oui, j'ai des retours concrets : sur les 61 "
        "entreprises du pilote britannique, 56 ont gardé la semaine de quatre jours, et les "
        "PME s'en sortent aussi bien que les grandes. Le plus dur, c'est de réorganiser les "
        "réunions.\n\nBelle journée ! 🌞"),
    "Hugo Lambert": (
        "Salut Hugo,\n\nMerci pour ton message ! Tu as raison de nuancer, et je vais en "
        "reparler dans un prochain numéro.\n\nBelle journée ! 🌞"),
    "Antoine Rousseau": (
        "Salut Antoine,\n\nMerci pour ton message ! Les salariés aidants, c'est noté pour la "
        "rentrée.\n\nBelle journée ! 🌞"),
}
NEW_READER = "noemie.blanc@example.org"
NEW_QUESTION = (
    "Salut Camille,\n\nChez nous aussi on parle de la semaine de 4 jours. Tu aurais des "
    "retours concrets d'entreprises, surtout des PME, qui l'ont vraiment gardée ?\n\nNoémie"
)


def message(sender: str, to: str, subject: str, body: str, **headers: str) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Message-ID"] = make_msgid(domain="example.org")
    mail["Date"] = format_datetime(datetime(2026, 9, 15, 12, 0, tzinfo=UTC))
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return bytes(mail)


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-memory")
    config = demo_config(folder)
    inbox = folder / "replies"
    shutil.copytree(demo_root() / "examples" / "replies", inbox)
    replies = [json.loads(line) for line in
               (demo_root() / "examples" / "replies.jsonl").read_text().splitlines()]
    sent = mailbox.Maildir(folder / "sent", create=True)
    author = config.author.email
    for reply in replies:
        if reply["name"] in ANSWERS:
            sent.add(message(author, reply["from"], reply["subject"], ANSWERS[reply["name"]],
                             In_Reply_To=reply["message_id"], References=reply["message_id"]))
    mailbox.Maildir(inbox).add(message(f"Noémie Blanc <{NEW_READER}>", author,
                                       replies[0]["subject"], NEW_QUESTION))
    config = replace(config, source=replace(config.source, path=inbox),
                     sent=replace(config.sent, path=str(folder / "sent")))
    pipeline.import_archive(config)
    report = pipeline.run_once(config)
    conn = store.connect(config.state.db)
    yield config, report, conn
    conn.close()


def draft_of(conn, email: str):
    return conn.execute(
        "SELECT d.* FROM drafts d JOIN replies r ON r.id = d.reply_id WHERE r.from_email = ?",
        (email,)).fetchone()


def test_answered_readers_are_not_drafted_and_their_answers_are_remembered(season):
    _, _, conn = season
    answered = conn.execute(
        "SELECT r.from_name FROM answers a JOIN replies r ON r.id = a.reply_id").fetchall()
    assert {row[0] for row in answered} == set(ANSWERS)
    assert conn.execute("SELECT count(*) FROM answers WHERE remembered = 1").fetchone()[0] == 3
    for reply in conn.execute("SELECT id FROM replies WHERE from_name IN (?, ?, ?)",
                              tuple(ANSWERS)):
        row = conn.execute("SELECT status FROM drafts WHERE reply_id = ?", reply).fetchone()
        assert row is None or row["status"] == "answered"


def test_the_same_question_gets_julies_answer_to_adapt(season):
    _, _, conn = season
    row = draft_of(conn, NEW_READER)
    julie = conn.execute("SELECT id FROM replies WHERE from_name = 'Julie Martin'").fetchone()
    assert row["reused_reply"] == julie["id"], row["generated_text"]
    text = row["generated_text"]
    assert "Réponse envoyée à Julie le 15\u00a0septembre 2026" in text.replace(
        "15 septembre", "15\u00a0septembre")
    assert "56 ont gardé la semaine de quatre jours" in text
    assert "Salut Julie" not in text and guardrails.has_placeholders(text)


def test_tu_readers_are_greeted_and_closed_in_the_authors_words(season):
    _, _, conn = season
    row = draft_of(conn, NEW_READER)
    assert row["generated_text"].startswith("Salut Noémie,")
    assert "Belle journée\u202f! 🌞" in row["generated_text"]
    vous = conn.execute(
        """SELECT d.generated_text FROM drafts d JOIN replies r ON r.id = d.reply_id
           WHERE r.from_name = 'Marc Lefèvre'""").fetchone()
    assert not vous[0].startswith("Salut")  # learned from tu answers only
