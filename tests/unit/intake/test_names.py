"""names: how a reader is greeted, from the display name, the signature or the address."""

from __future__ import annotations

import pytest

from inbox_agent.intake import names
from inbox_agent.intake.parse import parse_message

WORDS = "Merci pour ce numéro sur la semaine de quatre jours, très juste."

# (case id, From display name, From address, the reader's text, expected first name)
CASES = [
    ("first last", "Marie Dupont", "marie@example.org", "", "Marie"),
    ("CAPS surname first", "VANNIER Elisabeth", "e.vannier@acme.example", "", "Elisabeth"),
    ("surname first, first name listed", "Vannier Elisabeth", "ev@acme.example", "", "Elisabeth"),
    ("comma", "Vannier, Elisabeth", "ev@acme.example", "", "Elisabeth"),
    ("CAPS surname last", "Elisabeth VANNIER", "ev@acme.example", "", "Elisabeth"),
    ("common surname first", "Martin Sophie", "sm@acme.example", "", "Sophie"),
    ("both first names: written order", "Thomas Martin", "tm@acme.example", "", "Thomas"),
    ("all caps", "JEAN MARTIN", "jm@example.org", "", "Jean"),
    ("hyphenated", "Jean-Pierre Martin", "jp@example.org", "", "Jean-Pierre"),
    ("hyphenated caps", "JEAN-PIERRE MARTIN", "jp@example.org", "", "Jean-Pierre"),
    ("compound without hyphen", "Marie Claire Dupont", "mc@example.org", "", "Marie Claire"),
    ("compound, CAPS surname first", "DUPONT Marie Claire", "mc@example.org", "", "Marie Claire"),
    ("two words: the second is the surname", "Marie Claire", "mc@example.org", "", "Marie"),
    ("spanish compound", "María José García López", "mj@example.es", "", "María José"),
    ("german compound", "Hans-Peter Müller", "hp@example.de", "", "Hans-Peter"),
    ("accents", "Zoë Lefèvre", "z@example.org", "", "Zoë"),
    ("accents, CAPS surname", "LEFÈVRE Renée", "r@example.org", "", "Renée"),
    ("irish", "Siobhan O'Brien", "s@example.ie", "", "Siobhan"),
    ("dutch particle", "Jan de Vries", "j@example.nl", "", "Jan"),
    ("particle first", "de Vries Jan", "j@example.nl", "", "Jan"),
    ("portuguese particle first", "da Silva João", "j@example.pt", "", "João"),
    ("cyrillic surname first", "Петров Иван", "ivan@example.ru", "", "Иван"),
    ("initial then surname", "J. Martin", "jm@example.org", "", ""),
    ("first name then initial", "Sarah K.", "sk@example.org", "", "Sarah"),
    ("middle initial", "Anna M. Schmidt", "as@example.de", "", "Anna"),
    ("title and surname", "Dr Martin", "drm@example.org", "", ""),
    ("title and surname, address first.last", "Dr Martin", "paul.martin@example.org", "",
     "Paul"),
    ("title, first, last", "Dr. Anna Schmidt", "as@example.de", "", "Anna"),
    ("madame", "Mme Claire Martin", "c@example.org", "", "Claire"),
    ("german academic title", "Dr. med. Hans Müller", "h.mueller@example.de", "", "Hans"),
    ("a first name that is also a title's word", "Med Ali Ben Salah", "m@example.tn", "",
     "Med"),
    ("german engineering title", "Dr.-Ing. Claudia Weber", "cw@example.de", "", "Claudia"),
    ("family name first, told by an initial.last address", "Tanaka Hiroshi",
     "h.tanaka@example.jp", "", "Hiroshi"),
    ("family name first, told by a given.family address", "Nguyen Van An",
     "an.nguyen@example.vn", "", "An"),
    ("surname alone", "Dupont", "dupont@example.org", "", ""),
    ("first name alone", "Élisabeth", "ev@example.org", "", "Élisabeth"),
    ("company in brackets", "Marie Dupont (Acme)", "m@acme.example", "", "Marie"),
    ("company after a bar", "Dupont Marie | Acme", "m@acme.example", "", "Marie"),
    ("degree after a comma", "Marie Dupont, PhD", "m@example.org", "", "Marie"),
    ("couple", "Anne et Marc Dupont", "dupont@example.org", "", "Anne et Marc"),
    ("couple with ampersand", "Anne & Marc", "am@example.org", "", "Anne & Marc"),
    ("a firm, not a couple", "Smith & Wesson", "sw@example.org", "", ""),
    ("shared mailbox", "Contact Acme", "contact@acme.example", "", ""),
    ("department", "Service RH", "rh@acme.example", "", ""),
    ("team", "Team Newsletter", "team@example.org", "", ""),
    ("family", "The Smiths", "smiths@example.org", "", ""),
    ("famille", "Famille Dupont", "famille.dupont@example.org", "", ""),
    ("address as the name", "info@acme.example", "info@acme.example", "", ""),
    ("noreply", "", "noreply@news.example", "", ""),
    ("address first.last", "", "jean.dupont@example.org", "", "Jean"),
    ("address last.first", "", "dupont.marie@example.org", "", "Marie"),
    ("address first_last compound", "", "jean-pierre_martin@example.fr", "", "Jean-Pierre"),
    ("address initial.last", "", "j.dupont@example.org", "", ""),
    ("address initial+last", "", "jdupont@example.org", "", ""),
    ("address one word", "", "marie@example.org", "", ""),
    ("address first-last", "", "marie-dupont@example.org", "", "Marie"),
    ("japanese name", "山田 太郎", "taro@example.jp", "", ""),
    # the name signed under the message
    ("signed full name wins over CAPS order", "VANNIER Elisabeth", "ev@acme.example",
     f"{WORDS}\n\nCordialement,\nÉlisabeth Vannier\nDRH, Acme", "Élisabeth"),
    ("signed, display only an address", "", "e.vannier@acme.example",
     f"{WORDS}\n\nBien à vous,\nÉlisabeth Vannier", "Élisabeth"),
    ("signed by someone else on a shared address", "Marc Dupont", "dupont@example.org",
     f"{WORDS}\n\nAnne", "Anne"),
    ("signed on a company mailbox", "Contact Acme", "contact@acme.example",
     f"{WORDS}\n\nCordialement,\nJulie Morel\nAcme", "Julie"),
    ("signed with the surname only", "VANNIER Elisabeth", "ev@acme.example",
     f"{WORDS}\n\nVannier", "Elisabeth"),
    ("signed with a place, not a name", "Marie Dupont", "m@example.org",
     f"{WORDS}\n\nParis", "Marie"),
    ("a device line is no name", "Marie Dupont", "m@example.org",
     f"{WORDS}\n\nEnvoyé de mon iPhone", "Marie"),
    ("signed after a delimiter", "", "jdupont@example.org",
     f"{WORDS}\n\n-- \nJean Dupont\nConsultant", "Jean"),
    ("signed first name settles the order", "Martin Paul", "pm@example.org",
     f"{WORDS}\n\nPaul", "Paul"),
]  # fmt: skip


@pytest.mark.parametrize(("display", "address", "text", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_first_name(display: str, address: str, text: str, expected: str) -> None:
    assert names.first_name(display, address, text) == expected


def test_the_table_covers_every_kind_of_name_the_issue_lists() -> None:
    assert len(CASES) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)


def mail(from_header: str, body: str) -> bytes:
    return (
        f"From: {from_header}\r\nTo: camille@lettre.example\r\nSubject: Re: #93\r\n"
        'Message-ID: <n-1@acme.example>\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        + body
    ).encode()


def test_a_corporate_outlook_sender_is_greeted_by_first_name_not_surname() -> None:
    parsed = parse_message(mail("VANNIER Elisabeth <e.vannier@acme.example>", WORDS))
    assert parsed.first_name == "Elisabeth"


def test_the_name_signed_under_the_message_reaches_the_parsed_mail() -> None:
    body = (
        f"{WORDS}\n\nBien cordialement,\nÉlisabeth Vannier\n\n"
        "Le lun. 4 mars 2024 à 10:15, Camille Durand <camille@lettre.example> a écrit :\n"
        "> La semaine de quatre jours ne réduit pas le travail.\n"
    )
    parsed = parse_message(mail("=?utf-8?q?VANNIER_Elisabeth?= <e.vannier@acme.example>", body))
    assert parsed.first_name == "Élisabeth"
    assert parsed.reply_text.endswith("Bien cordialement,")


def test_a_sender_without_a_name_is_greeted_without_one() -> None:
    assert parse_message(mail("jdupont@acme.example", WORDS)).first_name == ""


def test_names_are_compared_without_accents_or_case() -> None:
    assert names.fold("ÉLISABETH") == names.fold("elisabeth") == "elisabeth"
    assert names.is_first_name("Jean-Pierre") and not names.is_first_name("Vannier")
