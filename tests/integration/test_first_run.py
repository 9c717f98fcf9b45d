"""The first run, as a new author does it: init with flags, doctor, import, run, drafts that
cite issues; against a real IMAP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.fixtures_dovecot import sample_reply
from tests.support import ROOT

pytestmark = pytest.mark.process


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inbox_agent", *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, **env}, cwd=ROOT)


def test_init_then_run_drafts_replies_that_cite_the_imported_issues(imap_user, tmp_path):
    for n in range(3):
        imap_user.append("INBOX", sample_reply(n, issue=42))
    env = {"INBOX_AGENT_HOME": str(tmp_path / "home"), "FIRST_RUN_PASSWORD": imap_user.password,
           "INBOX_AGENT_LANG": "en"}  # the output in English, whatever the author's language
    done = cli("init", "--name", "Camille Durand", "--email", "camille@example.org",
               "--newsletter", "L'Atelier du Futur", "--url", "https://atelier.example",
               "--source", "imap", "--imap-host", imap_user.host, "--imap-port",
               str(imap_user.plain_port), "--imap-security", "plain", "--imap-user",
               imap_user.username, "--password-env", "FIRST_RUN_PASSWORD",
               "--archive", str(ROOT / "examples" / "archive"), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    config = tmp_path / "home" / "config.toml"
    assert f"Wrote {config}" in done.stdout
    for label in ("config", "state database", "mail source", "archive index"):
        assert f"ok   {label}:" in done.stdout, done.stdout
    assert "Archive: 15 issues imported." in done.stdout
    assert f"Your data lives in {tmp_path / 'home'}" in done.stdout
    assert 'kind = "markdown"' in config.read_text(encoding="utf-8")
    assert imap_user.password not in config.read_text(encoding="utf-8")

    run = cli("run", env=env)
    assert run.returncode == 0, run.stderr
    assert "3 replies" in run.stdout and "Note:" not in run.stderr
    listed = json.loads(cli("drafts", "list", "--json", env=env).stdout)
    assert len(listed) == 3
    shown = json.loads(cli("drafts", "show", str(listed[0]["id"]), "--json", env=env).stdout)
    assert shown["cited_issues"], shown


def test_init_refuses_to_replace_a_config(tmp_path):
    env = {"INBOX_AGENT_HOME": str(tmp_path), "INBOX_AGENT_LANG": "en"}
    (tmp_path / "config.toml").write_text("# mine\n", encoding="utf-8")
    done = cli("init", "--name", "A", "--email", "a@example.org", env=env)
    assert done.returncode == 2 and "exists already" in done.stderr
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == "# mine\n"
