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
    done = cli("--config", str(config.path), "doctor")
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
    assert done.stderr.splitlines() == [
        "inbox-agent: no draft 999999",
        "  hint: see `inbox-agent drafts list`",
    ]
