"""ImapSource against real servers: Dovecot and Cyrus in two folder layouts.

Each test runs on every server of tests/fixtures_cyrus.py's `imap_server` (ids [dovecot],
[cyrus], [cyrus-inbox]) unless `on_servers(...)` limits it, with the reason beside it.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time

import pytest
from imapclient import IMAPClient

from inbox_agent.errors import AuthError, ConnectionLost, MailboxError
from inbox_agent.mail.imap import ImapSource
from tests.fixtures_cyrus import on_servers
from tests.fixtures_dovecot import ImapUser, sample_reply

MARKER = "X-Inbox-Agent-Draft"
FAST = {"retries": 3, "backoff": (0.01, 0.05)}


@pytest.fixture
def imap_user(imap_server) -> ImapUser:
    """A fresh account on the server of this run (flaky_proxy wraps it too)."""
    return imap_server.add_user()


def source_for(user, proxy=None, **overrides) -> ImapSource:
    if proxy is not None:
        overrides["port"] = proxy.port
    return ImapSource(user.settings(**overrides), lambda: user.password, **FAST)


def pull(source: ImapSource, folder: str = "INBOX") -> list:
    return list(source.fetch(folder, source.uids(folder)))


def flags_of(user, folder: str = "INBOX") -> dict[int, tuple]:
    """Flags per uid of a folder named as in [imap] ("Done" is INBOX.Done on cyrus-inbox)."""
    return user.flags(user.mailbox(folder))


def draft(body: str, marker: str | None) -> bytes:
    head = f"{MARKER}: {marker}\r\n" if marker else ""
    return f"{head}From: author@example.org\r\nSubject: Re: hi\r\n\r\n{body}\r\n".encode()


# -- pulling -----------------------------------------------------------------------------------


def test_first_pull_yields_every_message_in_uid_order_with_exact_bytes(imap_user):
    raws = [sample_reply(n) for n in range(12)]
    imap_user.append_many("INBOX", raws)
    with source_for(imap_user, batch_size=5) as source:
        validity = source.uidvalidity("INBOX")
        fetched = pull(source)
    assert [mail.raw for mail in fetched] == raws
    assert [mail.ref.uid for mail in fetched] == list(range(1, 13))
    assert {mail.ref.account for mail in fetched} == {f"{imap_user.username}@127.0.0.1"}
    assert {mail.ref.uidvalidity for mail in fetched} == {validity}
    assert all(mail.size == len(mail.raw) and mail.skip_reason is None for mail in fetched)
    assert all(mail.internaldate.tzinfo is not None for mail in fetched)


def test_uids_after_new_mail_lists_the_new_uids_above_the_last_pulled(imap_user):
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(3)])
    with source_for(imap_user) as source:
        first = source.uids("INBOX")
        imap_user.append_many("INBOX", [sample_reply(n) for n in range(3, 5)])
        second = source.uids("INBOX")
        new = [uid for uid in second if uid > max(first)]
        fetched = list(source.fetch("INBOX", new))
    assert first == [1, 2, 3] and second == [1, 2, 3, 4, 5]
    assert [mail.raw for mail in fetched] == [sample_reply(3), sample_reply(4)]


def test_uids_since_keeps_messages_received_on_or_after_the_date(imap_user):
    client = imap_user.client()
    for n, day in enumerate([dt.datetime(2023, 1, 5, 12, tzinfo=dt.UTC), None]):
        client.append("INBOX", sample_reply(n), msg_time=day)
    client.logout()
    with source_for(imap_user) as source:
        assert source.uids("INBOX", since=dt.date(2024, 1, 1)) == [2]
        assert source.uids("INBOX", since=dt.date(2022, 1, 1)) == [1, 2]


def test_pull_leaves_seen_and_other_flags_untouched(imap_user):
    imap_user.append("INBOX", sample_reply(1))
    imap_user.append("INBOX", sample_reply(2), flags=[r"\Seen"])
    imap_user.append("INBOX", sample_reply(3), flags=[r"\Flagged"])
    before = flags_of(imap_user)
    with source_for(imap_user) as source:
        assert len(pull(source)) == 3
    assert flags_of(imap_user) == before
    assert before[1] == () and before[2] == (rb"\Seen",)


def test_message_over_the_cap_is_recorded_as_skipped_without_downloading_it(imap_user, flaky_proxy):
    big = sample_reply(1, body_bytes=3 * 1024 * 1024)
    imap_user.append_many("INBOX", [sample_reply(0), big, sample_reply(2)])
    with source_for(imap_user, flaky_proxy, max_message_mb=1.0) as source:
        fetched = pull(source)
    assert [mail.raw is None for mail in fetched] == [False, True, False]
    assert fetched[1].size == len(big)
    assert fetched[1].skip_reason == f"too large: {len(big) / 2**20:.1f} MB > 1 MB"
    assert flaky_proxy.bytes_from_server < 100_000


def test_recreating_the_folder_changes_uidvalidity_and_a_fetch_asks_to_rerun(imap_user):
    replies = imap_user.create_folder("Replies")
    imap_user.append(replies, sample_reply(1))
    with source_for(imap_user) as source:
        before = source.uidvalidity("Replies")
        uids = source.uids("Replies")
        imap_user.recreate_folder("Replies")  # from another session, while ours has it open
        imap_user.append(replies, sample_reply(2))
        with pytest.raises(MailboxError, match="UIDVALIDITY") as caught:
            list(source.fetch("Replies", uids))
        assert "rerun" in caught.value.hint
        after = source.uidvalidity("Replies")
        assert [mail.raw for mail in pull(source, "Replies")] == [sample_reply(2)]
    assert after != before


def test_fetch_resumes_after_cuts_mid_fetch_and_yields_each_uid_once(imap_user, flaky_proxy):
    raws = [sample_reply(n) for n in range(60)]
    imap_user.append_many("INBOX", raws)
    flaky_proxy.cut_after = 12_000  # every connection dies after ~6 messages
    with source_for(imap_user, flaky_proxy, batch_size=4) as source:
        uids = source.uids("INBOX")
        fetched = list(source.fetch("INBOX", uids))
    assert [mail.ref.uid for mail in fetched] == uids == list(range(1, 61))
    assert [mail.raw for mail in fetched] == raws
    assert flaky_proxy.cuts >= 5


def test_fetch_survives_one_cut_inside_a_large_batch(imap_user, flaky_proxy):
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(300)])
    with source_for(imap_user, flaky_proxy) as source:
        uids = source.uids("INBOX")
        flaky_proxy.cut_after, flaky_proxy.cuts_left = 50_000, 1
        source._drop()  # the next connection is the one that gets cut
        fetched = list(source.fetch("INBOX", uids))
    assert [mail.ref.uid for mail in fetched] == uids
    assert flaky_proxy.cuts == 1 and flaky_proxy.connections == 3


def test_fetch_reconnects_after_a_read_timeout_on_a_silent_connection(imap_user, flaky_proxy):
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(40)])
    with source_for(imap_user, flaky_proxy, batch_size=10, timeout=0.5) as source:
        uids = source.uids("INBOX")
        flaky_proxy.cut_after, flaky_proxy.cuts_left, flaky_proxy.stall = 20_000, 1, True
        source._drop()  # the next connection is the one that goes silent
        started = time.monotonic()
        fetched = list(source.fetch("INBOX", uids))
    assert [mail.ref.uid for mail in fetched] == uids
    assert flaky_proxy.cuts == 1 and 0.5 <= time.monotonic() - started < 5


def test_fetch_gives_up_with_connection_lost_when_the_server_is_gone(imap_user, flaky_proxy):
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(20)])
    seen = []
    started = time.monotonic()
    with source_for(imap_user, flaky_proxy, batch_size=5) as source:
        uids = source.uids("INBOX")
        with pytest.raises(ConnectionLost, match="3 reconnects failed"):
            for mail in source.fetch("INBOX", uids):
                seen.append(mail.ref.uid)
                if len(seen) == 7:
                    flaky_proxy.kill()
    assert seen == uids[: len(seen)] and 7 <= len(seen) <= 10  # the batch already received
    assert time.monotonic() - started < 10


def test_a_thousand_messages_are_fetched_in_batches_each_once(imap_user, monkeypatch):
    raws = [sample_reply(n) for n in range(1000)]
    imap_user.append_many("INBOX", raws)
    calls = []
    real_fetch = IMAPClient.fetch

    def counting_fetch(self, messages, data, modifiers=None):
        calls.append((len(messages), tuple(data)))
        return real_fetch(self, messages, data, modifiers)

    monkeypatch.setattr(IMAPClient, "fetch", counting_fetch)
    with source_for(imap_user, batch_size=200) as source:
        fetched = list(source.fetch("INBOX", source.uids("INBOX")))
    assert [mail.ref.uid for mail in fetched] == list(range(1, 1001))
    assert sum(mail.raw == raw for mail, raw in zip(fetched, raws, strict=True)) == 1000
    assert calls == [(200, ("RFC822.SIZE", "INTERNALDATE")), (200, ("BODY.PEEK[]",))] * 5


# -- connecting --------------------------------------------------------------------------------


@on_servers("cyrus")  # our socket option; without it a draft on Cyrus takes ~130 ms more
def test_an_append_goes_out_without_waiting_for_a_delayed_ack(imap_user):
    with source_for(imap_user) as source:
        source.save_draft(draft("x", "r1"), marker_header=MARKER, marker_value="r1")
        connection = source._connect().socket()
        assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_login_failure_names_the_account_and_never_the_password(imap_user):
    wrong = "Wrong-" + imap_user.password
    source = ImapSource(imap_user.settings(), lambda: wrong, **FAST)
    with pytest.raises(AuthError) as caught:
        source.__enter__()
    message, hint = str(caught.value), caught.value.hint
    assert f"{imap_user.username}@127.0.0.1" in message and "app password" in hint
    for said in (message, hint):
        assert wrong not in said and imap_user.password not in said and "\n" not in said


def xoauth2_config(imap_user, tmp_path, token: str):
    from inbox_agent.config import parse_config

    (tmp_path / "token").write_text(token + "\n")
    imap = imap_user.imap_config(auth="xoauth2", oauth2_token_command=f"cat {tmp_path / 'token'}")
    raw = {"author": {"email": "author@example.org"}, "source": {"kind": "imap"}, "imap": imap}
    return parse_config(raw, tmp_path / "config.toml")


# XOAUTH2 needs a server that checks tokens with an issuer: Dovecot's oauth2 passdb asks the
# test's TokenServer; the test Cyrus has no OAuth2 SASL mechanism.
@on_servers("dovecot")
def test_xoauth2_login_with_the_token_from_the_command(imap_user, tmp_path):
    from inbox_agent.wiring import make_source

    imap_user.append("INBOX", sample_reply(1))
    token = imap_user.oauth2_token()
    config = xoauth2_config(imap_user, tmp_path, token)
    with make_source(config) as source:
        assert source.uids("INBOX") == [1]
        assert [m.raw for m in source.fetch("INBOX", [1])] == [imap_user_raw(imap_user, 1)]
    assert token in imap_user.server.tokens.checked  # Dovecot asked the token endpoint


def imap_user_raw(imap_user, uid: int) -> bytes:
    client = imap_user.client()
    try:
        client.select_folder("INBOX", readonly=True)
        return client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    finally:
        client.logout()


@on_servers("dovecot")  # XOAUTH2, as above
def test_xoauth2_refused_token_names_the_command_and_never_the_token(imap_user, tmp_path):
    from inbox_agent.wiring import make_source

    stale = "ya29.expired-" + imap_user.password
    config = xoauth2_config(imap_user, tmp_path, stale)
    with pytest.raises(AuthError) as caught:
        make_source(config).__enter__()
    message, hint = str(caught.value), caught.value.hint
    assert "oauth2_token_command" in hint and imap_user.username in message
    for said in (message, hint):
        assert stale not in said and "\n" not in said


@pytest.mark.parametrize(
    ("security", "port", "host"),
    [("tls", "tls_port", "127.0.0.1"), ("tls", "tls_port", "localhost"),
     ("starttls", "plain_port", "127.0.0.1")],
)  # fmt: skip
def test_tls_with_the_ca_file_connects(imap_user, security, port, host):
    imap_user.append("INBOX", sample_reply(1))
    settings = imap_user.settings(
        host=host, security=security, port=getattr(imap_user, port), ca_file=imap_user.ca_file
    )
    with ImapSource(settings, lambda: imap_user.password, **FAST) as source:
        assert source.uids("INBOX") == [1]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_without_the_ca_file_fails_naming_ca_file(imap_user, security):
    port = imap_user.tls_port if security == "tls" else imap_user.plain_port
    settings = imap_user.settings(security=security, port=port)
    with pytest.raises(MailboxError, match="could not be verified.*ca_file"):
        ImapSource(settings, lambda: imap_user.password, **FAST).__enter__()


def test_verify_tls_false_on_loopback_connects_with_a_warning(imap_user, caplog):
    settings = imap_user.settings(security="tls", port=imap_user.tls_port, verify_tls=False)
    with caplog.at_level(logging.WARNING), ImapSource(settings, lambda: imap_user.password):
        pass
    assert "not verified" in caplog.text


# -- changes -----------------------------------------------------------------------------------


def test_post_action_keyword_adds_the_keyword_and_keeps_seen(imap_user):
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(3)])
    with source_for(imap_user, post_action="keyword", post_keyword="$InboxAgent") as source:
        source.mark_processed("INBOX", [1, 3])
    flags = flags_of(imap_user)
    assert flags == {1: (b"$InboxAgent",), 2: (), 3: (b"$InboxAgent",)}


@pytest.mark.parametrize("target", ["Done", "Done/2024"])
def test_post_action_move_moves_the_messages(imap_user, target):
    imap_user.append_many("INBOX", [sample_reply(n) for n in range(3)])
    imap_user.create_folder(target)  # "/" stands for the server's separator in [imap] names
    with source_for(imap_user, post_action="move", post_move_to=target) as source:
        source.mark_processed("INBOX", [2])
        assert source.uids("INBOX") == [1, 3]
        assert [mail.raw for mail in pull(source, target)] == [sample_reply(1)]
    assert list(flags_of(imap_user, target)) == [1]


def test_post_action_none_changes_nothing(imap_user):
    imap_user.append("INBOX", sample_reply(1))
    with source_for(imap_user) as source:
        source.mark_processed("INBOX", [1])
        assert source.uids("INBOX") == [1]
    assert flags_of(imap_user) == {1: ()}


def drafts_in(user, folder: str = "") -> dict[bytes, tuple]:
    client = user.client()
    try:
        client.select_folder(folder or user.drafts, readonly=True)
        found = client.fetch(client.search(), ["BODY.PEEK[TEXT]", "FLAGS"])
        return {data[b"BODY[TEXT]"].strip(): data[b"FLAGS"] for data in found.values()}
    finally:
        client.logout()


def test_save_draft_replaces_only_our_own_marked_draft(imap_user):
    imap_user.append(imap_user.drafts, draft("hand written", None), flags=[r"\Draft"])
    with source_for(imap_user) as source:
        first = source.save_draft(draft("first", "r1"), marker_header=MARKER, marker_value="r1")
        source.save_draft(draft("other", "r10"), marker_header=MARKER, marker_value="r10")
        second = source.save_draft(draft("second", "r1"), marker_header=MARKER, marker_value="r1")
    drafts = drafts_in(imap_user)
    assert sorted(drafts) == [b"hand written", b"other", b"second"]
    assert all(rb"\Draft" in flags for flags in drafts.values())
    folder = imap_user.drafts  # found by its special-use flag (INBOX.Borradores on cyrus-inbox)
    assert (first, second) == (f"IMAP {folder} (uid 2)", f"IMAP {folder} (uid 4)")


def test_save_draft_creates_the_configured_drafts_folder(imap_user):
    with source_for(imap_user, drafts_folder="Brouillons") as source:
        where = source.save_draft(draft("x", "r1"), marker_header=MARKER, marker_value="r1")
        assert source.delete_drafts(MARKER, "r1") == 1
        assert source.uids("Brouillons") == []
    assert where == f"IMAP {imap_user.mailbox('Brouillons')} (uid 1)"


def test_delete_drafts_removes_our_drafts_and_counts_them(imap_user):
    with source_for(imap_user) as source:
        source.save_draft(draft("a", "r1"), marker_header=MARKER, marker_value="r1")
        source.save_draft(draft("b", "r2"), marker_header=MARKER, marker_value="r2")
        assert source.delete_drafts(MARKER, "r1") == 1
        assert source.delete_drafts(MARKER, "r1") == 0
    assert sorted(drafts_in(imap_user)) == [b"b"]


@pytest.mark.parametrize("folder", ["", "Envoyés"])
def test_append_sent_stores_a_seen_copy_in_the_sent_folder(imap_user, folder):
    expected = imap_user.mailbox(folder) if folder else imap_user.sent  # the \Sent folder
    with source_for(imap_user) as source:
        assert source.append_sent(draft("sent reply", None), folder) == f"IMAP {expected}"
    assert imap_user.flags(expected) == {1: (rb"\Seen",)}


# Dovecot stores such messages as they are; Cyrus refuses them on APPEND.
@on_servers("cyrus", "cyrus_inbox")
@pytest.mark.parametrize(
    ("raw", "why"),
    [(b"From: author@example.org\r\nSubject: Re: hi\r\n\r\nnul \x00 byte\r\n", "NUL bytes"),
     (b"no header, only a line of text\r\n", "does not start with a header")],
    ids=["nul", "no-header"],
)  # fmt: skip
def test_a_message_the_server_refuses_is_one_mailbox_error_saying_why(imap_user, raw, why):
    with source_for(imap_user) as source:
        source.save_draft(draft("earlier", "r1"), marker_header=MARKER, marker_value="r1")
        with pytest.raises(MailboxError) as caught:
            source.save_draft(raw, marker_header=MARKER, marker_value="r1")
        with pytest.raises(MailboxError) as sent:
            source.append_sent(raw)
        kept = source.save_draft(draft("fine", "r2"), marker_header=MARKER, marker_value="r2")
    message, hint = str(caught.value), caught.value.hint
    assert f"refused to store the draft in '{imap_user.drafts}'" in message
    assert why in hint and "\n" not in message + hint
    assert "copy of the sent message" in str(sent.value) and why in sent.value.hint
    assert kept == f"IMAP {imap_user.drafts} (uid 2)"
    assert sorted(drafts_in(imap_user)) == [b"earlier", b"fine"]  # the refused one replaced none


class CrashAfterStoring(ImapSource):
    """An IMAP source whose process dies (here: raises) just before its first post-action."""

    crashed = False

    def mark_processed(self, folder, uids):
        if not CrashAfterStoring.crashed:
            CrashAfterStoring.crashed = True
            raise KeyboardInterrupt("killed between the commit and the post-action")
        super().mark_processed(folder, uids)


@pytest.mark.parametrize("action", ["move", "keyword"])
def test_a_post_action_interrupted_by_a_crash_is_completed_by_the_next_pass(
    imap_user, tmp_path, action
):
    from inbox_agent.config import parse_config
    from inbox_agent.intake.pull import pull as pull_mail
    from inbox_agent.models import RunReport
    from inbox_agent.store import db as store
    from inbox_agent.store import processed

    imap_user.append_many("INBOX", [sample_reply(n) for n in range(5)])
    imap_user.create_folder("Done")
    settings = {"post_action": action, "post_move_to": "Done", "post_keyword": "$InboxAgent"}
    config = parse_config(
        {"author": {"email": "author@example.org"}, "source": {"kind": "imap"},
         "imap": imap_user.imap_config(**settings), "state": {"db": str(tmp_path / "state.db")}},
        tmp_path / "config.toml",
    )  # fmt: skip
    conn = store.connect(config.state.db)
    try:
        CrashAfterStoring.crashed = False
        crashing = CrashAfterStoring(imap_user.settings(**settings), lambda: imap_user.password,
                                     **FAST)
        with pytest.raises(KeyboardInterrupt):
            pull_mail(config, conn, RunReport(), source=crashing)
        assert conn.execute("SELECT count(*) FROM replies").fetchone()[0] == 5
        assert len(processed.pending_post_actions(conn, crashing.account, "INBOX",
                                              crashing.uidvalidity("INBOX"))) == 5
        report = RunReport()
        source = CrashAfterStoring(imap_user.settings(**settings), lambda: imap_user.password,
                                   **FAST)
        pull_mail(config, conn, report, source=source)
        assert report.fetched == 0  # nothing read twice
        assert conn.execute("SELECT count(*) FROM replies").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM pending_post_actions").fetchone()[0] == 0
    finally:
        conn.close()
    with source_for(imap_user) as check:
        if action == "move":
            assert check.uids("INBOX") == [] and len(check.uids("Done")) == 5
        else:
            assert set(flags_of(imap_user).values()) == {(b"$InboxAgent",)}
