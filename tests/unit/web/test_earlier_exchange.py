"""The earlier exchange beside a draft that adapts an answer the author sent: the other
reader's words (first name only), the author's answer and its date, how close the two
messages are; escaped, absent when the draft reuses nothing or the reply was forgotten."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from inbox_agent.i18n import language as i18n
from inbox_agent.models import DraftStatus
from inbox_agent.privacy.forgotten import FORGOTTEN
from inbox_agent.privacy.readers import erase_replies
from inbox_agent.review import queries
from tests.unit.web.test_i18n import LETTERS, data_words, outside_the_catalog, pseudo_french
from tests.unit.web.test_scoreboard import MONDAY_W10, Rows, two_weeks

HOSTILE = "Bonjour,\n<script>window.__pwned=1</script><img src=x onerror=alert(2)>\nMarie"
ANSWER = "Bonjour Marie,\nJe garde les réunions <b>qui décident</b>.\nCamille"


@pytest.fixture
def rows(tmp_path):
    filled = Rows(tmp_path)
    yield filled
    filled.conn.close()


def reuse(rows: Rows, *, answered: bool = True, score: float | None = 0.87) -> tuple[int, int]:
    """An earlier reply from Marie Lenoir (answered in Sent, or only approved), and a new
    draft for Tom that adapts it; returns (earlier reply id, new draft id)."""
    earlier = rows.reply(MONDAY_W10, text=HOSTILE)
    earlier_draft = rows.draft(earlier, ANSWER if not answered else "Un autre brouillon")
    if answered:
        rows.answer(earlier, MONDAY_W10 + timedelta(hours=5), draft_id=earlier_draft,
                    text=ANSWER, similarity=0.4, outcome="heavy")
    else:
        rows.conn.execute("UPDATE drafts SET status = ?, approved_at = ? WHERE id = ?",
                          (DraftStatus.APPROVED.value, "2026-03-03T10:00:00+00:00",
                           earlier_draft))
    new = rows.reply(MONDAY_W10 + timedelta(days=2), first_name="Tom", last_name="Baker",
                     text="Quelles réunions annuler ?")
    return earlier, rows.draft(new, "Bonjour Tom, je garde celles qui décident.",
                               reused_reply=earlier, reuse_score=score)


def panel(page: str) -> str:
    found = re.search(r'<section class="panel" id="earlier-exchange">(.*?)</section>', page,
                      re.S)
    return found.group(1) if found else ""


def test_the_panel_shows_the_other_reader_s_words_and_the_answer_sent(rows):
    _, draft_id = reuse(rows)
    shown = panel(rows.client().get(f"/drafts/{draft_id}").text)
    assert "Échange précédent" in shown and "Marie a écrit" in shown
    assert "window.__pwned=1" in shown and "Je garde les réunions" in shown
    assert "Votre réponse · 2 mars" in shown  # the day the answer was sent, in French
    assert "se ressemblent à 87\xa0%" in shown
    assert "Lenoir" not in shown and "@reader.example" not in shown


def test_mail_text_in_the_panel_is_escaped(rows):
    _, draft_id = reuse(rows)
    shown = panel(rows.client().get(f"/drafts/{draft_id}").text)
    assert "<script>" not in shown and "<img" not in shown and "<b>" not in shown
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in shown
    assert "&lt;b&gt;qui décident&lt;/b&gt;" in shown


def test_without_an_answer_in_sent_the_approved_draft_is_the_answer(rows):
    _, draft_id = reuse(rows, answered=False, score=None)
    shown = panel(rows.client().get(f"/drafts/{draft_id}").text)
    assert "Je garde les réunions" in shown and "Votre réponse · 3 mars" in shown
    assert "se ressemblent" not in shown and "un lecteur précédent." in shown


def test_a_draft_that_reuses_nothing_has_no_panel(rows):
    reuse(rows)
    plain = rows.draft(rows.reply(MONDAY_W10, first_name="Jean"))
    page = rows.client().get(f"/drafts/{plain}").text
    assert page.startswith("<!DOCTYPE html>") and "Jean" in page
    assert 'id="earlier-exchange"' not in page and "Échange précédent" not in page


def test_a_forgotten_earlier_reply_leaves_no_trace_on_the_draft(rows):
    earlier, draft_id = reuse(rows)
    assert queries.earlier_exchange(rows.conn, earlier)["first_name"] == "Marie"
    erase_replies(rows.conn, [earlier], status=FORGOTTEN)
    assert queries.earlier_exchange(rows.conn, earlier) is None
    page = rows.client().get(f"/drafts/{draft_id}").text
    assert "Bonjour Tom" in page
    assert 'id="earlier-exchange"' not in page and "window.__pwned" not in page


def test_the_english_page_names_the_panel_in_english(tmp_path):
    rows = Rows(tmp_path, language="en")
    _, draft_id = reuse(rows)
    shown = panel(rows.client().get(f"/drafts/{draft_id}").text)
    rows.conn.close()
    assert "Earlier exchange" in shown and "Marie wrote" in shown
    assert "87% alike" in shown and "Your answer · 2 Mar" in shown


def test_every_word_of_the_panel_and_the_scoreboard_comes_from_the_catalog(rows, monkeypatch):
    two_weeks(rows)
    _, draft_id = reuse(rows)
    monkeypatch.setattr(i18n, "translations", lambda language: pseudo_french())
    client = rows.client()
    allowed = data_words(rows)
    for path in (f"/drafts/{draft_id}", "/status"):
        rest = outside_the_catalog(client.get(path).text)
        assert [w for w in LETTERS.findall(rest)
                if len(w) > 2 and w.casefold() not in allowed] == [], path
