"""Every command against odd filesystem states: one line that says what is wrong (and at most
a hint line), a documented exit code, never a traceback.

Exit codes (docs/cli.md): 0 done, 1 could not be done (the line says why), 2 a config or usage
mistake, 3 another inbox-agent process holds the lock.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox_agent.cli.main import main
from inbox_agent.config import load_config
from inbox_agent.review import approve as review
from tests.support import ROOT

COMMANDS = [
    ["run"], ["other"], ["status"], ["doctor"], ["drafts", "list"], ["drafts", "show", "1"],
    ["drafts", "approve", "1"], ["drafts", "skip", "1"], ["archive", "import"],
    ["archive", "search", "travail"], ["archive", "list"], ["archive", "reindex"], ["topics"],
    ["tags", "show", "1"], ["reader", "export", "a@example.org"],
    ["reader", "forget", "a@example.org", "--yes"],
]
MAIL_COMMANDS = [["run"], ["doctor"], ["status"]]
EXIT_CODES = {0, 1, 2, 3}


def small_setup(folder: Path) -> Path:
    """A config over a two-message Maildir and a two-issue archive, inside `folder`."""
    replies = folder / "replies"
    for sub in ("cur", "new", "tmp"):
        (replies / sub).mkdir(parents=True)
    for message in sorted((ROOT / "examples/replies/new").iterdir())[:2]:
        shutil.copy(message, replies / "new" / message.name)
    (folder / "archive").mkdir()
    for issue in sorted((ROOT / "examples/archive").glob("*.md"))[:2]:
        shutil.copy(issue, folder / "archive" / issue.name)
    config = folder / "config.toml"
    config.write_text('[author]\nemail = "me@example.org"\n[source]\npath = "replies"\n'
                      '[archive]\npath = "archive"\n', encoding="utf-8")
    return config


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create anything in: read-only by mode, or /sys for root
    (whom modes do not stop)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o500)
        return folder
    folder = Path("/sys/kernel")
    try:
        (folder / "inbox-agent-probe").mkdir()
    except OSError:
        return folder
    pytest.skip("no read-only folder on this machine")  # pragma: no cover


def corrupt_database(path: Path) -> None:
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    conn.commit()
    conn.close()
    raw = bytearray(path.read_bytes())
    raw[100:4000] = b"\xff" * 3900  # the header stays: it still looks like SQLite
    path.write_bytes(bytes(raw))


def odd_state(name: str, tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """(config path, environment, what the error line must say) for one odd state."""
    config = small_setup(tmp_path)
    env = {"INBOX_AGENT_HOME": str(tmp_path)}
    if name == "home-is-a-file":
        (tmp_path / "afile").write_text("x")
        return config, {"INBOX_AGENT_HOME": str(tmp_path / "afile")}, "is a file, not a folder"
    if name == "state-unwritable":
        return config, {"INBOX_AGENT_HOME": str(unwritable_folder(tmp_path))}, "cannot"
    if name == "state-corrupt":
        corrupt_database(tmp_path / "state" / "inbox-agent.db")
        return config, env, "cannot open the state database (database disk image is malformed)"
    if name == "config-is-a-folder":
        folder = tmp_path / "conf" / "config.toml"
        folder.mkdir(parents=True)
        return folder, env, "is a folder, not a config file"
    if name == "index-is-a-file":
        (tmp_path / "vectorstore").write_text("x")
        return config, env, "a file is in the way of its folder"
    if name == "maildir-is-a-file":
        shutil.rmtree(tmp_path / "replies")
        (tmp_path / "replies").write_text("x")
        return config, env, "no Maildir at"
    if name == "maildir-missing":
        shutil.rmtree(tmp_path / "replies")
        return config, env, "no Maildir at"
    if name == "maildir-without-cur":
        shutil.rmtree(tmp_path / "replies" / "cur")
        return config, env, "no Maildir at"
    raise AssertionError(name)


# What the page and `doctor` say of a state error, in the author's language (French here);
# the other commands' error line is the stage's own English.
IN_FRENCH = {
    "cannot": "impossible",
    "cannot open the state database (database disk image is malformed)":
        "impossible d’ouvrir la base d’état (database disk image is malformed)",
}
GLOBAL_STATES = ["home-is-a-file", "state-unwritable", "state-corrupt", "config-is-a-folder",
                 "index-is-a-file"]
MAIL_STATES = ["maildir-is-a-file", "maildir-missing", "maildir-without-cur"]
# The commands that cannot work in a state (by default all of them) and must say why.
NEEDS_STATE = [c for c in COMMANDS if c[0] != "archive" or c[1] in ("list",)]
MUST_FAIL = {
    "state-corrupt": NEEDS_STATE,
    "index-is-a-file": [["archive", "import"], ["archive", "search", "travail"],
                        ["archive", "reindex"]],
    **{state: [["run"]] for state in MAIL_STATES},
}
CASES = [(state, cmd) for state in GLOBAL_STATES for cmd in COMMANDS] + [
    (state, cmd) for state in MAIL_STATES for cmd in MAIL_COMMANDS
]


def assert_one_clear_line(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}"
    )
    assert result.exit_code in EXIT_CODES
    assert "Traceback" not in result.output
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("inbox-agent: ")]
        assert len(errors) == 1 or result.stderr == "", result.stderr  # doctor: on stdout


@pytest.mark.parametrize(("state", "command"), CASES,
                         ids=[f"{s}:{'-'.join(c)}" for s, c in CASES])
def test_a_command_in_an_odd_state_says_what_is_wrong_in_one_line(tmp_path, state, command):
    config, env, expected = odd_state(state, tmp_path)
    if command != ["doctor"]:  # the English words (the French line: the test below)
        env = env | {"INBOX_AGENT_LANG": "en"}
    result = CliRunner().invoke(main, ["--config", str(config), *command], env=env)
    assert_one_clear_line(result)
    if command == ["doctor"]:
        expected = IN_FRENCH.get(expected, expected)
    if command in MUST_FAIL.get(state, COMMANDS):
        assert result.exit_code != 0 and expected in result.output, result.output


def test_the_error_line_and_its_hint_speak_the_authors_language(tmp_path):
    config, env, _ = odd_state("maildir-missing", tmp_path)
    result = CliRunner().invoke(main, ["--config", str(config), "run"], env=env)
    assert_one_clear_line(result)
    assert result.exit_code != 0 and "pas de Maildir à" in result.output, result.output
    assert "no Maildir" not in result.output and "réglez `path`" in result.output
    english = CliRunner().invoke(main, ["--lang", "en", "--config", str(config), "run"],
                                 env=env)
    assert "no Maildir at" in english.output, english.output


def test_an_unreadable_message_is_left_for_the_next_pass_not_lost(tmp_path):
    config = small_setup(tmp_path)
    env = {"INBOX_AGENT_HOME": str(tmp_path)}
    new = tmp_path / "replies" / "new"
    first, second = sorted(new.iterdir())
    moved = tmp_path / "elsewhere"
    first.rename(moved)
    first.symlink_to(moved / "missing")  # a dangling link: listed, but cannot be read
    broken = CliRunner().invoke(main, ["--config", str(config), "run"], env=env)
    assert broken.exit_code == 0 and "Traceback" not in broken.output
    first.unlink()
    moved.rename(first)  # readable again
    again = CliRunner().invoke(main, ["--config", str(config), "run"], env=env)
    assert again.exit_code == 0
    listed = CliRunner().invoke(main, ["--config", str(config), "drafts", "list"], env=env)
    assert len([line for line in listed.stdout.splitlines() if line.strip()]) == 2


def test_approve_into_an_empty_drafts_folder_gives_it_the_maildir_structure(tmp_path,
                                                                           monkeypatch):
    config = small_setup(tmp_path)
    env = {"INBOX_AGENT_HOME": str(tmp_path)}
    (tmp_path / "drafts").mkdir()  # exists, but holds no cur/, new/ nor tmp/
    assert CliRunner().invoke(main, ["--config", str(config), "run"], env=env).exit_code == 0
    conn = sqlite3.connect(tmp_path / "state" / "inbox-agent.db")
    draft_id = conn.execute("SELECT id FROM drafts ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    monkeypatch.setenv("INBOX_AGENT_HOME", str(tmp_path))
    review.save_edit(load_config(config), draft_id, "Merci pour votre message, à très vite.")
    done = CliRunner().invoke(main, ["--config", str(config), "drafts", "approve", str(draft_id)],
                              env=env)
    assert done.exit_code == 0, done.output
    assert len(list((tmp_path / "drafts" / "cur").iterdir())) == 1


@pytest.mark.parametrize("state", ["state-unwritable", "state-corrupt"])
def test_the_page_says_what_is_wrong_with_the_state_instead_of_a_500(tmp_path, monkeypatch,
                                                                     state):
    from fastapi.testclient import TestClient

    from inbox_agent.web import create_app

    config_path, env, expected = odd_state(state, tmp_path)
    monkeypatch.setenv("INBOX_AGENT_HOME", env["INBOX_AGENT_HOME"])
    client = TestClient(create_app(load_config(config_path)), base_url="http://127.0.0.1:8765")
    for path in ("/", "/status", "/other"):
        page = client.get(path)
        assert page.status_code == 503, (path, page.status_code)
        assert IN_FRENCH[expected] in page.text and "Traceback" not in page.text
