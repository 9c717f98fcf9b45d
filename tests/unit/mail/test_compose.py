"""compose: the threaded reply message (subject, threading headers, quoting, marker)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from inbox_agent.mail import compose
from inbox_agent.mail.compose import Author, Original

AUTHOR = Author("Camille Durand", "camille@atelier.example")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def original(**fields) -> Original:
    base = dict(
        message_id="<r1@reader.example>", subject="Re: L'Atelier #42 : les matins lents",
        from_email="marie@reader.example", from_name="Marie Dupont",
        references="<issue-42@atelier.example>", in_reply_to="<issue-42@atelier.example>",
        date="2023-10-02T09:15:00+02:00", text="Merci pour ce numéro !\nUne question : …",
    )
    return Original(**{**base, **fields})


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Issue #42", "Re: Issue #42"),
        ("Re: Issue #42", "Re: Issue #42"),
        ("RE: Re: re: Issue #42", "Re: Issue #42"),
        ("Re : Numéro 42", "Re: Numéro 42"),
        ("Re[2]: AW: Issue", "Re: Issue"),
        ("TR: Numéro 42", "Re: TR: Numéro 42"),
        ("Réf. : Numéro 42", "Re: Réf. : Numéro 42"),
        ("Fwd: Issue", "Re: Fwd: Issue"),
        ("Reading list", "Re: Reading list"),
        ("", "Re:"),
    ],
)
def test_reply_subject_has_one_re_prefix(subject, expected):
    assert compose.reply_subject(subject) == expected


@pytest.mark.parametrize(
    ("references", "in_reply_to", "expected"),
    [
        ("<a@x> <b@x>", "<b@x>", ["<a@x>", "<b@x>", "<r1@reader.example>"]),
        ("", "<b@x>", ["<b@x>", "<r1@reader.example>"]),
        ("", "", ["<r1@reader.example>"]),
        ("<a@x> <r1@reader.example>", "", ["<a@x>", "<r1@reader.example>"]),
    ],
)
def test_references_chain_ends_with_the_readers_message_id(references, in_reply_to, expected):
    chain = compose.references_for(original(references=references, in_reply_to=in_reply_to))
    assert chain == expected


def parsed(**kw):
    message = compose.build_reply(
        kw.pop("orig", original()), AUTHOR, kw.pop("body", "Bonjour Marie,\n\nMerci !"),
        language=kw.pop("language", "fr"), draft_id=7, now=NOW, **kw,
    )
    return message_from_bytes(compose.to_bytes(message), policy=policy.default)


def text_of(msg) -> str:
    return msg.get_content().replace("\r\n", "\n")


def test_reply_is_threaded_and_addressed_to_the_reader():
    msg = parsed()
    assert msg["In-Reply-To"] == "<r1@reader.example>"
    assert msg["References"].split() == ["<issue-42@atelier.example>", "<r1@reader.example>"]
    assert msg["Subject"] == "Re: L'Atelier #42 : les matins lents"
    assert msg["From"].addresses[0].addr_spec == AUTHOR.email
    assert msg["From"].addresses[0].display_name == AUTHOR.name
    assert msg["To"].addresses[0].addr_spec == "marie@reader.example"
    assert msg["Message-ID"].endswith("@atelier.example>")
    assert msg["Date"].datetime == NOW


def test_reply_to_header_of_the_reader_is_honoured():
    msg = parsed(orig=original(reply_to="marie.perso@other.example"))
    assert msg["To"].addresses[0].addr_spec == "marie.perso@other.example"


def test_each_reply_gets_a_new_message_id():
    assert parsed()["Message-ID"] != parsed()["Message-ID"]


def test_body_is_utf8_plain_text_and_round_trips():
    body = "Bonjour Marie,\n\nÇa me touche. Voilà « mes » pensées — 🎉\n\nCamille"
    msg = parsed(body=body)
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    assert text_of(msg).strip() == body


@pytest.mark.parametrize(
    ("language", "attribution"),
    [
        ("fr", "Le 2 octobre 2023 à 09:15, Marie Dupont <marie@reader.example> a écrit :"),
        ("en", "On Mon, 2 Oct 2023 at 09:15, Marie Dupont <marie@reader.example> wrote:"),
    ],
)
def test_quoted_original_has_an_attribution_in_the_reply_language(language, attribution):
    text = text_of(parsed(language=language, quote_original=True))
    assert attribution in text
    assert "> Merci pour ce numéro !\n> Une question : …" in text


def test_original_is_not_quoted_unless_asked():
    assert "Merci pour ce numéro" not in text_of(parsed())


def test_quote_prefixes_every_line_and_deepens_quoted_lines():
    assert compose.quote("a\n\n> b\nc") == "> a\n>\n>> b\n> c"


def test_html_part_is_optional_and_escaped():
    msg = parsed(body="Hi <b>you</b>\n\nsecond", html_part=True)
    assert msg.get_content_type() == "multipart/alternative"
    html = msg.get_body(("html",)).get_content()
    assert "&lt;b&gt;you&lt;/b&gt;" in html and "<b>" not in html
    assert msg.get_body(("plain",)).get_content().startswith("Hi <b>you</b>")


def test_marker_header_names_the_draft_and_hashes_the_readers_message_id():
    msg = parsed()
    value = msg[compose.MARKER_HEADER]
    assert value == compose.marker_value(7, "<r1@reader.example>")
    assert value.startswith("7-") and value != compose.marker_value(7, "<other@x>")
    assert compose.marker_value(7, "<r1@reader.example>") == value  # stable
