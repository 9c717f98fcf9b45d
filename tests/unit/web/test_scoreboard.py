"""The scoreboard on the Status page: replies per week as stacked SVG bars with the week's
median similarity, the same numbers as a table, the split by drafter and by intent, in the
author's language, and the empty state. `Rows` (a state database filled row by row) is
shared with the earlier-exchange tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from inbox_agent.config import Config, parse_config
from inbox_agent.models import Draft, DraftStatus, MailRef, ParsedMail, ReplyKind, Triage
from inbox_agent.store import answers as store_answers
from inbox_agent.store import db as store
from inbox_agent.web import create_app, scoreboard_views
from tests.unit.review.test_approve import AUTHOR
from tests.unit.web.test_app import BASE

MONDAY_W10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # ISO week 2026-W10
MONDAY_W11 = MONDAY_W10 + timedelta(days=7)


class Rows:
    """A state database filled row by row: replies, their drafts and the answers sent."""

    def __init__(self, tmp_path: Path, language: str = "fr") -> None:
        raw = {
            "author": {"name": "Camille Durand", "email": AUTHOR, "default_language": "fr"},
            "source": {"kind": "maildir", "path": str(tmp_path / "replies")},
            "state": {"db": str(tmp_path / "state.db")},
            "index": {"path": str(tmp_path / "vectorstore")},
            "web": {"language": language},
        }
        self.config: Config = parse_config(raw, tmp_path / "config.toml")
        self.conn = store.connect(self.config.state.db)
        self.count = 0

    def reply(self, when: datetime, *, first_name: str = "Marie", last_name: str = "Lenoir",
              text: str = "Comment choisir les réunions à annuler ?",
              intent: str = "question") -> int:
        self.count += 1
        n = self.count
        email = f"{first_name.lower()}.{n}@reader.example"
        mail = ParsedMail(
            message_id=f"<r{n}@reader.example>", subject="Re: L'Atelier du Futur #38",
            from_email=email, from_name=f"{first_name} {last_name}", first_name=first_name,
            reply_to=email, date=when, in_reply_to="", references=(), body_text=text,
            reply_text=text, quoted_text="", language="fr", headers={},
            content_type="text/plain")
        verdict = Triage(ReplyKind.REPLY, "a reply", 38, intent)
        return store.add_reply(self.conn, MailRef("a", "INBOX", 1, n), mail, verdict, None)

    def draft(self, reply_id: int, text: str = "Bonjour, merci !", *, drafter: str = "grounded",
              status: DraftStatus | None = None, **reuse) -> int:
        draft_id = store.save_draft(self.conn, reply_id, Draft(text, "fr", drafter=drafter,
                                                               **reuse))
        if status is not None:
            store.set_draft_status(self.conn, draft_id, status)
        return draft_id

    def answer(self, reply_id: int, sent_at: datetime, *, draft_id: int | None = None,
               drafter: str = "grounded", text: str = "Bonjour, merci !",
               similarity: float | None = None, outcome: str = "") -> None:
        store_answers.add_answer(
            self.conn, reply_id=reply_id, message_hash=f"sent-{reply_id}-{sent_at.timestamp()}",
            sent_at=sent_at.isoformat(), match="thread", draft_id=draft_id,
            drafter=drafter if draft_id else "", text=text, language="fr",
            similarity=similarity, outcome=outcome)

    def answered(self, when: datetime, outcome: str, similarity: float, hours: float, *,
                 drafter: str = "grounded", intent: str = "question") -> None:
        """A reply answered from its draft, `hours` after it arrived."""
        reply_id = self.reply(when, intent=intent)
        draft_id = self.draft(reply_id, drafter=drafter)
        self.answer(reply_id, when + timedelta(hours=hours), draft_id=draft_id,
                    drafter=drafter, similarity=similarity, outcome=outcome)

    def client(self) -> TestClient:
        return TestClient(create_app(self.config), base_url=BASE, follow_redirects=False)


@pytest.fixture
def rows(tmp_path):
    filled = Rows(tmp_path)
    yield filled
    filled.conn.close()


def two_weeks(rows: Rows) -> None:
    """W10: 3 replies (1 sent as drafted, 1 lightly edited, 1 open); W11: 5 replies (1 heavy
    edit and 1 rewrite by a model, 1 answered without a draft, 1 skipped, 1 open)."""
    rows.answered(MONDAY_W10, "unchanged", 1.0, 2)
    rows.answered(MONDAY_W10 + timedelta(hours=1), "light", 0.9, 3)
    rows.draft(rows.reply(MONDAY_W10 + timedelta(hours=2)))
    rows.answered(MONDAY_W11, "heavy", 0.6, 10, drafter="mistral:7b")
    rows.answered(MONDAY_W11, "rewritten", 0.2, 30, drafter="mistral:7b")
    thanks = rows.reply(MONDAY_W11, intent="thanks")
    rows.answer(thanks, MONDAY_W11 + timedelta(hours=4))
    rows.draft(rows.reply(MONDAY_W11), status=DraftStatus.SKIPPED)
    rows.draft(rows.reply(MONDAY_W11))


def bars(page: str) -> dict[str, dict[str, tuple[int, float]]]:
    """{week: {segment: (count, height)}} of the chart's SVG."""
    found = {}
    for week, inner in re.findall(r'<g class="bar" data-week="([^"]+)">(.*?)</g>', page, re.S):
        found[week] = {key: (int(count), float(height)) for key, count, height in re.findall(
            r'<rect class="seg-(\w+)" data-count="(\d+)"[^>]*height="([\d.]+)"', inner)}
    return found


def cells(page: str, table: str, row: str) -> dict[str, str]:
    """{data-key: text} of one row of a table (the row by its data-week or its heading)."""
    body = re.search(f'<table[^>]*id="{table}">(.*?)</table>', page, re.S).group(1)
    for tr in re.findall(r"<tr[^>]*>.*?</tr>", body, re.S):
        if f'data-week="{row}"' in tr or re.search(f"<th scope=\"row\">{re.escape(row)}</th>", tr):
            return dict(re.findall(r'<td data-key="(\w+)">([^<]*)</td>', tr))
    raise AssertionError(f"no row {row!r} in {table}")


def test_the_chart_stacks_each_week_s_replies_by_what_became_of_them(rows):
    two_weeks(rows)
    page = rows.client().get("/status").text
    chart = bars(page)
    assert list(chart) == ["2026-W10", "2026-W11"]
    assert {k: c for k, (c, _) in chart["2026-W10"].items()} == {
        "unchanged": 1, "light": 1, "open": 1}
    assert {k: c for k, (c, _) in chart["2026-W11"].items()} == {
        "heavy": 1, "rewritten": 1, "without_draft": 1, "skipped": 1, "open": 1}
    tallest = scoreboard_views.PLOT_HEIGHT
    assert sum(h for _, h in chart["2026-W11"].values()) == pytest.approx(tallest)
    assert sum(h for _, h in chart["2026-W10"].values()) == pytest.approx(tallest * 3 / 5)
    totals = re.findall(r'<text class="total"[^>]*>(\d+)</text>', page)
    similarities = re.findall(r'<text class="similarity"[^>]*>([^<]+)</text>', page)
    assert totals == ["3", "5"] and similarities == ["95\xa0%", "40\xa0%"]
    assert 'role="img"' in page and '<script' not in page.split('id="scoreboard"')[1]


def test_the_weeks_table_gives_the_chart_s_numbers_in_the_author_s_locale(rows):
    two_weeks(rows)
    page = rows.client().get("/status").text
    first = cells(page, "scoreboard-weeks", "2026-W10")
    assert first == {"received": "3", "unchanged": "1", "light": "1", "heavy": "0",
                     "rewritten": "0", "without_draft": "0", "skipped": "0", "open": "1",
                     "similarity": "95\xa0%", "hours": "2,5"}
    second = cells(page, "scoreboard-weeks", "2026-W11")
    assert (second["received"], second["without_draft"], second["skipped"]) == ("5", "1", "1")
    assert second["hours"] == "10" and second["similarity"] == "40\xa0%"
    total = cells(page, "scoreboard-weeks", "Toutes les semaines")
    assert total["received"] == "8" and total["open"] == "2"
    assert "semaine du 2 mars" in page


def test_the_splits_by_drafter_and_by_intent_use_the_page_s_words(rows):
    two_weeks(rows)
    page = rows.client().get("/status").text
    grounded = cells(page, "scoreboard-drafters", "écrit sans modèle")
    model = cells(page, "scoreboard-drafters", "mistral:7b")
    assert (grounded["received"], grounded["through_draft"], grounded["similarity"]) == (
        "2", "2", "95\xa0%")
    assert (model["through_draft"], model["hours"]) == ("2", "20")
    questions = cells(page, "scoreboard-intents", "Questions")
    thanks = cells(page, "scoreboard-intents", "Remerciements")
    assert (questions["received"], questions["through_draft"], questions["open"]) == (
        "7", "4", "2")
    assert (thanks["received"], thanks["without_draft"]) == ("1", "1")


def test_the_french_page_speaks_french_and_the_english_page_english(rows, tmp_path):
    two_weeks(rows)
    french = rows.client().get("/status").text
    for words in ("Ce que deviennent les réponses", "Envoyé tel quel", "Légère retouche",
                  "Répondu sans brouillon", "Semaine par semaine", "Par rédacteur",
                  "Par intention", "Ressemblance médiane"):
        assert words in french
    assert "What became of the replies" not in french and "Sent as drafted" not in french
    english = Rows(tmp_path / "en", language="en")
    english.answered(MONDAY_W10, "unchanged", 1.0, 2)
    english.answered(MONDAY_W10, "light", 0.9, 3)
    page = english.client().get("/status").text
    english.conn.close()
    assert "What became of the replies" in page and "Sent as drafted: 1" in page
    assert cells(page, "scoreboard-weeks", "2026-W10")["hours"] == "2.5"
    assert "95%" in page and "Ce que deviennent" not in page


def test_nothing_yet_is_said_in_the_author_s_language(rows):
    page = rows.client().get("/status").text
    assert 'id="scoreboard-empty"' in page
    assert "Aucune réponse de lecteur pour l’instant" in page
    assert 'id="scoreboard-chart"' not in page and 'id="scoreboard-weeks"' not in page


def test_the_chart_keeps_the_latest_weeks_and_the_table_every_week(rows):
    weeks = scoreboard_views.WEEKS_SHOWN + 2
    for n in range(weeks):
        rows.reply(MONDAY_W10 + timedelta(weeks=n))
    page = rows.client().get("/status").text
    chart = bars(page)
    assert len(chart) == scoreboard_views.WEEKS_SHOWN and "2026-W10" not in chart
    assert page.count('<tr data-week="') == weeks
    assert "les 12 dernières semaines" in page
