"""review: approve into Drafts (Maildir and a real Dovecot), edits, skip, ideas, quick thanks,
style memory and edit statistics. `make_env` is shared with the web and browser tests."""

from __future__ import annotations

import contextlib
import mailbox
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from inbox_agent import pipeline, wiring
from inbox_agent.config import Config, parse_config
from inbox_agent.errors import InboxAgentError, LockBusy
from inbox_agent.intake.pull import pull
from inbox_agent.mail import compose
from inbox_agent.review import approve as review
from inbox_agent.search.index import ArchiveIndex
from inbox_agent.store import db as store
from inbox_agent.store.lock import instance_lock, mailbox_lock
from tests.support import ROOT

AUTHOR = "camille@atelier-du-futur.example"


def mail(n: int, sender: str, subject: str, body: str, extra: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: Camille Durand <{AUTHOR}>\r\nSubject: {subject}\r\n"
        f"Date: Mon, 2 Mar 2026 09:{n:02d}:00 +0100\r\nMessage-ID: <m{n}@reader.example>\r\n"
        "In-Reply-To: <atelier-38@atelier-du-futur.example>\r\n"
        f"References: <atelier-38@atelier-du-futur.example>\r\n{extra}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n"
    ).encode()


XSS_BODY = (
    "Hello,\n\n<script>window.__pwned=1;document.title='pwned'</script>\n"
    '<img src=x onerror="window.__pwned=2"> <a href="javascript:window.__pwned=3">click</a>\n'
    "<style>body{display:none}</style> <svg onload=\"window.__pwned=4\"></svg>\n"
    '"><iframe src="javascript:parent.__pwned=5"></iframe>\nWhy do you say that?\n\nEve'
)
THANKS = mail(1, "Marie Dupont <marie@reader.example>", "Re: L'Atelier du Futur #38",
              "Bonjour Camille,\n\nMerci beaucoup pour ce numéro, je l'ai adoré !\n\nMarie")
QUESTION = mail(2, "Tom Baker <tom@reader.example>", "Re: L'Atelier du Futur #38",
                "Hi Camille,\n\nHow do you decide which meetings to cancel? My team argues "
                "about it every week and I would love your method.\n\nTom",
                extra="Reply-To: Tom B <tom.b@other.example>\r\n")
THANKS_2 = mail(3, "Jean Martin <jean@reader.example>", "RE: Re: L'Atelier du Futur #38",
                "Merci Camille, super numéro comme toujours.\n\nJean")
XSS = mail(4, '"<img src=x onerror=window.__pwned=6>" <eve@reader.example>',
           "Re: <script>window.__pwned=7</script>", XSS_BODY)
REPLIES = [THANKS, QUESTION, THANKS_2, XSS]


@dataclass
class Env:
    config: Config
    index: ArchiveIndex
    source_factory: object
    drafts_path: Path

    def draft_id(self, message_id: str) -> int:
        conn = store.connect(self.config.state.db)
        try:
            row = conn.execute(
                "SELECT d.id FROM drafts d JOIN replies r ON r.id = d.reply_id "
                "WHERE r.message_id = ?", (message_id,)).fetchone()
        finally:
            conn.close()
        return int(row[0])

    def row(self, draft_id: int):
        conn = store.connect(self.config.state.db)
        try:
            return store.get_draft(conn, draft_id)
        finally:
            conn.close()


def make_env(tmp_path: Path, replies: list[bytes] = REPLIES, imap_user=None, **send) -> Env:
    """A config over a Maildir (or a Dovecot account) of `replies`, triaged and drafted with
    an archive index on fake embeddings."""
    maildir = tmp_path / "replies"
    box = mailbox.Maildir(maildir, create=True)
    drafts = tmp_path / "drafts"
    raw = {
        "author": {"name": "Camille Durand", "email": AUTHOR, "signature": "Camille"},
        "source": {"kind": "maildir", "path": str(maildir), "drafts_path": str(drafts)},
        "state": {"db": str(tmp_path / "state.db")},
        "index": {"path": str(tmp_path / "vectorstore")},
        "send": {"quote_original": True, **send},
    }
    config = parse_config(raw, tmp_path / "config.toml")
    if imap_user is None:
        for message in replies:
            box.add(message)

        def factory():
            return wiring.make_source(config)
    else:
        from inbox_agent.mail.imap import ImapSource

        for message in replies:
            imap_user.append("INBOX", message)

        def factory():
            return ImapSource(imap_user.settings(), lambda: imap_user.password)
    index = ArchiveIndex(config.index, embeddings=DeterministicFakeEmbedding(size=32))
    pipeline.import_archive(config, ROOT / "examples/archive", "markdown", index=index)
    pipeline.run_once(config, source=factory(), index=index)
    return Env(config, index, factory, drafts)


@pytest.fixture
def env(tmp_path) -> Env:
    return make_env(tmp_path)


def local_drafts(env: Env) -> list:
    box = mailbox.Maildir(env.drafts_path, create=False)
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in box]


def test_approve_saves_a_threaded_reply_in_the_local_drafts(env):
    draft_id = env.draft_id("<m1@reader.example>")
    result = review.approve(env.config, draft_id, source=env.source_factory(), index=env.index)
    [saved] = local_drafts(env)
    assert saved["In-Reply-To"] == "<m1@reader.example>"
    assert saved["References"].split() == ["<atelier-38@atelier-du-futur.example>",
                                           "<m1@reader.example>"]
    assert saved["Subject"] == "Re: L'Atelier du Futur #38"
    assert saved["To"].addresses[0].addr_spec == "marie@reader.example"
    assert saved[compose.MARKER_HEADER] == compose.marker_value(draft_id, "<m1@reader.example>")
    row = env.row(draft_id)
    assert row["status"] == "approved" and row["destination"] == result.destination
    assert "Marie" in saved.get_content() and "> Merci beaucoup" in saved.get_content()


def test_reply_goes_to_the_reply_to_address(env):
    draft_id = env.draft_id("<m2@reader.example>")
    review.approve(env.config, draft_id, "Hi Tom,\n\nI cancel the ones without an agenda.",
                   source=env.source_factory(), index=env.index)
    [saved] = local_drafts(env)
    assert saved["To"].addresses[0].addr_spec == "tom.b@other.example"


def test_edit_then_approve_again_replaces_our_draft_and_keeps_both_texts(env):
    draft_id = env.draft_id("<m1@reader.example>")
    generated = env.row(draft_id)["generated_text"]
    review.approve(env.config, draft_id, source=env.source_factory(), index=env.index)
    review.save_edit(env.config, draft_id, "Merci Marie, à bientôt !")
    review.approve(env.config, draft_id, source=env.source_factory(), index=env.index)
    [saved] = local_drafts(env)
    assert saved.get_content().startswith("Merci Marie, à bientôt !")
    row = env.row(draft_id)
    assert (row["generated_text"], row["final_text"]) == (generated, "Merci Marie, à bientôt !")


@pytest.mark.parametrize("text", ["Hi Tom,\n\n[TO FILL: your method]\n", "  \n"])
def test_incomplete_or_empty_draft_is_refused(env, text):
    draft_id = env.draft_id("<m2@reader.example>")
    with pytest.raises(InboxAgentError, match="TO FILL|empty"):
        review.approve(env.config, draft_id, text, source=env.source_factory())
    assert env.row(draft_id)["status"] == "pending"
    assert not env.drafts_path.exists() or not local_drafts(env)


def test_skip_after_approval_removes_our_draft(env):
    draft_id = env.draft_id("<m1@reader.example>")
    review.approve(env.config, draft_id, source=env.source_factory(), index=env.index)
    review.skip(env.config, draft_id, source=env.source_factory())
    assert local_drafts(env) == []
    assert env.row(draft_id)["status"] == "skipped"


def test_quick_thanks_lane_holds_only_short_complete_thanks(env):
    lane = {row["message_id"] for row in review.quick_thanks(env.config)}
    assert lane == {"<m1@reader.example>", "<m3@reader.example>"}


def _set(env: Env, draft_id: int, **columns) -> None:
    conn = store.connect(env.config.state.db)
    try:
        with store.transaction(conn):
            for column, value in columns.items():
                conn.execute(f"UPDATE drafts SET {column}=? WHERE id=?", (value, draft_id))
    finally:
        conn.close()


@pytest.mark.parametrize(
    "change",
    [
        {"flags": '["the reader\'s message tries to instruct the assistant: check it"]'},
        {"drafter": "openai:gpt-4o-mini"},
        {"final_text": "Merci Marie !\n\nTout est sur www.evil.example/b\n\nCamille"},
        {"final_text": "Merci Marie ! Écris à pirate (at) evil (dot) example.\n\nCamille"},
    ],
    ids=["flagged", "model", "foreign-link", "spelled-link"],
)
def test_a_draft_to_check_never_enters_the_quick_thanks_lane(env, change):
    draft_id = env.draft_id("<m1@reader.example>")
    _set(env, draft_id, **change)
    lane = {row["id"] for row in review.quick_thanks(env.config)}
    assert draft_id not in lane and env.draft_id("<m3@reader.example>") in lane
    report = review.approve_quick_thanks(env.config, [draft_id], source=env.source_factory())
    assert report.approved == [] and env.row(draft_id)["status"] == "pending"


def test_batch_approval_of_quick_thanks_writes_one_draft_each(env):
    report = review.approve_quick_thanks(env.config, source=env.source_factory(),
                                         index=env.index)
    assert not report.errors and len(report.approved) == 2
    assert sorted(m["In-Reply-To"] for m in local_drafts(env)) == [
        "<m1@reader.example>", "<m3@reader.example>"]
    assert review.quick_thanks(env.config) == []


def test_approved_reply_joins_the_style_memory(env):
    draft_id = env.draft_id("<m1@reader.example>")
    review.approve(env.config, draft_id, "Merci Marie !", source=env.source_factory(),
                   index=env.index)
    examples = env.index.style_examples("Merci beaucoup pour ce numéro", k=5)
    assert [e["reply_text"] for e in examples] == ["Merci Marie !"]


def test_marking_an_idea_is_reversible(env):
    draft_id = env.draft_id("<m2@reader.example>")
    review.mark_idea(env.config, draft_id)
    assert env.row(draft_id)["marked_idea"] == 1
    review.mark_idea(env.config, draft_id, False)
    assert env.row(draft_id)["marked_idea"] == 0


def test_edit_statistics_give_the_mean_similarity_per_week(env):
    texts = {"<m1@reader.example>": None, "<m3@reader.example>": "Merci Jean !"}
    expected = []
    for message_id, text in texts.items():
        draft_id = env.draft_id(message_id)
        row = env.row(draft_id)
        expected.append(review.similarity(row["generated_text"], text or row["final_text"]))
        review.approve(env.config, draft_id, text, source=env.source_factory(), index=env.index)
    [week] = review.edit_stats(env.config)
    year, number, _ = datetime.now(UTC).isocalendar()
    assert week["week"] == f"{year}-W{number:02d}" and week["approved"] == 2
    assert week["unchanged"] == 1
    assert week["mean_similarity"] == pytest.approx(sum(expected) / 2, abs=1e-3)
    assert expected[1] < 0.9


def test_smtp_mode_without_a_server_says_what_to_set(tmp_path):
    with pytest.raises(InboxAgentError, match="smtp_host"):  # at load, before any draft
        make_env(tmp_path, [THANKS], mode="smtp")


# --- a real IMAP server ----------------------------------------------------------------------


# --- the command line ------------------------------------------------------------------------


def write_config(env: Env) -> Path:
    """The env's settings as a config.toml for the CLI."""
    c = env.config
    path = c.path.parent / "cli-config.toml"
    path.write_text(
        f'[author]\nname = "{c.author.name}"\nemail = "{c.author.email}"\n'
        f'[source]\nkind = "maildir"\npath = "{c.source.path}"\n'
        f'drafts_path = "{c.source.drafts_path}"\n'
        f'[state]\ndb = "{c.state.db}"\n[index]\npath = "{c.index.path}"\n',
        encoding="utf-8",
    )
    return path


def test_cli_edit_approve_and_skip(env, monkeypatch):
    from click.testing import CliRunner

    from inbox_agent.cli.main import main

    config = str(write_config(env))
    first, second = env.draft_id("<m2@reader.example>"), env.draft_id("<m1@reader.example>")
    monkeypatch.setenv("EDITOR", "sed -i -e 's/\\[TO FILL:[^]]*\\]/Agenda first./'")
    runner = CliRunner()
    edited = runner.invoke(main, ["--config", config, "drafts", "edit", str(first)])
    assert edited.exit_code == 0, edited.output
    assert "Agenda first." in env.row(first)["final_text"]
    approved = runner.invoke(main, ["--config", config, "drafts", "approve", str(first)])
    assert approved.exit_code == 0, approved.output
    assert "Maildir drafts" in approved.output
    assert [m["In-Reply-To"] for m in local_drafts(env)] == ["<m2@reader.example>"]
    skipped = runner.invoke(main, ["--config", config, "drafts", "skip", str(second)])
    assert skipped.exit_code == 0 and env.row(second)["status"] == "skipped"
    missing = runner.invoke(main, ["--config", config, "drafts", "approve", "999"])
    assert missing.exit_code == 1 and "drafts list" in missing.output


@contextlib.contextmanager
def held_elsewhere(lock):
    """Hold `lock` in another thread (as a pass or another approval would) for the block."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            taken.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def test_approval_goes_through_while_a_pass_is_drafting(env):
    draft_id = env.draft_id("<m1@reader.example>")
    with held_elsewhere(instance_lock(env.config, command="inbox-agent worker")):
        approval = review.approve(env.config, draft_id, "Merci Marie !",
                                  source=env.source_factory(), index=env.index)
    assert approval.destination and env.row(draft_id)["status"] == "approved"


def test_a_busy_mailbox_says_to_try_again_never_a_command_line_flag(env, monkeypatch):
    monkeypatch.setattr(review, "APPROVAL_WAIT_SECONDS", 0.2)
    draft_id = env.draft_id("<m1@reader.example>")
    with held_elsewhere(mailbox_lock(env.config, command="inbox-agent run")), pytest.raises(
        LockBusy, match="writing to the mailbox: try again in a moment"
    ) as caught:
        review.approve(env.config, draft_id, "Merci Marie !", source=env.source_factory())
    assert "--wait" not in str(caught.value) and env.row(draft_id)["status"] == "pending"


def test_a_pass_holds_the_mailbox_only_while_it_pulls(env, monkeypatch):
    """Drafting runs without the mailbox lock: an approval could take it meanwhile."""
    seen = []
    draft_for = pipeline.draft_for

    def free_elsewhere() -> bool:
        got = []
        thread = threading.Thread(target=lambda: got.append(_try(env.config)))
        thread.start()
        thread.join(10)
        return got == [True]

    def pulling(*args, **kwargs):
        seen.append(("pull holds it", not free_elsewhere()))
        return pull(*args, **kwargs)

    def drafting(*args, **kwargs):
        seen.append(free_elsewhere())
        return draft_for(*args, **kwargs)

    monkeypatch.setattr(pipeline, "pull", pulling)
    monkeypatch.setattr(pipeline, "draft_for", drafting)
    new = mail(7, "Léa <lea@r.example>", "Re: #38", "Une question : comment faire ?")
    mailbox.Maildir(env.config.source.path, create=False).add(new)
    pipeline.run_once(env.config, source=env.source_factory(), index=env.index)
    assert seen[0] == ("pull holds it", True)
    assert seen[1:] == [True]  # one new reply drafted, with the mailbox free


def _try(config) -> bool:
    try:
        with mailbox_lock(config, wait=0):
            return True
    except LockBusy:
        return False


def test_a_reader_address_beyond_ascii_is_approved_without_a_traceback(tmp_path):
    andre = mail(8, "André <andré@exemple.fr>", "Re: #38", "Merci pour le billet !")
    env = make_env(tmp_path, [andre])
    draft_id = env.draft_id("<m8@reader.example>")
    review.approve(env.config, draft_id, "Merci André !", source=env.source_factory())
    [saved] = local_drafts(env)
    to = str(saved["To"]).encode("utf-8", "surrogateescape").decode("utf-8")
    assert to == "André <andré@exemple.fr>" and env.row(draft_id)["status"] == "approved"
