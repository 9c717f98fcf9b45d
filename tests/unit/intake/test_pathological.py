"""Pathological MIME degrades visibly: deep nesting and huge HTML are read within bounds, or
the message is set apart with the reason, never drafted as raw MIME."""

from __future__ import annotations

import pytest

from inbox_agent.intake.parse import MAX_DEPTH, MAX_HTML_CHARS, parse_message
from inbox_agent.intake.triage import triage
from inbox_agent.models import UNREADABLE, ReplyKind

HEAD = (b"From: Ana Souza <ana@example.org>\r\nTo: me@example.org\r\nSubject: Re: #42\r\n"
        b"Message-ID: <odd@example.org>\r\nMIME-Version: 1.0\r\n")
WORDS = "Merci pour ce numéro. Une question : et les indépendants, ils font comment ?"


def nested(depth: int) -> bytes:
    body = ("Content-Type: text/plain; charset=utf-8\r\n\r\n" + WORDS + "\r\n").encode()
    for level in range(depth):
        b = f"b{level}".encode()
        body = (b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n--' + b + b"\r\n"
                + body + b"\r\n--" + b + b"--\r\n")
    return HEAD + body


def html_mail(markup: str, words: str = WORDS) -> bytes:
    html = f"<html><body>{markup}<p>{words}</p></body></html>"
    return HEAD + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()


@pytest.mark.parametrize("depth", [1, 12, 40, MAX_DEPTH])
def test_nesting_within_bounds_keeps_the_readers_words(depth):
    mail = parse_message(nested(depth))
    assert mail.reply_text == WORDS
    assert triage(mail).kind is ReplyKind.REPLY


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 2000])
def test_nesting_beyond_reading_is_set_apart_with_the_reason_not_drafted_as_raw_mime(depth):
    mail = parse_message(nested(depth))
    verdict = triage(mail)
    assert verdict.kind is ReplyKind.OTHER
    assert verdict.reason.startswith("the reader's words cannot be read: ")
    assert "open it in your mail program" in verdict.reason
    assert "Content-Type" not in mail.body_text and "--b" not in mail.reply_text
    assert any(d.startswith(UNREADABLE) for d in mail.defects)
    assert mail.from_email == "ana@example.org" and mail.subject == "Re: #42"  # headers kept


@pytest.mark.parametrize("markup", [
    "<span></span>" * 20_000,  # 260k characters of empty tags before the words
    '<span style="color:red;font-family:Arial"> </span>' * 5_000,
    "<div>" * 50_000,  # deeper than the HTML parser reads
    "<div><font><span>" * 2_000,
])
def test_heavy_html_keeps_the_readers_words(markup):
    mail = parse_message(html_mail(markup))
    assert WORDS in mail.reply_text
    assert triage(mail).kind is ReplyKind.REPLY


def test_html_nested_beyond_its_containers_is_read_as_text():
    mail = parse_message(html_mail("<blockquote>" * 300 + "<p>x</p>" + "</blockquote>" * 300))
    assert WORDS in mail.body_text


def test_html_longer_than_the_bound_with_the_words_past_it_is_set_apart_with_the_reason():
    mail = parse_message(html_mail("<span></span>" * (MAX_HTML_CHARS // 13 + 10)))
    verdict = triage(mail)
    assert verdict.kind is ReplyKind.OTHER
    assert f"HTML longer than {MAX_HTML_CHARS} characters" in verdict.reason
