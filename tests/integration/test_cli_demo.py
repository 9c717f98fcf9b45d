"""The CLI on the demo (real embeddings): JSON shapes, search, doctor, unknown ids."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_cli_process import cli

pytestmark = pytest.mark.demo


def test_archive_search_finds_the_four_day_week_issue(demo):
    config, _ = demo
    done = cli("--config", str(config.path), "archive", "search", "semaine de quatre jours",
               "-k", "3", "--json")
    results = json.loads(done.stdout)
    assert any("quatre jours" in r["title"].lower() for r in results)


def test_doctor_reports_each_part(demo):
    config, _ = demo
    done = cli("--config", str(config.path), "doctor", env={"INBOX_AGENT_LANG": "en"})
    assert done.returncode == 0, done.stdout + done.stderr
    for label in ("config", "state database", "mail source", "archive index", "drafting model"):
        assert f"ok   {label}:" in done.stdout


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
    assert done.stderr.splitlines() == [  # the error and its hint in the author's French
        "inbox-agent: pas de brouillon 999999",
        "  conseil : voyez `inbox-agent drafts list`",
    ]
    english = cli("--lang", "en", "--config", str(config.path), "drafts", "show", "999999")
    assert english.stderr.splitlines() == [
        "inbox-agent: no draft 999999", "  hint: see `inbox-agent drafts list`"]


@pytest.mark.process
def test_the_demo_prints_a_short_summary_and_removes_its_temporary_home(tmp_path):
    before = set(tmp_path.iterdir())
    done = cli("demo", "--no-serve", env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) <= 150  # counts, three sample drafts, where to go next
    # in the language of the demo's author, French
    assert lines[0].startswith("Archives : 15 numéros indexés. Réponses : 38 nouveaux messages")
    headers = [line for line in lines if line.startswith("Brouillon ")]
    assert len(headers) == 3 and len({h.split(", ")[1] for h in headers}) == 3  # 3 languages
    assert "passez --home DOSSIER pour les garder" in done.stdout
    assert set(tmp_path.iterdir()) == before  # its temporary home is gone


@pytest.mark.process
def test_the_demo_keeps_the_home_it_was_given(tmp_path):
    home = tmp_path / "demo"
    done = cli("demo", "--no-serve", "--home", str(home), env={"INBOX_AGENT_LANG": "en"})
    assert done.returncode == 0, done.stderr
    assert (home / "config.toml").is_file() and f"Demo data in {home}" in done.stdout
    listed = cli("--config", str(home / "config.toml"), "drafts", "list")
    assert len(listed.stdout.splitlines()) == 33
