"""The drafting use case finds the author's earlier answer to a close message and their voice
in the answers read from Sent (state database + answer memory in a real embedded Chroma)."""

# ruff: noqa: F811  (the fixtures of test_drafter.py, imported by name)
from __future__ import annotations

from dataclasses import replace

import pytest

from inbox_agent.drafting import drafter as drafting
from inbox_agent.drafting import guardrails
from inbox_agent.privacy import readers
from inbox_agent.store import answers as store_answers
from inbox_agent.store import db as store
from tests.unit.drafting.test_drafter import (  # noqa: F401 (fixtures)
    ISSUE_MAP,
    QUESTION,
    add_reply,
    config,
    conn,
    index,
)

HELENE = "helene@example.org"
ANSWER = ("Salut Hélène,\n\nOui : sur les 61 entreprises du pilote, 56 ont gardé la semaine de "
          "quatre jours, et les PME pas moins que les autres. Hélène, le rapport complet est "
          "dans le numéro 41.\n\nBelle journée !")


def answered(conn, index, uid: int, text: str, answer: str = ANSWER, *, email=HELENE,
             first_name="Hélène", sent_at="2026-03-03T10:00:00+00:00") -> int:
    reply_id = add_reply(conn, uid, text, email=email)
    with store.transaction(conn):
        conn.execute("UPDATE replies SET first_name=?, from_name=? WHERE id=?",
                     (first_name, f"{first_name} Martin", reply_id))
        store_answers.add_answer(conn, reply_id=reply_id, message_hash=f"h{uid}",
                                 sent_at=sent_at, match="thread", draft_id=None, drafter="",
                                 text=answer, language="fr", similarity=None, outcome="")
    index.add_style_example(f"reply-{reply_id}", text, answer, "fr")
    return reply_id


def draft(config, conn, index, reply_id):
    return drafting.draft_for(config, store.get_reply(conn, reply_id), index, ISSUE_MAP, conn)


@pytest.fixture
def earlier(conn, index):
    reply_id = answered(conn, index, 101, QUESTION)
    yield reply_id
    index.delete_style_examples([f"reply-{reply_id}"])


def test_a_close_message_gets_the_earlier_answer_marked_and_scrubbed(config, conn, index,
                                                                   earlier):
    new = add_reply(conn, 102, QUESTION)  # Marie asks the same
    out = draft(config, conn, index, new)
    assert out.reused_reply == earlier and out.reuse_score >= config.draft.reuse_min_score
    assert "Réponse envoyée à Hélène le 3\u00a0mars 2026 — à adapter" in out.text.replace(
        "3 mars", "3\u00a0mars")
    assert "56 ont gardé la semaine de quatre jours" in out.text
    body = out.text.split("à adapter", 1)[1]
    assert "Hélène" not in body and "Martin" not in body and "Belle journée" not in body
    assert out.text.startswith("Bonjour Marie,") or out.text.startswith("Salut Marie,")
    assert guardrails.has_placeholders(out.text)
    assert any("answered before (Hélène" in f for f in out.flags)
    with store.transaction(conn):
        draft_id = store.save_draft(conn, new, out)
    row = store.get_draft(conn, draft_id)
    assert row["reused_reply"] == earlier and row["reuse_score"] == out.reuse_score


def test_no_reuse_below_the_threshold_when_disabled_or_for_the_same_reader(config, conn, index,
                                                                        earlier):
    other = add_reply(conn, 103, "Le télétravail à la campagne, tu en penses quoi ?")
    assert draft(config, conn, index, other).reused_reply is None  # not alike
    same = add_reply(conn, 104, QUESTION)
    off = replace(config, draft=replace(config.draft, reuse=False))
    assert draft(off, conn, index, same).reused_reply is None
    again = add_reply(conn, 105, QUESTION, email=HELENE)  # she asks again: her history
    assert draft(config, conn, index, again).reused_reply is None


def test_a_forgotten_reader_is_never_reused(config, conn, index, earlier):
    readers.forget_reader(config, HELENE, index=index)
    new = add_reply(conn, 106, QUESTION)
    out = draft(config, conn, index, new)
    assert out.reused_reply is None and "Hélène" not in out.text


def test_the_model_gets_the_earlier_answer_to_adapt(config, conn, index, earlier):
    new = add_reply(conn, 107, QUESTION)
    context = drafting.build_context(config, store.get_reply(conn, new), index, ISSUE_MAP, conn)
    assert "56 ont gardé" in context.prompt["reused"]["text"]
    assert context.prompt["reused"]["date"] == "3 mars 2026"


def test_the_voice_comes_from_the_sent_answers(config, conn, index):
    for uid, name in ((110, "Claire"), (111, "Sam")):
        answered(conn, index, uid, f"Merci pour le numéro {uid}, vraiment !",
                 f"Salut {name},\n\nMerci pour ton message ! Ça me touche.\n\nBelle journée ! 🌞",
                 email=f"{name.lower()}@example.org", first_name=name)
    new = add_reply(conn, 112, "Merci pour ton numéro, il m'a fait du bien !", intent="thanks")
    out = draft(config, conn, index, new)
    assert out.text.startswith("Salut Marie,\n\nMerci pour ton message\u202f!")
    assert "Belle journée\u202f! 🌞" in out.text
    off = replace(config, draft=replace(config.draft, voice=False))
    assert draft(off, conn, index, new).text.startswith("Bonjour Marie,")
    index.delete_style_examples(["reply-110", "reply-111"])
