"""MaildirSource and MboxSource over real replies and mbox files from the shared corpora."""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import shutil
from pathlib import Path

import pytest

from inbox_agent.errors import MailboxError
from inbox_agent.intake.pull import pull
from inbox_agent.mail.local import MaildirSource, MboxSource, stable_uid
from inbox_agent.mail.source import too_large_reason
from inbox_agent.models import RunReport
from inbox_agent.wiring import make_source

MARKER = "X-Inbox-Agent-Draft"
MBOX_DIR = "mime/jstedfast_MimeKit/UnitTests/TestData/mbox"


@pytest.fixture
def replies(corpora: Path) -> list[bytes]:
    folder = corpora / "reply_fixtures/mailgun_talon/tests/fixtures/standard_replies"
    raws = [path.read_bytes() for path in sorted(folder.glob("*.eml"))]
    assert len(raws) >= 10
    return raws


@pytest.fixture
def maildir(tmp_path: Path, replies: list[bytes]) -> Path:
    """A Maildir as a delivery agent leaves it: half the replies in new/, half in cur/ (seen)."""
    path = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (path / sub).mkdir(parents=True)
    for n, raw in enumerate(replies):
        name = f"17000000{n:02d}.M{n}P1.host" + (":2,S" if n % 2 else "")
        (path / ("cur" if n % 2 else "new") / name).write_bytes(raw)
    return path


def snapshot(root: Path) -> dict[str, float]:
    """Every file under `root` with its mtime (names include Maildir flags)."""
    return {
        str(path.relative_to(root)): path.stat().st_mtime_ns
        for path in root.rglob("*")
        if path.is_file()
    }


def fetch_all(source) -> list:
    with source:
        return list(source.fetch("INBOX", source.uids("INBOX")))


def draft(body: str, marker: str | None) -> bytes:
    head = f"{MARKER}: {marker}\r\n" if marker else ""
    return f"{head}From: author@example.org\r\nSubject: Re: hi\r\n\r\n{body}\r\n".encode()


def test_maildir_fetch_yields_every_message_once_with_its_exact_bytes(maildir, replies):
    fetched = fetch_all(MaildirSource(maildir))
    assert sorted(mail.raw for mail in fetched) == sorted(replies)
    assert [mail.ref.uid for mail in fetched] == sorted(mail.ref.uid for mail in fetched)
    assert {mail.ref.account for mail in fetched} == {f"maildir:{maildir.absolute()}"}
    assert all(mail.ref.uidvalidity == 1 and mail.size == len(mail.raw) for mail in fetched)
    assert all(mail.internaldate and mail.internaldate.tzinfo for mail in fetched)


def test_maildir_uids_are_stable_across_reopen(maildir):
    with MaildirSource(maildir) as first:
        uids = first.uids("INBOX")
    with MaildirSource(maildir) as second:
        assert second.uids("INBOX") == uids
    assert len(set(uids)) == len(uids) and all(0 < uid < 2**56 for uid in uids)


def test_maildir_pull_changes_no_file_name_nor_mtime(maildir):
    before = snapshot(maildir)
    fetch_all(MaildirSource(maildir))
    assert snapshot(maildir) == before
    assert any(name.startswith("new/") for name in before)


def test_maildir_since_keeps_only_messages_delivered_on_or_after_the_date(maildir):
    old = next((maildir / "new").iterdir())
    stamp = dt.datetime(2020, 1, 1).timestamp()
    os.utime(old, (stamp, stamp))
    with MaildirSource(maildir) as source:
        everything = source.uids("INBOX")
        recent = source.uids("INBOX", since=dt.date(2021, 1, 1))
    assert set(everything) - set(recent) == {stable_uid(old.name.split(":")[0])}


@pytest.mark.parametrize(
    ("size", "cap", "reason"),
    [
        (1000, 10, None),
        (10 * 1024 * 1024, 10, None),
        (int(12.3 * 1024 * 1024), 10, "too large: 12.3 MB > 10 MB"),
        (3000, 0.001, "too large: 0.0 MB > 0.001 MB"),
    ],
)
def test_too_large_reason_names_size_and_cap(size, cap, reason):
    assert too_large_reason(size, cap) == reason


def test_maildir_message_over_the_cap_is_recorded_without_its_bytes(maildir, replies):
    cap_mb = (min(map(len, replies)) + 1) / (1024 * 1024)
    fetched = fetch_all(MaildirSource(maildir, max_message_mb=cap_mb))
    skipped = [mail for mail in fetched if mail.skip_reason]
    assert len(fetched) == len(replies) and len(skipped) == len(replies) - 1
    assert all(mail.raw is None and mail.skip_reason.startswith("too large") for mail in skipped)


@pytest.mark.parametrize("kind", [MaildirSource, MboxSource])
def test_missing_path_raises_mailbox_error_naming_the_path(tmp_path, kind):
    missing = tmp_path / "nowhere"
    with pytest.raises(MailboxError, match="nowhere") as caught, kind(missing):
        pass
    assert "config" in f"{caught.value} / {caught.value.hint}"


@pytest.mark.parametrize("kind", [MaildirSource, MboxSource])
def test_unknown_folder_is_refused(maildir, tmp_path, kind):
    path = maildir if kind is MaildirSource else tmp_path / "empty.mbox"
    path.touch()
    with kind(path) as source, pytest.raises(MailboxError, match="Sent"):
        source.uids("Sent")


def test_maildir_save_draft_replaces_only_our_marked_draft(maildir):
    drafts = maildir / ".Drafts"
    with MaildirSource(maildir) as source:
        source.save_draft(draft("first", "r1"), marker_header=MARKER, marker_value="r1")
        source.save_draft(draft("other", "r2"), marker_header=MARKER, marker_value="r2")
        mailbox.Maildir(drafts).add(draft("hand written", None))
        where = source.save_draft(draft("second", "r1"), marker_header=MARKER, marker_value="r1")
        inbox_uids = source.uids("INBOX")
    texts = sorted(m.get_payload().strip() for m in mailbox.Maildir(drafts))
    assert texts == ["hand written", "other", "second"]
    assert "Drafts" in where
    assert all("D" in m.get_flags() for m in mailbox.Maildir(drafts) if m[MARKER])
    assert len(inbox_uids) == len(list(mailbox.Maildir(maildir)))


def test_maildir_delete_drafts_counts_removed_drafts(maildir):
    with MaildirSource(maildir) as source:
        assert source.delete_drafts(MARKER, "r1") == 0
        source.save_draft(draft("a", "r1"), marker_header=MARKER, marker_value="r1")
        assert source.delete_drafts(MARKER, "r1") == 1
        assert source.delete_drafts(MARKER, "r1") == 0


@pytest.fixture
def mbox_copy(corpora: Path, tmp_path: Path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(corpora / MBOX_DIR / name, target)
        return target

    return copy


@pytest.mark.parametrize(("name", "count"), [("simple.mbox.txt", 3), ("issue1189.mbox.txt", 4)])
def test_mbox_fetch_yields_each_message_once_and_leaves_the_file_unchanged(mbox_copy, name, count):
    path = mbox_copy(name)
    before = path.read_bytes()
    fetched = fetch_all(MboxSource(path))
    assert len(fetched) == count == len({mail.ref.uid for mail in fetched})
    assert all(mail.raw and mail.raw in before.replace(b"\r\n", b"\n") for mail in fetched)
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["simple.mbox.txt", "issue1189.mbox.txt"])
def test_mbox_uids_are_stable_across_reopen(mbox_copy, name):
    path = mbox_copy(name)
    with MboxSource(path) as first:
        uids = first.uids("INBOX")
    with MboxSource(path) as second:
        assert second.uids("INBOX") == uids


def test_mbox_uid_comes_from_the_message_id(mbox_copy):
    with MboxSource(mbox_copy("issue1189.mbox.txt")) as source:
        uids = source.uids("INBOX")
    assert stable_uid("<f092d8d2-8781-469e-a1a6-c938087dc1f4@example.com>") in uids


def test_mbox_repeated_message_gets_distinct_uids(tmp_path):
    path = tmp_path / "dupes.mbox"
    box = mailbox.mbox(path)
    for _ in range(3):
        box.add(draft("same", None).replace(b"From:", b"Message-ID: <same@x>\r\nFrom:"))
    box.flush()
    fetched = fetch_all(MboxSource(path))
    assert len({mail.ref.uid for mail in fetched}) == 3


def test_mbox_save_draft_writes_a_sibling_drafts_mbox_and_replaces_our_draft(mbox_copy):
    path = mbox_copy("simple.mbox.txt")
    with MboxSource(path) as source:
        source.save_draft(draft("first", "r1"), marker_header=MARKER, marker_value="r1")
        source.save_draft(draft("keep", "r2"), marker_header=MARKER, marker_value="r2")
        where = source.save_draft(draft("second", "r1"), marker_header=MARKER, marker_value="r1")
        assert len(source.uids("INBOX")) == 3
    drafts = path.with_name("simple.mbox.txt.drafts")
    assert str(drafts) in where
    assert sorted(m.get_payload().strip() for m in mailbox.mbox(drafts)) == ["keep", "second"]


def test_maildir_dot_files_are_not_messages(maildir, replies):
    (maildir / "new" / ".gitkeep").write_bytes(b"")
    (maildir / "cur" / ".editor.swp").write_bytes(b"x")
    assert len(fetch_all(MaildirSource(maildir))) == len(replies)


def test_pull_since_last_issue_reads_only_mail_received_after_the_latest_issue(maildir, tmp_path):
    from inbox_agent.config import parse_config
    from inbox_agent.models import Issue
    from inbox_agent.store import db as store

    files = sorted(p for sub in ("new", "cur") for p in (maildir / sub).iterdir())
    for n, path in enumerate(files):  # half before the latest issue, half on or after it
        day = dt.datetime(2026, 6, 1 if n % 2 else 20, 9).timestamp()
        os.utime(path, (day, day))
    config = parse_config(
        {
            "author": {"email": "author@example.org"},
            "source": {"kind": "maildir", "path": str(maildir), "since": "last-issue"},
            "state": {"db": str(tmp_path / "state.db")},
        },
        tmp_path / "config.toml",
    )
    conn = store.connect(config.state.db)
    try:
        issues = [
            Issue("a", "Older issue", "text", 1, "2026-05-04"),
            Issue("b", "Latest issue", "text", 2, "2026-06-15"),
        ]
        with store.transaction(conn):
            store.replace_issues(conn, issues)
        report = RunReport()
        pull(config, conn, report, source=make_source(config))
    finally:
        conn.close()
    assert report.fetched == len(files) - len(files) // 2  # the ones dated June 20


@pytest.mark.parametrize("since", ["2026-06-01", "last-issue", ""])
def test_source_since_accepts_a_date_or_last_issue(tmp_path, since):
    from inbox_agent.config import parse_config

    raw = {"author": {"email": "a@example.org"}, "source": {"since": since}}
    assert parse_config(raw, tmp_path / "config.toml").source.since == since


@pytest.mark.parametrize("since", ["juin", "2026-13-01", "last issue"])
def test_source_since_typo_is_a_config_error_naming_the_choices(tmp_path, since):
    from inbox_agent.config import parse_config
    from inbox_agent.errors import ConfigError

    raw = {"author": {"email": "a@example.org"}, "source": {"since": since}}
    with pytest.raises(ConfigError, match="source.since must be a date like .*last-issue"):
        parse_config(raw, tmp_path / "config.toml")


def test_mail_skipped_as_too_large_is_read_once_the_cap_admits_it(tmp_path):
    from inbox_agent.config import parse_config
    from inbox_agent.review.queries import status
    from inbox_agent.store import db as store
    from tests.fixtures_dovecot import sample_reply

    maildir = tmp_path / "replies"
    box = mailbox.Maildir(maildir, create=True)
    for n in range(3):
        box.add(sample_reply(n, body_bytes=3000))

    def run_with(cap: float) -> RunReport:
        config = parse_config(
            {"author": {"email": "author@example.org"},
             "source": {"kind": "maildir", "path": str(maildir)},
             "imap": {"max_message_mb": cap}, "state": {"db": str(tmp_path / "state.db")}},
            tmp_path / "config.toml",
        )  # fmt: skip
        conn = store.connect(config.state.db)
        try:
            report = RunReport()
            pull(config, conn, report, source=make_source(config))
            return report
        finally:
            conn.close()

    first = run_with(0.001)
    assert (first.fetched, first.skipped, first.replies) == (3, 3, 0)
    config_path = tmp_path / "config.toml"
    config = parse_config({"author": {"email": "a@example.org"},
                           "state": {"db": str(tmp_path / "state.db")}}, config_path)
    assert status(config)["skipped"] == {"too large": 3}
    assert run_with(0.001).fetched == 0  # the same cap: nothing read twice
    raised = run_with(10)
    assert (raised.fetched, raised.skipped, raised.replies + raised.set_apart) == (3, 0, 3)
    assert status(config)["skipped"] == {}
    assert run_with(10).fetched == 0
