"""Every kind of broken config.toml, through the command line: exit 2, one line naming the key
(and at most a hint line), never a traceback, and nothing run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox_agent.cli.main import main
from inbox_agent.config import load_config
from inbox_agent.config.checks import valid_host
from inbox_agent.errors import ConfigError
from tests.unit.config.test_load import MINIMAL, write

EMAIL = 'email = "me@example.org"\n'
IMAP = '[source]\nkind = "imap"\n[imap]\nhost = "imap.example.org"\nusername = "me"\n'

# (id, config text, what the error line must hold)
BROKEN = [
    ("bad-regex", MINIMAL + '[newsletter]\nsubject_patterns = ["#(\\\\d+"]\n',
     "newsletter.subject_patterns: '#(\\\\d+' is not a valid regular expression"),
    ("no-number-group", MINIMAL + '[newsletter]\nsubject_patterns = ["#\\\\d+"]\n',
     "has no (?P<number>…) group"),
    ("klingon", '[author]\n' + EMAIL + 'default_language = "klingon"\n',
     "author.default_language must be one of fr, en"),
    ("min-over-max", MINIMAL + "[draft]\nmin_words = 400\nmax_words = 300\n",
     "draft.min_words (400) is more than draft.max_words (300)"),
    ("max-issues-0", MINIMAL + "[draft]\nmax_issues = 0\n",
     "draft.max_issues must be between 1 and 10, got 0"),
    ("max-words-0", MINIMAL + "[draft]\nmin_words = 0\nmax_words = 0\n",
     "draft.max_words must be between 1"),
    ("cap-0", MINIMAL + "[imap]\nmax_message_mb = 0\n", "imap.max_message_mb must be more than 0"),
    ("cap-negative", MINIMAL + "[imap]\nmax_message_mb = -2.5\n",
     "imap.max_message_mb must be more than 0"),
    ("web-port", MINIMAL + "[web]\nport = 70000\n", "web.port must be between 1 and 65535"),
    ("imap-port-0", MINIMAL + "[imap]\nport = 0\n", "imap.port must be between 1 and 65535"),
    ("smtp-port", MINIMAL + "[send]\nsmtp_port = 99999\n", "send.smtp_port must be between 1"),
    ("timezone-typo", MINIMAL + '[schedule]\ntimezone = "Europe/Pariss"\n',
     "schedule.timezone 'Europe/Pariss' is not a time zone"),
    ("timezone-word", MINIMAL + '[schedule]\ntimezone = "CETT"\n', "schedule.timezone 'CETT'"),
    ("cron-hour", MINIMAL + '[schedule]\nhour = "25"\n',
     "schedule.hour = '25' is not a cron field"),
    ("cron-minute", MINIMAL + '[schedule]\nminute = "*/x"\n', "schedule.minute = '*/x'"),
    ("cron-day", MINIMAL + '[schedule]\nday_of_week = "funday"\n', "schedule.day_of_week"),
    ("misfire-0", MINIMAL + "[schedule]\nmisfire_grace_minutes = 0\n",
     "schedule.misfire_grace_minutes must be between 1"),
    ("model-no-provider", MINIMAL + '[llm]\nmodel = "mistral-small"\n',
     "llm.model = 'mistral-small' names no provider"),
    ("model-provider-typo", MINIMAL + '[llm]\nmodel = "olama:mistral"\n',
     "llm.model provider 'olama' is not one of openai, ollama, mistralai, anthropic (did you mean"
     " ollama?)"),
    ("llm-url", MINIMAL + '[llm]\nmodel = "ollama:x"\nbase_url = "localhost:11434"\n',
     "llm.base_url must start with http:// or https://"),
    ("temperature", MINIMAL + "[llm]\ntemperature = 5\n",
     "llm.temperature must be between 0 and 2"),
    ("retries", MINIMAL + "[llm]\nmax_retries = 100\n", "llm.max_retries must be between 0 and 10"),
    ("llm-timeout-0", MINIMAL + "[llm]\ntimeout = 0\n", "llm.timeout must be between"),
    ("key-in-env-name", MINIMAL + '[llm]\napi_key_env = "sk-proj-abc123def456"\n',
     "llm.api_key_env must name an environment variable"),
    ("password-in-env-name", MINIMAL + '[imap]\npassword_env = "hunter2!"\n',
     "imap.password_env must name an environment variable"),
    ("password-key", MINIMAL + '[imap]\npassword = "hunter2"\n',
     "imap.password: secrets never go in config.toml"),
    ("api-key", MINIMAL + '[llm]\napi_key = "sk-x"\n', "llm.api_key: secrets never go in"),
    ("embedding-unknown", MINIMAL + '[index]\nembedding = "bert"\n',
     "index.embedding 'bert' is unknown"),
    ("embedding-no-model", MINIMAL + '[index]\nembedding = "huggingface:"\n',
     "index.embedding 'huggingface:' is unknown"),
    ("index-url", MINIMAL + '[index]\nurl = "chroma.local:8000"\n',
     "index.url must start with http:// or https://"),
    ("collection-short", MINIMAL + '[index]\ncollection = "a"\n', "index.collection 'a' must be"),
    ("collection-empty", MINIMAL + '[index]\ncollection = ""\n', "index.collection is missing"),
    ("web-host-space", MINIMAL + '[web]\nhost = "local host"\n',
     "web.host = 'local host' is not a host name or an IP address"),
    ("web-host-ip", MINIMAL + '[web]\nhost = "999.1.1.1"\n', "web.host = '999.1.1.1'"),
    ("imap-host-url", IMAP.replace("imap.example.org", "imaps://imap.example.org") + "[author]\n"
     + EMAIL, "imap.host = 'imaps://imap.example.org' is not a host name"),
    ("base-url", MINIMAL + '[newsletter]\nbase_url = "example.org/issues"\n',
     "newsletter.base_url must start with http://"),
    ("email-missing", '[author]\nname = "Sam"\n', "author.email is missing"),
    ("email-not-address", '[author]\nemail = "sam"\n', "author.email must be an address"),
    ("register", MINIMAL + 'register = "toi"\n', "author.register must be one of tu, vous"),
    ("source-kind", MINIMAL + '[source]\nkind = "pop3"\n', "source.kind must be one of"),
    ("imap-no-host", MINIMAL + '[source]\nkind = "imap"\n', "imap.host is missing"),
    ("archive-imap-no-folder", MINIMAL + '[archive]\nkind = "imap"\n',
     "archive.imap_folder is missing"),
    ("move-no-folder", MINIMAL + '[imap]\npost_action = "move"\n', "imap.post_move_to is missing"),
    ("security-word", MINIMAL + '[imap]\nsecurity = "ssl"\n', "imap.security must be one of"),
    ("plain-remote", IMAP + 'security = "plain"\nport = 143\n[author]\n' + EMAIL,
     'imap.security = "plain" would send the password unencrypted'),
    ("xoauth2-no-command", MINIMAL + '[imap]\nauth = "xoauth2"\n',
     "imap.oauth2_token_command is missing"),
    ("empty-folder", MINIMAL + '[imap]\nfolders = [""]\n', "imap.folders must list folder names"),
    ("batch-0", MINIMAL + "[imap]\nbatch_size = 0\n", "imap.batch_size must be between 1"),
    ("smtp-no-host", MINIMAL + '[send]\nmode = "smtp"\n', "send.smtp_host is missing"),
    ("since", MINIMAL + '[source]\nsince = "yesterday"\n', "source.since must be a date"),
    ("retention", MINIMAL + "[state]\nretention_months = -1\n", "state.retention_months must not"),
    ("unknown-key", MINIMAL + "[imap]\nhots = 'x'\n", "unknown key imap.hots (did you mean host?)"),
    ("unknown-section", MINIMAL + "[imapp]\n", "unknown section [imapp] (did you mean imap?)"),
    ("type-int", MINIMAL + "[imap]\nport = '993'\n", "imap.port must be a whole number"),
    ("type-bool", MINIMAL + "[imap]\nverify_tls = 'yes'\n", "imap.verify_tls must be true or"),
    ("type-list", MINIMAL + "[imap]\nfolders = 'INBOX'\n", "imap.folders must be a list of texts"),
    ("section-value", 'author = "me"\n', "[author] must be a table of keys"),
    ("toml-syntax", MINIMAL + "[imap\n", "not valid TOML"),
    ("duplicate-key", MINIMAL + 'email = "again@example.org"\n', "not valid TOML"),
]


def run_cli(path: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(path), *args])


def test_the_table_holds_at_least_forty_distinct_mistakes():
    assert len({case[0] for case in BROKEN}) == len(BROKEN) >= 40


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_a_broken_config_stops_run_with_one_line_naming_the_key(tmp_path, home, text, expected):
    path = write(tmp_path, text)
    result = run_cli(path, "run")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("inbox-agent: ") and str(path) in lines[0]
    assert expected in lines[0]
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("  hint: "))
    assert "Traceback" not in result.output and result.stdout == ""
    assert not (tmp_path / "state").exists()  # nothing ran


@pytest.mark.parametrize("case", ["klingon", "web-port", "timezone-typo", "model-no-provider"])
def test_doctor_exits_2_on_a_config_error_and_names_the_key(tmp_path, home, case):
    text, expected = next(c[1:] for c in BROKEN if c[0] == case)
    result = run_cli(write(tmp_path, text), "doctor")
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_a_state_db_that_is_not_sqlite_is_refused_at_load(tmp_path, home):
    path = write(tmp_path, MINIMAL + '[state]\ndb = "notes.txt"\n')
    (home / "notes.txt").write_text("my shopping list\n", encoding="utf-8")
    result = run_cli(path, "status")
    assert result.exit_code == 2
    assert "is not an inbox-agent database" in result.stderr
    assert (home / "notes.txt").read_text(encoding="utf-8") == "my shopping list\n"  # untouched


def test_a_state_db_that_is_a_folder_is_refused_at_load(tmp_path, home):
    path = write(tmp_path, MINIMAL + '[state]\ndb = "state"\n')
    (home / "state").mkdir()
    with pytest.raises(ConfigError, match="state.db .* is a folder"):
        load_config(path)


def test_an_empty_or_sqlite_state_db_is_accepted(tmp_path, home):
    import sqlite3

    path = write(tmp_path, MINIMAL + '[state]\ndb = "a.db"\n')
    (home / "a.db").touch()
    assert load_config(path).state.db == home / "a.db"
    sqlite3.connect(home / "b.db").execute("CREATE TABLE t (x)").connection.close()
    path = write(tmp_path, MINIMAL + '[state]\ndb = "b.db"\n')
    assert load_config(path).state.db == home / "b.db"


def test_the_timezone_error_suggests_the_close_name(tmp_path, home):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, MINIMAL + '[schedule]\ntimezone = "Europe/Pariss"\n'))
    assert err.value.hint == "did you mean Europe/Paris?"


def test_valid_settings_at_the_edges_of_their_ranges_load(tmp_path, home):
    text = MINIMAL + (
        'default_language = "de"\n[web]\nport = 65535\nhost = "::1"\n[imap]\nport = 1\n'
        "max_message_mb = 0.5\n[draft]\nmax_issues = 1\nmin_words = 5\nmax_words = 5\n"
        '[llm]\nmodel = "anthropic:claude-x"\ntemperature = 0\nmax_retries = 0\n'
        '[index]\nembedding = "ollama:nomic-embed-text"\ncollection = "my-archive.v2"\n'
        '[schedule]\ntimezone = "America/Montreal"\nhour = "9-17"\nday_of_week = "mon,thu"\n'
        '[newsletter]\nsubject_patterns = ["Lettre (?P<number>\\\\d+)"]\n'
    )
    config = load_config(write(tmp_path, text))
    assert (config.web.port, config.draft.max_issues, config.schedule.hour) == (65535, 1, "9-17")


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "imap.fastmail.com",
                                  "mail-1.example.org.", "10.0.0.7", "fe80::1"])
def test_host_names_and_addresses_are_valid_hosts(host):
    assert valid_host(host)


@pytest.mark.parametrize("host", ["local host", "999.1.1.1", "1.2.3", "https://x.org", "-a.org",
                                  "a..org", "::g", "host_name.org", ""])
def test_broken_hosts_are_not_valid(host):
    assert not valid_host(host)


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path, home):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(write(tmp_path, MINIMAL), "--lang", "en", "serve", "--port", str(port))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (f"inbox-agent: the review page cannot listen on 127.0.0.1 port {port} "
                        "(Address already in use)")
    assert lines[1] == "  hint: pass --port with a free port, or set web.port"


@pytest.mark.parametrize(("args", "expected"), [
    (("--host", "local host"), "'local host' is not a host name or an IP address"),
    (("--port", "70000"), "70000 is not in the range 1<=x<=65535"),
])
def test_serve_refuses_a_broken_host_or_port_with_exit_2(tmp_path, home, args, expected):
    result = run_cli(write(tmp_path, MINIMAL), "serve", *args)
    assert result.exit_code == 2
    assert expected in result.stderr and "Traceback" not in result.output
