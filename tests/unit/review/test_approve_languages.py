"""Approval refuses a draft while any language's placeholder is left in it, names that
placeholder, and the review page says which to complete."""

from __future__ import annotations

import pytest

from inbox_agent.errors import InboxAgentError
from inbox_agent.review import approve as review
from tests.unit.review.test_approve import Env, local_drafts, mail, make_env
from tests.unit.web.test_app import client_for

READERS = {  # language: (message id number, sender, the reader's words, the opening expected)
    "es": (31, "Lucía Fernández <lucia@reader.example>",
           "Hola Camille:\n\n¿Tienes algún ejemplo de equipos que se reúnan solo dos días?\n\n"
           "Lucía", "[A COMPLETAR: …]"),
    "de": (32, "Katrin Vogel <katrin@reader.example>",
           "Hallo Camille,\n\nwie entscheidet ihr, welche Tage das Team im Büro verbringt? Hast "
           "du Zahlen dazu?\n\nKatrin", "[ZU ERGÄNZEN: …]"),
    "it": (33, "Giulia Rossi <giulia@reader.example>",
           "Ciao Camille,\n\ncome decidete i giorni in ufficio? Hai dei dati sul lavoro "
           "ibrido?\n\nGiulia", "[DA COMPLETARE: …]"),
    "pt": (34, "Ana Lima <ana@reader.example>",
           "Olá Camille,\n\ncomo é que as equipas decidem os dias no escritório? Tens dados "
           "sobre o trabalho híbrido?\n\nAna", "[A PREENCHER: …]"),
    "nl": (35, "Sanne de Vries <sanne@reader.example>",
           "Hoi Camille,\n\nhoe bepalen teams op welke dagen ze naar kantoor komen? Heb je daar "
           "cijfers over?\n\nSanne", "[IN TE VULLEN: …]"),
}


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Env:
    replies = [mail(n, sender, "Re: L'Atelier du Futur #38", body)
               for n, sender, body, _ in READERS.values()]
    return make_env(tmp_path_factory.mktemp("languages"), replies)


@pytest.mark.parametrize("language", sorted(READERS))
def test_a_draft_with_the_readers_placeholder_is_refused_and_named(env, language):
    number, _, _, opening = READERS[language]
    draft_id = env.draft_id(f"<m{number}@reader.example>")
    row = env.row(draft_id)
    assert row["language"] == language and opening[:-2] in row["final_text"]
    with pytest.raises(InboxAgentError, match=r"still has \[") as refused:
        review.approve(env.config, draft_id, source=env.source_factory())
    assert str(refused.value) == f"draft {draft_id} still has {opening} parts"
    assert env.row(draft_id)["status"] == "pending"


@pytest.mark.parametrize("language", sorted(READERS))
def test_the_page_names_the_placeholder_to_complete(env, language):
    number, _, _, opening = READERS[language]
    draft_id = env.draft_id(f"<m{number}@reader.example>")
    page = client_for(env).get(f"/drafts/{draft_id}")
    assert ("Complétez ces passages avant d’approuver : "  # the author's page is French
            f"<code>{opening}</code>") in page.text


def test_a_placeholder_typed_without_accents_is_refused_too(env):
    draft_id = env.draft_id("<m32@reader.example>")
    text = "Hallo Katrin,\n\n[zu ergaenzen: Zahlen]\n\nLiebe Grüße\n\nCamille\n"
    with pytest.raises(InboxAgentError, match=r"\[ZU ERGÄNZEN: …\]"):
        review.approve(env.config, draft_id, text, source=env.source_factory())


def test_a_completed_draft_is_approved(env):
    draft_id = env.draft_id("<m31@reader.example>")
    text = "Hola, Lucía:\n\nSí: en Valencia, la cooperativa Horta lo hace así.\n\nCamille\n"
    review.approve(env.config, draft_id, text, source=env.source_factory(), index=env.index)
    assert env.row(draft_id)["status"] == "approved"
    assert any(m.get_content().startswith("Hola, Lucía:") for m in local_drafts(env))
