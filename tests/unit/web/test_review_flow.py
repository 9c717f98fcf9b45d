"""Going through the queue on the page: after approve or skip, the next pending draft of the
same filter; words instead of internals (where a reply went, why an issue is cited)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from inbox_agent.config import parse_config
from inbox_agent.i18n import words
from inbox_agent.web import evidence
from inbox_agent.web.i18n import PageLanguage
from tests.unit.review.test_approve import REPLIES, make_env
from tests.unit.web.test_app import client_for, csrf_of


@pytest.fixture
def env(tmp_path):
    return make_env(tmp_path, REPLIES)


def ids(env, *numbers: int) -> list[int]:
    return [env.draft_id(f"<m{n}@reader.example>") for n in numbers]


def where(response) -> tuple[str, dict]:
    assert response.status_code == 303, response.text
    target = urlsplit(response.headers["location"])
    return target.path, parse_qs(target.query)


def test_the_queue_links_each_draft_with_its_filter(env):
    client = client_for(env)
    page = client.get("/?intent=question").text
    links = re.findall(r'class="card-link" href="([^"]+)"', page)
    assert links and all(link.endswith("?intent=question") for link in links)
    assert len(links) == 2


def test_the_draft_page_steps_through_the_drafts_of_its_filter_only(env):
    marie, tom, jean, eve = ids(env, 1, 2, 3, 4)
    first, last = sorted((tom, eve))  # the questions of one issue, in the order of their ids
    client = client_for(env)
    page = client.get(f"/drafts/{last}?intent=question").text
    steps = re.findall(r'id="(?:prev|next)-link" href="([^"]+)"', page)
    assert steps and set(steps) == {f"/drafts/{first}?intent=question"}  # next goes round
    assert 'href="/?intent=question"' in page  # back to the same queue
    unfiltered = client.get(f"/drafts/{last}").text
    following = re.search(r'id="next-link" href="/drafts/(\d+)"', unfiltered).group(1)
    assert int(following) in (marie, jean)  # the thanks come after the questions


def test_approve_then_skip_go_to_the_next_draft_of_the_filter_then_to_its_queue(env):
    tom, eve = ids(env, 2, 4)
    client = client_for(env)
    token = csrf_of(client, f"/drafts/{tom}?intent=question")
    text = "Hi Tom,\n\nAgenda first.\n\nCamille"
    approved = client.post(f"/drafts/{tom}/approve?intent=question",
                           data={"csrf_token": token, "text": text})
    assert where(approved) == (f"/drafts/{eve}", {"intent": ["question"], "msg": ["approved"]})
    assert env.row(tom)["status"] == "approved"
    skipped = client.post(f"/drafts/{eve}/skip?intent=question", data={"csrf_token": token})
    assert where(skipped) == ("/", {"intent": ["question"], "msg": ["skipped"]})
    queue = client.get("/?intent=question&msg=skipped").text
    assert "Passé : pas de réponse à ce message." in queue
    assert queue.count('class="card"') == 0 and "Aucun brouillon ne correspond" in queue


def test_without_a_filter_the_next_draft_is_the_next_in_queue_order(env):
    first, *others = ids(env, 1, 2, 3, 4)
    client = client_for(env)
    token = csrf_of(client, f"/drafts/{first}")
    page = client.get(f"/drafts/{first}").text
    following = re.search(r'id="next-link" href="/drafts/(\d+)"', page).group(1)
    path, query = where(client.post(f"/drafts/{first}/skip", data={"csrf_token": token}))
    assert path == f"/drafts/{following}" and query == {"msg": ["skipped"]}
    assert int(following) in others


def test_the_actions_of_a_filtered_draft_keep_the_filter(env):
    tom = ids(env, 2)[0]
    client = client_for(env)
    page = client.get(f"/drafts/{tom}?lang=en&ideas=1").text
    for action in ("approve", "save", "skip", "idea", "regenerate"):
        assert f'/drafts/{tom}/{action}?lang=en&amp;ideas=1"' in page, action
    token = csrf_of(client, f"/drafts/{tom}")
    saved = client.post(f"/drafts/{tom}/save?lang=en", data={"csrf_token": token, "text": "x"})
    assert where(saved) == (f"/drafts/{tom}", {"lang": ["en"], "msg": ["saved"]})
    reply_id = re.search(r'action="/replies/(\d+)/tags', page).group(1)
    tagged = client.post(f"/replies/{reply_id}/tags?lang=en",
                         data={"csrf_token": token, "draft": str(tom), "topics": "réunions"})
    assert where(tagged) == (f"/drafts/{tom}", {"lang": ["en"], "msg": ["tags"]})


def test_cited_issues_show_the_words_in_common_and_no_score(env):
    tom = ids(env, 2)[0]
    page = client_for(env).get(f"/drafts/{tom}").text
    panel = page[page.index("Numéros liés"):page.index("Échanges avec ce lecteur")]
    assert "score" not in panel and not re.search(r"\b0\.\d\d\b", panel)
    common = re.search(r'<p class="small common">Mots en commun avec le lecteur : (.*?)</p>',
                       panel).group(1)
    words = re.findall(r"<mark>([^<]+)</mark>", common)
    assert "meetings" in words and "team" in words
    assert "<mark>meetings</mark>" in panel.split("<blockquote>", 1)[1]


def test_a_passage_is_marked_word_by_word():
    terms = {"meeting", "team"}
    pieces = evidence.marked_passage("Our teams hate meetings, not the team.", terms)
    assert "".join(text for text, _ in pieces) == "Our teams hate meetings, not the team."
    assert [text for text, hit in pieces if hit] == ["teams", "meetings", "team"]


LANG = PageLanguage.for_config(parse_config({"author": {"email": "c@example.org"}},
                                            Path("config.toml")))


@pytest.mark.parametrize(("draft", "said"), [
    ({"destination": "IMAP Drafts (uid 3)", "sent_at": ""}, "Enregistré dans vos brouillons"),
    ({"destination": "Maildir drafts /x (1.2)", "sent_at": ""}, "Enregistré dans vos brouillons"),
    ({"destination": "sent via smtp.example.org", "sent_at": "2026-03-02T10:00:00+00:00"},
     "Envoyé, avec une copie dans vos messages envoyés"),
    ({"destination": "sent via smtp.example.org (no copy in Sent)",
      "sent_at": "2026-03-02T10:00:00+00:00"}, "Envoyé (sans copie dans vos messages envoyés)"),
    ({"destination": "", "sent_at": ""}, ""),
])
def test_where_a_reply_went_is_said_in_words(draft, said):
    assert words.destination(draft, LANG) == said


def test_the_quick_thanks_come_back_to_the_same_queue(env):
    client = client_for(env)
    page = client.get("/?lang=fr").text
    assert 'action="/quick-thanks?lang=fr"' in page
    ticked = re.findall(r'name="ids" value="(\d+)"', page)
    token = csrf_of(client, "/?lang=fr")
    done = client.post("/quick-thanks?lang=fr", data={"csrf_token": token, "ids": ticked})
    assert where(done) == ("/", {"lang": ["fr"], "msg": ["batch"], "n": [str(len(ticked))]})
    assert "2 remerciements rapides approuvés." in client.get(done.headers["location"]).text


def test_regenerate_keeps_the_words_typed_and_not_saved(env):
    tom = ids(env, 2)[0]
    client = client_for(env)
    page = client.get(f"/drafts/{tom}").text
    # the instruction and the Regenerate button belong to the draft's own form
    assert re.search(r'<input id="instruction"[^>]*form="draft-form"', page)
    assert re.search(r'id="regen-btn"[^>]*form="draft-form"', page) or re.search(
        r'form="draft-form"[^>]*id="regen-btn"', page)
    token = csrf_of(client, f"/drafts/{tom}")
    typed = env.row(tom)["final_text"].replace(
        "Camille", "Je te réponds en détail lundi, promis.\n\nCamille", 1)
    response = client.post(f"/drafts/{tom}/regenerate",
                           data={"csrf_token": token, "text": typed, "instruction": "plus court"})
    assert response.status_code in (303, 409), response.text
    assert "Je te réponds en détail lundi, promis." in env.row(tom)["final_text"]


def test_an_instruction_left_typed_stops_an_approval_and_keeps_the_edit(env):
    tom = ids(env, 2)[0]
    client = client_for(env)
    token = csrf_of(client, f"/drafts/{tom}")
    text = "Hi Tom,\n\nAgenda first, then the rest.\n\nCamille"
    response = client.post(f"/drafts/{tom}/approve",
                           data={"csrf_token": token, "text": text, "instruction": "shorter"})
    assert response.status_code == 409
    assert "Réécrire" in response.text or "Regenerate" in response.text
    assert env.row(tom)["status"] == "pending" and env.row(tom)["final_text"] == text
