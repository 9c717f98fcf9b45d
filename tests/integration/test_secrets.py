"""Secrets hygiene: the IMAP password and the model API key appear nowhere inbox-agent writes.

A full run against a real Dovecot account (plain port on 127.0.0.1, password from
`password_env`) and the local OpenAI-compatible server (API key from `api_key_env`), then a
refused login, a model error and `inbox-agent doctor`; every log line (DEBUG included), every
command output, the state database and index files, the drafts and the recorded errors are
searched for the two canary values.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox_agent import pipeline
from inbox_agent.cli.main import main
from inbox_agent.review import approve as review
from inbox_agent.store import db as store
from tests.fixtures_dovecot import MAIL_UID, sample_reply
from tests.fixtures_openai import Answer
from tests.unit.privacy.test_readers import ROOT, fake_index

pytestmark = pytest.mark.dovecot

PASSWORD = "PW-canary-7f3a9"
API_KEY = "sk-canary-LLM-5d2e8"
CANARIES = (PASSWORD, API_KEY)
GOOD = json.dumps(
    {
        "reply": "Thanks for writing, the issue about mornings has more on this. " * 3,
        "cited_issues": [],
    }
)


def set_password(user, password: str) -> None:
    """Give the Dovecot account a password of our choosing (passwd-file line rewritten)."""
    line = f"{user.username}:{{PLAIN}}{password}:{MAIL_UID}:{MAIL_UID}::{user.home}\n"
    users = user.server.root / "users" / user.username
    stamp = users.stat().st_mtime + 2 if users.exists() else None
    users.write_text(line)
    if stamp is not None:  # Dovecot rereads the file when its mtime changes, once a second
        os.utime(users, (stamp, stamp))
        time.sleep(1.5)
    user.password = password


def write_config(home: Path, user, llm_url: str) -> Path:
    path = home / "config.toml"
    path.write_text(
        f"""
[author]
email = "author@example.org"
name = "Author"
[source]
kind = "imap"
{user.imap_toml("CANARY_IMAP_PASSWORD")}[archive]
path = "{ROOT / "examples/archive"}"
[llm]
model = "openai:canary-model"
base_url = "{llm_url}"
api_key_env = "CANARY_LLM_KEY"
max_retries = 0
""",
        encoding="utf-8",
    )
    return path


def files_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def drafts_folder_bytes(user) -> bytes:
    client = user.client()
    try:
        client.select_folder("Drafts", readonly=True)
        uids = client.search("ALL")
        data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
    finally:
        client.logout()
    return b"".join(item[b"BODY[]"] for item in data.values())


def assert_no_canary(where: str, data: str | bytes) -> None:
    for canary in CANARIES:
        needle = canary.encode() if isinstance(data, bytes) else canary
        assert needle not in data, f"{canary!r} leaked into {where}"


@pytest.fixture
def setup(tmp_path, imap_user, openai_server, monkeypatch):
    monkeypatch.setenv("CANARY_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("CANARY_LLM_KEY", API_KEY)
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    set_password(imap_user, PASSWORD)
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(3)])
    path = write_config(tmp_path, imap_user, openai_server.url)
    return tmp_path, path, imap_user, openai_server


def test_no_secret_leaks_through_a_run_errors_drafts_files_or_doctor(setup, caplog):
    home, path, user, server = setup
    caplog.set_level(logging.DEBUG)
    from inbox_agent.config import load_config

    config = load_config(path)
    index = fake_index(config)
    pipeline.import_archive(config, index=index)
    server.answer(GOOD)
    report = pipeline.run_once(config, index=index)
    assert report.replies == 3 and report.drafted == 3, report.errors
    conn = store.connect(config.state.db)
    first = store.list_drafts(conn)[0]["id"]
    conn.close()
    review.approve(config, first, "Thanks, more soon.", index=index)

    # a model error on new mail, then a refused login
    server.script.clear()
    server.answer(Answer(f"upstream failure for key {API_KEY[:3]}…", status=500))
    user.append("INBOX", sample_reply(10))
    failed_model = pipeline.run_once(config, index=index)
    set_password(user, "another-password-1")
    runner = CliRunner()
    login = runner.invoke(main, ["--config", str(path), "-vv", "run", "-q"])
    assert login.exit_code != 0
    said = login.stderr.lower()
    assert "connexion refusée" in said or "login" in said or "refused" in said, login.stderr
    doctor = runner.invoke(main, ["--config", str(path), "doctor"])

    assert_no_canary("the logs", caplog.text)
    assert_no_canary("the run errors", json.dumps(failed_model.errors))
    assert_no_canary("the failed login output", login.stdout + login.stderr)
    assert_no_canary("doctor's output", doctor.stdout + doctor.stderr)
    assert doctor.stdout + doctor.stderr, "doctor printed its checks"
    assert_no_canary("the state database", files_bytes(Path(config.state.db).parent))
    assert_no_canary("the index folder", files_bytes(Path(config.index.path)))
    assert_no_canary("the Drafts folder", drafts_folder_bytes(user))
    assert_no_canary("the config file", path.read_bytes())
    conn = store.connect(config.state.db)
    try:
        errors = [r["error"] for r in conn.execute("SELECT error FROM drafts")]
        runs = [r["errors"] for r in conn.execute("SELECT errors FROM runs")]
    finally:
        conn.close()
    assert any(errors) or any(r != "[]" for r in runs), "the model error was recorded"
    assert_no_canary("the recorded errors", json.dumps(errors + runs))


@pytest.mark.parametrize("wrong", [PASSWORD, PASSWORD + "-but-wrong"])
def test_a_refused_login_names_the_account_not_the_password(setup, wrong, monkeypatch):
    home, path, user, _ = setup
    set_password(user, "the-real-one-42")
    monkeypatch.setenv("CANARY_IMAP_PASSWORD", wrong)
    result = CliRunner().invoke(main, ["--config", str(path), "-vv", "run", "-q"])
    assert result.exit_code != 0
    assert user.username in result.stderr
    assert wrong not in result.stdout + result.stderr
