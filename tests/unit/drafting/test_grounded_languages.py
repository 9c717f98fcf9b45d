"""The grounded drafter in every draft language: goldens per language and intent, register,
placeholders, dates, typography, and readers whose language has no template."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from inbox_agent.drafting import guardrails, prompts
from inbox_agent.drafting.grounded import DraftRequest, grounded_draft, human_date
from inbox_agent.drafting.languages import DRAFT_LANGUAGES, LANGUAGES, detect_register
from inbox_agent.models import Evidence
from tests.unit.drafting.language_cases import AI, CASES, EVIDENCE, ISSUE_LANGUAGES, PILOT

GOLDEN = Path(__file__).parent / "golden"
SIGNATURE = "Camille\nL'Atelier du Futur"


def draft_of(language: str, intent: str, **changes):
    first, full, text = CASES[(language, intent)]
    request = DraftRequest(
        reply_text=text, language=language, first_name=first, intent=intent,
        evidence=EVIDENCE[intent], issue_languages=ISSUE_LANGUAGES, full_name=full,
    )
    request = dataclasses.replace(request, **changes)
    return grounded_draft(request, render=prompts.render, signature=SIGNATURE, max_issues=2)


@pytest.mark.parametrize(("language", "intent"), sorted(CASES))
def test_grounded_draft_matches_its_golden_text(language, intent):
    draft = draft_of(language, intent)
    path = GOLDEN / f"{language}_{intent}.txt"
    if os.environ.get("INBOX_AGENT_UPDATE_GOLDEN"):
        path.write_text(draft.text, encoding="utf-8")
    assert draft.text == path.read_text(encoding="utf-8")
    assert draft.language == language and not draft.flags


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("es", "Hola, Lucía:"), ("de", "Guten Tag Katrin Vogel,"), ("it", "Ciao Giulia,"),
     ("pt", "Olá, Ana!"), ("nl", "Hoi Sanne,")],
)
def test_the_reader_is_greeted_by_name_in_their_register(language, greeting):
    assert draft_of(language, "question").text.startswith(greeting + "\n\n")


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "¿Tienes algún ejemplo? ¡Gracias por tu trabajo!", "tu"),
        ("es", "¿Podría usted darme un ejemplo?", "vous"),
        ("es", "Me ha encantado este número.", "vous"),
        ("es", "¿Has pensado en escribir sobre las cooperativas? ¿Podrías?", "tu"),
        ("de", "Dein Text hat mich berührt, danke dir!", "tu"),
        ("de", "Haben Sie Beispiele? Ich danke Ihnen.", "vous"),
        ("de", "Sie hat recht, die Studie ist gut.", "vous"),  # "Sie" opening a sentence: no clue
        ("de", "Hey Camille, super Artikel!", "tu"),
        ("it", "Ciao Camille, bellissimo articolo!", "tu"),
        ("it", "Hai dati sulle piccole imprese?", "tu"),
        ("it", "Potresti scrivere delle cooperative?", "tu"),
        ("it", "Gentile Camille, La ringrazio. Le scrivo per il Suo articolo.", "vous"),
        ("it", "Ho parlato con lei ieri.", "vous"),  # "lei", she: no clue
        ("pt", "Tens dados sobre o teu país?", "tu"),
        ("pt", "Você tem dados sobre isso?", "vous"),
        ("nl", "Heb je ook voorbeelden? Jouw stuk was top.", "tu"),
        ("nl", "Heeft u voorbeelden? Uw stuk was top.", "vous"),
        ("fr", "Salut, super billet.", "tu"),
        ("fr", "Super billet.", "vous"),
        ("en", "Do you have examples?", "vous"),
    ],
)
def test_register_is_read_from_the_readers_words_in_each_language(language, text, expected):
    assert detect_register(text, "vous", language) == expected


def test_a_french_reader_without_clue_gets_the_authors_register_others_the_polite_form():
    assert detect_register("Super billet.", "tu", "fr") == "tu"
    text = "Me ha encantado este número."
    request = DraftRequest(reply_text=text, language="es", first_name="Lucía", intent="thanks")
    draft = grounded_draft(request, render=prompts.render, signature="Camille",
                           default_register="tu")
    assert "su mensaje" in draft.text and "Un cordial saludo," in draft.text


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_each_languages_placeholder_is_written_and_refused(language):
    intent = "request" if (language, "question") not in CASES else "question"
    text = draft_of(language, intent).text
    opening = LANGUAGES[language].placeholder
    assert " ".join(opening.split()) in " ".join(text.split())  # French spaces it: « : »
    assert guardrails.has_placeholders(text)
    assert guardrails.placeholder_openings(text) == [opening + "…]"]
    assert guardrails.word_count(text) == guardrails.word_count(
        guardrails.PLACEHOLDER.sub(" ", text)
    )


@pytest.mark.parametrize(
    "typed",
    ["[a completar: x]", "[Zu Ergänzen: x]", "[ZU ERGAENZEN: x]", "[zu erganzen : x]",
     "[da completare: x]", "[A PREENCHER : x]", "[in te vullen: x]", "[IN  TE VULLEN:x]",
     "[à compléter : x]", "[A COMPLETER: x]", "[to fill: x]", "[A COMPLETAR: no closing"],
)
def test_placeholders_are_recognised_with_or_without_accents_and_case(typed):
    assert guardrails.has_placeholders(f"Hola, Lucía:\n\n{typed}\n")


def test_a_bracket_that_is_no_placeholder_is_left_alone():
    assert not guardrails.has_placeholders("Hola [nota: 2023] [A completar] [ZU]")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "22 juin 2026"), ("en", "June 22, 2026"), ("es", "22 de junio de 2026"),
     ("de", "22. Juni 2026"), ("it", "22 giugno 2026"), ("pt", "22 de junho de 2026"),
     ("nl", "22 juni 2026"), ("sv", "June 22, 2026")],
)
def test_dates_are_written_the_way_each_language_writes_them(language, expected):
    assert human_date("2026-06-22", language) == expected


@pytest.mark.parametrize(
    ("language", "note"),
    [("es", "en francés"), ("de", "auf Französisch"), ("it", "in francese"),
     ("pt", "em francês"), ("nl", "in het Frans")],
)
def test_an_issue_in_another_language_says_so_in_the_drafts_language(language, note):
    assert f"(22{' de' if language in ('es', 'pt') else ''}" in draft_of(language, "thanks").text
    assert f", {note})" in draft_of(language, "thanks").text


def test_each_language_keeps_its_typography():
    german = draft_of("de", "question").text
    assert "„L'Atelier du Futur #42" in german and "«" not in german and '"' not in german
    assert "\nHerzliche Grüße\n" in draft_of("de", "correction").text  # no comma after it
    for intent in ("question", "thanks", "idea", "correction"):
        for line in draft_of("es", intent).text.splitlines():
            if not line.startswith("- «"):  # a title stays as its issue writes it
                assert line.count("!") == line.count("¡") and line.count("?") == line.count("¿")
    assert "«" in draft_of("it", "question").text and "“" in draft_of("nl", "question").text
    french = draft_of("fr", "request").text
    assert "Vous écrivez\u00a0: «\u00a0Je suis" in french and " :" not in french


def test_a_quoted_sentence_nests_its_quote_marks():
    issue = Evidence("50-de", "Ausgabe 50: Vier Tage", "https://atelier.example/p/de", 50,
                     "2026-05-04", 0.9,
                     ("Bei Kessler in Köln heißt der Freitag jetzt „Lerntag“ und die Teams lieben "
                      "die neue Woche mit vier Arbeitstagen.",))
    request = DraftRequest(reply_text="Wie klappt die Woche mit vier Arbeitstagen bei Kessler?",
                           language="de", first_name="Jonas", intent="question",
                           evidence=(issue,), issue_languages={"50-de": "de"})
    text = grounded_draft(request, render=prompts.render, signature="Camille").text
    assert "Dort schrieb ich: „Bei Kessler in Köln heißt der Freitag jetzt ‚Lerntag‘" in text


def test_the_formal_german_greeting_falls_back_to_the_first_name():
    for full_name in ("Vogel, Katrin", "Katrin", "K. Vogel (Kessler GmbH)", ""):
        text = draft_of("de", "question", full_name=full_name).text
        assert text.startswith("Guten Tag Katrin,\n")


@pytest.mark.parametrize(("default", "start"), [("fr", "Bonjour Sven,"), ("en", "Hi Sven,")])
def test_a_language_without_template_gets_the_authors_language_and_a_flag(default, start):
    request = DraftRequest(
        reply_text="Hej Camille! Tack för nyhetsbrevet, jag läste det två gånger.",
        language="sv", first_name="Sven", intent="thanks", evidence=(AI,),
        issue_languages=ISSUE_LANGUAGES,
    )
    draft = grounded_draft(request, render=prompts.render, signature="Camille",
                           default_language=default)
    assert draft.language == default and draft.text.startswith(start)
    name = {"fr": "French", "en": "English"}[default]
    assert draft.flags == [
        "the reader wrote in Swedish; there is no Swedish template, so the draft is in "
        f"{name}: translate it"
    ]


def test_every_grounded_template_uses_its_languages_quote_marks():
    for code, entry in LANGUAGES.items():
        template = (prompts.prompts_dir() / f"grounded_{code}.j2").read_text(encoding="utf-8")
        opening, closing = entry.quotes[0].strip(), entry.quotes[1].strip()
        assert re.search(re.escape(opening) + r"\s?\{\{ issue\.title \}\}\s?" + re.escape(closing),
                         template), code


def test_the_answered_issue_is_cited_with_its_own_wording_per_language():
    expected = {"es": "el número al que respondes", "de": "die Ausgabe, auf die Sie antworten",
                "it": "il numero a cui rispondi", "pt": "a edição a que respondeste",
                "nl": "de editie waarop je reageert"}
    for language, wording in expected.items():
        assert wording in draft_of(language, "question").text
    assert PILOT.url in draft_of("es", "disagreement").text
