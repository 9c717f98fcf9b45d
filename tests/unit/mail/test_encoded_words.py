"""RFC 2047 encoded-words never reach a person: every header-derived string is decoded.

A reader's message whose From, Subject and Cc carry encoded-words (utf-8 Q and B,
iso-8859-1, a folded multi-word one, malformed ones) is parsed, stored, answered and
exported; nothing the author or the reader reads holds "=?…?=".
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from inbox_agent.intake.parse import parse_message
from inbox_agent.intake.triage import triage
from inbox_agent.mail import compose
from inbox_agent.mail.headers import decode_header_value, header_text
from inbox_agent.models import MailRef
from inbox_agent.privacy import readers
from inbox_agent.store import db as store

ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[qQbB]\?.*?\?=", re.DOTALL)
AUTHOR = compose.Author("Camille Durand", "camille@lettre.example")

# (case id, raw header value, what a person must read)
NAMES = [
    ("utf-8 q", "=?utf-8?q?In=C3=A8s_Bouaziz?=", "Inès Bouaziz"),
    ("utf-8 b", "=?UTF-8?B?SW7DqHMgQm91YXppeg==?=", "Inès Bouaziz"),
    ("iso-8859-1", "=?iso-8859-1?q?Ren=E9e_Lef=E8vre?=", "Renée Lefèvre"),
    ("quoted", '"=?utf-8?q?L=C3=A9a_Martin?="', "Léa Martin"),
    ("half encoded", "=?utf-8?Q?=C3=89lisabeth?= VANNIER", "Élisabeth VANNIER"),
    ("blank inside (malformed)", "=?utf-8?q?In=C3=A8s Bouaziz?=", "Inès Bouaziz"),
    ("character split over two words (malformed)", "=?utf-8?b?SW7D?= =?utf-8?b?qHMgQm91YXppeg==?=",
     "Inès Bouaziz"),
]  # fmt: skip
SUBJECTS = [
    ("utf-8 q", "Re: =?utf-8?q?Num=C3=A9ro_93_=3A_la_semaine_de_quatre_jours?=",
     "Re: Numéro 93 : la semaine de quatre jours"),
    ("utf-8 b", "=?utf-8?b?UmU6IE51bcOpcm8gOTM=?=", "Re: Numéro 93"),
    ("iso-8859-1", "=?iso-8859-1?q?Re=3A_Num=E9ro_93?=", "Re: Numéro 93"),
    ("folded multi-word", "=?utf-8?q?Re=3A_La_semaine_de_quatre_jours_?=\r\n"
     " =?utf-8?q?=C3=A0_l=27essai_dans_une_PME_fran=C3=A7aise?=",
     "Re: La semaine de quatre jours à l'essai dans une PME française"),
    ("blank inside (malformed)", "=?utf-8?q?Re: Num=C3=A9ro 93?=", "Re: Numéro 93"),
    ("character split over two words (malformed)", "=?utf-8?q?Re=3A_Num=C3?= =?utf-8?q?=A9ro?=",
     "Re: Numéro"),
]  # fmt: skip
CC = "=?utf-8?q?Fran=C3=A7ois_B=C3=A9ranger?= <fb@example.org>, =?iso-8859-1?q?Ga=EBl?= <g@x.org>"


def raw_mail(from_name: str, subject: str) -> bytes:
    return (
        f"From: {from_name} <ines@lecteurs.example>\r\nTo: camille@lettre.example\r\n"
        f"Cc: {CC}\r\nSubject: {subject}\r\nDate: Mon, 23 Oct 2023 13:02:00 +0200\r\n"
        "Message-ID: <ew-1@lecteurs.example>\r\nIn-Reply-To: <issue-93@lettre.example>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        "Merci pour ce numéro, il tombe à pic : on teste la semaine de quatre jours.\r\n"
    ).encode()


def approved_reply(mail, language: str):
    """The reply as the reader receives it, built the way approval builds it."""
    original = compose.Original(
        message_id=mail.message_id, subject=mail.subject, from_email=mail.from_email,
        from_name=mail.from_name, reply_to=mail.reply_to, references=" ".join(mail.references),
        in_reply_to=mail.in_reply_to, date=mail.date.isoformat(), text=mail.reply_text,
    )  # fmt: skip
    built = compose.build_reply(original, AUTHOR, "Bonjour,\n\nMerci !", language=language,
                                draft_id=1, quote_original=True, html_part=True)  # fmt: skip
    return message_from_bytes(compose.to_bytes(built), policy=policy.default)


def person_visible_text(message) -> str:
    """Every decoded header value and every text part of a message."""
    parts = [f"{name}: {value}" for name, value in message.items()]
    texts = [part for part in message.walk() if part.get_content_maintype() == "text"]
    parts += [part.get_content() for part in texts]
    return "\n".join(parts)


# Each encoded From name with the folded subject, each encoded subject with a malformed name.
CASES = [(f"from {n[0]}", n[1], n[2], SUBJECTS[3][1], SUBJECTS[3][2]) for n in NAMES]
CASES += [(f"subject {s[0]}", NAMES[5][1], NAMES[5][2], s[1], s[2]) for s in SUBJECTS]


@pytest.mark.parametrize(("raw_name", "name", "raw_subject", "subject"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_encoded_word_survives_in_an_approved_reply(
    raw_name: str, name: str, raw_subject: str, subject: str, language: str
) -> None:
    mail = parse_message(raw_mail(raw_name, raw_subject))
    sent = approved_reply(mail, language)
    visible = person_visible_text(sent)
    assert not ENCODED_WORD.search(visible), visible
    assert sent["To"].addresses[0].display_name == name
    assert str(sent["Subject"]) == compose.reply_subject(subject)
    attribution = compose.attribution(
        compose.Original("<ew-1@x>", subject, "ines@lecteurs.example", from_name=mail.from_name),
        language,
    )
    assert f"{name} <ines@lecteurs.example>" in attribution
    assert f"{name} <ines@lecteurs.example>" in sent.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("raw_name", "name"), [n[1:] for n in NAMES], ids=[n[0] for n in NAMES])
def test_every_header_derived_string_of_the_parsed_mail_is_decoded(raw_name, name) -> None:
    mail = parse_message(raw_mail(raw_name, SUBJECTS[3][1]))
    strings = [mail.from_name, mail.first_name, mail.subject, *mail.headers.values()]
    assert not any(ENCODED_WORD.search(s) for s in strings), strings
    assert mail.from_name == name
    assert mail.subject == SUBJECTS[3][2]
    assert "François Béranger" in mail.headers["cc"] and "Gaël" in mail.headers["cc"]


def test_a_row_stored_with_encoded_words_is_still_answered_in_plain_text() -> None:
    """Rows written before decoding was complete keep their raw values; the reply decodes."""
    original = compose.Original(
        message_id="<old@x>", subject=SUBJECTS[0][1], from_email="ines@lecteurs.example",
        from_name=NAMES[5][1], date="2023-10-23T13:02:00+02:00", text="Merci !",
    )  # fmt: skip
    sent = message_from_bytes(compose.to_bytes(compose.build_reply(
        original, AUTHOR, "Merci à vous.", language="fr", draft_id=2, quote_original=True,
    )), policy=policy.default)  # fmt: skip
    visible = person_visible_text(sent)
    assert not ENCODED_WORD.search(visible), visible
    assert "Le 23 octobre 2023 à 13:02, Inès Bouaziz <ines@lecteurs.example> a écrit :" in visible
    assert str(sent["Subject"]) == "Re: Numéro 93 : la semaine de quatre jours"


def test_the_reader_export_shows_headers_and_names_decoded(tmp_path) -> None:
    raw = raw_mail(NAMES[6][1], SUBJECTS[5][1]) + "Ligne ajoutée.".encode()
    mail = parse_message(raw)
    conn = store.connect(tmp_path / "state.db")
    try:
        store.add_reply(conn, MailRef("a", "INBOX", 1, 1), mail, triage(mail), raw)
        conn.execute("UPDATE replies SET from_name=?, subject=?", (NAMES[1][1], SUBJECTS[1][1]))
        data = readers.export_reader_data(conn, "ines@lecteurs.example")
    finally:
        conn.close()
    reply = data["replies"][0]
    assert (reply["from_name"], reply["subject"]) == ("Inès Bouaziz", "Re: Numéro 93")
    headers = dict(reply["headers"])
    assert headers["From"] == "Inès Bouaziz <ines@lecteurs.example>"
    assert headers["Subject"] == "Re: Numéro"
    assert "François Béranger" in headers["Cc"]
    assert not any(ENCODED_WORD.search(value) for _, value in reply["headers"])


FORMS = [(n[1], n[2]) for n in NAMES] + [(s[1], s[2]) for s in SUBJECTS]


@pytest.mark.parametrize(("raw", "text"), FORMS)
def test_the_one_decoder_reads_each_form(raw: str, text: str) -> None:
    assert header_text(raw).strip('"') == text
    assert decode_header_value(raw)[1] == ""
