"""Answer reuse: an earlier answer offered, marked, in a new draft's placeholder."""

from __future__ import annotations

import pytest

from inbox_agent.drafting import guardrails, prompts
from inbox_agent.drafting.grounded import DraftRequest, grounded_draft
from inbox_agent.drafting.languages import DRAFT_LANGUAGES
from inbox_agent.drafting.reuse import Reuse, answer_body, marker, reader_names

ANSWER = (
    "Salut Hélène,\n\n"
    "Oui, il y a des chiffres : sur les 61 entreprises du pilote, 56 ont gardé la semaine de "
    "quatre jours. Hélène, je t'envoie le rapport à helene.martin@example.org, ou appelle-moi "
    "au 06 12 34 56 78 [si besoin].\n\n"
    "Belle journée !\nCamille"
)


def test_the_body_loses_greeting_closing_names_and_details():
    body = answer_body(ANSWER, reader_names("Hélène", "Hélène Martin"))
    assert body.startswith("Oui, il y a des chiffres")
    assert "Hélène" not in body and "Martin" not in body.replace("martin@", "")
    assert "@" not in body and "06 12" not in body
    assert "Belle journée" not in body and "Camille" not in body
    assert "[" not in body and "(si besoin)" in body
    assert "56 ont gardé la semaine de quatre jours" in body


@pytest.mark.parametrize(("text", "kept"), [
    ("Hi Sam,\nThe answer is yes, with numbers.\nBest,\nCamille", "The answer is yes"),
    ("Dear Dr Lee,\nSee the third section of the issue.", "See the third section"),
    ("Sam, thanks. The pilot ran for six months in 61 firms.", "Sam"),  # no greeting line
    ("Only one line that says something useful enough.", "Only one line"),
])
def test_bodies_keep_what_the_author_said(text, kept):
    body = answer_body(text, ["Sam", "Lee"])
    assert kept.replace("Sam", "…") in body or kept in body
    assert body.strip()


def test_the_marker_names_the_reader_and_date_and_is_a_placeholder():
    reuse = Reuse(7, "Hélène", "2026-03-03", "Oui, 56 sur 61.", 0.93)
    text = marker(reuse, "fr")
    assert text == "[Réponse envoyée à Hélène le 3 mars 2026 — à adapter : Oui, 56 sur 61.]"
    draft = f"Bonjour Marie,\n\n{text}\n\nCamille"
    assert guardrails.has_placeholders(draft)  # approval refuses it until adapted
    assert guardrails.placeholders(draft) == [text]
    assert guardrails.placeholder_openings(draft) == ["[Réponse envoyée …]"]
    nameless = marker(Reuse(7, "", "2026-03-03", "Yes.", 0.93), "en")
    assert nameless == "[Answer sent on March 3, 2026 — adapt it: Yes.]"
    assert guardrails.has_placeholders(nameless)


def test_text_that_only_looks_like_a_marker_is_no_placeholder():
    assert not guardrails.has_placeholders("Réponse envoyée à Hélène — à adapter : rien")
    assert not guardrails.has_placeholders("[Antwort] ist gut: ja")


def request(language="fr", **kw) -> DraftRequest:
    base = dict(
        reply_text="Tu as des chiffres sur la semaine de quatre jours dans les PME ?",
        language=language, first_name="Marie", intent="question", register="tu",
        reuse=Reuse(7, "Hélène", "2026-03-03", "Oui : 56 entreprises sur 61 l'ont gardée.", 0.95),
    )
    return DraftRequest(**{**base, **kw})


def draft(req: DraftRequest):
    return grounded_draft(req, render=prompts.render, signature="Camille")


def test_the_grounded_draft_offers_the_earlier_answer_in_place_of_the_placeholder():
    out = draft(request())
    assert "[Réponse envoyée à Hélène le 3\u00a0mars 2026" not in out.text  # plain spaces
    assert "Réponse envoyée à Hélène le 3 mars 2026 — à adapter" in out.text
    assert "56 entreprises sur 61" in out.text
    assert "réponse à sa question" not in out.text  # the placeholder it replaces
    assert out.reused_reply == 7 and out.reuse_score == 0.95
    without = draft(request(reuse=None))
    assert "[À COMPLÉTER" in without.text and without.reused_reply is None


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_every_template_renders_the_reuse_marker(language):
    out = draft(request(language=language, reply_text="A question about the pilot?"))
    assert out.reused_reply == 7
    assert "56 entreprises sur 61" in out.text and guardrails.has_placeholders(out.text)


def test_no_reuse_across_languages_or_in_a_pure_thank_you():
    swedish = draft(request(language="sv"))  # no Swedish template: drafted in French
    assert swedish.reused_reply is None and "56 entreprises" not in swedish.text
    thanks = draft(request(intent="thanks", intents=("thanks",),
                           reply_text="Merci pour ce numéro, il m'a fait du bien."))
    assert thanks.reused_reply is None and "56 entreprises" not in thanks.text


def test_overlap_tells_the_same_question_from_a_neighbouring_one():
    from inbox_agent.drafting.reuse import MIN_OVERLAP, overlap
    asked = "Bonjour Camille, où trouver l'étude sur la semaine de quatre jours ? Merci, Léa"
    again = "Salut ! Tu aurais le lien vers l'étude sur la semaine de quatre jours ?"
    other = "Bonjour, que penses-tu du télétravail depuis la campagne ?"
    assert overlap(asked, again, "fr") >= MIN_OVERLAP
    assert overlap(asked, other, "fr") < MIN_OVERLAP
    assert overlap("", asked, "fr") == 0.0
