"""Local mail sources: a Maildir or an mbox file, read-only except for drafts.

Both follow the `MailSource` protocol of `inbox_agent.mail.source`. They have one folder,
"INBOX", a constant UIDVALIDITY of 1 and UIDs derived from stable content (the Maildir
key; the Message-ID or the bytes for mbox) so that a rerun sees the same UIDs.

Drafts: `MaildirSource` writes them into a Maildir (default `<maildir>/.Drafts`, the
Maildir++ Drafts folder). `MboxSource` writes them into the sibling mbox
`<name>.drafts` (for example `replies.mbox.drafts`) unless `drafts_path` is given.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import hashlib
import logging
import mailbox
import os
from collections.abc import Iterator, Sequence
from email import policy
from pathlib import Path
from typing import Self

from inbox_agent.errors import MailboxError
from inbox_agent.mail.source import too_large_reason
from inbox_agent.models import FetchedMail, MailRef

log = logging.getLogger(__name__)

LOCAL_FOLDER = "INBOX"
LOCAL_UIDVALIDITY = 1
_UID_BITS = 56


def stable_uid(value: str | bytes) -> int:
    """A positive 56-bit integer from the SHA-1 of `value` (the same on every run)."""
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return int.from_bytes(hashlib.sha1(data).digest()[: _UID_BITS // 8], "big") or 1


def header_value(raw: bytes, name: str) -> str:
    """One header of a raw message, unfolded and stripped ("" when absent)."""
    parser = email.parser.BytesHeaderParser(policy=policy.compat32)
    value = parser.parsebytes(raw).get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _check_folder(folder: str) -> None:
    if folder != LOCAL_FOLDER:
        raise MailboxError(
            f"a local mail source has only the folder {LOCAL_FOLDER!r}, not {folder!r}"
        )


def _fetched(
    account: str, uid: int, raw: bytes, date: dt.datetime | None, cap: float
) -> FetchedMail:
    ref = MailRef(account, LOCAL_FOLDER, LOCAL_UIDVALIDITY, uid)
    reason = too_large_reason(len(raw), cap)
    return FetchedMail(ref, None if reason else raw, len(raw), date, reason)


def _remove_marked(box: mailbox.Mailbox, marker_header: str, marker_value: str) -> int:
    """Remove the messages of `box` whose `marker_header` equals `marker_value`."""
    marked = [
        key
        for key in box.iterkeys()
        if header_value(box.get_bytes(key), marker_header) == marker_value
    ]
    for key in marked:
        box.remove(key)
    return len(marked)


class _LocalSource:
    """What the Maildir and mbox sources share: one folder, "INBOX", never changed by pulling."""

    def __enter__(self) -> Self:
        self._open()
        return self

    def _open(self) -> mailbox.Mailbox:  # pragma: no cover - each source opens its own kind
        raise NotImplementedError

    def folders(self) -> list[str]:
        return [LOCAL_FOLDER]

    def uidvalidity(self, folder: str) -> int:
        _check_folder(folder)
        return LOCAL_UIDVALIDITY

    def mark_processed(self, folder: str, uids: Sequence[int]) -> None:
        """Nothing: a local source is never changed by pulling."""
        _check_folder(folder)


class MaildirSource(_LocalSource):
    """A Maildir read as one folder, "INBOX". Reading never changes flags nor moves files."""

    def __init__(
        self, path: Path, *, drafts_path: Path | None = None, max_message_mb: float = 10
    ) -> None:
        self.path = Path(path).expanduser().absolute()
        self.drafts_path = Path(drafts_path) if drafts_path else self.path / ".Drafts"
        self.max_message_mb = max_message_mb
        self.account = f"maildir:{self.path}"
        self._box: mailbox.Maildir | None = None
        self._keys: dict[int, str] = {}

    def __exit__(self, *exc: object) -> None:
        self._box = None

    def _open(self) -> mailbox.Maildir:
        if self._box is None:
            if not (self.path / "cur").is_dir() or not (self.path / "new").is_dir():
                raise MailboxError(
                    f"no Maildir at {self.path} (it needs cur/ and new/): "
                    "set `path` in the [source] section of the config"
                )
            self._box = mailbox.Maildir(self.path, factory=None, create=False)
        return self._box

    def _delivery_times(self) -> dict[str, float]:
        """Maildir key -> file mtime, read from new/ and cur/ like the stdlib does."""
        box = self._open()
        times: dict[str, float] = {}
        for sub in ("new", "cur"):
            with os.scandir(self.path / sub) as entries:
                for entry in entries:
                    try:
                        if not entry.name.startswith(".") and entry.is_file():
                            times[entry.name.split(box.colon)[0]] = entry.stat().st_mtime
                    except OSError:  # a broken link: fetch says so and leaves it for later
                        continue
        return times

    def uids(self, folder: str, since: dt.date | None = None) -> list[int]:
        _check_folder(folder)
        try:
            return self._uids(since)
        except OSError as err:
            raise MailboxError(f"cannot read the Maildir {self.path} ({err.strerror})",
                               hint="check the folder's owner and permissions") from err

    def _uids(self, since: dt.date | None) -> list[int]:
        times = self._delivery_times()
        # Dot-files (.gitkeep, editor leftovers) are not messages, though mailbox lists them.
        keys = [key for key in self._open().iterkeys() if not key.startswith(".")]
        if since is not None:
            start = dt.datetime.combine(since, dt.time()).timestamp()
            keys = [key for key in keys if times.get(key, 0.0) >= start]
        self._keys = {stable_uid(key): key for key in keys}
        return sorted(self._keys)

    def fetch(self, folder: str, uids: Sequence[int]) -> Iterator[FetchedMail]:
        _check_folder(folder)
        if not self._keys or any(uid not in self._keys for uid in uids):
            self.uids(folder)
        box = self._open()
        times = self._delivery_times()
        for uid in sorted(set(uids)):
            key = self._keys.get(uid)
            try:
                raw = box.get_bytes(key) if key is not None else None
            except (KeyError, FileNotFoundError):
                raw = None
            except OSError as err:  # unreadable now: not recorded, so read again next pass
                log.warning("Maildir %s: message uid %s cannot be read (%s), left for the next "
                            "pass", self.path, uid, err.strerror)
                continue
            if raw is None:
                log.warning("Maildir %s: message uid %s is gone, skipped", self.path, uid)
                continue
            date = dt.datetime.fromtimestamp(times.get(key, 0.0), tz=dt.UTC)
            yield _fetched(self.account, uid, raw, date, self.max_message_mb)

    def _drafts(self) -> mailbox.Maildir:
        try:  # an existing folder (even empty) gets the Maildir structure it lacks
            for sub in ("tmp", "new", "cur"):
                (self.drafts_path / sub).mkdir(parents=True, exist_ok=True)
            return mailbox.Maildir(self.drafts_path, factory=None, create=False)
        except OSError as err:
            raise MailboxError(
                f"cannot create the drafts Maildir {self.drafts_path}: {err.strerror}"
            ) from err

    def save_draft(self, raw: bytes, *, marker_header: str, marker_value: str) -> str:
        drafts = self._drafts()
        removed = _remove_marked(drafts, marker_header, marker_value)
        message = mailbox.MaildirMessage(raw)
        message.set_subdir("cur")
        message.set_flags("D")
        key = drafts.add(message)
        log.info("Maildir draft saved in %s (replaced %d)", self.drafts_path, removed)
        return f"Maildir drafts {self.drafts_path} ({key})"

    def delete_drafts(self, marker_header: str, marker_value: str) -> int:
        if not self.drafts_path.is_dir():
            return 0
        return _remove_marked(self._drafts(), marker_header, marker_value)


def _from_line_date(box: mailbox.mbox, key: str) -> dt.datetime | None:
    """The date of an mbox "From sender Sat Jan  3 01:05:34 1996" line, as UTC."""
    try:
        with box.get_file(key, from_=True) as handle:
            line = handle.readline().decode("ascii", "replace")
        stamp = " ".join(line.split()[2:7])
        parsed = dt.datetime.strptime(stamp, "%a %b %d %H:%M:%S %Y")
    except (ValueError, KeyError, OSError):
        return None
    return parsed.replace(tzinfo=dt.UTC)


class MboxSource(_LocalSource):
    """An mbox file read as one folder, "INBOX". UID: 56 bits of SHA-1(Message-ID or bytes)."""

    def __init__(
        self, path: Path, *, drafts_path: Path | None = None, max_message_mb: float = 10
    ) -> None:
        self.path = Path(path).expanduser().absolute()
        self.drafts_path = (
            Path(drafts_path) if drafts_path else self.path.with_name(self.path.name + ".drafts")
        )
        self.max_message_mb = max_message_mb
        self.account = f"mbox:{self.path}"
        self._box: mailbox.mbox | None = None
        self._keys: dict[int, str] = {}

    def __exit__(self, *exc: object) -> None:
        box, self._box = self._box, None
        if box is not None:
            try:
                box.close()
            except OSError as err:
                log.warning("closing %s failed: %s", self.path, err)

    def _open(self) -> mailbox.mbox:
        if self._box is None:
            if not self.path.is_file():
                raise MailboxError(
                    f"no mbox file at {self.path}",
                    hint="set `path` in the [source] section of the config",
                )
            self._box = mailbox.mbox(self.path, factory=None, create=False)
        return self._box

    def _index(self) -> dict[int, str]:
        """uid -> mbox key. A repeated Message-ID (or identical bytes) gets "#n" appended."""
        box = self._open()
        index: dict[int, str] = {}
        for key in box.iterkeys():
            raw = box.get_bytes(key)
            basis: str | bytes = header_value(raw, "Message-ID") or raw
            uid, n = stable_uid(basis), 1
            while uid in index:
                n += 1
                extra = f"#{n}"
                uid = stable_uid(basis + (extra if isinstance(basis, str) else extra.encode()))
            index[uid] = key
        return index

    def uids(self, folder: str, since: dt.date | None = None) -> list[int]:
        _check_folder(folder)
        self._keys = self._index()
        if since is None:
            return sorted(self._keys)
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        box = self._open()
        return sorted(
            uid
            for uid, key in self._keys.items()
            if (date := _from_line_date(box, key)) is None or date >= start
        )

    def fetch(self, folder: str, uids: Sequence[int]) -> Iterator[FetchedMail]:
        _check_folder(folder)
        if not self._keys or any(uid not in self._keys for uid in uids):
            self._keys = self._index()
        box = self._open()
        for uid in sorted(set(uids)):
            key = self._keys.get(uid)
            if key is None:
                log.warning("mbox %s: message uid %s is gone, skipped", self.path, uid)
                continue
            raw = box.get_bytes(key)
            yield _fetched(self.account, uid, raw, _from_line_date(box, key), self.max_message_mb)

    def _change_drafts(self, raw: bytes | None, marker_header: str, marker_value: str) -> int:
        """Remove our marked drafts, then add `raw` (if given); returns the count removed."""
        try:
            drafts = mailbox.mbox(self.drafts_path, factory=None, create=True)
            drafts.lock()
        except (OSError, mailbox.ExternalClashError) as err:
            raise MailboxError(f"cannot open the drafts mbox {self.drafts_path}: {err}") from err
        try:
            removed = _remove_marked(drafts, marker_header, marker_value)
            if raw is not None:
                drafts.add(raw)
            drafts.flush()
        finally:
            drafts.unlock()
            drafts.close()
        return removed

    def save_draft(self, raw: bytes, *, marker_header: str, marker_value: str) -> str:
        removed = self._change_drafts(raw, marker_header, marker_value)
        log.info("mbox draft saved in %s (replaced %d)", self.drafts_path, removed)
        return f"mbox drafts {self.drafts_path}"

    def delete_drafts(self, marker_header: str, marker_value: str) -> int:
        if not self.drafts_path.is_file():
            return 0
        return self._change_drafts(None, marker_header, marker_value)
