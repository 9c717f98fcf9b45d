"""What the IMAP source decides without a connection: folder names in the server's namespace,
special-use folders in any case, what a server refuses on APPEND, TLS settings, reconnect
waits and FETCH batches. No imapclient here: the tests read these as plain functions."""

from __future__ import annotations

import logging
import re
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from inbox_agent.config import ImapSettings, is_loopback
from inbox_agent.errors import MailboxError

log = logging.getLogger(__name__)
MAX_BODY_BATCH_BYTES = 32 * 1024 * 1024  # bodies requested in one FETCH, at most
HEADER_LINE = re.compile(rb"[!-9;-~]+:")  # a header field name and its colon (RFC 5322)


def backoff_delays(retries: int, backoff: tuple[float, float]) -> list[float]:
    """The waits before each reconnect: doubling from backoff[0], capped at backoff[1]."""
    first, cap = backoff
    return [min(cap, first * 2**n) for n in range(retries)]


def check_security(settings: ImapSettings) -> None:
    """Refuse plain text or unverified TLS unless the server is on this machine."""
    host, security = settings.host, settings.security
    if security not in ("tls", "starttls", "plain"):
        raise MailboxError(
            f'[imap] security must be "tls", "starttls" or "plain", not {security!r}'
        )
    local = is_loopback(host)
    if security == "plain" and not local:
        raise MailboxError(
            f'[imap] security = "plain" would send the password unencrypted to {host}: '
            "it is allowed only for 127.0.0.1, ::1 or localhost",
            hint='use "tls" or "starttls"',
        )
    if not settings.verify_tls and security != "plain":
        if not local:
            raise MailboxError(
                "[imap] verify_tls = false is allowed only for a server on this machine, not "
                f"{host}",
                hint="set ca_file to the server's CA certificate instead",
            )
        log.warning("TLS certificate of %s is not verified (verify_tls = false)", host)


def ssl_context(settings: ImapSettings) -> ssl.SSLContext:
    """The TLS context: system CAs or `ca_file`; verification off only when allowed."""
    try:
        context = ssl.create_default_context(cafile=settings.ca_file or None)
    except (OSError, ssl.SSLError) as err:
        raise MailboxError(f"[imap] ca_file {settings.ca_file!r} cannot be read: {err}") from err
    if not settings.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def body_batches(sizes: dict[int, int], limit: int = MAX_BODY_BATCH_BYTES) -> Iterator[list[int]]:
    """Group uids (ascending) so that one FETCH of their bodies stays under `limit` bytes."""
    batch: list[int] = []
    total = 0
    for uid in sorted(sizes):
        if batch and total + sizes[uid] > limit:
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch


@dataclass(frozen=True)
class Namespaces:
    """The account's folder namespaces (RFC 2342): the personal prefix and separator, and the
    prefixes of other users' and shared folders."""

    prefix: str = ""
    separator: str = ""
    others: tuple[str, ...] = ()


def server_folder(name: str, spaces: Namespaces) -> str:
    """The server's name of a folder from [imap]: "/" stands for the server's separator, and a
    name outside INBOX and every namespace goes in the personal one ("Drafts" on a server with
    prefix "INBOX." is "INBOX.Drafts")."""
    separator = spaces.separator
    if separator and separator != "/":
        name = name.replace("/", separator)
    upper = name.upper()  # INBOX is case-insensitive (RFC 3501)
    if upper == "INBOX" or (separator and upper.startswith("INBOX" + separator)):
        return name
    if any(prefix and name.startswith(prefix) for prefix in (spaces.prefix, *spaces.others)):
        return name
    return spaces.prefix + name


def special_use_folder(listing: Iterable[tuple], flag: bytes) -> str | None:
    """The first folder of a LIST answer that carries the special-use `flag`, in any case."""
    wanted = flag.lower()
    for flags, _, name in listing:
        if any(isinstance(f, bytes) and f.lower() == wanted for f in flags):
            return name
    return None


def refused_message_hint(raw: bytes) -> str:
    """What in `raw` servers refuse on APPEND (Cyrus refuses all three), said as a hint."""
    if not raw.strip():
        return "the message is empty"
    if b"\0" in raw:
        return "the message contains NUL bytes, which servers such as Cyrus refuse: remove them"
    if not HEADER_LINE.match(raw):
        return "the message does not start with a header, which servers such as Cyrus refuse"
    return "check that the folder accepts new messages (permissions, quota)"
