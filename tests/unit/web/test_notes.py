"""What the other stages write in English, in the author's language: every flag, set-apart
reason, error and note they write (made here by the stages' own functions) is a message of
inbox_agent.i18n.notes, said in French; the French page and command line show them in
French, the English ones as they came, and a text none of them matches stays as it came."""

# ruff: noqa: F811  (the fixtures of test_drafter.py, imported by name)
from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from inbox_agent import pipeline, wiring
from inbox_agent.config import parse_config
from inbox_agent.drafting import drafter, guardrails, languages, llm
from inbox_agent.drafting.injection import injection_flags
from inbox_agent.drafting.reuse import Reuse
from inbox_agent.errors import InboxAgentError, MailboxError
from inbox_agent.i18n import notes
from inbox_agent.i18n.language import AuthorLanguage
from inbox_agent.intake.parse import MAX_DEPTH, MAX_HTML_CHARS, parse_message
from inbox_agent.intake.triage import triage
from inbox_agent.mail.local import MaildirSource, MboxSource
from inbox_agent.models import RunReport
from inbox_agent.review import approve as review
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.store import db as store
from inbox_agent.store.lock import MAILBOX_BUSY, WORKER_BUSY, busy_message
from tests.unit.cli.test_language import cli, cli_config
from tests.unit.drafting.test_drafter import (  # noqa: F401 (fixtures)
    ISSUE_MAP,
    QUESTION,
    IndexSettings,
    add_reply,
    config,
    conn,
    draft_of,
    index,
)
from tests.unit.drafting.test_guardrails import DODGES
from tests.unit.intake.test_pathological import html_mail, nested
from tests.unit.intake.test_triage import KINDS
from tests.unit.review.test_approve import REPLIES, Env, mail, make_env
from tests.unit.web.test_app import client_for, csrf_of

FRENCH = AuthorLanguage.for_code("fr", "Europe/Paris")
ENGLISH = AuthorLanguage.for_code("en", "Europe/Paris")


def unknown(texts: list[str]) -> list[str]:
    """The texts no message of notes matches, or that French says as in English."""
    return [t for t in texts if notes.template(t) is None or notes.said(t, FRENCH) == t]


def error_of(call) -> InboxAgentError:
    with pytest.raises(InboxAgentError) as raised:
        call()
    return raised.value


def said_parts(err: InboxAgentError) -> list[str]:
    return [err.message, *([err.hint] if err.hint else [])]


# --- every text the stages write is a message ------------------------------------------------


def test_every_flag_the_guardrails_and_the_drafter_write_is_a_message():
    flags = [
        *guardrails.strip_foreign_urls("Voir https://evil.example/x et www.spam.example", [])[1],
        *guardrails.strip_foreign_emails("Écris à bob@evil.example", ["me@x.org"])[1],
        *guardrails.language_flags("Thanks a lot for your kind words.", "fr", lambda _: "en"),
        *guardrails.register_flags("Merci pour votre mot, je vous réponds vite.", "fr", "tu"),
        *guardrails.length_flags("Merci Marie.", 20, 0),
        *guardrails.length_flags("un deux trois quatre cinq", 0, 3),
        *[f for text, subject in DODGES for f in injection_flags(text, subject)],
        *languages.choose_language("", "Genial, Camille, gracias", "fr")[1],
        *languages.choose_language("es", (
            "Hola Camille, te escribo desde Valencia sobre la inteligencia artificial.\n\n"
            "I will go on in English because my colleagues from Dublin will read this too: "
            "we tried your advice on meetings and it worked far better than we expected."),
            "fr")[1],
        languages.no_template_flag("sv", "fr"),
        drafter.reuse_flag(Reuse(1, "Hélène", "2026-03-02", "Oui.", 0.85)),
        drafter.reuse_flag(Reuse(1, "", "2026-03-02", "Oui.", 0.6)),
        pipeline.EMPTY_ARCHIVE_FLAG,
    ]
    assert len(flags) > 25
    assert unknown(flags) == []


def test_every_flag_of_a_model_draft_and_a_regenerate_is_a_message(config, conn, index):
    model = FakeListChatModel(responses=['{"reply": ', '{"reply": '])
    invalid = draft_of(config, conn, index, add_reply(conn, 7, QUESTION), model=model)
    row = store.get_reply(conn, add_reply(conn, 9, QUESTION))
    kept = drafter.regenerate(config, row, "old draft\n", "plus drôle", index, ISSUE_MAP, conn)
    missing = drafter.regenerate(config, row, "x", "mention issue 99", index, ISSUE_MAP, conn)
    flags = invalid.flags + kept.flags + missing.flags
    assert any("invalid twice" in f for f in flags) and any("no issue #99" in f for f in flags)
    assert unknown(flags) == []
    reasons = []
    for answer in ("", '{"reply": ', '{"answer": "x"}'):
        with pytest.raises(llm.InvalidOutputError) as raised:
            llm.parse_reply(answer)
        reasons.append(str(raised.value))
    assert unknown(reasons) == []


ATTACHMENT_ONLY = (
    b"From: Ana <ana@example.org>\r\nTo: me@example.org\r\nSubject: Re: #42\r\n"
    b"Message-ID: <cv@example.org>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    b'Content-Type: application/pdf; name="cv.pdf"\r\n'
    b'Content-Disposition: attachment; filename="cv.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
)


def test_every_reason_a_message_is_set_apart_for_is_a_message():
    raws = [raw for _, raw, kind, _ in KINDS if kind != "reply"]
    raws += [nested(MAX_DEPTH + 5), html_mail("<span></span>" * (MAX_HTML_CHARS // 13 + 10)),
             ATTACHMENT_ONLY]
    reasons = [triage(parse_message(raw)).reason for raw in raws]
    assert any("only attachments" in r for r in reasons)
    assert any("cannot be read: MIME nesting" in r for r in reasons)
    assert unknown(reasons) == []


def test_every_error_of_the_mailbox_the_lock_the_index_and_the_model_is_a_message(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    (tmp_path / "afile").write_text("x")
    sent = parse_config({"author": {"email": "me@example.org"},
                         "sent": {"path": str(tmp_path / "no-sent")}}, tmp_path / "c.toml")
    errors = [
        error_of(lambda: MaildirSource(tmp_path / "none").uids("INBOX")),
        error_of(lambda: MboxSource(tmp_path / "none.mbox").uids("INBOX")),
        error_of(lambda: wiring.local_sent_source(sent)),
        error_of(lambda: store.connect(corrupt).execute("SELECT * FROM replies")),
        error_of(lambda: ArchiveIndex(IndexSettings(tmp_path / "afile"),
                                      DeterministicFakeEmbedding(size=8)).count()),
        error_of(lambda: llm.call_with_retries(_refused, attempts=2, sleep=lambda _: None)),
    ]
    texts = [part for err in errors for part in said_parts(err)]
    texts += [busy_message(tmp_path / "lock"), busy_message(tmp_path / "lock", MAILBOX_BUSY),
              busy_message(tmp_path / "lock", WORKER_BUSY)]
    texts += [llm.describe_failure(err) for err in (
        TimeoutError("slow"), type("RateLimitError", (Exception,), {})("429"),
        ConnectionError("refused"), type("AuthenticationError", (Exception,), {})("401"),
        ValueError("odd"))]
    assert len(texts) > 15
    assert unknown(texts) == []


def _refused():
    raise ConnectionError("refused")


def test_every_note_of_a_pass_is_a_message(tmp_path):
    config = parse_config({"author": {"email": "me@example.org"},
                           "archive": {"path": str(tmp_path / "no-archive")},
                           "sent": {"path": str(tmp_path / "no-sent")},
                           "state": {"db": str(tmp_path / "state.db")}}, tmp_path / "c.toml")
    report = RunReport()
    index = ArchiveIndex(IndexSettings(tmp_path / "vs"), DeterministicFakeEmbedding(size=8))
    conn = store.connect(config.state.db)
    try:
        pipeline.sync_archive(config, conn, report, index=index)
    finally:
        conn.close()
    wiring.sent_box(config, MaildirSource(tmp_path), report.notices)
    assert len(report.notices) == 2
    assert unknown(report.notices) == []
    err = MailboxError("cannot connect to imap.example.org:993 ([Errno 111] refused)")
    assert unknown([f"draft for reply 3: {err}", f"Sent folder not read: {err}",
                    f"archive not imported: {err}", f"INBOX uid 12: {err}"]) == []


def test_the_review_s_own_errors_are_messages(shared):
    draft_id = shared.draft_id("<m2@reader.example>")
    errors = [error_of(lambda: review.save_edit(shared.config, 999, "x")),
              error_of(lambda: review.approve(shared.config, draft_id, "")),
              error_of(lambda: review.approve(shared.config, draft_id, "Hi [TO FILL: x]"))]
    assert unknown([part for err in errors for part in said_parts(err)]) == []


# --- how they are said -----------------------------------------------------------------------


def test_the_variable_parts_are_said_in_the_author_s_language_too():
    flag = drafter.reuse_flag(Reuse(1, "Hélène", f"{date.today().year}-03-02", "Oui.", 0.85))
    assert notes.said(flag, FRENCH) == (
        "un message proche a déjà reçu une réponse (Hélène, 2 mars, semblable à 85\xa0%) : "
        "votre réponse est reprise dans le brouillon ; adaptez-la")
    assert notes.said(flag, ENGLISH) == (
        "a close message was answered before (Hélène, 2 Mar, 85% alike): your answer is "
        "offered in the draft; adapt it")  # the day in the author's locale
    mixed = "the reply mixes Spanish and English: the draft follows its greeting and first " \
            "sentence (Spanish)"
    assert notes.said(mixed, FRENCH) == ("la réponse mêle espagnol et anglais : le brouillon "
                                         "suit sa formule d’appel et sa première phrase "
                                         "(espagnol)")
    nested_error = ("draft for reply 3: cannot reach the model server: check llm.base_url and "
                    "that the server runs after 2 tries")
    assert notes.said(nested_error, FRENCH) == (
        "brouillon du message 3 : impossible de joindre le serveur du modèle : vérifiez "
        "llm.base_url et que le serveur tourne, après 2 essais")


def test_an_error_with_its_hint_is_split_where_both_are_known(tmp_path):
    err = error_of(lambda: wiring.local_sent_source(parse_config(
        {"author": {"email": "me@example.org"}, "sent": {"path": str(tmp_path / "x")}},
        tmp_path / "c.toml")))
    text = f"the Sent folder is not read: {err} ({err.hint})"
    assert notes.said(text, FRENCH) == (
        f"le dossier Envoyés n’est pas lu : pas de messages envoyés à {tmp_path / 'x'} (un "
        "dossier Maildir ou un fichier mbox) (réglez `path` dans la section [sent] de la "
        "configuration)")


@pytest.mark.parametrize("text", [
    "", "something the guardrails will say one day", "a reader's message",
    "the draft is short (many words): expand it",  # not the shape of the message
])
def test_a_text_that_is_no_message_is_shown_as_it_came(text):
    assert notes.template(text) is None
    assert notes.said(text, FRENCH) == text and notes.said(text, ENGLISH) == text


# --- on the page and the command line --------------------------------------------------------

FLAGS = [
    "removed a link that is not one of the cited issues: https://evil.example/x",
    "the draft reads as English but the reader wrote in French: translate it or regenerate",
    "something the guardrails will say one day",
]
RUN_ERROR = ("draft for reply 3: cannot reach the model server: check llm.base_url and that "
             "the server runs")


class Unreachable:
    """A mailbox that cannot be reached, as an IMAP server refusing the connection."""

    account = "imap:camille@imap.example.org"

    def __enter__(self):
        raise MailboxError("cannot connect to imap.example.org:993 ([Errno 111] Connection "
                           "refused)", hint="check host and port")

    def __exit__(self, *exc):
        return None


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Env:
    """The four replies drafted, Tom's draft flagged, an unsubscribe and an auto-reply set
    apart, a pass that could not draft one reply."""
    unsubscribe = mail(20, "Paul <paul@reader.example>", "Re: désinscription",
                       "Merci de me désinscrire de la newsletter.")
    away = mail(21, "Léa <lea@reader.example>", "Réponse automatique : absente",
                "Je suis absente jusqu'au 15.", extra="Auto-Submitted: auto-replied\r\n")
    env = make_env(tmp_path_factory.mktemp("notes"), [*REPLIES, unsubscribe, away])
    conn = sqlite3.connect(env.config.state.db)
    with conn:
        conn.execute("UPDATE drafts SET flags = ? WHERE id = ?",
                     (json.dumps(FLAGS), env.draft_id("<m2@reader.example>")))
        conn.execute("UPDATE runs SET errors = ? WHERE id = (SELECT max(id) FROM runs)",
                     (json.dumps([RUN_ERROR]),))
    conn.close()
    return env


def english(env: Env) -> Env:
    web = dataclasses.replace(env.config.web, language="en")
    return dataclasses.replace(env, config=dataclasses.replace(env.config, web=web))


def test_the_french_page_shows_the_flags_the_reasons_and_the_run_errors_in_french(shared):
    client = client_for(shared)
    page = client.get(f"/drafts/{shared.draft_id('<m2@reader.example>')}").text
    assert "⚠ lien retiré, qui n’est pas celui d’un numéro cité : https://evil.example/x" in page
    assert ("⚠ le brouillon semble écrit en anglais, mais le lecteur a écrit en français : "
            "traduisez-le ou réécrivez-le") in page
    assert "⚠ something the guardrails will say one day" in page  # as it came
    assert "removed a link" not in page and "reads as English" not in page
    other = client.get("/other").text
    assert "demande à quitter la liste" in other
    assert "en-tête Auto-Submitted : auto-replied" in other
    assert "asks to leave" not in other
    status = client.get("/status").text
    assert ("brouillon du message 3 : impossible de joindre le serveur du modèle : vérifiez "
            "llm.base_url et que le serveur tourne") in status


def test_the_english_page_shows_them_as_the_stages_wrote_them(shared):
    client = client_for(english(shared))
    page = client.get(f"/drafts/{shared.draft_id('<m2@reader.example>')}").text
    assert all(f"⚠ {flag}" in page for flag in FLAGS)
    assert "asks to leave the list" in client.get("/other").text
    assert RUN_ERROR in client.get("/status").text


def test_an_error_of_the_mailbox_is_said_on_the_page_in_french_with_its_hint(shared):
    client = client_for(dataclasses.replace(shared, source_factory=Unreachable))
    draft_id = shared.draft_id("<m3@reader.example>")
    token = csrf_of(client, f"/drafts/{draft_id}")
    page = client.post(f"/drafts/{draft_id}/approve", data={"csrf_token": token}).text
    assert ("impossible de se connecter à imap.example.org:993 ([Errno 111] Connection "
            "refused)") in page
    assert '<span class="hint">vérifiez host et port</span>' in page


def test_the_french_command_line_says_them_in_french(shared):
    config = cli_config(shared, "fr")
    shown = cli(config, "drafts", "show", str(shared.draft_id("<m2@reader.example>"))).output
    assert "  ! lien retiré, qui n’est pas celui d’un numéro cité" in shown
    assert "  ! something the guardrails will say one day" in shown
    assert "demande à quitter la liste" in cli(config, "other").output
    doctor = cli(config, "doctor")
    assert doctor.exit_code == 0, doctor.output
    assert "ok   base d’état : " in doctor.output and " réponses, " in doctor.output
    assert "ok   modèle de rédaction : aucun n’est configuré" in doctor.output
    english_doctor = cli(cli_config(shared, "en"), "doctor").output
    assert "ok   state database: " in english_doctor and " replies, " in english_doctor


def test_doctor_says_a_failed_check_and_its_hint_in_french(shared, tmp_path):
    config = tmp_path / "gone.toml"
    config.write_text(Path(cli_config(shared, "fr")).read_text(encoding="utf-8").replace(
        str(shared.config.source.path), str(tmp_path / "gone")), encoding="utf-8")
    done = cli(config, "doctor")
    assert done.exit_code == 1
    assert (f"ERR  source du courrier : pas de Maildir à {tmp_path / 'gone'} (il lui faut cur/ "
            "et new/) : réglez `path` dans la section [source] de la configuration"
            ) in done.output
