"""The grounded drafter: language, register, openings, citations, placeholders."""

from __future__ import annotations

import dataclasses

import pytest

from inbox_agent.drafting import prompts
from inbox_agent.drafting.grounded import (
    DraftRequest,
    best_sentence,
    detect_register,
    fr_typography,
    grounded_draft,
    salient_point,
)
from inbox_agent.models import Evidence

ISSUE_41 = Evidence(
    issue_key="41",
    title="L'Atelier du Futur #41 : La semaine de quatre jours, un an après",
    url="https://atelier-du-futur.example/p/semaine-4-jours",
    number=41,
    date="2026-06-08",
    score=0.9,
    passages=(
        "Le bureau ferme le vendredi. Sur les 61 entreprises du pilote, 56 ont gardé la semaine "
        "de quatre jours après un an, y compris des PME de moins de vingt personnes.",
    ),
)
ISSUE_44 = Evidence(
    issue_key="44",
    title="#44 : Les réunions",
    url="https://atelier-du-futur.example/p/reunions",
    number=44,
    date="2026-07-20",
    score=0.1,
    passages=("Moins de réunions.",),
    answered=True,
)


def draft(text: str, language: str = "fr", intent: str = "question", evidence=(ISSUE_41,)):
    request = DraftRequest(
        reply_text=text, language=language, first_name="Marie", intent=intent, evidence=evidence
    )
    return grounded_draft(request, render=prompts.render, signature="Camille")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Est-ce que tu as des chiffres ? Ton billet m'a plu.", "tu"),
        ("Merci pour votre billet, vos chiffres m'ont surpris.", "vous"),
        ("Super billet.", "vous"),
    ],
)
def test_register_follows_the_reader(text, expected):
    assert detect_register(text, default="vous") == expected


def test_french_question_gets_a_french_draft_citing_the_issue():
    result = draft(
        "Est-ce que la semaine de quatre jours marche dans une PME ? Tu as des chiffres ?"
    )
    text = result.text
    assert text.startswith("Bonjour Marie,")
    assert "Merci pour tes questions" in text  # two of them, each quoted in its placeholder
    assert ISSUE_41.url in text and fr_typography(ISSUE_41.title) in text and "8 juin 2026" in text
    assert "61 entreprises du pilote" in text  # the passage sentence matching the question
    assert "[À COMPLÉTER" in text
    assert text.rstrip().endswith("Camille")
    assert result.cited == [ISSUE_41] and result.language == "fr"


def test_vous_reader_is_answered_with_vous():
    text = draft("Votre billet sur la semaine de quatre jours m'a interpellé, merci.").text
    assert "votre question" in text and " ta " not in text


def test_english_reader_gets_an_english_draft_even_from_a_french_archive():
    text = draft("Does the four-day week work for small companies?", language="en").text
    assert text.startswith("Hi Marie,")
    assert "[TO FILL:" in text and "June 8, 2026" in text and ISSUE_41.url in text


def test_spanish_reader_gets_a_spanish_draft():
    result = draft("¿Funciona la semana de cuatro días en una pyme?", language="es")
    assert result.language == "es" and result.text.startswith("Hola, Marie:")
    assert "8 de junio de 2026" in result.text and not result.flags


def test_language_without_template_gets_the_authors_language_and_a_flag():
    result = draft("Fungerar fyradagarsveckan i ett litet företag?", language="sv")
    assert result.language == "fr" and result.text.startswith("Bonjour Marie,")
    assert any("the reader wrote in Swedish" in flag for flag in result.flags)


@pytest.mark.parametrize(
    ("intent", "fragment"),
    [
        ("thanks", "ça me fait vraiment plaisir"),
        ("disagreement", "pas d'accord"),
        ("idea", "je la note précieusement"),
        ("story", "partagé ton expérience"),
        ("correction", "cette correction"),
        ("other", "Merci pour ton message"),
    ],
)
def test_opening_fits_the_kind_of_reply(intent, fragment):
    text = draft("Tu as écrit un billet sur la semaine de quatre jours.", intent=intent).text
    assert fragment in text


def test_thanks_needs_no_placeholder():
    assert "[À COMPLÉTER" not in draft("Merci pour ton billet !", intent="thanks").text


def test_answered_issue_is_cited_on_its_merit_or_when_nothing_else_relates():
    unranked = dataclasses.replace(ISSUE_44, score=0.0)
    assert draft("Merci", evidence=(unranked,)).cited == [unranked]
    assert draft("Merci", evidence=(unranked, ISSUE_41)).cited == [ISSUE_41]
    assert draft("Merci", evidence=(ISSUE_44, ISSUE_41)).cited == [ISSUE_41, ISSUE_44]


def test_no_issue_found_still_gives_a_draft_without_links():
    text = draft("Bonjour, une question sur le télétravail ?", evidence=()).text
    assert "http" not in text and "[À COMPLÉTER" in text


def test_best_sentence_prefers_overlap_with_the_reader():
    passages = [
        "Le soleil brille sur la ville depuis ce matin.",
        "Les PME de quinze personnes ont aussi adopté la semaine courte.",
    ]
    assert best_sentence(passages, "Et pour une PME de quinze personnes ?").startswith("Les PME")


def test_salient_point_is_the_question():
    text = "J'ai adoré ce billet. Mais comment convaincre mon patron ? Merci."
    assert salient_point(text, "question") == "Mais comment convaincre mon patron ?"


def test_french_typography_spaces_but_leaves_urls_alone():
    out = fr_typography("Tu écris : « oui » ! Voir https://x.example/p?a=1 ?")
    assert "\u00a0:" in out and "«\u00a0oui\u00a0»" in out and "\u202f!" in out
    assert "https://x.example/p?a=1" in out
