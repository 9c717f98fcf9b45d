"""Config validation: every mistake gives one line naming the file and the key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from inbox_agent.config import load_config
from inbox_agent.config.credentials import imap_password, resolve_secret
from inbox_agent.errors import ConfigError
from tests.support import ROOT

MINIMAL = '[author]\nemail = "me@example.org"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads_with_demo_paths(monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    config = load_config(ROOT / "config.toml")
    assert config.source.kind == "maildir"
    assert config.source.path == ROOT / "examples" / "replies"
    assert config.archive.path == ROOT / "examples" / "archive"
    assert config.index.path == ROOT / "vectorstore"
    assert config.llm.model == ""
    assert config.schedule.timezone == "Europe/Paris"


def test_minimal_config_gets_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    config = load_config(write(tmp_path, MINIMAL))
    assert config.author.email == "me@example.org"
    assert config.imap.folders == ("INBOX",)
    assert config.state.db == tmp_path / "state" / "inbox-agent.db"


def test_home_env_moves_data_but_not_inputs(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("INBOX_AGENT_HOME", str(home))
    config = load_config(write(tmp_path, MINIMAL + '[source]\npath = "mail"\n'))
    assert config.state.db == home / "state" / "inbox-agent.db"
    assert config.index.path == home / "vectorstore"
    assert config.source.path == tmp_path / "mail"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL + "[imap]\nhots = 'x'\n", "unknown key imap.hots (did you mean host?)"),
        (MINIMAL + "[imapp]\nhost = 'x'\n", "unknown section [imapp] (did you mean imap?)"),
        (MINIMAL + "[imap]\nport = '993'\n", "imap.port must be a whole number"),
        (MINIMAL + "[imap]\nport = true\n", "imap.port must be a whole number"),
        (MINIMAL + "[imap]\nverify_tls = 'yes'\n", "imap.verify_tls must be true or false"),
        (MINIMAL + "[imap]\nfolders = 'INBOX'\n", "imap.folders must be a list of texts"),
        (MINIMAL + "[imap]\nmax_message_mb = 'big'\n", "imap.max_message_mb must be a number"),
        (MINIMAL + "[imap]\nbatch_size = -1\n", "imap.batch_size must not be negative"),
        (MINIMAL + "[imap]\nmax_message_mb = 0\n", "imap.max_message_mb must be more than 0"),
        (MINIMAL + "[imap]\nmax_message_mb = -5\n", "imap.max_message_mb must be more than 0"),
        (MINIMAL + "[source]\nkind = 'pop3'\n", "source.kind must be one of maildir, mbox, imap"),
        (MINIMAL + "register = 'toi'\n", "author.register must be one of tu, vous"),
        ("[author]\nname = 'x'\n", "author.email is missing"),
        (MINIMAL + "[source]\nkind = 'imap'\n", "imap.host is missing"),
        (MINIMAL + "[archive]\nkind = 'imap'\n", "archive.imap_folder is missing"),
        ("imap = 3\n" + MINIMAL, "[imap] must be a table"),
        ("[author\nemail = 1", "not valid TOML"),
    ],
)
def test_config_mistakes_name_the_file_and_key(tmp_path, monkeypatch, text, expected):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_config_file_says_how_to_point_at_one(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml: file not found") as caught:
        load_config(tmp_path / "nope.toml")
    assert "--config" in caught.value.hint


def test_secret_from_env(monkeypatch):
    monkeypatch.setenv("TEST_IMAP_PW", "s3cret-env")
    assert resolve_secret(what="pw", env="TEST_IMAP_PW") == "s3cret-env"


def test_secret_from_command():
    command = f"{sys.executable} -c \"print('s3cret-cmd')\""
    assert resolve_secret(what="pw", env="UNSET_VARIABLE_X", command=command) == "s3cret-cmd"


def test_failing_secret_command_does_not_echo_its_output():
    command = f"{sys.executable} -c \"print('leaked-value'); raise SystemExit(3)\""
    with pytest.raises(ConfigError) as caught:
        resolve_secret(what="pw", command=command)
    assert "leaked-value" not in str(caught.value)
    assert "exit 3" in str(caught.value)


def test_missing_password_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    monkeypatch.delenv("MY_IMAP_PW", raising=False)
    config = load_config(write(tmp_path, MINIMAL + "[imap]\npassword_env = 'MY_IMAP_PW'\n"))
    with pytest.raises(ConfigError, match="MY_IMAP_PW"):
        imap_password(config)


