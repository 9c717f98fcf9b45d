"""Readers' data rights: export, forget (everywhere, no re-import), retention."""

from __future__ import annotations

import base64
import dataclasses
import json
import mailbox
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from langchain_core.embeddings import DeterministicFakeEmbedding

from inbox_agent import pipeline
from inbox_agent.cli.reader import reader
from inbox_agent.config import parse_config
from inbox_agent.privacy import forgotten, retention
from inbox_agent.privacy import readers as privacy
from inbox_agent.review import approve as review
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.store import db as store
from tests.support import ROOT

TARGET = "Marie.Curie@Example.org"
SECRET_WORDS = "radium-notebook-4471"  # appears only in the target reader's messages


def mail_bytes(
    n: int,
    sender: str,
    text: str,
    *,
    reply_to: str = "",
    date: datetime | None = None,
    subject: str = "Re: Issue #2",
) -> bytes:
    when = format_datetime(date or datetime(2026, 3, 2, 9, n % 60, tzinfo=UTC))
    head = [
        f"From: {sender}",
        "To: Author <author@example.org>",
        f"Subject: {subject}",
        f"Date: {when}",
        f"Message-ID: <m{n}@readers.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if reply_to:
        head.append(f"Reply-To: {reply_to}")
    return ("\r\n".join(head) + "\r\n\r\n" + text + "\r\n").encode()


def write_maildir(path: Path, raws: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in raws:
        box.add(raw)
    return path


def make_config(home: Path, maildir: Path, **sections):
    raw = {
        "author": {"email": "author@example.org", "name": "Author"},
        "source": {"kind": "maildir", "path": str(maildir)},
        "archive": {"path": str(ROOT / "examples/archive"), "kind": "markdown"},
    }
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return parse_config(raw, home / "config.toml")


def fake_index(config) -> ArchiveIndex:
    return ArchiveIndex(config.index, embeddings=DeterministicFakeEmbedding(size=64))


def reader_mails() -> list[bytes]:
    return [
        mail_bytes(
            1,
            "Marie Curie <marie.curie@example.org>",
            f"Merci pour le numéro sur le sommeil. Mon {SECRET_WORDS} en parle aussi.",
        ),
        mail_bytes(
            2,
            "Marie <marie@lab.example>",
            f"Another thought about focus and my {SECRET_WORDS}, thanks!",
            reply_to="MARIE.CURIE@example.org",
        ),
        mail_bytes(
            3,
            "Paul Other <paul@example.net>",
            "Thanks for the issue about remote work, it helped our team a lot.",
        ),
        mail_bytes(
            4,
            "Ana <ana@example.net>",
            "Une question : comment organisez-vous vos semaines de travail ?",
        ),
    ]


@pytest.fixture
def desk(tmp_path):
    """A config over a small Maildir, the archive imported, one run done (fake embeddings)."""
    maildir = write_maildir(tmp_path / "Maildir", reader_mails())
    config = make_config(tmp_path, maildir)
    index = fake_index(config)
    pipeline.import_archive(config, index=index)
    pipeline.run_once(config, index=index)
    return config, index


def count(config, sql: str, params: tuple = ()) -> int:
    conn = store.connect(config.state.db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def draft_ids_of(config, email: str) -> list[int]:
    conn = store.connect(config.state.db)
    try:
        ids = privacy.reader_reply_ids(conn, email)
        return [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM drafts WHERE reply_id IN ({','.join('?' * len(ids))})", ids
            )
        ]
    finally:
        conn.close()


# --- matching and export -------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", [TARGET, "marie.curie@example.org", " <MARIE.CURIE@EXAMPLE.ORG> "]
)
def test_reader_is_matched_by_from_and_reply_to_ignoring_case(desk, address):
    config, _ = desk
    conn = store.connect(config.state.db)
    try:
        ids = privacy.reader_reply_ids(conn, address)
        senders = {
            conn.execute("SELECT from_email FROM replies WHERE id=?", (i,)).fetchone()[0]
            for i in ids
        }
    finally:
        conn.close()
    assert senders == {"marie.curie@example.org", "marie@lab.example"}


def test_export_holds_replies_headers_drafts_tags_and_processed_rows(desk):
    config, _ = desk
    data = privacy.export_reader(config, TARGET)
    assert data["reader"] == "marie.curie@example.org"
    assert len(data["replies"]) == 2
    for reply in data["replies"]:
        assert SECRET_WORDS in reply["reply_text"]
        assert any(name == "Message-ID" for name, _ in reply["headers"])
        assert len(reply["drafts"]) == 1 and reply["drafts"][0]["final_text"]
        assert reply["tags"], "the run tags every reply"
        assert reply["quote_permission"] == "no"
        assert "raw_base64" not in reply and "raw" not in reply
    assert sorted(p["message_id"] for p in data["processed"]) == [
        "<m1@readers.example>",
        "<m2@readers.example>",
    ]
    json.dumps(data, default=str)  # JSON-ready


def test_export_with_raw_gives_the_original_bytes(desk):
    config, _ = desk
    data = privacy.export_reader(config, TARGET, include_raw=True)
    originals = {m.split(b"Message-ID: ")[1].split(b"\r\n")[0]: m for m in reader_mails()}
    for reply in data["replies"]:
        raw = base64.b64decode(reply["raw_base64"])
        assert raw == originals[reply["message_id"].encode()]


def test_export_of_an_unknown_reader_is_empty(desk):
    config, _ = desk
    data = privacy.export_reader(config, "nobody@example.org")
    assert data["replies"] == [] and data["processed"] == [] and data["style_memory"] == []


# --- forget -----------------------------------------------------------------------------------


def test_every_table_holding_a_reply_or_draft_id_is_covered_by_forget(tmp_path):
    conn = store.connect(tmp_path / "s.db")
    try:
        covered = {
            t
            for target in ("replies", "drafts")
            for t, _ in privacy.referencing_tables(conn, target)
        }
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        holding = {
            t
            for t in tables
            for col in conn.execute(f'PRAGMA table_info("{t}")')
            if col["name"] in ("reply_id", "draft_id")
        }
    finally:
        conn.close()
    assert holding <= covered, (
        f"tables without a foreign key, missed by forget: {holding - covered}"
    )


def test_forget_deletes_everywhere_and_reports_counts(desk):
    config, index = desk
    approved = draft_ids_of(config, TARGET)[0]
    review.approve(config, approved, "Merci Marie, à bientôt.", index=index)
    assert index.style_examples("sommeil", k=5)
    drafts_dir = config.source.drafts_path
    assert len(list(mailbox.Maildir(drafts_dir, create=False).iterkeys())) == 1
    others_before = count(config, "SELECT count(*) FROM replies")

    report = privacy.forget_reader(config, TARGET, index=index)

    assert report.deleted["state:replies"] == 2
    assert report.deleted["state:drafts"] == 2
    assert report.deleted["style memory"] == 1
    assert report.deleted["mailbox drafts"] == 1
    assert report.deleted["state:reply_tags"] >= 2
    assert report.deleted["state:reply_insights"] == 2
    assert report.deleted["state:processed (kept, anonymised)"] == 2
    assert "marie.curie@example.org" in report.summary()
    assert count(config, "SELECT count(*) FROM replies") == others_before - 2
    assert privacy.export_reader(config, TARGET)["replies"] == []
    assert list(mailbox.Maildir(drafts_dir, create=False).iterkeys()) == []
    assert index.style_examples("sommeil", k=5) == []


def test_forgotten_data_is_gone_from_the_state_database_file(desk):
    config, index = desk
    privacy.forget_reader(config, TARGET, index=index)
    db = Path(config.state.db)
    data = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for needle in (SECRET_WORDS, "marie.curie@example.org", "marie@lab.example", "m1@readers"):
        assert needle.encode() not in data.lower(), needle
    assert b"paul@example.net" in data  # other readers are untouched


def test_forgotten_messages_are_not_imported_again_by_the_next_run(desk):
    config, index = desk
    privacy.forget_reader(config, TARGET, index=index)
    again = pipeline.run_once(config, index=index)
    assert again.fetched == 0
    assert count(config, "SELECT count(*) FROM processed WHERE status='forgotten'") == 2
    assert (
        count(
            config,
            "SELECT count(*) FROM processed WHERE message_id LIKE '%readers%' "
            "AND status='forgotten'",
        )
        == 0
    )
    conn = store.connect(config.state.db)
    try:
        assert forgotten.is_forgotten(conn, "<m1@readers.example>")
        assert not forgotten.is_forgotten(conn, "<m3@readers.example>")
    finally:
        conn.close()


def test_forgotten_messages_stay_out_after_a_uidvalidity_change(desk):
    config, index = desk
    privacy.forget_reader(config, TARGET, index=index)
    conn = store.connect(config.state.db)
    try:  # the mailbox was rebuilt: every UID is new again
        conn.execute("UPDATE processed SET uidvalidity = uidvalidity + 1")
    finally:
        conn.close()
    again = pipeline.run_once(config, index=index)
    assert again.fetched > 0 and again.replies == 0
    assert (
        count(config, "SELECT count(*) FROM replies WHERE lower(from_email) = lower(?)", (TARGET,))
        == 0
    )


def test_forget_cleans_run_errors_of_the_readers_address(desk):
    config, index = desk
    conn = store.connect(config.state.db)
    try:
        run = store.start_run(conn, "run")
        store.finish_run(conn, run, {}, ["draft for MARIE.curie@example.org failed", "other"])
    finally:
        conn.close()
    privacy.forget_reader(config, TARGET, index=index)
    assert count(config, "SELECT count(*) FROM runs WHERE lower(errors) LIKE '%marie.curie%'") == 0


def test_forget_of_an_unknown_reader_deletes_nothing(desk):
    config, index = desk
    before = count(config, "SELECT count(*) FROM replies")
    report = privacy.forget_reader(config, "nobody@example.org", index=index)
    assert report.total == 0 and "nothing" in report.summary()
    assert count(config, "SELECT count(*) FROM replies") == before


def test_forget_keeps_the_database_when_the_mailbox_fails(desk):
    config, index = desk
    review.approve(config, draft_ids_of(config, TARGET)[0], "Merci !", index=index)

    class BrokenSource:
        def __enter__(self):
            from inbox_agent.errors import MailboxError

            raise MailboxError("the IMAP server refused the login")

        def __exit__(self, *exc):
            return None

    with pytest.raises(privacy.InboxAgentError, match="nothing was deleted"):
        privacy.forget_reader(config, TARGET, source=BrokenSource(), index=index)
    assert len(privacy.export_reader(config, TARGET)["replies"]) == 2


# --- retention ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 2, datetime(2025, 11, 15, tzinfo=UTC)),
        (datetime(2024, 12, 1, tzinfo=UTC), 12, datetime(2023, 12, 1, tzinfo=UTC)),
        (datetime(2024, 5, 31, tzinfo=UTC), 3, datetime(2024, 2, 29, tzinfo=UTC)),
    ],
)
def test_months_before_is_calendar_months(moment, months, expected):
    assert retention.months_before(moment, months) == expected


@pytest.mark.parametrize(("months", "deleted"), [(0, 0), (1, 2), (3, 1), (12, 0)])
def test_retention_deletes_replies_older_than_the_setting(tmp_path, months, deleted):
    now = datetime(2026, 6, 15, tzinfo=UTC)
    raws = [
        mail_bytes(
            1, "a@example.net", "Old message about sleep.", date=datetime(2026, 1, 5, tzinfo=UTC)
        ),
        mail_bytes(
            2, "b@example.net", "Recent-ish message.", date=datetime(2026, 4, 20, tzinfo=UTC)
        ),
        mail_bytes(
            3, "c@example.net", "Fresh message about work.", date=datetime(2026, 6, 1, tzinfo=UTC)
        ),
    ]
    config = make_config(
        tmp_path, write_maildir(tmp_path / "Maildir", raws), state={"retention_months": months}
    )
    index = fake_index(config)
    pipeline.import_archive(config, index=index)
    keep_all = dataclasses.replace(
        config, state=dataclasses.replace(config.state, retention_months=0)
    )
    pipeline.run_once(keep_all, index=index)
    conn = store.connect(config.state.db)
    try:
        counts = retention.apply_retention(config, conn, index=index, now=now)
    finally:
        conn.close()
    assert counts.get("state:replies", 0) == deleted
    assert count(config, "SELECT count(*) FROM replies") == 3 - deleted
    assert count(config, "SELECT count(*) FROM processed WHERE status='expired'") == deleted
    assert pipeline.run_once(config, index=index).fetched == 0


def test_retention_is_off_by_default(tmp_path):
    config = make_config(tmp_path, tmp_path)
    assert config.state.retention_months == 0


# --- command line --------------------------------------------------------------------------------


@pytest.fixture
def cli(desk, monkeypatch):
    config, _ = desk
    monkeypatch.setenv("INBOX_AGENT_CONFIG", str(config.path))
    (config.path).write_text(
        f'[author]\nemail = "author@example.org"\n[source]\npath = "{config.source.path}"\n'
        f'[archive]\npath = "{ROOT / "examples/archive"}"\n',
        encoding="utf-8",
    )
    return config


def invoke(args: list[str], **kw):
    return CliRunner().invoke(reader, args, obj={}, **kw)


def test_cli_export_prints_json(cli):
    result = invoke(["export", TARGET])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["replies"]) == 2


def test_cli_forget_asks_first_and_stops_on_no(cli):
    result = invoke(["forget", TARGET], input="n\n")
    assert result.exit_code != 0
    assert len(privacy.export_reader(cli, TARGET)["replies"]) == 2


def test_cli_forget_with_yes_deletes_and_says_what(cli):
    result = invoke(["forget", TARGET, "--yes"])
    assert result.exit_code == 0, result.output
    assert "state:replies: 2" in result.stdout
    assert privacy.export_reader(cli, TARGET)["replies"] == []


def test_cli_forget_of_an_unknown_reader_says_so(cli):
    result = invoke(["forget", "nobody@example.org", "--yes"])  # in the config's French
    assert result.exit_code == 0 and "rien n’est conservé sur nobody@example.org" in result.stdout


def test_cli_error_is_one_line_with_what_to_do(cli):
    result = invoke(["forget", "   ", "--yes"])
    assert result.exit_code == 1
    assert "give the reader's e-mail address" in result.stderr


def test_each_run_applies_the_retention_setting(tmp_path):
    raws = [
        mail_bytes(
            1, "a@example.net", "Old message about sleep.", date=datetime(2026, 1, 5, tzinfo=UTC)
        )
    ]
    config = make_config(
        tmp_path, write_maildir(tmp_path / "Maildir", raws), state={"retention_months": 1}
    )
    index = fake_index(config)
    pipeline.import_archive(config, index=index)
    pipeline.run_once(config, index=index)
    assert count(config, "SELECT count(*) FROM replies") == 0
    assert count(config, "SELECT count(*) FROM processed WHERE status='expired'") == 1
