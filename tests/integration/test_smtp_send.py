"""[send] mode = "smtp": approval sends the threaded reply through a real SMTP server.

The server is aiosmtpd on 127.0.0.1 with implicit TLS or STARTTLS (a self-signed certificate
trusted through send.smtp_ca_file) and a login check.
"""

from __future__ import annotations

import re
import ssl
import threading
from email import message_from_bytes, policy

import pytest

from inbox_agent.errors import InboxAgentError
from inbox_agent.mail import compose
from inbox_agent.review import approve as review
from tests.fixtures_dovecot import _self_signed_cert, free_port
from tests.unit.review.test_approve import AUTHOR, QUESTION, THANKS, make_env

pytestmark = pytest.mark.smtp

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult  # noqa: E402

PASSWORD = "smtp-test-password"


class Recorder:
    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == AUTHOR.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture(params=["tls", "starttls"])
def smtp_server(request, tmp_path):
    _self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    recorder = Recorder()
    port = free_port()
    options = dict(hostname="127.0.0.1", port=port, authenticator=check_login,
                   auth_exclude_mechanism=["LOGIN"])
    if request.param == "tls":
        # The whole connection is TLS; aiosmtpd only knows about STARTTLS when it gates AUTH.
        controller = aiosmtpd_controller.Controller(recorder, ssl_context=context,
                                                    auth_require_tls=False, **options)
    else:
        controller = aiosmtpd_controller.Controller(recorder, tls_context=context,
                                                    require_starttls=True,
                                                    auth_require_tls=True, **options)
    controller.start()
    yield request.param, port, str(tmp_path / "cert.pem"), recorder
    controller.stop()


def smtp_env(tmp_path, smtp_server, monkeypatch, password=PASSWORD):
    security, port, ca_file, recorder = smtp_server
    monkeypatch.setenv("TEST_SMTP_PASSWORD", password)
    (tmp_path / "env").mkdir()
    env = make_env(tmp_path / "env", [THANKS, QUESTION], mode="smtp", smtp_host="127.0.0.1",
                   smtp_port=port, smtp_security=security, smtp_ca_file=ca_file,
                   smtp_password_env="TEST_SMTP_PASSWORD", smtp_username=AUTHOR)
    return env, recorder


def test_approval_sends_one_threaded_reply_to_the_reader_only(tmp_path, smtp_server, monkeypatch):
    env, recorder = smtp_env(tmp_path, smtp_server, monkeypatch)
    draft_id = env.draft_id("<m2@reader.example>")
    result = review.approve(env.config, draft_id, "Hi Tom,\n\nHere is my method.\n\nCamille",
                            source=env.source_factory(), index=env.index)
    [(sender, recipients, content)] = recorder.messages
    sent = message_from_bytes(content, policy=policy.default)
    assert sender == AUTHOR and recipients == ["tom.b@other.example"]
    assert sent["In-Reply-To"] == "<m2@reader.example>"
    assert sent["Subject"] == "Re: L'Atelier du Futur #38"
    assert sent[compose.MARKER_HEADER]
    assert sent.get_content().replace("\r\n", "\n").startswith("Hi Tom,\n\nHere is my method.")
    assert result.destination.startswith("sent via 127.0.0.1")
    assert env.row(draft_id)["status"] == "approved"


def test_refused_login_is_a_clear_error_and_nothing_is_sent(tmp_path, smtp_server, monkeypatch):
    env, recorder = smtp_env(tmp_path, smtp_server, monkeypatch, password="wrong")
    draft_id = env.draft_id("<m2@reader.example>")
    with pytest.raises(InboxAgentError, match=r"sending through 127\.0\.0\.1:\d+ failed") as err:
        review.approve(env.config, draft_id, "Hi Tom,\n\nHere is my method.",
                       source=env.source_factory(), index=env.index)
    assert "wrong" not in str(err.value)
    assert recorder.messages == []
    assert env.row(draft_id)["status"] == "pending"


def test_parallel_approvals_of_the_same_drafts_send_each_draft_once(
    tmp_path, smtp_server, monkeypatch
):
    """A double click, two tabs, two CLI calls: N approvals of each of M drafts at once."""
    env, recorder = smtp_env(tmp_path, smtp_server, monkeypatch)
    drafts = [env.draft_id("<m1@reader.example>"), env.draft_id("<m2@reader.example>")]
    outcomes: list[str] = []
    start = threading.Barrier(4 * len(drafts))

    def approve(draft_id: int) -> None:
        start.wait()
        try:
            review.approve(env.config, draft_id, "Merci !\n\nCamille",
                           source=env.source_factory(), index=env.index)
            outcomes.append("sent")
        except InboxAgentError as err:
            outcomes.append(str(err))

    threads = [threading.Thread(target=approve, args=(d,)) for d in drafts for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(recorder.messages) == len(drafts)  # one message per draft, never two
    assert sorted(message_from_bytes(c)["In-Reply-To"] for _, _, c in recorder.messages) == [
        "<m1@reader.example>", "<m2@reader.example>",
    ]
    assert outcomes.count("sent") == len(drafts)
    refused = [o for o in outcomes if o != "sent"]
    assert len(refused) == 3 * len(drafts)
    assert all(re.fullmatch(r"draft \d+ was already sent on \S+", o) for o in refused), refused


ANDRE = (
    "From: André <andré@exemple.fr>\r\nTo: Camille <camille@atelier.example>\r\n"
    "Subject: Re: L'Atelier du Futur #38\r\nMessage-ID: <m8@reader.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "Merci pour le billet !\r\n"
).encode()


@pytest.mark.parametrize("smtputf8", [True, False], ids=["smtputf8", "no-smtputf8"])
def test_a_reader_address_beyond_ascii_is_sent_with_smtputf8_or_refused_clearly(
    tmp_path, monkeypatch, smtputf8
):
    _self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    recorder, port = Recorder(), free_port()
    controller = aiosmtpd_controller.Controller(
        recorder, hostname="127.0.0.1", port=port, authenticator=check_login,
        auth_exclude_mechanism=["LOGIN"], ssl_context=context, auth_require_tls=False,
        enable_SMTPUTF8=smtputf8,
    )  # fmt: skip
    controller.start()
    try:
        monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
        (tmp_path / "env").mkdir()
        env = make_env(tmp_path / "env", [ANDRE], mode="smtp", smtp_host="127.0.0.1",
                       smtp_port=port, smtp_security="tls", smtp_ca_file=str(tmp_path / "cert.pem"),
                       smtp_password_env="TEST_SMTP_PASSWORD", smtp_username=AUTHOR)
        draft_id = env.draft_id("<m8@reader.example>")
        if smtputf8:
            review.approve(env.config, draft_id, "Merci André !", source=env.source_factory())
            [(_, recipients, _)] = recorder.messages
            assert recipients == ["andré@exemple.fr"]
            assert env.row(draft_id)["status"] == "approved"
        else:
            with pytest.raises(InboxAgentError, match="SMTPUTF8") as caught:
                review.approve(env.config, draft_id, "Merci André !", source=env.source_factory())
            assert "andré@exemple.fr" in str(caught.value) and caught.value.hint
            assert recorder.messages == [] and env.row(draft_id)["status"] == "pending"
    finally:
        controller.stop()
