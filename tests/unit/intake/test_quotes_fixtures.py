"""Reply/quote splitting against public fixture corpora, and the MIME torture corpus.

The expectations come from the corpora's manifest.jsonl files (talon's and crisp's own
test suites); cases without an exact expectation are left out of the pass rate.
"""

from __future__ import annotations

import email
import json
import time
from email import policy
from pathlib import Path

import pytest

from inbox_agent.errors import ParseError
from inbox_agent.intake.parse import html_reply, parse_message
from inbox_agent.intake.quotes import split_reply
from inbox_agent.intake.triage import triage
from inbox_agent.models import ReplyKind
from inbox_agent.text.language import detect_language
from tests.support import CORPORA

REPLY_FIXTURES = CORPORA / "reply_fixtures"
MIME = CORPORA / "mime"
HANG_GUARD_SECONDS = 2.0
REQUIRED_PASS_RATE = 0.90

# Cases whose expectation this splitter deliberately does not meet; each must keep failing.
ACCEPTED_FAILURES = {
    "talon:test_too_many_lines": (
        "talon drops the reader's 'Hi' line written right above '-----Original Message-----';"
        " we keep every line the reader wrote above the separator"
    ),
    "talon:test_reply_and_quotation_splitter_share_line#3": (
        "the same input is listed three times with two different expectations; we follow the"
        " two that cut the whole line holding the quote header"
    ),
}


def _manifest_cases() -> list[dict]:
    """Every case with an exact expectation, each with a stable id."""
    cases: list[dict] = []
    sources = (
        ("talon", REPLY_FIXTURES / "mailgun_talon"),
        ("crisp", REPLY_FIXTURES / "crisp-oss_email-reply-parser"),
    )
    for prefix, folder in sources:
        manifest = folder / "manifest.jsonl"
        if not manifest.is_file():
            continue
        seen: dict[str, int] = {}
        for line in manifest.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case.get("expected_reply_text") is None:
                continue
            name = case.get("test") or case.get("source") or case["input"]
            name = name.split("::")[-1] if "::" in name else Path(name).stem
            seen[name] = seen.get(name, 0) + 1
            case_id = f"{prefix}:{name}" + (f"#{seen[name]}" if seen[name] > 1 else "")
            cases.append({**case, "id": case_id, "folder": folder, "prefix": prefix})
    return cases


CASES = _manifest_cases()


def _run_case(case: dict) -> tuple[str, str]:
    """(got, expected), both normalised the way the manifest says to compare them."""
    expected = case["expected_reply_text"]
    if "input_text" in case:
        got, _ = split_reply(case["input_text"], strip_signature=False)
        return got.strip(), expected.strip()
    path = case["folder"] / case["input"]
    if case.get("kind") == "html":
        got, _ = html_reply(
            path.read_text(encoding="utf-8", errors="replace"), strip_signature=False
        )
        return "".join(got.split()), "".join(expected.split())
    if case.get("kind") == "eml_plain_part":
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        got, _ = split_reply(part.get_content(), strip_signature=False)
        return got.strip(), expected.strip()
    # crisp: the visible text hides signatures as well as quotes.
    got, _ = split_reply(path.read_text(encoding="utf-8", errors="replace"))
    return got.strip(), expected.strip()


def _params() -> list:
    if not CASES:
        return [pytest.param(None, id="corpora-absent")]
    params = []
    for case in CASES:
        marks = []
        if case["id"] in ACCEPTED_FAILURES:
            marks.append(pytest.mark.xfail(reason=ACCEPTED_FAILURES[case["id"]], strict=True))
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_reply_text_matches_fixture_expectation(corpora: Path, case: dict | None) -> None:
    assert case is not None, "the manifests list no cases"
    got, expected = _run_case(case)
    assert got == expected


def test_at_least_90_percent_of_exact_fixture_cases_pass(corpora: Path) -> None:
    assert CASES, "the reply fixture manifests are missing"
    failures = []
    for case in CASES:
        got, expected = _run_case(case)
        if got != expected:
            failures.append(case["id"])
    rate = 1 - len(failures) / len(CASES)
    print(f"\nreply fixtures: {len(CASES) - len(failures)}/{len(CASES)} pass ({rate:.1%})")
    for case_id in failures:
        print(f"  failing: {case_id}")
    assert set(failures) <= set(ACCEPTED_FAILURES), "unexpected failures, see the list above"
    assert rate >= REQUIRED_PASS_RATE


# ---- hand-judged crisp cases that have no exact expectation ---------------------------

JUDGED = [
    # file, text that must stay in the reader's words, text that must be removed
    ("email_tricky_1_on_false_positive", "On a separate note", None),
    ("email_tricky_2_url_with_wrote", 'patterns like "wrote:"', None),
    ("email_tricky_3_code_block", "Notice how the code", None),
    ("email_tricky_4_from_in_body", "This is the actual message content.", None),
    ("email_tricky_6_regards_in_sentence", "This is the actual content", None),
    ("email_tricky_7_multiple_dashes", "Also these equal signs", None),
    ("email_tricky_8_sent_from_in_content", "All messages are sent from the main server.", None),
    ("email_tricky_9_nested_quotes", "I agree with the points below.", "Thanks for forwarding"),
    ("email_tricky_11_double_signature", "Thanks for your help!", "Senior Developer"),
    ("email_tricky_13_timestamp_variations", "not quote headers", None),
    ("email_tricky_18_inline_reply", "Option C is not suitable", "What about option B?"),
    ("email_tricky_19_quote_without_header", "And my final thoughts.", "a quoted section"),
    ("email_tricky_20_html_entities", "handled correctly", "Previous message"),
    ("email_sent_from_my_not_signature", "Sent from my desk", None),
    ("email_not_a_signature_2", "-- second point needs to be checked", None),
    ("email_zoho", "What is the best way", "Java sucks"),
    ("email_sent_from", "Hi it can happen", "Can you send this text"),
    ("correct_sig", "correct -- signature", "rick"),
    ("email_4", "Awesome!", "Loader seems to be working well."),
    ("email_reply_header", "On the other hand, it could happen TWICE!", "mrmister again"),
]


def test_the_header_shortcut_changes_no_split(corpora: Path, monkeypatch) -> None:
    """Lines without a colon, an address, a rule or a "wrote" stem skip the header checks:
    on every fixture case the split is the same as when every line is checked."""
    from inbox_agent.intake import quotes

    assert CASES, "the reply fixture manifests are missing"
    fast = [_run_case(case)[0] for case in CASES]
    monkeypatch.setattr(quotes, "_may_start_header", lambda line: True)
    assert [_run_case(case)[0] for case in CASES] == fast


@pytest.mark.parametrize(("name", "kept", "removed"), JUDGED, ids=[j[0] for j in JUDGED])
def test_judged_crisp_case_keeps_reader_words_and_drops_quotes(
    corpora: Path, name: str, kept: str, removed: str | None
) -> None:
    path = corpora / "reply_fixtures/crisp-oss_email-reply-parser/test/fixtures" / f"{name}.txt"
    own, quoted = split_reply(path.read_text(encoding="utf-8"))
    assert kept in own
    if removed:
        assert removed not in own
        assert removed in quoted


# ---- the MIME torture corpus ----------------------------------------------------------


def _mime_entries() -> list:
    index = MIME / "INDEX.jsonl"
    if not index.is_file():
        return [pytest.param(None, id="corpora-absent")]
    entries = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines()]
    return [pytest.param(e, id=e["file"]) for e in entries]


@pytest.fixture(scope="module")
def warm_language_model() -> None:
    """Load the language model once so the hang guard times parsing only."""
    assert detect_language("Bonjour à tous, merci pour ce numéro sur les réunions du mercredi.")


@pytest.mark.parametrize("entry", _mime_entries())
def test_every_mime_corpus_message_parses_to_a_clear_outcome(
    corpora: Path, warm_language_model: None, entry: dict | None
) -> None:
    assert entry is not None
    path = corpora / "mime" / entry["file"]
    if entry.get("quarantined") and not path.exists():
        pytest.skip("quarantined in the corpus: the file is withheld")
    raw = path.read_bytes()
    start = time.perf_counter()
    try:
        mail = parse_message(raw)
    except ParseError as err:
        assert not raw.strip(), f"only empty input may be refused, got {err}"
        assert "empty" in str(err)
        return
    verdict = triage(mail)
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_GUARD_SECONDS, f"pathological slowness: {elapsed:.1f}s"
    assert isinstance(verdict.kind, ReplyKind) and verdict.reason
    if verdict.kind is ReplyKind.OTHER:
        assert mail.defects or mail.attachments or not mail.body_text.strip()


def _is_delivery_report(entry: dict) -> bool:
    return entry.get("content_type") == "multipart/report" and "disposition" not in entry["file"]


@pytest.mark.parametrize(
    "entry",
    [p for p in _mime_entries() if p.values[0] is None or _is_delivery_report(p.values[0])],
)
def test_delivery_reports_in_the_corpus_are_triaged_as_bounces(
    corpora: Path, entry: dict | None
) -> None:
    assert entry is not None
    mail = parse_message((corpora / "mime" / entry["file"]).read_bytes())
    assert triage(mail).kind is ReplyKind.BOUNCE


def test_read_receipt_in_the_corpus_is_not_a_reply(corpora: Path) -> None:
    path = (
        corpora / "mime/jstedfast_MimeKit/UnitTests/TestData/messages/disposition-notification.txt"
    )
    require_file(path)
    assert triage(parse_message(path.read_bytes())).kind is ReplyKind.AUTO_REPLY


def require_file(path: Path) -> None:
    if not path.is_file():
        pytest.fail(f"{path} is missing from the corpora")
