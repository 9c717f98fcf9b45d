"""The `inbox-agent` command run as a process: one-line errors, exit codes, doctor, parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.process


def test_doctor_says_what_is_wrong(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[author]\nemail = "a@b.c"\n[source]\npath = "nowhere"\n')
    done = cli("--config", str(config), "doctor", env={"INBOX_AGENT_LANG": "en"})
    assert done.returncode == 1
    assert "ERR  mail source:" in done.stdout and "nowhere" in done.stdout
    assert "ERR  archive index:" in done.stdout and "archive import" in done.stdout


def test_missing_config_is_one_line_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "inbox_agent", "run"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "HOME": str(tmp_path), "INBOX_AGENT_HOME": ""})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--config" in done.stderr


def test_parse_prints_json_lines_and_reports_unreadable_files(tmp_path):
    sample = next((ROOT / "examples/replies/new").iterdir())
    done = cli("parse", "--json", str(sample), str(tmp_path / "missing.eml"), str(sample))
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2 and done.returncode == 1
    assert set(lines[0]) >= {"file", "from", "name", "subject", "date", "language", "kind",
                             "reply_text", "issue", "defects"}
    assert "missing.eml" in done.stderr and "Traceback" not in done.stderr


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inbox_agent", *args], capture_output=True, text=True,
        timeout=300, env={**os.environ, **(env or {})}, cwd=ROOT,
    )
