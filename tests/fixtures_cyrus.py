"""A real Cyrus IMAP server (what Fastmail runs) for tests, beside Dovecot.

`start_cyrus(layout)` is plain code; the session fixtures wrap it, one per folder layout:

- `cyrus`: Cyrus's default namespace (`altnamespace: yes`, `unixhierarchysep: yes`):
  separator "/", folders beside INBOX (Drafts, Sent), special-use flags in every LIST, 8-bit
  header bytes kept (`munge8bit: no`).
- `cyrus_inbox`: the namespace of Debian's shipped imapd.conf (`altnamespace: no`,
  `unixhierarchysep: no`): separator ".", personal folders under "INBOX.", special folders
  with other names (INBOX.Borradores, INBOX.Enviados), special-use flags only when a LIST asks
  for them (`specialusealways: no`), 8-bit header bytes turned into "X" (`munge8bit` default).

Both flag their special folders in lowercase (`\\drafts`, `\\sent`). `imap_server` is each
real server in turn (test ids `[dovecot]`, `[cyrus]`, `[cyrus-inbox]`, each with its marker);
`on_servers(...)` limits one test to some of them. Accounts are `ImapUser`s, as on Dovecot.
"""

from __future__ import annotations

import itertools
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fixtures_dovecot import (
    HOST,
    ImapUser,
    _self_signed_cert,
    _wait_for_greeting,
    free_port,
)
from tests.support import require

CYRUS_BIN = Path("/usr/lib/cyrus/bin")
SASLPASSWD2 = shutil.which("saslpasswd2") or "/usr/sbin/saslpasswd2"  # sasl2-bin
SERVERNAME = "cyrus-test"  # also the SASL realm of the accounts
STOP_TIMEOUT = 5.0

# Comments only on lines of their own; a key given twice makes master exit (78).
IMAPD_CONF = """\
configdirectory: {root}/conf
partition-default: {root}/spool
servername: {servername}
admins: cyrusadmin
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: {root}/sasldb2
sasl_mech_list: PLAIN LOGIN
allowplaintext: yes
failedloginpause: 0
autocreate_quota: 0
tls_server_cert: {root}/cert.pem
tls_server_key: {root}/key.pem
cyrus_user: cyrus
cyrus_group: mail
{layout}"""
CYRUS_CONF = """\
SERVICES {{
  imap cmd="imapd -C {root}/imapd.conf" listen="{host}:{plain_port}" proto=tcp4 prefork=0
  imaps cmd="imapd -s -C {root}/imapd.conf" listen="{host}:{tls_port}" proto=tcp4 prefork=0
}}
"""


@dataclass(frozen=True)
class CyrusLayout:
    """The imapd.conf lines of one folder layout and the names it gives (for the tests)."""

    options: str
    prefix: str
    separator: str
    drafts_folder: str
    sent_folder: str


LAYOUTS = {
    "cyrus": CyrusLayout(
        "unixhierarchysep: yes\naltnamespace: yes\n"
        "autocreate_inbox_folders: Drafts | Sent\nautocreate_subscribe_folders: Drafts | Sent\n"
        "xlist-drafts: Drafts\nxlist-sent: Sent\nspecialusealways: yes\nmunge8bit: no\n",
        prefix="", separator="/", drafts_folder="Drafts", sent_folder="Sent",
    ),
    "cyrus_inbox": CyrusLayout(
        "unixhierarchysep: no\naltnamespace: no\n"
        "autocreate_inbox_folders: Borradores | Enviados\n"
        "autocreate_subscribe_folders: Borradores | Enviados\n"
        "xlist-drafts: Borradores\nxlist-sent: Enviados\nspecialusealways: no\n",
        prefix="INBOX.", separator=".", drafts_folder="INBOX.Borradores",
        sent_folder="INBOX.Enviados",
    ),
}  # fmt: skip


@dataclass
class CyrusServer:
    name: str
    layout: CyrusLayout
    root: Path
    plain_port: int
    tls_port: int
    process: subprocess.Popen
    host: str = HOST
    tokens: None = None  # no XOAUTH2 here (Dovecot's oauth2 passdb checks those tokens)
    _count: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ca_file(self) -> str:
        return str(self.root / "cert.pem")

    @property
    def prefix(self) -> str:
        return self.layout.prefix

    @property
    def separator(self) -> str:
        return self.layout.separator

    @property
    def drafts_folder(self) -> str:
        return self.layout.drafts_folder

    @property
    def sent_folder(self) -> str:
        return self.layout.sent_folder

    def add_user(self, prefix: str = "reader") -> ImapUser:
        """A new account; Cyrus creates its INBOX and special folders at the first login."""
        with self._lock:
            name = f"{prefix}{next(self._count)}-{secrets.token_hex(3)}"
            password = secrets.token_urlsafe(12)
            sasldb = self.root / "sasldb2"
            subprocess.run(
                [SASLPASSWD2, "-f", str(sasldb), "-u", SERVERNAME, "-c", "-p", name],
                input=password.encode(), check=True, capture_output=True, timeout=30,
            )  # fmt: skip
            cyrus = pwd.getpwnam("cyrus")
            os.chown(sasldb, cyrus.pw_uid, cyrus.pw_gid)
        return ImapUser(self, name, password)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # master passes it on to its imapds
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(STOP_TIMEOUT)
        shutil.rmtree(self.root, ignore_errors=True)


def conf_lint(root: Path) -> str:
    """What Cyrus finds wrong in imapd.conf (it logs only to syslog, absent here)."""
    found = subprocess.run(
        [str(CYRUS_BIN / "cyr_info"), "-C", str(root / "imapd.conf"), "conf-lint"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    return (found.stdout + found.stderr).strip()


def start_cyrus(name: str = "cyrus") -> CyrusServer:
    """Start Cyrus master with the layout `name` on free ports of 127.0.0.1; stop() it after."""
    layout = LAYOUTS[name]
    root = Path(tempfile.mkdtemp(prefix=f"inbox-agent-{name}-", dir="/tmp"))
    root.chmod(0o755)
    for sub in ("conf/socket", "spool", "run"):
        (root / sub).mkdir(parents=True)
    _self_signed_cert(root)
    plain_port, tls_port = free_port(), free_port()
    (root / "imapd.conf").write_text(
        IMAPD_CONF.format(root=root, servername=SERVERNAME, layout=layout.options)
    )
    (root / "cyrus.conf").write_text(
        CYRUS_CONF.format(root=root, host=HOST, plain_port=plain_port, tls_port=tls_port)
    )
    (root / "sasldb2").touch()
    subprocess.run(["chown", "-R", "cyrus:mail", str(root)], check=True, timeout=30)
    command = [str(CYRUS_BIN / "master"), "-D", "-C", str(root / "imapd.conf"),
               "-M", str(root / "cyrus.conf"), "-p", str(root / "run/master.pid")]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=open(root / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as the server
        start_new_session=True,  # on SIGTERM master signals its whole process group
    )
    server = CyrusServer(name, layout, root, plain_port, tls_port, process)
    try:
        _wait_for_greeting(plain_port, process, root / "stderr.log", "Cyrus")
    except RuntimeError as err:
        lint = conf_lint(root)
        server.stop()
        raise RuntimeError(f"{err} {lint}") from None
    except BaseException:
        server.stop()
        raise
    return server


def _require_cyrus() -> None:
    require(
        (CYRUS_BIN / "master").exists() and Path(SASLPASSWD2).exists(),
        "Cyrus is not installed (cyrus-imapd, sasl2-bin)",
    )
    require(shutil.which("openssl") is not None, "openssl is not installed")
    require(os.geteuid() == 0, "Cyrus tests run as root (master drops to the cyrus user)")
    try:
        pwd.getpwnam("cyrus")
    except KeyError:
        require(False, "the cyrus user is missing (cyrus-common creates it)")


@pytest.fixture(scope="session")
def cyrus() -> Iterator[CyrusServer]:
    """Cyrus with folders beside INBOX ("/"), for the whole session."""
    _require_cyrus()
    server = start_cyrus("cyrus")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cyrus_inbox() -> Iterator[CyrusServer]:
    """Cyrus with folders under INBOX. (".") and localized special folders, for the session."""
    _require_cyrus()
    server = start_cyrus("cyrus_inbox")
    yield server
    server.stop()


# The real IMAP servers, each with the marker its tests carry (tests/conftest.py lists them).
IMAP_SERVERS = {"dovecot": "dovecot", "cyrus": "cyrus", "cyrus_inbox": "cyrus"}


def server_param(name: str):
    return pytest.param(name, marks=getattr(pytest.mark, IMAP_SERVERS[name]),
                        id=name.replace("_", "-"))  # fmt: skip


def on_servers(*names: str) -> pytest.MarkDecorator:
    """Run the test on these servers only (each use says why beside it)."""
    return pytest.mark.parametrize("imap_server", [server_param(n) for n in names], indirect=True)


@pytest.fixture(params=[server_param(name) for name in IMAP_SERVERS])
def imap_server(request: pytest.FixtureRequest):
    """Each real IMAP server in turn (its session fixture); add_user() gives an account."""
    return request.getfixturevalue(request.param)
