"""Fuzzing parse_message + triage with mutated real messages: they never raise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_agent.errors import ParseError
from inbox_agent.intake.parse import parse_message
from inbox_agent.intake.triage import triage
from inbox_agent.models import ParsedMail, ReplyKind, Triage
from tests.support import CORPORA

SEEDS_PER_CORPUS = 40
MAX_SEED_BYTES = 60_000
CHARSETS = [b"utf-8", b"iso-8859-1", b"x-unknown", b"iso-2022-jp", b"", b"utf-7", b"gb2312"]


def _seed_files() -> list[Path]:
    """Small real messages: MIME torture corpus and the talon replies."""
    files: list[Path] = []
    index = CORPORA / "mime" / "INDEX.jsonl"
    if index.is_file():
        for line in index.read_text(encoding="utf-8").splitlines():
            path = CORPORA / "mime" / json.loads(line)["file"]
            if path.is_file() and 0 < path.stat().st_size <= MAX_SEED_BYTES:
                files.append(path)
    talon = CORPORA / "reply_fixtures/mailgun_talon/tests/fixtures/standard_replies"
    if talon.is_dir():
        files.extend(sorted(talon.glob("*.eml")))
    return files[: SEEDS_PER_CORPUS * 5]


SEEDS = _seed_files()


def _flip_bytes(raw: bytes, positions: list[int], values: list[int]) -> bytes:
    data = bytearray(raw)
    for pos, value in zip(positions, values, strict=False):
        data[pos % len(data)] = value
    return bytes(data)


def _duplicate_headers(raw: bytes, count: int) -> bytes:
    """Repeat the first `count` header lines (Subject, From… twice or more)."""
    sep = b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n"
    head, found, body = raw.partition(sep)
    lines = head.splitlines(keepends=True)
    return b"".join(lines + lines[:count]) + found + body


def _swap_charsets(raw: bytes, charset: bytes) -> bytes:
    out = raw
    for known in (b"utf-8", b"UTF-8", b"iso-8859-1", b"ISO-8859-1", b"us-ascii", b"US-ASCII"):
        out = out.replace(b"charset=" + known, b"charset=" + charset)
        out = out.replace(b'charset="' + known + b'"', b'charset="' + charset + b'"')
    return out


@st.composite
def mutated_message(draw: st.DrawFn) -> bytes:
    raw = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_bytes()
    mutation = draw(st.sampled_from(["flip", "truncate", "duplicate", "charset", "splice"]))
    if mutation == "flip":
        n = draw(st.integers(1, 30))
        positions = draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n))
        values = draw(st.lists(st.integers(0, 255), min_size=n, max_size=n))
        return _flip_bytes(raw, positions, values)
    if mutation == "truncate":
        return raw[: draw(st.integers(1, max(1, len(raw))))]
    if mutation == "duplicate":
        return _duplicate_headers(raw, draw(st.integers(1, 50)))
    if mutation == "charset":
        return _swap_charsets(raw, draw(st.sampled_from(CHARSETS)))
    junk = draw(st.binary(min_size=1, max_size=200))
    cut = draw(st.integers(0, len(raw)))
    return raw[:cut] + junk + raw[cut:]


def _check(raw: bytes) -> None:
    try:
        mail = parse_message(raw)
    except ParseError:
        assert not raw.strip(), "only empty input may be refused"
        return
    assert isinstance(mail, ParsedMail)
    verdict = triage(mail)
    assert isinstance(verdict, Triage) and isinstance(verdict.kind, ReplyKind)
    assert verdict.reason
    assert mail.date is None or mail.date.tzinfo is not None


@pytest.mark.skipif(not SEEDS, reason="the shared corpora are absent")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=mutated_message())
def test_mutated_real_messages_never_make_parse_or_triage_raise(raw: bytes) -> None:
    _check(raw)


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(min_size=0, max_size=2000))
def test_random_bytes_never_make_parse_or_triage_raise(raw: bytes) -> None:
    _check(raw)


def test_seed_corpus_is_present(corpora: Path) -> None:
    assert len(SEEDS) >= 20
