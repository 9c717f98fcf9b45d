"""Regenerate keeps the words the author wrote into the draft, or asks before replacing."""

from __future__ import annotations

from inbox_agent import pipeline
from inbox_agent.review import approve as review
from inbox_agent.review.edits import author_additions, carry_over
from tests.unit.review.test_approve import QUESTION, THANKS, make_env

GENERATED = "Bonjour Tom,\n\nMerci pour ta question.\n\n[À COMPLÉTER : ta réponse]\n\nCamille"


def test_the_authors_paragraphs_are_those_the_drafter_did_not_write():
    final = GENERATED.replace("[À COMPLÉTER : ta réponse]", "Oui : trois équipes l'ont fait.")
    final += "\n\nPS : je t'envoie l'étude."
    assert author_additions(GENERATED, final) == ["Oui : trois équipes l'ont fait.",
                                                  "PS : je t'envoie l'étude."]
    assert author_additions(GENERATED, GENERATED) == []
    assert author_additions(GENERATED, GENERATED.replace("\n\n", "\n \n")) == []  # blanks


def test_additions_take_the_place_of_the_new_drafts_placeholder_or_precede_its_closing():
    assert carry_over("Salut Tom,\n\n[À COMPLÉTER : réponse]\n\nCamille", ["Oui."]) == (
        "Salut Tom,\n\nOui.\n\nCamille")
    assert carry_over("Salut Tom,\n\nMerci !\n\nCamille", ["Oui."]) == (
        "Salut Tom,\n\nMerci !\n\nOui.\n\nCamille")
    assert carry_over("Merci !", ["Oui."]) is None  # nowhere sensible: ask first
    assert carry_over("Merci !", []) == "Merci !"


def test_regenerate_keeps_the_answer_the_author_typed_in_place_of_the_placeholder(tmp_path):
    env = make_env(tmp_path, [QUESTION])
    draft_id = env.draft_id("<m2@reader.example>")
    text = env.row(draft_id)["final_text"]
    assert "[TO FILL:" in text or "[À COMPLÉTER" in text
    answer = "Agenda first, and a hard stop after 25 minutes."
    review.save_edit(env.config, draft_id, pipeline_placeholder_filled(text, answer))
    done = pipeline.regenerate_draft(env.config, draft_id, "plus court", index=env.index)
    assert answer in done["draft_text"]
    assert "[TO FILL:" not in done["draft_text"] and "[À COMPLÉTER" not in done["draft_text"]
    assert answer not in done["generated_text"]  # the drafter's own text stays apart


def test_regenerate_with_replace_edits_drops_the_authors_words(tmp_path):
    env = make_env(tmp_path, [THANKS])
    draft_id = env.draft_id("<m1@reader.example>")
    mine = "PS : on se voit à Lyon le 12 ?"
    review.save_edit(env.config, draft_id, env.row(draft_id)["final_text"] + "\n\n" + mine)
    kept = pipeline.regenerate_draft(env.config, draft_id, "plus court", index=env.index)
    assert mine in kept["draft_text"]
    dropped = pipeline.regenerate_draft(env.config, draft_id, "plus court", index=env.index,
                                        replace_edits=True)
    assert mine not in dropped["draft_text"]


def pipeline_placeholder_filled(text: str, answer: str) -> str:
    import re

    return re.sub(r"\[(?:TO FILL|À COMPLÉTER)[^\]]*\]", answer, text, count=1)
