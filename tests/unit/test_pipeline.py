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


def test_a_pass_without_archive_says_so_and_redrafts_once_it_is_imported(tmp_path):
    import mailbox
    import shutil

    from langchain_core.embeddings import DeterministicFakeEmbedding

    from inbox_agent.config import parse_config
    from inbox_agent.review import approve as review
    from inbox_agent.search.index import ArchiveIndex
    from inbox_agent.store import db as store
    from tests.support import ROOT
    from tests.unit.review.test_approve import QUESTION, THANKS_2

    box = mailbox.Maildir(tmp_path / "replies", create=True)
    for message in (QUESTION, THANKS_2):
        box.add(message)
    archive = tmp_path / "archive"
    config = parse_config(
        {"author": {"email": "camille@example.org"},
         "source": {"kind": "maildir", "path": str(tmp_path / "replies")},
         "archive": {"path": str(archive), "kind": "markdown"},
         "state": {"db": str(tmp_path / "state.db")}, "index": {"path": str(tmp_path / "vs")}},
        tmp_path / "config.toml",
    )  # fmt: skip
    index = ArchiveIndex(config.index, DeterministicFakeEmbedding(size=32))
    first = pipeline.run_once(config, index=index)
    assert first.drafted == 2 and len(first.notices) == 1
    assert first.notices[0].startswith(f"no archive at {archive}: drafts cite no past issue")
    conn = store.connect(config.state.db)
    rows = {r["id"]: r for r in conn.execute("SELECT * FROM drafts ORDER BY id")}
    conn.close()
    assert all(pipeline.EMPTY_ARCHIVE_FLAG in r["flags"] for r in rows.values())
    assert all(r["cited"] == "[]" for r in rows.values())
    edited, untouched = sorted(rows)
    review.save_edit(config, edited, "Merci ! Ma réponse à votre question : oui.")

    shutil.copytree(ROOT / "examples" / "archive", archive)
    second = pipeline.run_once(config, index=index)
    assert second.notices == [] and second.redrafted == 1 and second.drafted == 1
    conn = store.connect(config.state.db)
    after = {r["id"]: r for r in conn.execute("SELECT * FROM drafts ORDER BY id")}
    conn.close()
    assert after[edited]["final_text"] == "Merci ! Ma réponse à votre question : oui."
    assert pipeline.EMPTY_ARCHIVE_FLAG not in after[untouched]["flags"]
    assert after[untouched]["cited"] != "[]"  # now it cites issues
    assert pipeline.run_once(config, index=index).redrafted == 0  # once
