"""The pass reads each reply's intent again with the intent model before drafting it."""

from __future__ import annotations

import sqlite3

from inbox_agent import pipeline
from tests.unit.intake.test_intents import fake_model
from tests.unit.review.test_approve import THANKS, make_env


def stored_intents(env) -> list[str]:
    conn = sqlite3.connect(env.config.state.db)
    try:
        return [row[0] for row in conn.execute("SELECT intent FROM replies ORDER BY id")]
    finally:
        conn.close()


def test_the_model_reading_is_stored_before_the_reply_is_drafted(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "shipped_model", lambda: fake_model("story", dims=32))
    env = make_env(tmp_path, [THANKS])  # the index embeds with 32-dimension fake vectors
    assert stored_intents(env) == ["story"]  # the rules alone read "thanks"


def test_without_a_model_the_rules_reading_stays(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "shipped_model", lambda: None)
    env = make_env(tmp_path, [THANKS])
    assert stored_intents(env) == ["thanks"]
