"""parse_message / parse_file / split_reply / detect_language on hand-written messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from inbox_agent.errors import ParseError
from inbox_agent.intake.parse import MAX_TEXT_CHARS, first_name, parse_file, parse_message
from inbox_agent.intake.quotes import split_reply
from inbox_agent.text.language import MAX_SAMPLE_CHARS, detect_language


def mail(body: str = "Merci pour ce numéro !", *, headers: str = "", ctype: str = "") -> bytes:
    """A small RFC 822 message; `headers` lines are added to (or override) the defaults."""
    base = {
        "From": "Marie Dupont <marie@example.org>",
        "To": "author@example.org",
        "Subject": "Re: Lettre n°12",
        "Message-ID": "<reply-1@example.org>",
        "Date": "Mon, 08 Jun 2026 09:12:00 +0200",
        "Content-Type": ctype or 'text/plain; charset="utf-8"',
    }
    extra = [line for line in headers.strip().splitlines() if line.strip()]
    for line in extra:
        base.pop(line.split(":", 1)[0], None)
    lines = [f"{k}: {v}" for k, v in base.items()] + extra
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


@pytest.mark.parametrize(
    ("from_header", "name", "address", "first"),
    [
        ("Marie Dupont <marie@example.org>", "Marie Dupont", "marie@example.org", "Marie"),
        ('"Dupont, Marie" <md@example.org>', "Dupont, Marie", "md@example.org", "Marie"),
        ("marie.dupont@example.org", "", "marie.dupont@example.org", "Marie"),
        ("jean-pierre_martin@example.fr", "", "jean-pierre_martin@example.fr", "Jean-Pierre"),
        ("info@example.org", "", "info@example.org", ""),
        ("Contact <contact@example.org>", "Contact", "contact@example.org", ""),
        (
            "=?utf-8?q?Ren=C3=A9e_Lef=C3=A8vre?= <r@example.org>",
            "Renée Lefèvre",
            "r@example.org",
            "Renée",
        ),
        ("Mme Claire Martin <c@example.org>", "Mme Claire Martin", "c@example.org", "Claire"),
        ("JEAN MARTIN <JM@Example.ORG>", "JEAN MARTIN", "jm@example.org", "Jean"),
    ],
)
def test_sender_name_first_name_and_address_are_read(from_header, name, address, first) -> None:
    parsed = parse_message(mail(headers=f"From: {from_header}"))
    assert (parsed.from_name, parsed.from_email, parsed.first_name) == (name, address, first)


@pytest.mark.parametrize(
    ("display", "address", "expected"),
    [
        ("Dupont, Marie", "", "Marie"),
        ("", "x@example.org", ""),
        ("Team Newsletter", "", ""),
        ("Dr. Alan Turing", "", "Alan"),
        ("", "marie.dupont@example.org", "Marie"),
    ],
)
def test_first_name_heuristics(display: str, address: str, expected: str) -> None:
    assert first_name(display, address) == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("Reply-To: Marie Pro <marie.pro@work.example>", "marie.pro@work.example"),
        ("", "marie@example.org"),
    ],
)
def test_reply_to_is_the_reply_to_header_else_from(extra: str, expected: str) -> None:
    assert parse_message(mail(headers=extra)).reply_to == expected


def test_threading_headers_keep_angle_brackets() -> None:
    raw = mail(
        headers="In-Reply-To: <issue-12@news.example>\n"
        "References: <issue-11@news.example>\n <issue-12@news.example>"
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "<reply-1@example.org>"
    assert parsed.in_reply_to == "<issue-12@news.example>"
    assert parsed.references == ("<issue-11@news.example>", "<issue-12@news.example>")


@pytest.mark.parametrize(
    ("date_header", "expected", "defect"),
    [
        (
            "Mon, 08 Jun 2026 09:12:00 +0200",
            datetime(2026, 6, 8, 9, 12, tzinfo=timezone(timedelta(hours=2))),
            None,
        ),
        ("Mon, 08 Jun 2026 09:12:00", datetime(2026, 6, 8, 9, 12, tzinfo=UTC), "time zone"),
        ("lundi dernier", None, "unparseable Date"),
    ],
)
def test_date_is_aware_or_none_with_a_defect(date_header, expected, defect) -> None:
    parsed = parse_message(mail(headers=f"Date: {date_header}"))
    assert parsed.date == expected
    if expected is not None:
        assert parsed.date.tzinfo is not None
    assert any(defect in d for d in parsed.defects) if defect else not parsed.defects


def test_headers_for_triage_are_kept_lower_cased() -> None:
    raw = mail(headers="Auto-Submitted: auto-replied\nX-Autoreply: yes\nPrecedence: bulk")
    headers = parse_message(raw).headers
    assert headers["auto-submitted"] == "auto-replied"
    assert headers["x-autoreply"] == "yes"
    assert headers["precedence"] == "bulk"
    assert "content-type" in headers


HTML_ONLY = """<html><head><style>p {color: red}</style><script>alert('x')</script></head>
<body><p>Bonjour,</p><p>J'ai adoré le dernier numéro sur les <b>communs</b>.</p>
<div class="gmail_quote">Le lun. 8 juin 2026 à 09:12, Auteur &lt;a@news.example&gt; a écrit :
<blockquote class="gmail_quote">Dans ce numéro, je parle des communs numériques.</blockquote>
</div></body></html>"""


def test_html_only_mail_becomes_readable_text_without_scripts_or_quotes() -> None:
    parsed = parse_message(mail(HTML_ONLY, ctype='text/html; charset="utf-8"'))
    assert "J'ai adoré le dernier numéro sur les communs." in parsed.body_text
    assert "alert" not in parsed.body_text and "color" not in parsed.body_text
    assert "communs numériques" not in parsed.reply_text
    assert "communs numériques" in parsed.quoted_text
    assert parsed.language == "fr"


def test_text_plain_is_preferred_over_html_alternative() -> None:
    body = (
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVersion texte\r\n"
        "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Version HTML</p>\r\n--b--\r\n"
    )
    parsed = parse_message(mail(body, ctype='multipart/alternative; boundary="b"'))
    assert parsed.body_text == "Version texte"


@pytest.mark.parametrize(
    ("charset", "payload", "text", "defect"),
    [
        ("iso-8859-1", "Très bien, merci".encode("latin-1"), "Très bien, merci", None),
        ("x-unknown", "Très bien".encode(), "Très bien", "bad charset 'x-unknown' in text/plain"),
        ("utf-8", b"Tr\xe8s bien", "Tr\ufffds bien", "invalid utf-8 bytes"),
        ("windows-1252", "“Génial”".encode("cp1252"), "“Génial”", None),
    ],
)
def test_charsets_decode_with_replacement_and_record_defects(charset, payload, text, defect):
    head = (
        f"From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain; charset={charset}\r\n\r\n"
    ).encode()
    parsed = parse_message(head + payload)
    assert parsed.body_text == text
    if defect:
        assert any(defect in d for d in parsed.defects), parsed.defects
    else:
        assert parsed.defects == ()


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("=?utf-8?b?UsOpcG9uc2UgYXV0b21hdGlxdWU=?=", "Réponse automatique"),
        ("=?iso-8859-1?q?Absence_du_bureau?=", "Absence du bureau"),
        ("=?x-bogus?q?Caf=E9?=", "Caf\ufffd"),
    ],
)
def test_encoded_word_subjects_are_decoded(subject: str, expected: str) -> None:
    parsed = parse_message(mail(headers=f"Subject: {subject}"))
    assert parsed.subject == expected
    broken = "\ufffd" in expected
    assert any("encoded-word in subject" in d for d in parsed.defects) is broken


def test_attachments_are_listed_not_read() -> None:
    body = (
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici le PDF.\r\n"
        "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="notes.pdf"\r\n\r\n'
        "JVBERi0xLjQKJcfsj6IKNSAwIG9iago=\r\n--b--\r\n"
    )
    parsed = parse_message(mail(body, ctype='multipart/mixed; boundary="b"'))
    assert parsed.body_text == "Voici le PDF."
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("notes.pdf", "application/pdf")
    assert attachment.size == len(b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n5 0 obj\n")


def test_huge_body_is_capped_and_recorded() -> None:
    parsed = parse_message(mail("bla " * (MAX_TEXT_CHARS // 2)))
    assert len(parsed.body_text) <= MAX_TEXT_CHARS
    assert any("truncated" in d for d in parsed.defects)


@pytest.mark.parametrize("raw", [b"", b"   \r\n  "])
def test_empty_input_is_refused_with_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_message(raw)


def test_parse_file_names_the_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="missing.eml"):
        parse_file(tmp_path / "missing.eml")
    good = tmp_path / "ok.eml"
    good.write_bytes(mail())
    assert parse_file(good).subject == "Re: Lettre n°12"


QUOTED_FR = """Merci, c'est exactement ce que je vivais au boulot.

Le lun. 8 juin 2026 à 09:12, Auteur <a@news.example> a écrit :
> Dans ce numéro je parle de réunions.
"""


def test_reply_text_excludes_quotes_and_quoted_text_keeps_them() -> None:
    parsed = parse_message(mail(QUOTED_FR))
    assert parsed.reply_text == "Merci, c'est exactement ce que je vivais au boulot."
    assert "Dans ce numéro je parle de réunions." in parsed.quoted_text
    assert "Dans ce numéro" in parsed.body_text


SPLITS = [
    (
        "gmail_en",
        "Great!\n\nOn Mon, Jun 8, 2026 at 9:12 AM Author <a@x.org> wrote:\n> old",
        "Great!",
    ),
    (
        "gmail_fr_wrapped",
        "Super.\n\nLe lun. 8 juin 2026 à 09:12, Auteur <a@x.org>\na écrit :\n> ancien",
        "Super.",
    ),
    ("thunderbird_fr", "Oui !\n\nLe 08/06/2026 à 09:12, Auteur a écrit :\n> ancien", "Oui !"),
    (
        "outlook_fr",
        "Bien reçu.\n\n________________________________\nDe : Auteur <a@x.org>\n"
        "Envoyé : lundi 8 juin 2026 09:12\nÀ : Marie\nObjet : Lettre\n\nTexte",
        "Bien reçu.",
    ),
    ("outlook_original", "Ok\n\n-----Message d'origine-----\nDe : a@x.org\nTexte", "Ok"),
    (
        "outlook_en",
        "Sure.\n\nFrom: Author <a@x.org>\nSent: Monday, June 8, 2026 9:12 AM\nTo: Marie\n"
        "Subject: Issue\n\nText",
        "Sure.",
    ),
    (
        "iphone_fr",
        "Top !\n\nEnvoyé de mon iPhone\n\n> Le 8 juin 2026 à 09:12, A a écrit :\n> x",
        "Top !",
    ),
    ("outlook_ios_fr", "Merci\n\nObtenir Outlook pour iOS\n", "Merci"),
    ("german", "Danke\n\nAm 08.06.2026 um 09:12 schrieb Autor <a@x.org>:\n> alt", "Danke"),
    (
        "spanish",
        "Gracias\n\nEl lun, 8 jun 2026 a las 9:12, Autor (<a@x.org>) escribió:\n> x",
        "Gracias",
    ),
    (
        "italian",
        "Grazie\n\nIl giorno lun 8 giu 2026 alle ore 09:12 A <a@x.org> ha scritto:\n> x",
        "Grazie",
    ),
    ("dutch", "Bedankt\n\nOp ma 8 jun. 2026 om 09:12 schreef Auteur <a@x.org>:\n> x", "Bedankt"),
    (
        "portuguese",
        "Obrigado\n\nEm seg., 8 de jun. de 2026 às 09:12, A <a@x.org> escreveu:\n> x",
        "Obrigado",
    ),
    (
        "bottom_post",
        "Le 8 juin 2026, Auteur <a@x.org> a écrit :\n> question ?\n\nMa réponse.",
        "Ma réponse.",
    ),
    ("signature", "Bel article.\n\n-- \nMarie Dupont\nhttps://marie.example", "Bel article."),
    (
        "sign_off_fr",
        "J'ai beaucoup aimé.\n\nBien à vous,\nMarie",
        "J'ai beaucoup aimé.\n\nBien à vous,",
    ),
    ("no_quote", "Juste un mot pour dire merci.", "Juste un mot pour dire merci."),
    ("bare_name", "Super article !\n\nMarie", "Super article !"),
    (
        "device_line",
        "Great piece.\n\nDaniel\n\nSent with Proton Mail secure email.",
        "Great piece.",
    ),
    (
        "block_below_sign_off",
        "Merci.\n\nCordialement,\nMarc Lefèvre\nResponsable RH\nGroupe Valmont\nTél. : 04 78 00 00",
        "Merci.\n\nCordialement,",
    ),
    (
        "sent_from_in_sentence",
        "Ok.\n\nSent from my desk, it is easier.",
        "Ok.\n\nSent from my desk, it is easier.",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [s[1:] for s in SPLITS], ids=[s[0] for s in SPLITS])
def test_split_reply_keeps_only_the_readers_words(text: str, expected: str) -> None:
    own, quoted = split_reply(text)
    assert own == expected
    assert quoted or own == text


def test_signature_block_starting_with_the_senders_name_is_cut() -> None:
    text = "Je vous remercie par avance.\nJean-Luc Marchand\nAvocat associé\nCabinet Marchand"
    own, removed = split_reply(text, signer="Jean-Luc Marchand")
    assert own == "Je vous remercie par avance."
    assert "Cabinet Marchand" in removed
    assert split_reply(text)[0].endswith("Cabinet Marchand")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci beaucoup !", "fr"),
        ("Merci", "fr"),
        ("Thanks a lot!", "en"),
        ("Je ne suis pas d'accord avec ton analyse sur les retraites.", "fr"),
        ("I really enjoyed this issue about remote work and meetings.", "en"),
        ("Muchas gracias por el artículo", "es"),
        ("Vielen Dank für den Artikel", "de"),
        ("ok", ""),
        ("", ""),
        ("12345 !!!", ""),
    ],
)
def test_language_is_detected_or_left_empty(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_language_comes_from_the_reply_not_the_quote() -> None:
    body = (
        "Merci beaucoup !\n\nOn Mon, Jun 8, 2026 at 9:12 AM Author <a@x.org> wrote:\n"
        "> This week I write about meetings, remote work and the cost of interruptions.\n"
    )
    assert parse_message(mail(body)).language == "fr"


@pytest.mark.parametrize(
    ("raw_subject", "expected", "defect"),
    [
        (b"=?utf-8?q?caf=C3=A9?= =?utf-8?q?_au?= lait", "café au lait", None),
        (b"Re: =?utf-8?q?caf=C3=A9?= =?iso-8859-1?q?_cr=E8me?=", "Re: café crème", None),
        (b"=?UTF-8?B?UsOpcG9uc2U=?=\r\n =?UTF-8?B?IGF1dG9tYXRpcXVl?=", "Réponse automatique", None),
        (b"=?utf-8*fr?q?d=C3=A9j=C3=A0?=", "déjà", None),
        ("Réponse été".encode(), "Réponse été", None),
        ("Réponse été".encode("latin-1"), "Réponse été", "malformed subject"),
        (b"=?utf-8?b?!!!?=", "", "encoded-word in subject"),
        (b"=?utf-8?q?unfinished", "=?utf-8?q?unfinished", None),
        (b"100% =? sure", "100% =? sure", None),
    ],
)
def test_subject_encoded_words_and_8bit_text_are_decoded(raw_subject, expected, defect) -> None:
    raw = b"From: a@example.org\r\nSubject: " + raw_subject + b"\r\n\r\nMerci pour ce texte."
    parsed = parse_message(raw)
    assert parsed.subject == expected
    assert any(defect in d for d in parsed.defects) if defect else not parsed.defects


@pytest.mark.parametrize(
    ("from_header", "name", "address", "first"),
    [
        ("=?utf-8?q?Dupont=2C_Ren=C3=A9e?= <r@x.org>", "Dupont, Renée", "r@x.org", "Renée"),
        ('"=?utf-8?q?L=C3=A9a?= <x>" <lea@x.org>', "Léa <x>", "lea@x.org", "Léa"),
        ("Zoë Martin <zoe@x.org>", "Zoë Martin", "zoe@x.org", "Zoë"),
        ("MAILER-DAEMON@mx.x.org (Mail Delivery)", "Mail Delivery", "mailer-daemon@mx.x.org", ""),
    ],
)  # fmt: skip
def test_encoded_sender_names_are_decoded_after_the_address_is_split(
    from_header: str, name: str, address: str, first: str
) -> None:
    parsed = parse_message(mail(headers=f"From: {from_header}"))
    assert (parsed.from_name, parsed.from_email, parsed.first_name) == (name, address, first)


@pytest.mark.parametrize(
    ("disposition", "filename"),
    [
        ('attachment; filename="notes.pdf"', "notes.pdf"),
        ("attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf", "résumé.pdf"),
        ('attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="', "résumé.pdf"),
        ('attachment; filename="résumé.pdf"', "résumé.pdf"),
    ],
)
def test_attachment_file_names_are_decoded(disposition: str, filename: str) -> None:
    body = (
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici.\r\n"
        f"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: {disposition}\r\n\r\n"
        "x\r\n--b--\r\n"
    )
    parsed = parse_message(mail(body, ctype='multipart/mixed; boundary="b"'))
    assert [a.filename for a in parsed.attachments] == [filename]


WROTE_WORDS = [
    "wrote", "WROTE", "sent", "a écrit", "a ecrit", "schrieb", "escribió", "escribio",
    "ha scritto", "schreef", "geschreven", "escreveu", "skrev", "napisał", "napisała",
    "napisał(a)", "kirjoitti", "đã viết", "пишет", "написал", "написала", "yazdı", "yazdi",
    "írta", "napsal", "napsal(a)", "scrie", "έγραψε",
]  # fmt: skip


@pytest.mark.parametrize("word", WROTE_WORDS)
def test_quote_header_is_found_in_every_language(word: str) -> None:
    own, quoted = split_reply(f"Ok.\n\nOn 08/06/2026 09:12, Author <a@x.org> {word}:\n> old text")
    assert own == "Ok."
    assert "old text" in quoted


@pytest.mark.parametrize(
    "header",
    [
        "Le 8 juin 2026, Camille Martin a écrit",
        "Camille Martin, le 8 juin 2026, a écrit",
        "Camille Martin on 8 June 2026 wrote",
        "Camille Martin, el 8 de junio de 2026, escribió",
    ],
)
def test_quote_header_without_colon_or_address_is_found(header: str) -> None:
    own, quoted = split_reply(f"Tout à fait d'accord.\n\n{header}\n> ancien texte\n> suite")
    assert own == "Tout à fait d'accord."
    assert header in quoted and "ancien texte" in quoted


def test_long_reply_language_comes_from_its_beginning() -> None:
    french = "Merci pour ce numéro, je l'ai lu deux fois et transmis à mon équipe. " * 5
    english = "Thanks, this part is written in English and it is much longer. " * 60
    assert len(french) < MAX_SAMPLE_CHARS < len(english)
    assert detect_language(french + english) == "fr"
    assert detect_language(english + french) == "en"
