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


# Every reader-controlled header, each trying to add a recipient or a header of its own.
INJECTIONS = {
    "from-name": b"From: =?utf-8?Q?Evil=00=0D=0ABcc:_x@evil.example?= <reader1@example.net>\r\n",
    "from-name-plain": b'From: "Evil\\r\\nBcc: x@evil.example" <reader1@example.net>\r\n',
    "reply-to": b"From: reader1@example.net\r\n"
    b"Reply-To: =?utf-8?Q?R=0D=0ACc:_x@evil.example?= <reader1@example.net>\r\n",
    "subject": b"From: reader1@example.net\r\nSubject: =?utf-8?Q?Hi=0D=0ABcc:_x@evil.example?=\r\n",
    "message-id": b"From: reader1@example.net\r\n"
    b"Message-ID: =?utf-8?Q?<a@b>=0D=0ABcc:_x@evil.example?=\r\n",
    "in-reply-to": b"From: reader1@example.net\r\nIn-Reply-To: <bad\xff\xfe@x.example>\r\n",
    "references": b"From: reader1@example.net\r\n"
    b"References: <a@x.example> <b\xc3\xa9@x.example> =?utf-8?Q?=0D=0ABcc:_x@evil.example?=\r\n",
}


def reply_to_raw(headers: bytes):
    from inbox_agent.intake.parse import parse_message

    if b"Message-ID:" not in headers:
        headers += b"Message-ID: <m1@reader.example>\r\n"
    if b"Subject:" not in headers:
        headers += b"Subject: Re: #38\r\n"
    mail = parse_message(headers + b"\r\nMerci pour le billet !\r\n")
    original = compose.Original(
        message_id=mail.message_id, subject=mail.subject, from_email=mail.from_email,
        from_name=mail.from_name, reply_to=mail.reply_to, references=" ".join(mail.references),
        in_reply_to=mail.in_reply_to, text=mail.reply_text,
    )  # fmt: skip
    built = compose.build_reply(original, AUTHOR, "Merci !", language="fr", draft_id=3,
                                quote_original=True)  # fmt: skip
    return message_from_bytes(compose.to_bytes(built), policy=policy.default)


@pytest.mark.parametrize("headers", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_no_reader_header_adds_a_recipient_or_a_header(headers):
    sent = reply_to_raw(headers)
    assert set(sent.keys()) <= {
        "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
        compose.MARKER_HEADER, "Content-Type", "Content-Transfer-Encoding", "MIME-Version",
    }  # fmt: skip
    assert len(sent.keys()) == len(set(sent.keys()))
    assert "Bcc" not in sent and "Cc" not in sent
    assert [a.addr_spec for a in sent["To"].addresses] == ["reader1@example.net"]
    for name, value in sent.items():
        assert "\r" not in value and "\n" not in value and "\x00" not in value, name
    for name in ("In-Reply-To", "References", "Message-ID"):
        assert "=?" not in str(sent.get(name, "")), name
        assert str(sent.get(name, "")).isascii(), name


def test_an_address_beyond_ascii_is_written_in_utf8_with_its_domain_in_punycode():
    sent = reply_to_raw("From: André <andré@exémple.fr>\r\n".encode())
    to = str(sent["To"]).encode("utf-8", "surrogateescape").decode("utf-8")
    assert to == "André <andré@xn--exmple-cva.fr>"  # RFC 6532: UTF-8 in the header itself


def test_the_attribution_line_never_shows_an_encoded_word():
    sent = reply_to_raw(b"From: =?utf-8?q?In=C3=A8s_Bouaziz?= <ines@r.example>\r\n"
                        b"Date: Mon, 23 Oct 2023 13:02:00 +0200\r\n")
    body = sent.get_content()
    assert "Inès Bouaziz <ines@r.example> a écrit" in body and "=?" not in body
