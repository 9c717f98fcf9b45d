"""The IMAP source's pure parts: reconnect delays, FETCH batches, security checks."""

from __future__ import annotations

import pytest

from inbox_agent.config import ImapSettings, is_loopback
from inbox_agent.errors import MailboxError
from inbox_agent.mail.imap import ImapSource, backoff_delays, body_batches


@pytest.mark.parametrize(
    ("retries", "backoff", "delays"),
    [
        (5, (0.5, 8.0), [0.5, 1.0, 2.0, 4.0, 8.0]),
        (6, (1.0, 3.0), [1, 2, 3, 3, 3, 3]),
        (0, (1, 2), []),
    ],
)
def test_backoff_doubles_up_to_the_cap(retries, backoff, delays):
    assert backoff_delays(retries, backoff) == delays


def test_body_batches_keep_each_fetch_under_the_byte_limit():
    sizes = {1: 40, 2: 40, 3: 40, 5: 100, 9: 10}
    assert list(body_batches(sizes, limit=90)) == [[1, 2], [3], [5], [9]]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True),
     ("LOCALHOST", True), ("10.0.0.1", False), ("imap.example.org", False), ("", False)],
)  # fmt: skip
def test_is_loopback_accepts_only_this_machine(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [({"verify_tls": False}, "verify_tls = false"),
     ({"security": "plain"}, "unencrypted"),
     ({"security": "ssl"}, "security must be")],
)  # fmt: skip
def test_unsafe_settings_are_refused_for_a_remote_host_before_connecting(overrides, refusal):
    base = {"host": "imap.example.org", "username": "author@example.org", "security": "tls"}
    settings = ImapSettings(**{**base, **overrides})
    with pytest.raises(MailboxError, match=refusal):
        ImapSource(settings, lambda: "unused")
