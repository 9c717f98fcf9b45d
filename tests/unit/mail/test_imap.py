"""The IMAP source's pure parts: reconnect delays, FETCH batches, security checks, folder
names in the server's namespace, special-use flags, why a server refused a message."""

from __future__ import annotations

import pytest

from inbox_agent.config import ImapSettings, is_loopback
from inbox_agent.errors import MailboxError
from inbox_agent.mail.imap import ImapSource
from inbox_agent.mail.imap_rules import (
    Namespaces,
    backoff_delays,
    body_batches,
    refused_message_hint,
    server_folder,
    special_use_folder,
)


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


# NAMESPACE answers of real servers: Dovecot (maildir), Cyrus's default and Debian's layout.
DOVECOT = Namespaces("", ".")
CYRUS = Namespaces("", "/", ("Other Users/", "Shared Folders/"))
CYRUS_DEBIAN = Namespaces("INBOX.", ".", ("user.", ""))


@pytest.mark.parametrize(
    ("name", "spaces", "server"),
    [("Drafts", CYRUS_DEBIAN, "INBOX.Drafts"),
     ("Archive/2024", CYRUS_DEBIAN, "INBOX.Archive.2024"),
     ("Archive/2024", DOVECOT, "Archive.2024"),
     ("Archive/2024", CYRUS, "Archive/2024"),
     ("Drafts", CYRUS, "Drafts"),
     ("Envoyés", CYRUS_DEBIAN, "INBOX.Envoyés"),
     ("INBOX", CYRUS_DEBIAN, "INBOX"),
     ("inbox", CYRUS_DEBIAN, "inbox"),
     ("INBOX.Drafts", CYRUS_DEBIAN, "INBOX.Drafts"),
     ("INBOX/Replies", CYRUS_DEBIAN, "INBOX.Replies"),
     ("user.bob.Shared", CYRUS_DEBIAN, "user.bob.Shared"),
     ("Other Users/bob", CYRUS, "Other Users/bob"),
     ("Drafts", Namespaces(), "Drafts")],
)  # fmt: skip
def test_a_configured_folder_gets_the_servers_prefix_and_separator(name, spaces, server):
    assert server_folder(name, spaces) == server


def test_server_folder_names_stay_as_they_are():
    for spaces in (DOVECOT, CYRUS, CYRUS_DEBIAN):
        for name in ("Drafts", "Archive/2024", "INBOX", "Envoyés"):
            once = server_folder(name, spaces)
            assert server_folder(once, spaces) == once


LISTING = [
    ((b"\\HasChildren",), b".", "INBOX"),
    ((b"\\HasNoChildren",), b".", "INBOX.Drafts"),
    ((b"\\HasNoChildren", b"\\drafts"), b".", "INBOX.Borradores"),
    ((b"\\HasNoChildren", b"\\SENT"), b".", "INBOX.Enviados"),
]


@pytest.mark.parametrize(
    ("flag", "folder"),
    [(b"\\Drafts", "INBOX.Borradores"), (b"\\Sent", "INBOX.Enviados"), (b"\\Trash", None)],
)
def test_special_use_flags_are_matched_in_any_case(flag, folder):
    assert special_use_folder(LISTING, flag) == folder


@pytest.mark.parametrize(
    ("raw", "said"),
    [(b"", "empty"), (b" \r\n", "empty"),
     (b"Subject: hi\r\n\r\nnul \x00 here\r\n", "NUL bytes"),
     (b"only a line of text\r\n", "does not start with a header"),
     (b"\r\nbody after no header\r\n", "does not start with a header"),
     (b"Subject: hi\r\n\r\nfine\r\n", "permissions, quota")],
)  # fmt: skip
def test_the_hint_for_a_refused_message_says_what_servers_refuse(raw, said):
    assert said in refused_message_hint(raw)
