"""Tags, topics, quote permissions and their CLI, on small inputs with fake embeddings."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from inbox_agent.cli.main import main
from inbox_agent.insights import use_cases as insights_use
from inbox_agent.insights.tagging import (
    Vocabulary,
    build_vocabulary,
    detect_intents,
    emerging_terms,
    phrases,
    tag_reply,
    validate_model_tags,
)
from inbox_agent.insights.topics import ArchiveWords, ReplyItem, agglomerate, compute
from inbox_agent.models import Issue
from inbox_agent.store import db as store
from inbox_agent.store import insights as store_insights
from tests.unit.review.test_approve import mail, make_env, write_config

ISSUES = [
    Issue("41-quatre-jours", "L'Atelier #41 : La semaine de quatre jours, un an après",
          "Nuvola a testé la semaine de quatre jours. Chez Nuvola, la semaine de quatre jours "
          "a tenu un an.", number=41, tags=("semaine de 4 jours", "temps de travail")),
    Issue("42-ia", "L'Atelier #42 : L'IA au travail", "L'IA générative arrive au bureau. "
          "Une charte IA aide les équipes. Une charte IA fixe les usages.", number=42,
          tags=("intelligence artificielle", "IA")),
]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return build_vocabulary(ISSUES)


def test_vocabulary_holds_the_issue_tags_and_their_key_phrases(vocab):
    labels = vocab.labels()
    assert {"semaine de 4 jours", "intelligence artificielle", "IA"} <= set(labels)
    assert "Nuvola" in labels and "charte IA" in labels
    assert dict(vocab.main_tags)["41-quatre-jours"] == "semaine de 4 jours"


@pytest.mark.parametrize("text, absent", [
    ("Le travail, la vie : tout change.", ("travail la vie", "vie tout")),
    ("the best of the week", ("the best", "week the")),
])  # fmt: skip
def test_key_phrases_stay_within_a_clause_and_never_end_on_a_stop_word(text, absent):
    found = {surface for _, surface in phrases(text)}
    assert not found & set(absent)


@pytest.mark.parametrize("text, topic", [
    ("On passe à la semaine de quatre jours en septembre.", "semaine de 4 jours"),
    ("Votre charte IA est-elle publique ?", "charte IA"),
    ("Chez Nuvola, comment ça se passe ?", "Nuvola"),
])  # fmt: skip
def test_replies_get_the_vocabulary_topics_they_mention(vocab, text, topic):
    assert topic in tag_reply(text, vocab).topics


def test_a_lower_case_word_never_matches_an_acronym(vocab):
    assert "IA" not in tag_reply("Je n'ai jamais lu ça, ia ou pas.", vocab).topics


@pytest.mark.parametrize("text, main", [
    ("Seriez-vous d'accord pour une interview dans notre podcast ?", "request"),
    ("We'd love a partnership for our next event.", "request"),
    ("Depuis que je te lis, j'ai changé ma façon de travailler. Merci !", "testimonial"),
    ("Petite erreur : le chiffre est faux, c'est 25 jours.", "correction"),
    ("Comment faites-vous pour mesurer la productivité ?", "question"),
    ("Merci !", "thanks"),
])  # fmt: skip
def test_intents_refine_the_triage_intent(text, main):
    intents = detect_intents(text)
    assert intents[0] == main and len(set(intents)) == len(intents)


def test_emerging_topics_are_phrases_several_replies_share_outside_the_archive(vocab):
    texts = ["Les salariés aidants sont oubliés.", "Et les salariés aidants ?",
             "Pensez aux salariés aidants.", "La semaine de quatre jours, encore.",
             "Les congés parentaux aussi.", "Rien à voir."]
    labels = [t.label for t in emerging_terms(vocab, texts, min_replies=3)]
    assert labels == ["salariés aidants"]
    assert emerging_terms(vocab, texts, min_replies=4) == []


def item(n: int, text: str, topics=(), quote="no", intents=("question",), issue=None):
    return ReplyItem(n, text, f"Reader {n}", issue, f"2026-06-{n:02d}", quote, intents, topics)


def fake_vectors(items) -> np.ndarray:
    embed = DeterministicFakeEmbedding(size=32)
    return np.array([embed.embed_query(i.text) for i in items])


def test_no_reply_gives_no_topic(vocab):
    result = compute([], vocab, None, None)
    assert result.topics == [] and result.corrections == [] and result.replies == 0


def test_one_reply_gives_one_topic_of_one(vocab):
    one = [item(1, "La semaine de quatre jours ?", ("semaine de 4 jours",), "anonymous")]
    result = compute(one, vocab, fake_vectors(one), None)
    assert [(t.label, t.count, t.reply_ids) for t in result.topics] == [
        ("semaine de 4 jours", 1, [1])]


def sample_items() -> list[ReplyItem]:
    four = [item(n, f"Semaine de quatre jours, question {n} ?", ("semaine de 4 jours",),
                 ["with_name", "anonymous", "no"][n % 3], issue=41) for n in range(1, 7)]
    ai = [item(n, f"Une charte IA, exemple {n} ?", ("charte IA",), "with_name", issue=42)
          for n in range(7, 10)]
    fix = [item(10, "Erreur : c'est 25 jours.", (), "anonymous", ("correction",), 41)]
    return four + ai + fix


def test_topics_are_clustered_ranked_and_corrections_set_apart(vocab):
    items = sample_items()
    result = compute(items, vocab, fake_vectors(items), None)
    # the four-day week has an issue tagged with it: well covered, so below the charter
    assert [(t.label, t.count, t.level) for t in result.topics] == [
        ("charte IA", 3, "none"), ("semaine de 4 jours", 6, "well")]
    assert result.topics[1].issues == [41]
    assert [c["reply_id"] for c in result.corrections] == [10]


def test_the_same_input_gives_the_same_topics(vocab):
    items = sample_items()
    first = compute(items, vocab, fake_vectors(items), None).as_dict()
    again = compute(list(reversed(items)), vocab, fake_vectors(items), None).as_dict()
    assert first == again


def test_quotes_follow_each_readers_permission(vocab):
    items = sample_items()
    result = compute(items, vocab, None, None)
    by_id = {i.id: i for i in items}
    for topic in result.topics:
        for quote in topic.quotes:
            reader = by_id[quote["reply_id"]]
            assert reader.quote != "no"
            assert quote["name"] == (reader.name if reader.quote == "with_name" else "")
    quoted = {q["reply_id"] for t in result.topics for q in t.quotes}
    assert not quoted & {i.id for i in items if i.quote == "no"}


def test_a_topic_the_archive_covers_ranks_below_an_uncovered_one_of_equal_demand(vocab):
    a = [item(n, f"Le compostage collectif au bureau, les bacs de compost, {n} ?",
              ("compostage collectif",)) for n in range(1, 4)]
    b = [item(n, f"La prime de transport pour les vélos cargo, {n} ?", ("vélos cargo",))
         for n in range(4, 7)]
    shelf = [Issue(f"{n}-x", f"Numéro {n}", text, number=n) for n, text in [
        (1, "Le compostage collectif : nos bacs de compost au bureau, le compostage des "
            "restes et le compost partagé."),
        *((n, f"{subject}, le sujet du numéro {n}.") for n, subject in enumerate([
            "La réunion du lundi", "Le budget des formations", "Les horaires décalés en été",
            "Le recrutement des stagiaires", "La mutuelle", "Les tickets-restaurant",
            "Le télétravail du vendredi", "Les entretiens annuels", "La cantine",
            "Le parking", "Les séminaires", "La charte des courriels"], start=2))]]
    result = compute(a + b, vocab, None, ArchiveWords.of(shelf), issues=shelf)
    assert [t.label for t in result.topics] == ["vélos cargo", "compostage collectif"]
    assert result.topics[1].coverage > result.topics[0].coverage
    assert [t.level for t in result.topics] == ["none", "well"]
    assert result.topics[1].covered_by == "1-x"


def test_agglomeration_finds_two_obvious_groups():
    sim = np.array([[1, .9, .8, 0], [.9, 1, .7, .1], [.8, .7, 1, 0], [0, .1, 0, 1]])
    assert agglomerate(sim, 0.5) == [[0, 1, 2], [3]]


@pytest.mark.parametrize("data, expected", [
    ({"intents": ["question"], "topics": ["Semaine de quatre jours"]},
     (("question",), ("semaine de 4 jours",))),
    ({"intents": ["idea", "thanks"], "topics": ["congés parentaux"]},
     (("idea", "thanks"), ("congés parentaux",))),
    ({"intents": ["asking"], "topics": []}, None),
    ({"intents": [], "topics": ["x"]}, None),
    ({"intents": ["question"], "topics": "IA"}, None),
    ({"intents": ["question"], "topics": ["a very long topic that is really a sentence"]}, None),
    (["question"], None),
])  # fmt: skip
def test_model_tags_are_validated(vocab, data, expected):
    tags = validate_model_tags(data, vocab)
    assert (tags.intents, tags.topics) == expected if expected else tags is None


@pytest.mark.parametrize("answer, expected", [
    ('{"intents": ["idea"], "topics": ["IA"]}', ("idea",)),
    ('```json\n{"intents": ["question"], "topics": []}\n```', ("question",)),
    ("Sure! Here are the tags.", None),
    ('{"intents": ["nonsense"], "topics": []}', None),
])  # fmt: skip
def test_a_chat_model_tags_a_reply_or_is_refused(vocab, answer, expected):
    model = GenericFakeChatModel(messages=iter([AIMessage(content=answer)]))
    tags = insights_use.model_tags(model, "Une idée sur l'IA.", vocab)
    assert (tags.intents if tags else None) == expected


# ---- stored tags, CLI ----------------------------------------------------------------------

FOUR = "Bonjour, chez nous la semaine de quatre jours arrive. Des retours concrets ?"
AI = "Bonjour, l'IA générative au bureau : vous avez une charte IA ?"


@pytest.fixture
def env(tmp_path):
    replies = [mail(n, f"Reader {n} <r{n}@reader.example>", "Re: L'Atelier du Futur #41",
                    FOUR if n % 2 else AI) for n in range(1, 7)]
    return make_env(tmp_path, replies)


def test_a_run_tags_every_reply_and_stores_its_embedding(env):
    conn = store.connect(env.config.state.db)
    tags = store_insights.tags_of(conn)
    vectors = store_insights.reply_vectors(conn, env.config.index.embedding)
    conn.close()
    assert len(tags) == 6 and set(vectors) == set(tags)
    assert all(t["quote"] == "no" and t["tagger"] == "rules" for t in tags.values())
    four = [t for t in tags.values() if "semaine de 4 jours" in t["topics"]]
    assert len(four) == 3


def test_author_tags_survive_automatic_tagging(env):
    insights_use.set_tags(env.config, 1, ["idée de sujet", "idea"], ["semaine de 4 jours"])
    conn = store.connect(env.config.state.db)
    with store.transaction(conn):
        store_insights.save_auto_tags(conn, 1, ["question"], ["semaine de 4 jours"], "rules")
    info = store_insights.tags_of(conn, [1])[1]
    conn.close()
    assert "semaine de 4 jours" not in info["topics"] and "idée de sujet" in info["topics"]
    assert "idea" in info["intents"] and info["edited"]


def run_cli(env, *args):
    result = CliRunner().invoke(main, ["--config", str(write_config(env)), *args])
    return result


@pytest.fixture
def cli_env(env, monkeypatch):
    monkeypatch.setattr(insights_use, "make_index", lambda config: env.index)
    return env


def test_cli_tags_show_set_and_quote(cli_env):
    assert run_cli(cli_env, "tags", "set", "2", "--add", "télétravail").exit_code == 0
    assert run_cli(cli_env, "quote", "2", "with-name").exit_code == 0
    shown = json.loads(run_cli(cli_env, "tags", "show", "2", "--json").output)
    assert "télétravail" in shown["topics"] and shown["quote"] == "with_name"
    refused = run_cli(cli_env, "quote", "99", "no")
    assert refused.exit_code == 1 and "no reply 99" in refused.output


def test_cli_topics_json_lists_topics_with_only_allowed_quotes(cli_env):
    run_cli(cli_env, "quote", "1", "anonymous")
    result = run_cli(cli_env, "topics", "--format", "json")
    assert result.exit_code == 0, result.output
    topics = json.loads(result.output)
    assert {"label", "count", "coverage", "quotes", "issues", "reply_ids"} <= set(topics[0])
    assert sum(t["count"] for t in topics) == 6
    quoted = [q for t in topics for q in t["quotes"]]
    assert [(q["reply_id"], q["name"]) for q in quoted] == [(1, "")]
    assert all(t["coverage"] >= 0.0 and t["level"] in ("none", "partly", "well")
               for t in topics)


@pytest.mark.parametrize("fmt, marker", [("md", "# Sujets suggérés"), ("csv", "label,kind,count")])
def test_cli_topics_in_markdown_and_csv(cli_env, fmt, marker):
    result = run_cli(cli_env, "topics", "--format", fmt, "--since", "2000-01-01")
    assert result.exit_code == 0 and result.output.startswith(marker)


def test_cli_topics_refuses_a_bad_date(cli_env):
    result = run_cli(cli_env, "topics", "--since", "juin")
    assert result.exit_code == 1 and "2026-06-01" in result.output


# ---- review page ---------------------------------------------------------------------------


@pytest.fixture
def client(env):
    from fastapi.testclient import TestClient

    from inbox_agent.web import create_app

    app = create_app(env.config, source_factory=env.source_factory, index=env.index)
    return TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False)


def csrf_of(client, path: str) -> str:
    import re

    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def draft_of_reply(env, reply_id: int) -> int:
    conn = store.connect(env.config.state.db)
    row = conn.execute("SELECT id FROM drafts WHERE reply_id=?", (reply_id,)).fetchone()
    conn.close()
    return row[0]


def test_insights_page_draws_topics_across_issues(client):
    page = client.get("/insights")
    assert page.status_code == 200
    assert '<svg id="topics-chart"' in page.text and "<circle" in page.text
    assert "semaine de 4 jours" in page.text and "#38" in page.text
    assert "<script" not in page.text.split('<svg id="topics-chart"')[1].split("</svg>")[0]


def test_detail_page_edits_tags_and_quote_permission_with_csrf(client, env):
    draft = draft_of_reply(env, 1)
    token = csrf_of(client, f"/drafts/{draft}")
    form = {"csrf_token": token, "draft": str(draft), "intents": ["idea"],
            "topics": "semaine de 4 jours, retours d'expérience"}
    saved = client.post("/replies/1/tags", data=form)
    assert saved.status_code == 303 and saved.headers["location"].startswith(f"/drafts/{draft}")
    quoted = client.post("/replies/1/quote", data={"csrf_token": token, "draft": str(draft),
                                                   "quote": "with_name"})
    assert quoted.status_code == 303
    info = insights_use.reply_tags(env.config, 1)
    assert info["intents"] == ["idea"] and info["quote"] == "with_name"
    assert set(info["topics"]) == {"semaine de 4 jours", "retours d'expérience"}
    page = client.get(f"/drafts/{draft}?msg=tags").text
    assert "Étiquettes enregistrées." in page and 'value="with_name" checked' in page


def test_tag_and_quote_forms_refuse_a_missing_csrf_token(client, env):
    before = insights_use.reply_tags(env.config, 1)
    assert client.post("/replies/1/tags", data={"topics": "x"}).status_code == 403
    assert client.post("/replies/1/quote", data={"quote": "with_name"}).status_code == 403
    assert insights_use.reply_tags(env.config, 1) == before


def test_insights_page_shows_only_allowed_quotes(client, env):
    conn = store.connect(env.config.state.db)
    names = {r["id"]: r["from_name"] for r in store.list_replies(conn)}
    conn.close()
    insights_use.set_quote(env.config, 3, "anonymous")
    insights_use.set_quote(env.config, 5, "with_name")
    page = client.get("/insights").text
    assert names[5] in page and names[3] not in page and names[1] not in page
