"""The drafting use case in the reader's language: the demo's Spanish reader, the language
decision's flags, and what the model path is told and checked for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from inbox_agent.config import parse_config
from inbox_agent.drafting import drafter
from inbox_agent.drafting.instructions import grounded_changes
from inbox_agent.intake.parse import parse_file
from inbox_agent.intake.triage import triage
from inbox_agent.models import Issue, MailRef, ParsedMail, ReplyKind, Triage
from inbox_agent.store import db as store
from tests.support import ROOT
from tests.unit.drafting.language_cases import AI

LUCIA = ROOT / "examples" / "replies" / "new" / "1782292131.M26P4226.demo"
ISSUES = {"42-ia": Issue("42-ia", AI.title, number=42, date=AI.date, url=AI.url, language="fr",
                         text=AI.passages[0])}


class FakeIndex:
    """The archive index's search: the issue the reader answered, and nothing else."""

    def search(self, query, k=3, answered=None, relevant_only=False):
        return [AI]


class RecordingModel(FakeListChatModel):
    """A fake chat model that keeps the messages it was sent."""

    seen: list = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append([m.content for m in messages])
        return super()._call(messages, stop, run_manager, **kwargs)


@dataclass
class Env:
    config: object
    conn: object

    def add(self, text: str, *, language: str, name: str = "Lucía Fernández", uid: int = 1,
            intent: str = "question") -> int:
        mail = ParsedMail(
            message_id=f"<{uid}@example.org>", subject="Re: #42", from_email="l@example.org",
            from_name=name, first_name=name.split()[0], reply_to="l@example.org", date=None,
            in_reply_to="", references=(), body_text=text, reply_text=text, quoted_text="",
            language=language, headers={}, content_type="text/plain",
        )
        return self.store(mail, Triage(ReplyKind.REPLY, "test", issue_number=42, intent=intent),
                          uid)

    def store(self, mail: ParsedMail, verdict: Triage, uid: int = 1) -> int:
        with store.transaction(self.conn):
            return store.add_reply(self.conn, MailRef("a", "INBOX", 1, uid), mail, verdict, None)

    def draft(self, reply_id: int, **kw):
        row = store.get_reply(self.conn, reply_id)
        return drafter.draft_for(self.config, row, FakeIndex(), ISSUES, self.conn, **kw)


@pytest.fixture
def env(tmp_path: Path):
    raw = {"author": {"name": "Camille Durand", "email": "camille@atelier.example",
                      "signature": "Camille", "register": "vous", "default_language": "fr"},
           "draft": {"min_words": 5, "max_words": 200, "style_examples": 0},
           "state": {"db": str(tmp_path / "state.db")}}
    config = parse_config(raw, tmp_path / "config.toml")
    conn = store.connect(config.state.db)
    yield Env(config, conn)
    conn.close()


def test_the_demo_spanish_reader_gets_a_spanish_draft(env):
    mail = parse_file(LUCIA)
    assert mail.language == "es"
    verdict = triage(mail, list(ISSUES.values()))
    draft = env.draft(env.store(mail, verdict))
    assert draft.language == "es" and draft.drafter == "grounded" and not draft.flags
    text = draft.text
    # she thanks ("¡Gracias por tu trabajo!") and asks: thanks first, then a word on the question
    assert text.startswith("Hola, Lucía:\n\n¡Muchas gracias por tu mensaje! Tu pregunta es muy"
                           " interesante.\n")
    assert "Me comentas: «¿Tienes algún ejemplo de cooperativas que ya la utilicen?»" in text
    assert "[A COMPLETAR: respuesta a su pregunta]" in text
    assert "(22 de junio de 2026, en francés)" in text and AI.url in text
    assert "Hi Lucía" not in text and "translate" not in text


def test_an_uncertain_language_gets_the_authors_language_and_a_flag(env):
    text = "Genial, Camille, gracias"
    draft = env.draft(env.add(text, language="", intent="thanks"))
    assert draft.language == "fr" and draft.text.startswith("Bonjour Lucía,")
    assert any(f.startswith("the reader's language is uncertain (maybe Spanish") and
               "the draft is in French, your default language" in f for f in draft.flags)


def test_a_mixed_reply_follows_its_greeting_and_first_sentence_with_a_flag(env):
    text = ("Hola Camille, te escribo desde Valencia sobre la inteligencia artificial.\n\n"
            "I will go on in English because my colleagues from Dublin will read this too: "
            "we tried your advice on meetings and it worked far better than we expected.")
    draft = env.draft(env.add(text, language="es"))
    assert draft.language == "es" and draft.text.startswith("Hola, Lucía:")
    assert ("the reply mixes Spanish and English: the draft follows its greeting and first "
            "sentence (Spanish)") in draft.flags


def test_a_language_without_template_is_drafted_in_the_authors_language(env):
    draft = env.draft(env.add("Hej Camille! Tack för nyhetsbrevet.", language="sv",
                              name="Sven Lund", intent="thanks"))
    assert draft.language == "fr" and draft.text.startswith("Bonjour Sven,")
    assert any("the reader wrote in Swedish" in f for f in draft.flags)


def test_the_model_is_told_the_readers_language_and_register(env):
    reply = "Hola, Lucía: gracias por tu pregunta, te escribo pronto con algunos ejemplos."
    model = RecordingModel(responses=[json.dumps({"reply": reply})], seen=[])
    draft = env.draft(env.add("Hola Camille: ¿tienes ejemplos de cooperativas? Gracias por tu "
                              "trabajo.", language="es"), model=model)
    system, user = model.seen[0]
    assert "in Spanish: the reader's language" in system
    assert 'Address the reader with "tú", as they addressed the author' in system
    assert "opening ¿ and ¡" in system and "[A COMPLETAR: lo que solo usted sabe]" in system
    assert 'Writes in Spanish, addresses the author with "tú": answer in Spanish' in user
    assert draft.language == "es" and not draft.flags


@pytest.mark.parametrize(
    ("reply", "flag"),
    [
        ("Hi Lucía, thanks for your question, I will write back soon with a few examples.",
         "the draft reads as English but the reader wrote in Spanish"),
        ("Hola, Lucía: usted tiene razón, le escribo pronto si usted quiere más ejemplos.",
         'the draft addresses the reader with "usted" but they wrote with "tú"'),
    ],
)
def test_a_model_draft_in_the_wrong_language_or_register_is_flagged(env, reply, flag):
    model = FakeListChatModel(responses=[json.dumps({"reply": reply})])
    draft = env.draft(env.add("Hola Camille: ¿tienes ejemplos de cooperativas?", language="es"),
                      model=model)
    assert any(f.startswith(flag) for f in draft.flags), draft.flags


def test_a_german_reader_is_answered_with_sie_by_default(env):
    text = ("Guten Tag,\n\nwie haben die Genossenschaften mit der KI angefangen? Gibt es Zahlen "
            "aus Deutschland?")
    draft = env.draft(env.add(text, language="de", name="Katrin Vogel"))
    assert draft.text.startswith("Guten Tag Katrin Vogel,\n\nvielen Dank für Ihre spannende")


@pytest.mark.parametrize(
    ("instruction", "register"),
    [("tutoie-la", "tu"), ("use du", "tu"), ("duzen", "tu"), ("use tú", "tu"),
     ("informal please", "tu"), ("vouvoie-le", "vous"), ("use Sie", "vous"),
     ("siezen bitte", "vous"), ("use usted", "vous"), ("formal", "vous"), ("plus court", None)],
)
def test_an_instruction_names_the_register_in_the_readers_words(instruction, register):
    assert grounded_changes(instruction).get("register") == register


def test_regenerating_in_the_other_register_follows_the_author(env):
    reply_id = env.add("Hola Camille: ¿tienes ejemplos de cooperativas?", language="es")
    row = store.get_reply(env.conn, reply_id)
    grounded = drafter.regenerate(env.config, row, "old", "use usted", FakeIndex(), ISSUES)
    assert "Gracias por su pregunta" in grounded.text and "Le dejo el enlace" in grounded.text
    answer = "Hola, Lucía: usted tiene razón, le escribo pronto si usted quiere más ejemplos."
    model = RecordingModel(responses=[json.dumps({"reply": answer})], seen=[])
    draft = drafter.regenerate(env.config, row, "old", "use usted", FakeIndex(), ISSUES,
                               model=model)
    assert 'Address the reader with "usted"' in model.seen[0][0]
    assert not any("addresses the reader" in f for f in draft.flags), draft.flags
