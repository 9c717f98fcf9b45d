"""What the search says about each issue it found, the cut-off, and the eval's citation
figures (share of queries citing, precision, recall, calibration on half of the posts)."""

from __future__ import annotations

import pytest

from inbox_agent.search import evaluate, fusion
from inbox_agent.search.evaluate import Outcome, calibrate, citations, split_of
from inbox_agent.search.index import ArchiveIndex
from tests.unit.search.test_index import RecordingEmbeddings, Settings, all_of, make_issue

TOPICS = {
    "chiffrement": (
        "Chiffrer ses sauvegardes",
        [
            "Le chiffrement des sauvegardes protège les données si le disque est volé.",
            "Une clé de chiffrement perdue rend les sauvegardes illisibles : gardez-en deux.",
        ],
    ),
    "velo": ("Le vélo en hiver", ["Des pneus cloutés et un bon éclairage pour rouler l'hiver."]),
    "pain": ("Le pain au levain", ["Le levain se nourrit de farine et d'eau chaque jour."]),
    "jardin": ("Un potager sur le balcon", ["Des tomates en pot, arrosées le soir."]),
    "sommeil": ("Mieux dormir", ["La lumière du matin règle l'horloge interne du sommeil."]),
    "musique": ("Apprendre la guitare", ["Dix minutes de gammes par jour suffisent."]),
}
ARCHIVE = [
    make_issue(key, title, paragraphs, language="fr") for key, (title, paragraphs) in TOPICS.items()
]
QUESTION = "Comment chiffrer mes sauvegardes sans perdre la clé ?"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ArchiveIndex:
    idx = ArchiveIndex(Settings(path=tmp_path_factory.mktemp("citations")), RecordingEmbeddings())
    idx.sync(*all_of(ARCHIVE))
    return idx


# -- why an issue is found ----------------------------------------------------------------


def test_each_issue_found_says_why_with_the_passage_and_the_words_in_common(index):
    best = index.search(QUESTION, k=3)[0]
    assert best.issue_key == "chiffrement"
    assert best.why.passage == best.passages[0]
    assert "sauvegardes" in best.why.words and "chiffrement" in best.why.words  # stemmed match
    assert best.why.score == best.score and best.why.related
    assert best.why.keywords > 0 and best.why.meaning > 0


def test_the_cut_off_keeps_the_related_issue_and_drops_the_others(index):
    found = index.search(QUESTION, k=3)
    cited = index.search(QUESTION, k=3, relevant_only=True)
    assert [e.issue_key for e in cited] == ["chiffrement"]
    assert [e.why.related for e in found] == [True, False, False]


def test_a_reply_with_nothing_related_gets_no_related_issue(index):
    reply = "Merci, bonne journée à toute l'équipe !"
    assert index.search(reply, k=3) != []
    assert index.search(reply, k=3, relevant_only=True) == []


def test_the_answered_issue_stays_without_counting_as_related(index):
    reply = "Merci, à la semaine prochaine !"
    found = index.search(reply, k=3, answered="musique", relevant_only=True)
    assert [(e.issue_key, e.answered) for e in found] == [("musique", True)]


def test_the_why_reaches_the_stored_form_of_a_citation(index):
    from dataclasses import asdict

    stored = asdict(index.search(QUESTION, k=1)[0])
    assert stored["why"]["passage"] and "sauvegardes" in stored["why"]["words"]


# -- the eval's citation figures ------------------------------------------------------------


def outcome(post: str, keys: tuple[str, ...], scores: tuple[float, ...], related: int) -> Outcome:
    return Outcome(post, split_of(post), None, keys, scores, related)


OUTCOMES = [
    outcome("a.md", ("a", "b"), (1.5, 1.45), 2),  # right, and a second citation
    outcome("b.md", ("c", "b"), (1.2, 0.2), 1),  # wrong
    outcome("c.md", ("c",), (0.3,), 0),  # nothing cited
    outcome("d.md", ("d",), (2.0,), 1),  # right
]


def test_citation_figures_count_queries_citations_and_the_right_ones():
    assert citations(OUTCOMES) == {
        "n": 4,
        "cited_share": 0.75,
        "citation_precision": 0.5,  # 2 right among 4 cited
        "citation_recall": 0.5,  # 2 of 4 posts cited
    }


def test_citation_figures_with_another_cut_off():
    assert citations(OUTCOMES, score=1.0, gap=0.0) == {
        "n": 4,
        "cited_share": 0.75,
        "citation_precision": round(2 / 3, 4),
        "citation_recall": 0.5,
    }
    assert citations(OUTCOMES, score=5.0, gap=0.0)["cited_share"] == 0.0
    assert citations([]) == {
        "n": 0,
        "cited_share": 0.0,
        "citation_precision": 0.0,
        "citation_recall": 0.0,
    }


def test_calibration_finds_the_floor_between_right_and_wrong_citations():
    right = [outcome(f"p{n}.md", (f"p{n}",), (1.6 + n / 100,), 1) for n in range(10)]
    wrong = [outcome(f"q{n}.md", ("other",), (0.9 + n / 100,), 1) for n in range(10)]
    floor, gap = calibrate([right + wrong])
    assert 1.0 <= floor <= 1.6
    figures = citations(right + wrong, floor, gap)
    assert figures["citation_precision"] == 1.0 and figures["citation_recall"] == 0.5


def test_posts_split_in_two_stable_halves_by_name():
    names = [f"2011-{n:02d}-post.md" for n in range(40)]
    halves = [split_of(name) for name in names]
    assert set(halves) == set(evaluate.SPLITS)
    assert halves == [split_of(name) for name in names]
    assert split_of("a/b.md") == split_of("a/b")  # the issue key decides


def test_the_eval_cites_what_drafts_would(index):
    queries = [
        {"post": "chiffrement.md", "text": QUESTION},
        {"post": "velo.md", "text": "Quels pneus cloutés pour rouler l'hiver ?"},
        {"post": "pain.md", "text": "Merci, à la semaine prochaine !"},
    ]
    found: list[Outcome] = []
    result = evaluate.evaluate_index(index, queries, outcomes=found)
    for query, item in zip(queries, found, strict=True):
        drafts = index.search(query["text"], k=evaluate.CITED, relevant_only=True)
        assert item.keys[: item.related] == tuple(e.issue_key for e in drafts)
    held_out = [o for o in found if o.split == "held-out"]
    assert result["held_out_n"] == len(held_out)
    assert {k: result[k] for k in ("cited_share", "citation_precision", "citation_recall")} == {
        k: v for k, v in citations(held_out).items() if k != "n"
    }


def test_the_shipped_cut_off_is_the_one_related_applies():
    floor, gap = fusion.RELATED_SCORE, fusion.RELATED_GAP
    assert fusion.related([floor + gap, floor + gap / 2, floor - 1e-6]) == 2
    assert fusion.related([floor - 1e-6]) == 0
