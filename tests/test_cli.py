"""The command line: help everywhere, JSON shapes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox_agent.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    [], ["run"], ["drafts"], ["drafts", "list"], ["drafts", "show"], ["drafts", "approve"],
    ["drafts", "skip"], ["archive"], ["archive", "import"], ["archive", "list"],
    ["archive", "search"], ["archive", "reindex"], ["parse"], ["doctor"], ["demo"], ["other"],
    ["status"], ["eval", "retrieval"], ["reader"], ["reader", "export"], ["reader", "forget"],
]


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inbox_agent", *args], capture_output=True, text=True,
        timeout=300, env={**os.environ, **(env or {})}, cwd=ROOT,
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and "--help" in result.output


def test_drafts_list_json_has_every_draft(demo):
    config, first = demo
    done = cli("--config", str(config.path), "drafts", "list", "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert len(items) == first.drafted


def test_drafts_show_json_has_the_documented_fields(demo):
    config, _ = demo
    listing = json.loads(cli("--config", str(config.path), "drafts", "list", "--json").stdout)
    done = cli("--config", str(config.path), "drafts", "show", str(listing[0]["id"]), "--json")
    item = json.loads(done.stdout)
    for field in ("id", "status", "reader_email", "reader_name", "language", "subject",
                  "reply_text", "draft_text", "cited_issues"):
        assert field in item, field
    assert {"number", "title", "url"} <= set(item["cited_issues"][0])


def test_unknown_draft_is_one_line_and_exit_1(demo):
    config, _ = demo
    done = cli("--config", str(config.path), "drafts", "show", "999999")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "inbox-agent: no draft 999999",
        "  hint: see `inbox-agent drafts list`",
    ]


def test_parse_prints_json_lines_and_reports_unreadable_files(tmp_path):
    sample = next((ROOT / "examples/replies/new").iterdir())
    done = cli("parse", "--json", str(sample), str(tmp_path / "missing.eml"), str(sample))
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2 and done.returncode == 1
    assert set(lines[0]) >= {"file", "from", "name", "subject", "date", "language", "kind",
                             "reply_text", "issue", "defects"}
    assert "missing.eml" in done.stderr and "Traceback" not in done.stderr


def test_archive_search_finds_the_four_day_week_issue(demo):
    config, _ = demo
    done = cli("--config", str(config.path), "archive", "search", "semaine de quatre jours",
               "-k", "3", "--json")
    results = json.loads(done.stdout)
    assert any("quatre jours" in r["title"].lower() for r in results)


def test_doctor_reports_each_part(demo):
    config, _ = demo
    done = cli("--config", str(config.path), "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    for label in ("config", "state database", "mail source", "archive index", "drafting model"):
        assert f"ok   {label}:" in done.stdout


def test_doctor_says_what_is_wrong(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[author]\nemail = "a@b.c"\n[source]\npath = "nowhere"\n')
    done = cli("--config", str(config), "doctor")
    assert done.returncode == 1
    assert "ERR  mail source:" in done.stdout and "nowhere" in done.stdout
    assert "ERR  archive index:" in done.stdout and "archive import" in done.stdout


def test_missing_config_is_one_line_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "inbox_agent", "run"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "HOME": str(tmp_path), "INBOX_AGENT_HOME": ""})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--config" in done.stderr
