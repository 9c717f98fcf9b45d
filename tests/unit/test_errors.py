"""errors.py: what went wrong and what to do are kept apart, and shown apart."""

from __future__ import annotations

from click.testing import CliRunner

from inbox_agent.cli.main import main
from inbox_agent.errors import ConfigError, InboxAgentError, MailboxError


def test_the_hint_is_kept_apart_from_the_message():
    err = MailboxError("cannot connect to imap.example.org:993", hint="check host and port")
    assert str(err) == err.message == "cannot connect to imap.example.org:993"
    assert err.hint == "check host and port"
    assert isinstance(err, InboxAgentError) and err.exit_code == 1


def test_an_error_without_a_hint_has_an_empty_one():
    err = InboxAgentError("no draft 3")
    assert (str(err), err.hint) == ("no draft 3", "")


def test_the_cli_prints_the_hint_on_its_own_line(tmp_path):
    done = CliRunner().invoke(main, ["--config", str(tmp_path / "missing.toml"), "status"])
    assert done.exit_code == ConfigError.exit_code
    lines = done.output.splitlines()
    assert lines[0] == f"inbox-agent: {tmp_path / 'missing.toml'}: file not found"
    assert lines[1] == "  hint: pass --config PATH"
