"""The author's voice learned from sent answers: greetings, openings and closings."""

from __future__ import annotations

from inbox_agent.drafting import prompts
from inbox_agent.drafting.grounded import DraftRequest, grounded_draft
from inbox_agent.drafting.voice import Sample, Voice, closing_form, greeting_form, learn_voice


def sent(first_name: str, greeting: str = "Salut {name},", closing: str = "Belle journée ! 🌞",
         opening: str = "Merci pour ton message !", language: str = "fr") -> Sample:
    text = (f"{greeting.replace('{name}', first_name)}\n\n{opening} Tu as raison sur le "
            f"fond, et je te réponds en détail.\n\nLe reste suit.\n\n{closing}\nCamille")
    return Sample(text, language, first_name)


def test_greeting_forms():
    assert greeting_form("Salut Claire,", "Claire") == ("Salut {name},", True)
    assert greeting_form("Hello Sam !", "Sam") == ("Hello {name} !", True)
    assert greeting_form("Bonjour,", "") == ("Bonjour,", False)
    assert greeting_form("Claire, tu as raison sur tout ce que tu dis.", "Claire") == ("", False)
    assert greeting_form("Bonjour Claire Dupont,", "Claire") == ("", False)  # a surname stays
    assert greeting_form("Salut 42,", "") == ("", False)


def test_closing_skips_the_signature():
    lines = ["Salut Sam,", "Le fond.", "Belle journée ! 🌞", "Camille"]
    assert closing_form(lines, {"camille"}) == "Belle journée ! 🌞"
    assert closing_form(["Salut Sam,", "Le fond.", "Tu en penses quoi ?"], set()) == ""


def test_a_form_used_twice_is_a_habit_a_form_used_once_is_not():
    voice = learn_voice([sent("Claire"), sent("Sam"), sent("Léa", greeting="Coucou {name} !")],
                        ["Camille"])
    assert voice.greeting("fr", "tu", "Nina") == "Salut Nina,"
    assert all(voice.greeting("fr", "tu", "Nina", seed) == "Salut Nina," for seed in range(5))
    assert voice.closing("fr", "tu") == "Belle journée ! 🌞"
    assert voice.opening("fr", "tu") == "Merci pour ton message !"
    assert voice.greeting("fr", "vous", "Nina") == ""  # never used with vous
    assert voice.greeting("en", "vous", "Nina") == ""
    assert not learn_voice([sent("Claire")])


def test_forms_vary_only_among_those_the_author_used():
    samples = [sent(n) for n in ("A", "B")] + [
        sent(n, greeting="Hello {name} !") for n in ("Claire", "Sam", "Léa")]
    voice = learn_voice(samples, ["Camille"])
    got = {voice.greeting("fr", "tu", "Nina", seed) for seed in range(6)}
    assert got == {"Hello Nina !", "Salut Nina,"}


def test_the_grounded_draft_speaks_with_the_learned_voice():
    voice = learn_voice([sent("Claire"), sent("Sam")], ["Camille"])
    request = DraftRequest(reply_text="Merci pour ce numéro, il m'a fait du bien !",
                           language="fr", first_name="Nina", intent="thanks", register="tu",
                           voice=voice, seed=3)
    text = grounded_draft(request, render=prompts.render, signature="Camille").text
    assert text.startswith("Salut Nina,\n\nMerci pour ton message\u202f!")
    assert "Belle journée\u202f! 🌞\nCamille" in text
    assert "Au plaisir de te lire" not in text
    plain = grounded_draft(DraftRequest(**{**request.__dict__, "voice": Voice()}),
                           render=prompts.render, signature="Camille").text
    assert plain.startswith("Bonjour Nina,") and "Au plaisir de te lire" in plain


def test_a_question_keeps_its_own_opening():
    voice = learn_voice([sent("Claire"), sent("Sam")], ["Camille"])
    request = DraftRequest(reply_text="Tu as des chiffres sur les PME ?", language="fr",
                           first_name="Nina", intent="question", register="tu", voice=voice)
    text = grounded_draft(request, render=prompts.render, signature="Camille").text
    assert text.startswith("Salut Nina,\n\nMerci pour ta question")
