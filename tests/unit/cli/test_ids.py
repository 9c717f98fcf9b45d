"""One identity per reader message: every command takes the draft's and the message's ids
(dN, mN) and says which message and draft it acted on."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from inbox_agent.cli.main import main
from inbox_agent.review import approve as review
from tests.unit.review.test_approve import QUESTION, mail, make_env, write_config

UNSUBSCRIBE = mail(9, "Léa <lea@reader.example>", "désinscription", "Merci de me désinscrire.")


@pytest.fixture
def setup(tmp_path):
    env = make_env(tmp_path, [UNSUBSCRIBE, QUESTION])
    shift_message_ids(env, 100)  # message ids and draft ids differ, whatever the Maildir order
    return env, str(write_config(env))


def shift_message_ids(env, by: int) -> None:
    conn = sqlite3.connect(env.config.state.db)
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                               "'table'")]
    with conn:
        conn.execute("UPDATE replies SET id = id + ?", (by,))
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            if "reply_id" in columns:
                conn.execute(f"UPDATE {table} SET reply_id = reply_id + ?", (by,))
    conn.close()


def set_apart_id(env) -> int:
    conn = sqlite3.connect(env.config.state.db)
    try:
        return conn.execute("SELECT min(id) FROM replies WHERE kind != 'reply'").fetchone()[0]
    finally:
        conn.close()


def run(config: str, *args: str):
    return CliRunner().invoke(main, ["--config", config, *args])


def test_drafts_and_tags_take_each_others_ids_and_say_which_they_took(setup):
    env, config = setup
    draft = env.draft_id("<m2@reader.example>")
    message = env.row(draft)["reply_id"]
    assert draft != message
    shown = run(config, "drafts", "show", f"m{message}")
    assert shown.exit_code == 0  # in the config's language, French
    assert shown.output.startswith(f"Brouillon {draft} (message {message} ;")
    assert run(config, "drafts", "show", str(draft)).output == shown.output
    tags = run(config, "tags", "show", f"d{draft}")
    assert tags.exit_code == 0 and tags.output.startswith(f"Message {message}\n")
    assert run(config, "tags", "show", str(message)).output == tags.output
    listed = run(config, "drafts", "list").output
    assert f"{draft:>4} m{message:<4} " in listed


def test_a_message_without_a_draft_is_one_line_and_a_bad_id_a_usage_error(setup):
    env, config = setup
    apart = set_apart_id(env)
    none = run(config, "drafts", "show", f"m{apart}")
    assert none.exit_code == 1 and f"le message {apart} n’a pas de brouillon" in none.stderr
    bad = run(config, "tags", "show", "draft-one")
    assert bad.exit_code == 2 and "is not an id" in bad.stderr


def test_drafts_list_shows_the_full_subject_and_the_issues_still_cited_after_an_edit(setup):
    env, config = setup
    draft = env.draft_id("<m2@reader.example>")
    row = env.row(draft)
    before = run(config, "drafts", "list").output
    assert row["subject"] in before and "[#" in before
    review.save_edit(env.config, draft, "Bonjour Tom, voici ma réponse, sans lien.")
    after = run(config, "drafts", "list").output
    assert row["subject"] in after and "[#" not in after
