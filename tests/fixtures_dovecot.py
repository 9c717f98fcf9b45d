"""A real Dovecot IMAP server for tests and benchmarks, plus a proxy that cuts connections.

`start_dovecot()` and `FlakyProxy` are plain code (bench/pull.py uses them too); the pytest
fixtures `dovecot` (session), `imap_user` (a fresh, empty account per test) and `flaky_proxy`
wrap them. `ImapUser` is an account on any test server (tests/fixtures_cyrus.py gives Cyrus
accounts too); a server object has host, ports, ca_file, its folder names (`prefix`,
`separator`, `drafts_folder`, `sent_folder`) and add_user().
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import require

if TYPE_CHECKING:
    from tests.fixtures_cyrus import CyrusServer

HOST = "127.0.0.1"
MAIL_UID = 65534  # "nobody": Dovecot refuses uid 0
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = {host}
protocols = imap
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {plain_port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {tls_port}
    ssl = yes
  }}
}}
namespace inbox {{
  inbox = yes
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""
# Dovecot checks XOAUTH2 tokens with the test's TokenServer (RFC 7662 introspection).
OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = http://{host}:{port}/introspect
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


class TokenServer:
    """An OAuth2 introspection endpoint on 127.0.0.1: tokens issued here are valid."""

    def __init__(self) -> None:
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        tokens: dict[str, str] = {}
        checked: list[str] = []
        self.tokens, self.checked = tokens, checked

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                checked.append((form.get("token") or [""])[0])
                user = tokens.get(checked[-1])
                body = {"active": True, "username": user} if user else {"active": False}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                return None

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def issue(self, username: str) -> str:
        token = "ya29." + secrets.token_urlsafe(24)
        self.tokens[token] = username
        return token

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _self_signed_cert(root: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def _wait_for_greeting(
    port: int, process: subprocess.Popen, log: Path, server: str = "Dovecot"
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), 1) as sock:
            if sock.recv(200).startswith(b"* OK"):
                return
        time.sleep(0.05)
    process.kill()
    text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{server} did not answer on {HOST}:{port}: {text}")


@dataclass
class ImapUser:
    """One account on a test server (Dovecot or Cyrus)."""

    server: DovecotServer | CyrusServer
    username: str
    password: str
    home: Path | None = None  # Dovecot's mail home; Cyrus keeps mail in its own spool

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def plain_port(self) -> int:
        return self.server.plain_port

    @property
    def tls_port(self) -> int:
        return self.server.tls_port

    @property
    def ca_file(self) -> str:
        return self.server.ca_file

    def oauth2_token(self) -> str:
        """A fresh access token the server accepts for this account over XOAUTH2."""
        return self.server.tokens.issue(self.username)

    def client(self):
        """A logged-in imapclient.IMAPClient on the plain port (close it with logout())."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, self.plain_port, ssl=False, timeout=30)
        # Without it each APPEND waits ~40 ms for a delayed ACK (its literal is a 2nd write).
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login(self.username, self.password)
        client.normalise_times = False
        return client

    @property
    def drafts(self) -> str:
        """The server's name of this account's \\Drafts folder (INBOX.Drafts, Borradores...)."""
        return self.server.drafts_folder

    @property
    def sent(self) -> str:
        """The server's name of this account's \\Sent folder."""
        return self.server.sent_folder

    def mailbox(self, name: str) -> str:
        """The server's full name of a personal folder written with "/" ("Done", "A/B")."""
        if name.upper() == "INBOX":
            return name
        return self.server.prefix + name.replace("/", self.server.separator)

    def create_folder(self, name: str) -> str:
        """Create the personal folder `name`; returns its full name on the server."""
        full = self.mailbox(name)
        client = self.client()
        try:
            client.create_folder(full)
        finally:
            client.logout()
        return full

    def recreate_folder(self, name: str) -> None:
        """Delete and create the folder again (a new UIDVALIDITY), then it is empty."""
        full = self.mailbox(name)
        client = self.client()
        try:
            client.delete_folder(full)
            client.create_folder(full)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """uid -> sorted flags (without \\Recent) of every message in `folder` (a full name)."""
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            found = client.get_flags(client.search())
        finally:
            client.logout()
        return {uid: tuple(sorted(set(f) - {rb"\Recent"})) for uid, f in found.items()}

    def append(self, folder: str, raw: bytes, flags: Sequence[str] = ()) -> None:
        client = self.client()
        try:
            client.append(folder, raw, flags=tuple(flags))
        finally:
            client.logout()

    def append_many(self, folder: str, raws: Sequence[bytes], chunk: int = 200) -> None:
        """Append with MULTIAPPEND, `chunk` messages per command, lines ending in CRLF."""
        # Unlike append(), imapclient's multiappend() neither makes line ends CRLF nor raises
        # on NO (Cyrus refuses bare newlines), and given bare literals it puts two spaces
        # between them (Cyrus: "Missing required argument"): each gets an empty flag list.
        messages = [{"msg": re.sub(rb"\r?\n", b"\r\n", raw), "flags": ()} for raw in raws]
        client = self.client()
        try:
            for start in range(0, len(messages), chunk):
                status, said = client.multiappend(folder, messages[start : start + chunk])
                if status != "OK":
                    raise RuntimeError(f"MULTIAPPEND to {folder} refused: {said}")
        finally:
            client.logout()

    def imap_config(self, **overrides) -> dict:
        """The [imap] table of a configuration for this account (plain port), as a dict."""
        table = dataclasses.asdict(self.settings(**overrides))
        table["folders"] = list(table["folders"])
        return table

    def imap_toml(self, password_env: str) -> str:
        """The [imap] table of a config.toml for this account, its password in password_env."""
        return (
            f'[imap]\nhost = "{self.host}"\nport = {self.plain_port}\nsecurity = "plain"\n'
            f'username = "{self.username}"\npassword_env = "{password_env}"\ntimeout = 10.0\n'
        )

    def settings(self, **overrides):
        """ImapSettings for this account on the plain port; override any field."""
        from inbox_agent.config import ImapSettings

        base = ImapSettings(
            host=self.host,
            port=self.plain_port,
            security="plain",
            username=self.username,
            timeout=10.0,
        )
        return replace(base, **overrides)


@dataclass
class DovecotServer:
    root: Path
    plain_port: int
    tls_port: int
    process: subprocess.Popen
    tokens: TokenServer
    host: str = HOST
    # How this server names folders (CONFIG above), for tests to check what the client finds.
    prefix: str = ""
    separator: str = "."
    drafts_folder: str = "Drafts"
    sent_folder: str = "Sent"
    _count: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ca_file(self) -> str:
        return str(self.root / "cert.pem")

    def add_user(self, prefix: str = "reader") -> ImapUser:
        """A new account with an empty mailbox, in a passwd-file of its own (users/<name>)."""
        with self._lock:
            name = f"{prefix}{next(self._count)}-{secrets.token_hex(3)}@example.org"
            password = secrets.token_urlsafe(12)
            home = self.root / "home" / name
            home.mkdir(parents=True)
            os.chown(home, MAIL_UID, MAIL_UID)
            line = f"{name}:{{PLAIN}}{password}:{MAIL_UID}:{MAIL_UID}::{home}\n"
            (self.root / "users" / name).write_text(line)
        return ImapUser(self, name, password, home)

    def stop(self) -> None:
        self.tokens.stop()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot() -> DovecotServer:
    """Start Dovecot in the foreground on free ports of 127.0.0.1; call stop() when done."""
    root = Path(tempfile.mkdtemp(prefix="inbox-agent-dovecot-", dir="/tmp"))
    root.chmod(0o755)
    (root / "home").mkdir(mode=0o755)
    (root / "users").mkdir(mode=0o755)
    _self_signed_cert(root)
    plain_port, tls_port = free_port(), free_port()
    conf = root / "dovecot.conf"
    conf.write_text(CONFIG.format(root=root, host=HOST, plain_port=plain_port, tls_port=tls_port))
    tokens = TokenServer()
    (root / "oauth2.conf.ext").write_text(OAUTH2_CONFIG.format(host=HOST, port=tokens.port))
    process = subprocess.Popen(
        ["dovecot", "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=open(root / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as the server
    )
    server = DovecotServer(root, plain_port, tls_port, process, tokens)
    try:
        _wait_for_greeting(plain_port, process, root / "dovecot.log")
    except BaseException:
        server.stop()
        raise
    return server


REPLY_WORDS = (
    "thanks for the issue about slow mornings I tried the notebook idea and it stuck "
    "but the part on batching email felt rushed could you say more about how you "
    "decide what waits until Friday my team argues about this every week"
)


def sample_reply(n: int, body_bytes: int = 1200, issue: int = 42) -> bytes:
    """A realistic plain-text reader reply of about `body_bytes` bytes (deterministic)."""
    words = REPLY_WORDS.split()
    body: list[str] = []
    length = 0
    while length < body_bytes:
        k = len(body)
        body.append(words[(n * 13 + k * 5 + k * k) % len(words)])
        length += len(body[-1]) + 1
    text = "\r\n".join(" ".join(body[k : k + 12]) for k in range(0, len(body), 12))
    return (
        f"From: Reader {n} <reader{n}@example.net>\r\n"
        f"To: Author <author@example.org>\r\n"
        f"Subject: Re: Issue #{issue}: slow mornings\r\n"
        f"Date: Mon, 2 Oct 2023 09:{n % 60:02d}:00 +0200\r\n"
        f"Message-ID: <reply-{n}@example.net>\r\n"
        f"In-Reply-To: <issue-{issue}@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"\r\nHi,\r\n\r\n{text}\r\n\r\nReader {n}\r\n"
    ).encode()


class FlakyProxy:
    """A TCP proxy on 127.0.0.1 that can cut connections after N bytes from the server.

    `cut_after = N` cuts every new connection once the server sent N bytes through it;
    `cuts_left` (when not None) limits how many connections are cut; with `stall = True` a
    "cut" connection goes silent but stays open instead (the client must time out).
    `kill()` closes every connection and stops listening, as if the server were gone.
    """

    def __init__(self, target_port: int, host: str = HOST) -> None:
        self.target = (host, target_port)
        self.cut_after: int | None = None
        self.cuts_left: int | None = None
        self.connections = 0
        self.cuts = 0
        self.bytes_from_server = 0
        self.stall = False
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._running = True
        self._spawn(self._accept)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while self._running:
            try:
                downstream, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
            with self._lock:
                self.connections += 1
                self._sockets += [downstream, upstream]
                limit = self.cut_after if self.cuts_left is None or self.cuts_left > 0 else None
                if limit is not None and self.cuts_left is not None:
                    self.cuts_left -= 1
            self._spawn(self._pump, downstream, upstream, None, False)
            self._spawn(self._pump, upstream, downstream, limit, True)

    def _pump(
        self, source: socket.socket, sink: socket.socket, limit: int | None, from_server: bool
    ) -> None:
        sent = 0
        try:
            while data := source.recv(65536):
                if limit is not None and sent + len(data) >= limit:
                    data = data[: limit - sent]
                if from_server:
                    with self._lock:
                        self.bytes_from_server += len(data)
                sink.sendall(data)
                sent += len(data)
                if limit is not None and sent >= limit:
                    with self._lock:
                        self.cuts += 1
                    while self.stall and self._running:
                        time.sleep(0.05)
                    break
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def kill(self) -> None:
        """Stop listening and cut every open connection (the server is gone)."""
        self._running = False
        self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def stop(self) -> None:
        self.kill()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=2)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A Dovecot server for the whole session (skipped locally, failing under CI, if absent)."""
    require(shutil.which("dovecot") is not None, "dovecot is not installed (dovecot-imapd)")
    require(shutil.which("openssl") is not None, "openssl is not installed")
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def imap_user(dovecot: DovecotServer) -> ImapUser:
    """A fresh account with an empty INBOX, Drafts and Sent."""
    return dovecot.add_user()


@pytest.fixture
def flaky_proxy(imap_user: ImapUser) -> Iterator[FlakyProxy]:
    """A FlakyProxy in front of the plain IMAP port; point settings(port=proxy.port) at it."""
    proxy = FlakyProxy(imap_user.plain_port)
    yield proxy
    proxy.stop()
