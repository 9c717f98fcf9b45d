"""The IMAP mail source, the only importer of imapclient; its errors are translated here.

Pulling selects folders read-only (so \\Seen never changes) and fetches bodies with
BODY.PEEK[]; post-actions and drafts use a separate read-write selection. Folder names from
[imap] are put in the server's personal namespace ("Drafts" is "INBOX.Drafts" on a server
whose NAMESPACE prefix is "INBOX."); Drafts and Sent are found by their special-use flags,
in any case (Cyrus sends \\drafts, \\sent).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Self, TypeVar

from imapclient import DELETED, DRAFT, SEEN, IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError, ProtocolError
from imapclient.imapclient import DRAFTS, SENT

from inbox_agent.config import ImapSettings
from inbox_agent.errors import AuthError, ConnectionLost, MailboxError
from inbox_agent.mail.imap_rules import (
    Namespaces,
    backoff_delays,
    body_batches,
    check_security,
    refused_message_hint,
    server_folder,
    special_use_folder,
    ssl_context,
)
from inbox_agent.mail.source import too_large_reason
from inbox_agent.models import FetchedMail, MailRef

log = logging.getLogger(__name__)
T = TypeVar("T")
# A dropped connection or a timeout; worth reconnecting for.
CONNECTION_ERRORS = (OSError, IMAPClientAbortError, ProtocolError, EOFError)
SENT_NAMES = ("[Gmail]/Sent Mail", "[Google Mail]/Sent Mail", "Sent Mail", "INBOX.Sent")
LIST_SPECIAL_USE = [b'""', b'"*"', b"RETURN", b"(SPECIAL-USE)"]  # RFC 6154 section 3


class ImapSource:
    """An IMAP account. Use as a context manager; reconnects on a dropped connection."""

    def __init__(
        self,
        settings: ImapSettings,
        password: Callable[[], str],
        *,
        retries: int = 5,
        backoff: tuple[float, float] = (0.5, 8.0),
    ) -> None:
        check_security(settings)
        self.settings = settings
        self.account = f"{settings.username}@{settings.host}"
        self._password = password
        self._delays = backoff_delays(retries, backoff)
        self._client: IMAPClient | None = None
        self._validity: dict[str, int] = {}
        self._spaces: Namespaces | None = None  # of the current connection

    # -- connection -------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop(logout=True)

    def _connect(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        s = self.settings
        where = f"{s.host}:{s.port}"
        context = None if s.security == "plain" else ssl_context(s)
        try:
            client = IMAPClient(
                s.host, s.port, ssl=s.security == "tls", ssl_context=context, timeout=s.timeout
            )
            # An APPEND's message goes in a second write: without this it waits for the
            # server's delayed ACK (~130 ms per draft on Cyrus).
            with contextlib.suppress(OSError):
                client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if s.security == "starttls":
                client.starttls(context)
        except ssl.SSLCertVerificationError as err:
            raise MailboxError(
                f"the TLS certificate of {where} could not be verified ({err.verify_message}): "
                "set ca_file in [imap] to the CA that signed it, or use the host name it was "
                "issued for"
            ) from err
        except ssl.SSLError as err:
            raise MailboxError(
                f"TLS with {where} failed ({err})", hint="check port and security"
            ) from err
        except (*CONNECTION_ERRORS, IMAPClientError) as err:
            raise ConnectionLost(
                f"cannot connect to {where} ({err})", hint="check host and port"
            ) from err
        self._login(client)
        client.normalise_times = False
        if client.has_capability("CONDSTORE"):
            client.enable("CONDSTORE")
        self._client = client
        return client

    def _login(self, client: IMAPClient) -> None:
        s = self.settings
        try:
            if s.auth == "xoauth2":
                client.oauth2_login(s.username, self._password())
            else:
                client.login(s.username, self._password())
        except LoginError as err:
            client.shutdown()
            hint = (
                "the access token from oauth2_token_command (XOAUTH2)"
                if s.auth == "xoauth2"
                else "the password (password_env / password_command; Gmail and Outlook need "
                'an app password, or use auth = "xoauth2")'
            )
            raise AuthError(
                f"login refused for {self.account}", hint=f"check the username and {hint}"
            ) from err

    def _drop(self, *, logout: bool = False) -> None:
        client, self._client, self._spaces = self._client, None, None
        if client is None:
            return
        try:
            if logout:
                client.logout()
        except Exception as err:  # noqa: BLE001 - a broken connection may fail in any way
            log.debug("IMAP logout failed: %s", err)
        with contextlib.suppress(Exception):
            client.shutdown()

    def _reconnect(self, attempt: int, err: BaseException) -> int:
        """Wait and reconnect; returns the attempts used; after the last raises ConnectionLost."""
        self._drop()
        while attempt < len(self._delays):
            delay = self._delays[attempt]
            log.warning(
                "IMAP connection to %s lost (%s); retry in %.2f s", self.account, err, delay
            )
            time.sleep(delay)
            attempt += 1
            try:
                self._connect()
                return attempt
            except ConnectionLost as again:
                err = again
        raise ConnectionLost(
            f"lost the connection to {self.settings.host}:{self.settings.port} and "
            f"{len(self._delays)} reconnects failed ({err})",
            hint="check the server and rerun",
        ) from err

    def _retrying(self, operation: Callable[[IMAPClient], T]) -> T:
        """Run `operation` on a connected client, reconnecting on a dropped connection."""
        attempt = 0
        while True:
            try:
                return operation(self._connect())
            except CONNECTION_ERRORS as err:
                attempt = self._reconnect(attempt, err)
            except IMAPClientError as err:
                raise MailboxError(f"IMAP server {self.settings.host} refused: {err}") from err

    def _name(self, client: IMAPClient, folder: str) -> str:
        """The server's name of `folder` (see server_folder), from the server's NAMESPACE."""
        if self._spaces is None:
            self._spaces = Namespaces()
            if client.has_capability("NAMESPACE"):
                found = client.namespace()
                prefix, separator = (found.personal or [("", "")])[0]
                others = [p for group in (found.other, found.shared) for p, _ in group or ()]
                self._spaces = Namespaces(prefix, separator or "", tuple(others))
        return server_folder(folder, self._spaces)

    def _select(self, client: IMAPClient, folder: str, *, readonly: bool) -> int:
        """Select `folder`; returns UIDVALIDITY and checks it did not change during this run."""
        name = self._name(client, folder)
        try:
            info = client.select_folder(name, readonly=readonly)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as err:
            raise MailboxError(
                f"cannot open the IMAP folder {name!r} of {self.account} ({err}): "
                "check the folder names in [imap]"
            ) from err
        validity = int(info[b"UIDVALIDITY"])
        known = self._validity.setdefault(folder, validity)
        if known != validity:
            raise MailboxError(
                f"UIDVALIDITY of {folder!r} changed from {known} to {validity} during the pull "
                "(the folder was recreated)",
                hint="rerun the pull",
            )
        return validity

    # -- pulling -----------------------------------------------------------------------------

    def folders(self) -> list[str]:
        return list(self.settings.folders)

    def uidvalidity(self, folder: str) -> int:
        self._validity.pop(folder, None)
        return self._retrying(lambda c: self._select(c, folder, readonly=True))

    def uids(self, folder: str, since: dt.date | None = None) -> list[int]:
        def search(client: IMAPClient) -> list[int]:
            self._select(client, folder, readonly=True)
            return sorted(client.search(["SINCE", since] if since else ["ALL"]))

        return self._retrying(search)

    def fetch(self, folder: str, uids: Sequence[int]) -> Iterator[FetchedMail]:
        pending = sorted(set(uids))
        done = attempt = 0
        while done < len(pending):
            try:
                client = self._connect()
                validity = self._select(client, folder, readonly=True)
                for mail in self._fetch_batches(client, folder, validity, pending[done:]):
                    done = pending.index(mail.ref.uid, done) + 1
                    attempt = 0
                    yield mail
                return
            except CONNECTION_ERRORS as err:
                attempt = self._reconnect(attempt, err)
            except IMAPClientError as err:
                raise MailboxError(
                    f"fetching from {folder!r} of {self.account} failed: {err}"
                ) from err

    def _fetch_batches(
        self, client: IMAPClient, folder: str, validity: int, uids: list[int]
    ) -> Iterator[FetchedMail]:
        """Sizes and dates per batch, then bodies of the messages under the cap, in uid order."""
        cap = self.settings.max_message_mb
        step = max(1, self.settings.batch_size)
        for start in range(0, len(uids), step):
            chunk = uids[start : start + step]
            meta = client.fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"])
            sizes = {uid: int(meta[uid][b"RFC822.SIZE"]) for uid in chunk if uid in meta}
            reasons = {uid: too_large_reason(size, cap) for uid, size in sizes.items()}
            wanted = {uid: size for uid, size in sizes.items() if reasons[uid] is None}
            groups = list(body_batches(wanted))
            group_of = {uid: n for n, group in enumerate(groups) for uid in group}
            bodies: dict = {}
            loaded = -1
            for uid in chunk:
                if uid not in sizes:
                    log.info("%s %s: uid %d is gone from the server", self.account, folder, uid)
                    continue
                if uid in group_of and group_of[uid] != loaded:
                    loaded = group_of[uid]
                    bodies = client.fetch(groups[loaded], ["BODY.PEEK[]"])
                raw = bodies.get(uid, {}).get(b"BODY[]") if uid in group_of else None
                if uid in group_of and raw is None:
                    log.info("%s %s: uid %d has no body, skipped", self.account, folder, uid)
                    continue
                ref = MailRef(self.account, folder, validity, uid)
                date = meta[uid].get(b"INTERNALDATE")
                yield FetchedMail(ref, raw, sizes[uid], date, reasons[uid])

    # -- changes -----------------------------------------------------------------------------

    def mark_processed(self, folder: str, uids: Sequence[int]) -> None:
        """The post-action of [imap]: none, add `post_keyword`, or move to `post_move_to`."""
        action, uids = self.settings.post_action, sorted(set(uids))
        if action == "none" or not uids:
            return
        if action not in ("keyword", "move"):
            raise MailboxError('[imap] post_action must be "none", "keyword" or "move"')
        if action == "move" and not self.settings.post_move_to:
            raise MailboxError('[imap] post_action = "move" needs post_move_to (a folder name)')

        def act(client: IMAPClient) -> None:
            self._select(client, folder, readonly=False)
            if action == "keyword":
                client.add_flags(uids, [self.settings.post_keyword], silent=True)
            elif client.has_capability("MOVE"):
                client.move(uids, self._name(client, self.settings.post_move_to))
            else:
                client.copy(uids, self._name(client, self.settings.post_move_to))
                self._delete(client, uids)

        self._retrying(act)

    def _delete(self, client: IMAPClient, uids: list[int]) -> None:
        client.add_flags(uids, [DELETED], silent=True)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(uids)
        else:
            client.expunge()

    def _special_folder(
        self, client: IMAPClient, configured: str, flag: bytes, default: str
    ) -> str:
        """`configured`, else the folder flagged `flag`, else one of imapclient's usual names,
        else `default`; a configured or default folder is created when missing."""
        if not configured:
            listing = self._listing(client)
            found = special_use_folder(listing, flag) or client.find_special_folder(flag)
            if found:
                return found
        name = self._name(client, configured or default)
        if not client.folder_exists(name):
            client.create_folder(name)
        return name

    def _listing(self, client: IMAPClient) -> list[tuple]:
        """Every folder with its flags, special-use ones asked for where the server can."""
        if client.has_capability("SPECIAL-USE") and client.has_capability("LIST-EXTENDED"):
            # imapclient has no LIST return options: send LIST ... RETURN (SPECIAL-USE) as it
            # is and read the answer as imapclient reads a LIST.
            try:
                data = client._raw_command_untagged(b"LIST", LIST_SPECIAL_USE, uid=False)
                return client._proc_folder_list(data)
            except IMAPClientAbortError:
                raise
            except IMAPClientError as err:
                log.debug("LIST RETURN (SPECIAL-USE) refused (%s); plain LIST", err)
        return client.list_folders()

    def _append(
        self, client: IMAPClient, folder: str, raw: bytes, flag: bytes, what: str
    ) -> bytes:
        """APPEND `raw` to `folder`; a refused message is one MailboxError naming why."""
        try:
            return client.append(folder, raw, flags=[flag])
        except CONNECTION_ERRORS:
            raise
        except IMAPClientError as err:
            said = " ".join(re.sub(r"^\w+ failed: ", "", str(err)).split())
            raise MailboxError(
                f"the IMAP server {self.settings.host} refused to store the {what} in "
                f"{folder!r} of {self.account} ({said})",
                hint=refused_message_hint(raw),
            ) from err

    def _drafts_folder(self, client: IMAPClient) -> str:
        return self._special_folder(client, self.settings.drafts_folder, DRAFTS, "Drafts")

    def _marked(self, client: IMAPClient, header: str, value: str) -> list[int]:
        """UIDs in the selected folder whose `header` is exactly `value` (SEARCH is substring)."""
        found = client.search(["HEADER", header, value])
        if not found:
            return []
        section = f"BODY.PEEK[HEADER.FIELDS ({header.upper()})]"
        key = section.replace(".PEEK", "").encode()
        headers = client.fetch(found, [section])
        return [
            uid for uid, data in headers.items() if header_line_value(data.get(key, b"")) == value
        ]

    def _remove_marked(self, client: IMAPClient, folder: str, header: str, value: str) -> int:
        self._select(client, folder, readonly=False)
        marked = self._marked(client, header, value)
        if marked:
            self._delete(client, marked)
        return len(marked)

    def save_draft(self, raw: bytes, *, marker_header: str, marker_value: str) -> str:
        def save(client: IMAPClient) -> str:
            folder = self._drafts_folder(client)
            self._select(client, folder, readonly=False)
            earlier = self._marked(client, marker_header, marker_value)
            response = self._append(client, folder, raw, DRAFT, "draft")
            if earlier:  # only once the new one is stored: a refused draft replaces nothing
                self._delete(client, earlier)
            match = re.search(rb"APPENDUID \d+ (\d+)", response or b"")
            log.info("draft saved in %s of %s (replaced %d)", folder, self.account, len(earlier))
            return f"IMAP {folder} (uid {int(match.group(1))})" if match else f"IMAP {folder}"

        return self._retrying(save)

    def delete_drafts(self, marker_header: str, marker_value: str) -> int:
        return self._retrying(
            lambda c: self._remove_marked(c, self._drafts_folder(c), marker_header, marker_value)
        )

    def sent_folder(self, configured: str = "") -> str | None:
        """The server's name of the author's Sent folder, never created: `configured` when it
        exists, else the folder flagged \\Sent, else a usual name (Sent, Sent Items, Sent
        Messages, [Gmail]/Sent Mail); None when there is none."""

        def find(client: IMAPClient) -> str | None:
            if configured:
                name = self._name(client, configured)
                if not client.folder_exists(name):
                    raise MailboxError(
                        f"there is no folder {name!r} in {self.account}: check [sent] folder"
                    )
                return name
            found = special_use_folder(self._listing(client), SENT)
            if found or (found := client.find_special_folder(SENT)):
                return found
            for name in SENT_NAMES:
                if client.folder_exists(self._name(client, name)):
                    return self._name(client, name)
            return None

        return self._retrying(find)

    def append_sent(self, raw: bytes, folder: str = "") -> str:
        """APPEND a sent message, marked \\Seen, to `folder` or the \\Sent folder ("Sent")."""

        def put(client: IMAPClient) -> str:
            name = self._special_folder(client, folder, SENT, "Sent")
            self._append(client, name, raw, SEEN, "copy of the sent message")
            return f"IMAP {name}"

        return self._retrying(put)


def header_line_value(block: bytes) -> str:
    """The value of the single header in a HEADER.FIELDS response, unfolded."""
    text = block.decode("utf-8", "replace").strip()
    _, _, value = text.partition(":")
    return " ".join(value.split())
