"""The command line: help everywhere, JSON shapes, exit codes, no tracebacks."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from inbox_agent.cli.main import main

COMMANDS = [
    [], ["run"], ["drafts"], ["drafts", "list"], ["drafts", "show"], ["drafts", "approve"],
    ["drafts", "skip"], ["archive"], ["archive", "import"], ["archive", "list"],
    ["archive", "search"], ["archive", "reindex"], ["parse"], ["doctor"], ["demo"], ["other"],
    ["status"], ["eval", "retrieval"], ["eval", "intents"], ["reader"], ["reader", "export"],
    ["reader", "forget"], ["init"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and "--help" in result.output


