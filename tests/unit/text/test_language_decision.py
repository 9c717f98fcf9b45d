"""Which language a reply is answered in: the reader's own words, with a confidence, quotes
and signatures left out, mixed replies by their opening, and the author's language below it."""

from __future__ import annotations

import json

import pytest

from inbox_agent.drafting.languages import choose_language
from inbox_agent.intake.parse import parse_file, parse_message
from inbox_agent.text.language import detect_language, guess_language, reader_language
from tests.support import ROOT

ARCHIVE_42 = ROOT / "examples" / "archive" / "42-ia-au-travail-par-ou-commencer.md"
NEWSLETTER = ARCHIVE_42.read_text(encoding="utf-8").split("---\n", 2)[2][:2500]
QUOTED = "\n".join(f"> {line}" if line else ">" for line in NEWSLETTER.splitlines())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¡Gracias, Sam!", "es"),
        ("¡Muchas gracias, Sam!", "es"),
        ("Danke, Sam!", "de"),
        ("Vielen Dank, Sam!", "de"),
        ("Grazie mille, Sam!", "it"),
        ("Obrigada, Sam!", "pt"),
        ("Parabéns, Sam!", "pt"),
        ("Dank je wel, Sam!", "nl"),
        ("Bedankt, Sam!", "nl"),
        ("Merci Sam !", "fr"),
        ("Thanks, Sam!", "en"),
    ],
)
def test_a_one_line_reply_is_decided_in_each_language(text, expected):
    guess = guess_language(text)
    assert (guess.language, guess.sure) == (expected, True) and guess.confidence > 0.5
    assert reader_language(text) == expected


def mail(body: str, subject: str = "Re: L'Atelier du Futur #42") -> bytes:
    head = (f"From: Reader <reader@example.org>\nTo: camille@atelier.example\n"
            f"Subject: {subject}\nMessage-ID: <r@example.org>\n"
            "Content-Type: text/plain; charset=utf-8\n\n")
    return (head + body).encode()


GERMAN_OUTLOOK = (  # an Outlook "AW:" reply: the newsletter below a Von/Gesendet block, no ">"
    "Hallo Camille,\n\nwir sind ein Handwerksbetrieb mit 30 Leuten und haben genau diese Frage."
    " Hast du Beispiele aus kleinen Betrieben?\n\nViele Grüße\nKatrin\n\n"
    "Von: Camille Durand <camille@atelier.example>\nGesendet: Montag, 22. Juni 2026 07:30\n"
    "An: Katrin Vogel <katrin@example.org>\nBetreff: L'Atelier du Futur #42\n\n" + NEWSLETTER
)
CASES = {
    "es": "Hola Camille:\n\n¿Tienes algún ejemplo de cooperativas que ya usen la IA?\n\n"
          "Un saludo,\nLucía\n\nEl lun, 22 jun 2026 a las 7:30, Camille Durand "
          "(<camille@atelier.example>) escribió:\n\n" + QUOTED,
    "de": GERMAN_OUTLOOK,
    "it": "Ciao Camille,\n\nbellissimo numero. Hai qualche esempio di piccole aziende italiane?"
          "\n\nGiulia\n\nIl giorno lun 22 giu 2026 alle ore 07:30 Camille Durand "
          "<camille@atelier.example> ha scritto:\n\n" + QUOTED,
    "pt": "Olá Camille,\n\nadorei a edição. Tens exemplos de pequenas empresas em Portugal?\n\n"
          "Ana\n\nEm seg., 22 de jun. de 2026 às 07:30, Camille Durand "
          "<camille@atelier.example> escreveu:\n\n" + QUOTED,
    "nl": "Hoi Camille,\n\nmooie editie! Heb je voorbeelden van kleine bedrijven?\n\nSanne\n\n"
          "Op ma 22 jun 2026 om 07:30 schreef Camille Durand <camille@atelier.example>:\n\n"
          + QUOTED,
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_reply_quoting_the_french_newsletter_at_length_is_in_the_readers_language(language):
    parsed = parse_message(mail(CASES[language]))
    assert detect_language(parsed.quoted_text) == "fr"  # most of the mail is French
    assert len(parsed.quoted_text) > 4 * len(parsed.reply_text)
    assert parsed.language == language
    assert "Je vous écris entre deux tournages" not in parsed.reply_text


def test_a_long_signature_in_another_language_does_not_decide():
    body = ("Hola Camille:\n\n¿Tienes algún ejemplo de cooperativas que ya usen la IA?\n\n"
            "-- \nLucía Fernández\nHead of Innovation, Valencia Agricultural Cooperative\n"
            "This e-mail and any attachment are confidential and intended solely for the "
            "addressee. If you received it by mistake, please delete it and tell the sender.")
    assert parse_message(mail(body)).language == "es"


def test_a_sentence_of_the_newsletter_quoted_inline_is_left_out():
    text = ("Hola Camille: me quedo con tu frase «Interdire ne sert à rien. Mieux vaut encadrer, "
            "et laisser les équipes tester avec un cadre clair et partagé.» ¿Cómo se hace?")
    assert detect_language(text) == "fr"
    assert reader_language(text) == "es"


@pytest.mark.parametrize(
    ("text", "language", "other"),
    [
        ("Hola Camille, te escribo desde Valencia sobre la inteligencia artificial.\n\n"
         "I will go on in English because my colleagues from Dublin will read this too: we "
         "tried your advice on meetings and it worked far better than we expected.", "es", "en"),
        ("Bonjour Camille,\n\nMerci pour ce numéro.\n\nI'm writing the rest in English because "
         "my colleague will read it too: we tried the four-day week in our small company.",
         "fr", "en"),
        ("Hallo Camille,\n\nentschuldige, ich schreibe auf Englisch weiter.\n\nWe tried the "
         "four-day week in our small company and it worked, but the managers were not "
         "convinced at all.", "de", "en"),
    ],
)
def test_a_mixed_reply_takes_the_language_of_its_greeting_and_first_sentence(
    text, language, other
):
    guess = guess_language(text)
    assert (guess.language, guess.mixed_with, guess.sure) == (language, other, True)


def test_a_loan_greeting_is_no_change_of_language():
    text = ("Hello,\n\nSympa ton billet sur les réunions. Tu connais des équipes qui ont "
            "supprimé celle du lundi matin ? On hésite à le faire chez nous.")
    assert guess_language(text).language == "fr" and not guess_language(text).mixed_with


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hej Camille! Tack för ditt nyhetsbrev, jag läste det två gånger och delade det med "
         "mitt team.", "sv"),
        ("Dzień dobry, dziękuję za ten numer, bardzo mi się podobał i przesłałam go dalej.", "pl"),
    ],
)
def test_a_language_without_template_is_named_not_mistaken_for_a_neighbour(text, expected):
    guess = guess_language(text)
    assert (guess.language, guess.sure) == (expected, True) and guess.confidence >= 0.9


def test_too_little_text_is_not_sure():
    guess = guess_language("Top !")
    assert not guess.sure and reader_language("Top !") == ""


@pytest.mark.parametrize(
    ("stored", "text", "language", "flag"),
    [
        ("es", "¡Gracias, Sam!", "es", ""),
        ("sv", "Hej! Tack för nyhetsbrevet.", "sv", ""),  # the template choice comes later
        ("", "Genial, Camille, gracias", "fr",
         "the reader's language is uncertain (maybe Spanish, "),
        ("", "Top !", "fr", ""),  # the likely language is the author's: nothing to check
        ("", "", "fr", ""),
    ],
)
def test_the_draft_language_falls_back_to_the_authors_with_a_flag(stored, text, language, flag):
    chosen, flags = choose_language(stored, text, "fr")
    assert chosen == language
    assert (flags[0].startswith(flag) if flag else flags == []), flags


def test_every_demo_reply_is_decided_as_labelled():
    records = [json.loads(line) for line in
               (ROOT / "examples" / "replies.jsonl").read_text(encoding="utf-8").splitlines()]
    found = {r["file"]: parse_file(ROOT / "examples" / "replies" / r["file"]).language
             for r in records}
    wrong = {f: (found[f], r["language"]) for r in records if found[(f := r["file"])] !=
             r["language"]}
    assert not wrong
