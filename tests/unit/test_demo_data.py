"""Demo data in examples/: archive front matter, the reader-replies Maildir, its ground truth."""

from __future__ import annotations

import collections
import datetime as dt
import email
import email.policy
import functools
import importlib.util
import json
import mailbox
import re
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT

EXAMPLES = ROOT / "examples"
ARCHIVE = EXAMPLES / "archive"
MAILDIR = EXAMPLES / "replies"
AUTHOR = "camille@atelier-du-futur.example"
REQUIRED_KEYS = {"number", "title", "date", "url", "tags", "message_id", "language"}
RECORD_KEYS = {"file", "from", "language", "kind", "client", "intent", "issue", "reply_text"}
KINDS = {"reply", "auto_reply", "bounce", "unsubscribe"}
INTENTS = {"question", "thanks", "disagreement", "idea", "story", "correction", "other"}
MAIL_FILES = sorted(p for p in (MAILDIR / "new").glob("*") if not p.name.startswith("."))
RECORDS = [json.loads(line) for line in
           (EXAMPLES / "replies.jsonl").read_text(encoding="utf-8").splitlines()]


def front_matter(path: Path) -> dict:
    _, front, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front)


def body_of(path: Path) -> str:
    _, _, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return body


ISSUES = {front_matter(p)["number"]: front_matter(p) for p in sorted(ARCHIVE.glob("*.md"))}


@functools.cache
def parse(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def defects(msg: EmailMessage) -> list[str]:
    found = []
    for part in msg.walk():
        found += [type(d).__name__ for d in part.defects]
        for name, value in part.items():
            found += [f"{name}: {type(d).__name__}" for d in getattr(value, "defects", ())]
    return found


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def visible_text(msg: EmailMessage) -> str:
    """Every text part decoded, HTML reduced to its text."""
    out = []
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        text = part.get_content()
        if part.get_content_subtype() == "html":
            parser = _Text()
            parser.feed(text)
            text = " ".join(parser.chunks)
        out.append(text)
    return "\n".join(out)


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(word in it for word in needle)


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("make_replies", EXAMPLES / "make_replies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- archive ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(ARCHIVE.glob("*.md")), ids=lambda p: p.stem)
def test_archive_issue_has_complete_front_matter(path):
    meta = front_matter(path)
    assert meta.keys() >= REQUIRED_KEYS
    assert isinstance(meta["number"], int) and f"#{meta['number']}" in meta["title"]
    assert path.name.startswith(f"{meta['number']}-")
    assert isinstance(meta["date"], dt.date) and meta["date"].weekday() == 0  # a Monday
    assert re.fullmatch(r"https://atelier-du-futur\.example/p/[a-z0-9-]+", meta["url"])
    assert meta["message_id"] == f"<atelier-{meta['number']}@atelier-du-futur.example>"
    assert meta["language"] in {"fr", "en"}
    assert isinstance(meta["tags"], list) and meta["tags"]


@pytest.mark.parametrize("path", sorted(ARCHIVE.glob("*.md")), ids=lambda p: p.stem)
def test_archive_issue_has_substantial_sectioned_text(path):
    body = body_of(path)
    assert 400 <= len(body.split()) <= 900
    assert len(re.findall(r"^## \S", body, flags=re.M)) >= 3
    assert re.search(r"^## (Les news|News)$", body, flags=re.M)


def test_archive_numbers_are_unique_and_fortnightly():
    metas = [front_matter(p) for p in sorted(ARCHIVE.glob("*.md"))]
    numbers = sorted(m["number"] for m in metas)
    assert len(numbers) >= 14 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    dates = [ISSUES[n]["date"] for n in numbers]
    assert all((b - a).days == 14 for a, b in zip(dates, dates[1:], strict=False))
    assert len({m["url"] for m in metas}) == len(metas)
    assert 1 <= sum(m["language"] == "en" for m in metas) <= 2


# --- the Maildir -----------------------------------------------------------------------------

def test_generated_files_match_the_generator(generator):
    assert generator.stale(generator.build()) == []


def test_maildir_has_the_three_folders_and_unique_names():
    assert (MAILDIR / "tmp" / ".gitkeep").is_file() and (MAILDIR / "cur" / ".gitkeep").is_file()
    assert len(MAIL_FILES) >= 32
    assert all(re.fullmatch(r"\d{10}\.M\d+P\d+\.demo", p.name) for p in MAIL_FILES)
    # Maildir names never start with a dot; mailbox.Maildir still lists cur/.gitkeep, so
    # readers must skip dot files themselves.
    box = mailbox.Maildir(MAILDIR, factory=None, create=False)
    keys = sorted(k for k in box.iterkeys() if not k.startswith("."))
    assert keys == [p.name for p in MAIL_FILES]


@pytest.mark.parametrize("path", MAIL_FILES, ids=lambda p: p.name)
def test_reply_parses_without_defects(path):
    msg = parse(path)
    assert defects(msg) == []
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"):
        assert msg[name], name
    assert msg["To"].addresses[0].addr_spec == AUTHOR
    assert msg["Date"].datetime.tzinfo is not None
    assert msg.get_content_charset() or msg.is_multipart()


def test_jsonl_covers_every_mail_file_and_nothing_else():
    assert sorted(r["file"] for r in RECORDS) == sorted(f"new/{p.name}" for p in MAIL_FILES)
    assert all(r.keys() >= RECORD_KEYS for r in RECORDS)


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["file"])
def test_record_agrees_with_its_message(rec):
    msg = parse(MAILDIR / rec["file"])
    assert rec["kind"] in KINDS and rec["intent"] in INTENTS
    assert msg["From"].addresses[0].addr_spec == rec["from"]
    reply_to = msg["Reply-To"].addresses[0].addr_spec if msg["Reply-To"] else rec["from"]
    assert rec["reply_to"] == reply_to
    assert str(msg["Subject"]) == rec["subject"] and str(msg["Message-ID"]) == rec["message_id"]
    for number in (rec["issue"], rec["related_issue"]):
        assert number is None or number in ISSUES
    if msg["In-Reply-To"]:
        assert str(msg["In-Reply-To"]) == ISSUES[rec["issue"]]["message_id"]
    if rec["issue"] is not None:
        sent = dt.datetime.combine(ISSUES[rec["issue"]]["date"], dt.time(7, 30))
        delay = msg["Date"].datetime.replace(tzinfo=None) - sent
        assert dt.timedelta(0) < delay < dt.timedelta(days=14)


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r["file"])
def test_reply_text_is_the_readers_words_in_the_body(rec):
    words = rec["reply_text"].split()
    body = visible_text(parse(MAILDIR / rec["file"])).split()
    assert words and is_subsequence(words, body)
    if rec["kind"] == "reply" and rec["issue"] is not None and "interleaved_quotes" not in rec[
            "traits"]:
        title = ISSUES[rec["issue"]]["title"]
        assert title not in rec["reply_text"]  # the quoted newsletter is not the reader's
        assert " ".join(title.split()) in " ".join(body)  # but it is quoted in the mail
    if rec["signature"]:
        assert " ".join(body).count(rec["signature"]) >= 1
        assert not rec["reply_text"].endswith(rec["signature"])


# --- the required mix ------------------------------------------------------------------------

def count(pred) -> int:
    return sum(1 for rec in RECORDS if pred(rec))


def raw(rec: dict) -> str:
    return visible_text(parse(MAILDIR / rec["file"]))


MIX = [
    ("French readers", lambda r: r["language"] == "fr", 20),
    ("English readers", lambda r: r["language"] == "en", 6),
    ("another language", lambda r: r["language"] not in {"fr", "en"}, 1),
    ("French tutoiement", lambda r: r.get("register") == "tu", 3),
    ("French vouvoiement", lambda r: r.get("register") == "vous", 3),
    ("French auto-reply", lambda r: r["kind"] == "auto_reply" and r["language"] == "fr", 1),
    ("English auto-reply", lambda r: r["kind"] == "auto_reply" and r["language"] == "en", 1),
    ("bounce", lambda r: r["kind"] == "bounce", 1),
    ("French unsubscribe", lambda r: r["kind"] == "unsubscribe" and r["language"] == "fr", 1),
    ("English unsubscribe", lambda r: r["kind"] == "unsubscribe" and r["language"] == "en", 1),
    ("older issue answers", lambda r: (r["related_issue"] or 99) < (r["issue"] or 0), 5),
    ("question", lambda r: r["intent"] == "question", 8),
    ("thanks", lambda r: r["intent"] == "thanks", 1),
    ("disagreement", lambda r: r["intent"] == "disagreement", 1),
    ("idea", lambda r: r["intent"] == "idea", 1),
    ("story", lambda r: r["intent"] == "story", 1),
    ("correction", lambda r: r["intent"] == "correction", 1),
    ("reply to #42-#44", lambda r: r["issue"] in {42, 43, 44}, 25),
    ("reply to an older issue", lambda r: r["issue"] is not None and r["issue"] < 42, 3),
    ("no issue reference", lambda r: r["issue"] is None, 1),
    ("Reply-To differs", lambda r: r["reply_to"] != r["from"], 1),
    ("prompt injection", lambda r: "Ignore tes instructions précédentes" in r["reply_text"], 1),
    ("Gmail", lambda r: r["client"] == "gmail", 5),
    ("Outlook desktop", lambda r: r["client"] == "outlook", 3),
    ("Outlook mobile", lambda r: r["client"] == "outlook_ios", 1),
    ("Apple Mail", lambda r: r["client"] == "apple_mail", 2),
    ("Thunderbird", lambda r: r["client"] == "thunderbird", 2),
    ("signature after -- ", lambda r: "\n-- \n" in raw(r), 3),
    ("signature without -- ", lambda r: r["signature"] and "\n-- \n" not in raw(r), 3),
]


@pytest.mark.parametrize(("what", "pred", "minimum"), MIX, ids=[m[0] for m in MIX])
def test_demo_mix_contains_enough(what, pred, minimum):
    assert count(pred) >= minimum, what


@pytest.mark.parametrize("marker", [
    r"^Le (lun|mar|mer|jeu|ven)\. \d+ \S+ \d{4} à \d\d:\d\d, Camille Durand <",
    r"^On (Mon|Tue|Wed|Thu|Fri), \w{3} \d+, \d{4} at \d+:\d\d.(AM|PM) Camille Durand <.*wrote:$",
    r"^-----Message d'origine-----$",
    r"^De : Camille Durand <[^>]+>\nEnvoyé : .*\nÀ : .*\nObjet : ",
    r"^Obtenir Outlook pour iOS",
    r"^> Le \d+ \S+ \d{4} à \d\d:\d\d, Camille Durand <[^>]+> a écrit :$",
    r"^Envoyé de mon iPhone$",
    r"^Le \d\d/\d\d/\d{4} à \d\d:\d\d, Camille Durand a écrit :\n>",
])
def test_each_client_quoting_style_is_present(marker):
    assert any(re.search(marker, raw(rec), flags=re.M) for rec in RECORDS), marker


def test_french_share_is_about_two_thirds():
    share = count(lambda r: r["language"] == "fr") / len(RECORDS)
    assert 0.55 <= share <= 0.8


def test_some_topic_recurs_across_readers():
    topics = collections.Counter(r["topic"] for r in RECORDS if r["kind"] == "reply")
    assert sum(1 for n in topics.values() if n >= 4) >= 2


def content_types(rec: dict) -> list[str]:
    return [part.get_content_type() for part in parse(MAILDIR / rec["file"]).walk()]


@pytest.mark.parametrize(("structure", "check", "expected"), [
    ("HTML only", lambda types: types == ["text/html"], 1),
    ("multipart/alternative", lambda types: types[0] == "multipart/alternative", 1),
    ("delivery report", lambda types: types[0] == "multipart/report"
     and "message/delivery-status" in types, 1),
])
def test_mime_structures_are_present(structure, check, expected):
    assert count(lambda r: check(content_types(r))) == expected, structure


def test_one_reply_carries_a_small_attachment():
    found = [part for rec in RECORDS for part in parse(MAILDIR / rec["file"]).walk()
             if part.get_content_disposition() == "attachment"]
    assert len(found) == 1
    assert 0 < len(found[0].get_content()) < 2000 and found[0].get_filename()


@pytest.mark.parametrize(("language", "subject_start"), [
    ("fr", "Réponse automatique : "), ("en", "Out of Office")])
def test_auto_replies_say_so_in_headers(language, subject_start):
    recs = [r for r in RECORDS if r["kind"] == "auto_reply" and r["language"] == language]
    for rec in recs:
        msg = parse(MAILDIR / rec["file"])
        assert msg["Auto-Submitted"] == "auto-replied"
        assert str(msg["Subject"]).startswith(subject_start)
    assert recs


def test_bounce_comes_from_the_mailer_daemon_with_an_empty_return_path():
    (rec,) = [r for r in RECORDS if r["kind"] == "bounce"]
    msg = parse(MAILDIR / rec["file"])
    assert rec["from"].upper().startswith("MAILER-DAEMON@")
    assert msg["Return-Path"] == "<>" and msg.get_param("report-type") == "delivery-status"


@pytest.mark.parametrize("encoding", ["quoted-printable", "8bit", "base64"])
def test_accented_bodies_use_several_transfer_encodings(encoding):
    used = [part["Content-Transfer-Encoding"] for rec in RECORDS if rec["language"] == "fr"
            for part in parse(MAILDIR / rec["file"]).walk() if not part.is_multipart()]
    assert encoding in used
