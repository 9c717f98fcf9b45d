"""Drafts follow the reading: a finished draft only for a pure thank-you, a placeholder for
everything else (one per question, the objection, the author's availability for a
request, a correction after the issue's sentence it corrects), an opening per part of a
mixed reply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inbox_agent.config import parse_config
from inbox_agent.drafting import drafter, guardrails, prompts
from inbox_agent.drafting.grounded import DraftRequest, grounded_draft
from inbox_agent.drafting.languages import DRAFT_LANGUAGES, LANGUAGES
from inbox_agent.drafting.plan import ordered_intents, plan_draft
from inbox_agent.drafting.sentences import corrected_sentence, questions
from inbox_agent.models import Evidence, Issue, MailRef, ParsedMail, ReplyKind, Triage
from inbox_agent.store import db as store

SCOP_TEXT = (
    "## Ce que coûte une SCOP\n\nDans une SCOP, les salariés détiennent la majorité du capital"
    " et les frais de gestion sont votés en assemblée générale chaque année. Les frais de"
    " gestion d'une coopérative représentent en général 5 à 10 % du chiffre d'affaires.\n\n"
    "En 2024, on comptait 4 500 coopératives en France, qui emploient près de 80 000 personnes."
)
SCOP = Issue("36-scop", "L'Atelier du Futur #36 : Les coopératives de travail", number=36,
             date="2026-03-30", url="https://atelier.example/p/scop", language="fr",
             text=SCOP_TEXT)
PILOT = Issue("41-semaine", "L'Atelier du Futur #41 : La semaine de quatre jours", number=41,
              date="2026-06-08", url="https://atelier.example/p/semaine-4-jours", language="fr",
              text="Sur les 61 entreprises du pilote, 56 ont gardé la semaine de quatre jours.")
ISSUES = {i.key: i for i in (SCOP, PILOT)}


def evidence(issue: Issue, score: float, answered: bool = False) -> Evidence:
    # only the first passage was retrieved: the sentence a correction is about is not in it
    return Evidence(issue.key, issue.title, issue.url, issue.number, issue.date, score,
                    (issue.text.split("\n\n")[-1][:90],), answered=answered)


class FakeIndex:
    """The archive search: the issue answered (#36), then the four-day-week issue."""

    def search(self, query, k=3, answered=None, relevant_only=False):
        return [evidence(SCOP, 0.2, answered=True), evidence(PILOT, 0.9)]


@pytest.fixture
def env(tmp_path: Path):
    raw = {"author": {"name": "Camille Durand", "email": "camille@atelier.example",
                      "signature": "Camille", "register": "vous"},
           "draft": {"min_words": 5, "max_words": 300, "style_examples": 0},
           "state": {"db": str(tmp_path / "state.db")}}
    config = parse_config(raw, tmp_path / "config.toml")
    conn = store.connect(config.state.db)
    yield config, conn
    conn.close()


def draft_of(env, text: str, intent: str, uid: int = 1):
    """The draft of a stored reply to #36 whose stored (leading) intent is `intent`."""
    config, conn = env
    mail = ParsedMail(
        message_id=f"<{uid}@example.org>", subject="Re: #36", from_email="r@example.org",
        from_name="Julien Morel", first_name="Julien", reply_to="r@example.org", date=None,
        in_reply_to="", references=(), body_text=text, reply_text=text, quoted_text="",
        language="fr", headers={}, content_type="text/plain",
    )
    with store.transaction(conn):
        reply_id = store.add_reply(conn, MailRef("a", "INBOX", 1, uid), mail,
                                   Triage(ReplyKind.REPLY, "test", issue_number=36,
                                          intent=intent), None)
    return drafter.draft_for(config, store.get_reply(conn, reply_id), FakeIndex(), ISSUES, conn)


def gaps(text: str) -> list[str]:
    return guardrails.placeholders(text)


DISAGREEMENT = """Salut Camille,

Merci pour ce billet, je te lis depuis longtemps. Mais là je ne te suis pas : dire que l'IA
va réduire les inégalités, c'est oublier qui possède les outils et qui décide de leur usage.

Dans ma boîte, les outils d'IA ont surtout servi à mesurer la productivité de chacun. Les
moins qualifiés n'ont rien gagné, ils ont perdu en autonomie.

Bref, le billet me semble bien trop optimiste sur ce point.

Julien"""


def test_a_three_paragraph_disagreement_stored_as_thanks_gets_the_objection_placeholder(env):
    text = draft_of(env, DISAGREEMENT, "thanks").text
    assert "[À COMPLÉTER\u00a0: position sur son objection]" in text
    assert guardrails.has_placeholders(text)  # approval refuses it as it is
    assert "ça me fait vraiment plaisir" not in text
    assert "Merci beaucoup pour ton message\u202f! Je vois que tu n'es pas d'accord" in text
    assert "Tu écris\u00a0: «\u00a0Mais là je ne te suis pas" in text


def test_two_questions_get_a_placeholder_each_quoting_it(env):
    reply = ("Bonjour Camille,\n\nEst-ce que la semaine de quatre jours marche dans une PME ?"
             " Et comment convaincre un patron qui a peur de perdre ses clients ?\n\nJulie")
    text = draft_of(env, reply, "question").text
    found = gaps(text)
    assert len(found) == 2
    assert "marche dans une PME" in found[0] and "convaincre un patron" in found[1]
    assert "Merci pour vos questions, elles tombent à pic." in text


def test_one_question_gets_one_placeholder_and_is_quoted_above_it(env):
    reply = "Bonjour Camille,\n\nEst-ce que la semaine de quatre jours marche dans une PME ?"
    text = draft_of(env, reply, "question").text
    assert gaps(text) == ["[À COMPLÉTER\u00a0: réponse à sa question]"]
    assert "Vous écrivez\u00a0: «\u00a0Est-ce que la semaine" in text


def test_thanks_and_a_story_get_both_openings_and_only_the_storys_placeholder(env):
    reply = ("Merci pour ce billet ! Chez nous, on a testé la semaine de quatre jours l'an"
             " dernier et ça a changé l'ambiance de l'équipe.")
    text = draft_of(env, reply, "thanks").text
    opening = text.split("\n\n")[1]
    assert opening == ("Merci beaucoup pour votre message\u202f! Votre expérience est précieuse"
                       "\u00a0: rien ne vaut les retours du terrain.")
    assert gaps(text) == ["[À COMPLÉTER\u00a0: un mot personnel sur son expérience]"]


SCREENING = """Bonjour Camille,

Nous aimerions organiser une projection du documentaire dans nos locaux à Lyon, pour 80
salariés, en octobre. Quelles sont vos conditions et disponibilités ?

Bien cordialement,
Sophie"""


@pytest.mark.parametrize("stored", ["request", "question"])
def test_a_screening_request_gets_the_availability_placeholder_and_no_reading_list(env, stored):
    draft = draft_of(env, SCREENING, stored)
    assert gaps(draft.text) == ["[À COMPLÉTER\u00a0: vos disponibilités et conditions]"]
    assert [e.issue_key for e in draft.cited] == ["36-scop"]  # the issue the reader answered
    assert PILOT.url not in draft.text  # #41 ranked first, but a request gets no reading list
    assert draft.text.split("\n\n")[1] == "Merci pour votre proposition, et d'avoir pensé à moi."


def test_an_issue_the_author_asks_for_is_cited_in_a_request_too(env):
    config, conn = env
    draft_of(env, SCREENING, "request")
    row = store.get_reply(conn, 1)
    draft = drafter.regenerate(config, row, "x", "mentionne le numéro 41", FakeIndex(), ISSUES,
                               conn)
    assert [e.issue_key for e in draft.cited][0] == "41-semaine" and PILOT.url in draft.text


def test_a_question_beside_the_request_keeps_its_own_placeholder(env):
    reply = ("Hello Camille,\n\nCould we organise a screening of the film in our Stockholm"
             " office? And will there be English subtitles?\n\nKind regards,")
    found = gaps(draft_of(env, reply, "question").text)
    assert found[0] == "[À COMPLÉTER\u00a0: vos disponibilités et conditions]"
    assert len(found) == 2 and "English subtitles" in found[1]  # the screening ask is the request


CORRECTION = """Bonjour Camille,

Petite correction sur le billet des coopératives : les frais de gestion d'une SCOP se situent
plutôt entre 5 et 15 %, et non 5 à 10 %.

Marc"""


def test_a_correction_quotes_the_issues_sentence_then_asks_to_check_it(env):
    draft = draft_of(env, CORRECTION, "correction")
    text = draft.text
    quoted = ("Dans le billet auquel vous répondez, j'avais écrit\u00a0: «\u00a0Les frais de"
              " gestion d'une coopérative représentent en général 5 à 10\u00a0% du chiffre"
              " d'affaires.\u00a0»")
    assert quoted.replace("10\u00a0%", "10 %") in text
    check = "[À COMPLÉTER\u00a0: vérifier la correction et dire si le billet sera corrigé]"
    assert text.index("j'avais écrit") < text.index(check)
    assert "J'y écrivais" not in text  # the sentence is quoted once
    assert draft.cited == [] and "https://" not in text  # no link to the issue they answered


def test_the_corrected_sentence_weighs_figures_above_words():
    issue = [SCOP_TEXT]
    # the first sentence shares more words ("frais", "gestion", "scop"), the second the figures
    assert corrected_sentence(issue, CORRECTION).startswith("Les frais de gestion d'une coop")
    assert corrected_sentence(issue, "Petite correction : 4 600 coopératives en 2024.") \
        .startswith("En 2024, on comptait")
    assert corrected_sentence(issue, "Le lien vers la vidéo est cassé.") == ""


@pytest.mark.parametrize("stored", ["thanks", "testimonial"])
def test_a_pure_thank_you_stays_a_finished_draft(env, stored):
    text = draft_of(env, "Merci beaucoup pour ce billet, je te lis depuis deux ans !", stored).text
    assert not guardrails.has_placeholders(text)
    assert "Merci beaucoup pour ton message, ça me fait vraiment plaisir\u202f!" in text


def test_thanks_never_leads_when_something_needs_an_answer():
    assert ordered_intents("thanks", ("question", "thanks")) == ("question", "thanks")
    assert ordered_intents("testimonial", ("story", "correction")) == (
        "correction", "testimonial", "story")
    assert ordered_intents("thanks", ("thanks", "testimonial")) == ("thanks", "testimonial")
    assert ordered_intents("other", ("idea",)) == ("idea",)


@pytest.mark.parametrize("leading, others", [("other", ("thanks",)), ("thanks", ("other",)),
                                             ("other", ("testimonial", "thanks"))])
def test_a_long_message_that_thanks_in_passing_is_not_a_finished_thank_you(leading, others):
    intents = ordered_intents(leading, others)
    assert "other" in intents
    plan = plan_draft((leading, *others), "Merci. " + "Un long message sur autre chose. " * 20)
    assert not plan.finished and plan.gaps


def test_a_mixed_reply_gets_at_most_two_openings():
    plan = plan_draft(("disagreement", "story", "idea", "correction", "thanks"), DISAGREEMENT)
    assert (plan.opening, plan.follow) == ("message", "disagreement")
    plan = plan_draft(("disagreement", "story", "idea"), DISAGREEMENT)
    assert (plan.opening, plan.follow) == ("disagreement", "story")
    assert [g.kind for g in plan.gaps] == ["disagreement", "story", "idea"]


def test_questions_are_split_by_their_question_marks_and_capped_at_three():
    text = ("Un ? Pourquoi pas deux ? Et trois alors ? Et quatre aussi ? Et quatre aussi ?"
            " Et cinq, enfin ?")
    # "Un ?" is too short to be a question of its own; a repeated one counts once
    assert questions(text) == ["Pourquoi pas deux ?", "Et trois alors ?", "Et quatre aussi ?"]


# --- in every draft language -----------------------------------------------------------------

ISSUE_TEXT = {  # an issue in the draft's language, and a reader correcting its figure
    "fr": ("Sur les 61 entreprises du pilote, 56 ont gardé la semaine de quatre jours.",
           "Petite erreur : 55 entreprises ont gardé la semaine, pas 56."),
    "en": ("Of the 61 companies in the pilot, 56 kept the four-day week after a year.",
           "Small mistake: 55 companies kept it, not 56."),
    "es": ("De las 61 empresas del piloto, 56 mantuvieron la semana de cuatro días.",
           "Un pequeño error: fueron 55 empresas, no 56."),
    "de": ("Von den 61 Unternehmen des Pilotprojekts behielten 56 die Viertagewoche.",
           "Kleiner Fehler: Es waren 55 Unternehmen, nicht 56."),
    "it": ("Delle 61 aziende del progetto pilota, 56 hanno mantenuto la settimana corta.",
           "Piccolo errore: le aziende erano 55, non 56."),
    "pt": ("Das 61 empresas do piloto, 56 mantiveram a semana de quatro dias.",
           "Um pequeno erro: foram 55 empresas, e não 56."),
    "nl": ("Van de 61 bedrijven in de pilot hielden er 56 de vierdaagse werkweek aan.",
           "Kleine fout: het waren 55 bedrijven, niet 56."),
}
AVAILABILITY = {"fr": "vos disponibilités et conditions", "en": "your availability and terms",
                "es": "disponibilidad y condiciones", "de": "Verfügbarkeit und Bedingungen",
                "it": "disponibilità e condizioni", "pt": "disponibilidade e condições",
                "nl": "beschikbaarheid en voorwaarden"}


def grounded(language: str, text: str, *intents: str, with_text: bool = True):
    sentence, _ = ISSUE_TEXT[language]
    issue = Evidence("7", "Issue 7", "https://atelier.example/p/7", 7, "2026-06-08", 0.8,
                     ("Intro.",), answered=True)
    request = DraftRequest(
        reply_text=text, language=language, first_name="Ana", intent=intents[0],
        intents=intents, evidence=(issue,), issue_languages={"7": language},
        issue_texts={"7": f"Intro.\n\n{sentence}"} if with_text else {},
    )
    return grounded_draft(request, render=prompts.render, signature="Camille")


def opening_of(language: str) -> str:
    return LANGUAGES[language].placeholder.strip()


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_each_language_quotes_the_corrected_sentence_before_its_placeholder(language):
    sentence, correction = ISSUE_TEXT[language]
    text = grounded(language, correction, "correction").text
    nbsp = " ".join(text.split())
    assert sentence in nbsp.replace("\u00a0", " ")
    assert len(gaps(text)) == 1 and nbsp.index(sentence[:20]) < nbsp.index(opening_of(language))
    assert "Intro." not in text  # the retrieved passage is not what the reader corrects


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_each_language_answers_a_request_with_the_availability_placeholder(language):
    draft = grounded(language, "Would you speak at our conference?", "request", "question")
    assert [re.sub(r"\s+", " ", g) for g in gaps(draft.text)] == [
        re.sub(r"\s+", " ", f"{LANGUAGES[language].placeholder}{AVAILABILITY[language]}]")]
    assert all(e.answered for e in draft.cited)  # only the issue the reader answered


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_each_language_gives_two_questions_two_placeholders(language):
    text = grounded(language, "First question here? Second question there?", "question").text
    found = [re.sub(r"[\s\u202f]+", "", g) for g in gaps(text)]  # French spaces "?"
    assert len(found) == 2
    assert "Firstquestionhere?" in found[0] and "Secondquestionthere?" in found[1]


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_each_language_thanks_first_then_a_word_on_the_story(language):
    text = grounded(language, "Thanks! My team tried it.", "story", "thanks").text
    first, story = (grounded(language, "x", code).text.split("\n\n")[1]
                    for code in ("thanks", "story"))
    opening = text.split("\n\n")[1]
    assert opening != first and opening != story  # the mixed forms, in one paragraph
    assert "\n" not in opening and len(gaps(text)) == 1


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_each_language_keeps_a_pure_thank_you_finished(language):
    for intents in (("thanks",), ("testimonial",), ("thanks", "testimonial")):
        assert not guardrails.has_placeholders(grounded(language, "Thanks!", *intents).text)
    assert guardrails.has_placeholders(grounded(language, "Thanks!", "thanks", "idea").text)
