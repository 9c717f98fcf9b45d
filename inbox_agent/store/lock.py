"""Two locks: one pass at a time, and one writer of the mailbox at a time.

`instance_lock(config)` is held by the worker's passes and `inbox-agent run` for a whole
pass. `mailbox_lock(config)` is held only around what touches the mailbox: the pull inside
a pass, and each approval or skip that saves, sends or removes a draft. So approving works
while a pass is drafting (which never touches the mailbox), and a draft is sent at most once
however many approvals of it run at the same time.

Each lock is an `fcntl.flock` on a file next to the state database, so the kernel releases
it when its holder dies, even by SIGKILL: a stale lock never blocks. The file records the
holder's pid and command for the message shown to whoever waits.

The lock is re-entrant within one thread (a pass that calls another locked use case does
not deadlock); other threads and other processes wait or get `LockBusy`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from inbox_agent.config import Config
from inbox_agent.errors import LockBusy, StoreError

POLL_SECONDS = 0.1
_held = threading.local()  # lock path -> [fd, depth] for the current thread


def lock_path(config: Config) -> Path:
    """The pass lock file: next to the state database."""
    db = config.state.db
    return db.with_name(db.name + ".lock")


def worker_lock_path(config: Config) -> Path:
    """The worker lock file: one scheduled worker per state database."""
    db = config.state.db
    return db.with_name(db.name + ".worker.lock")


def mailbox_lock_path(config: Config) -> Path:
    """The mailbox lock file: next to the state database."""
    db = config.state.db
    return db.with_name(db.name + ".mailbox.lock")


def current_command() -> str:
    """How this process was started, as a user would type it (`inbox-agent worker`)."""
    argv = list(sys.argv) or ["inbox-agent"]
    name = Path(argv[0]).name
    if name in {"inbox-agent", "__main__.py", "inbox_agent"}:
        argv[0] = "inbox-agent"
    return shlex.join(argv)


def _table() -> dict[str, list[int]]:
    if not hasattr(_held, "locks"):
        _held.locks = {}
    return _held.locks


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as err:
        raise StoreError(
            f"cannot open the lock file {path} ({err.strerror})", hint="check that folder"
        ) from err


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _write_holder(fd: int, command: str) -> None:
    record = {"pid": os.getpid(), "command": command,
              "since": datetime.now(UTC).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(record).encode(), 0)


def _read_holder(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def busy_message(path: Path, advice: str = "wait for it or pass --wait SECONDS") -> str:
    """What to tell a user who finds the lock taken."""
    record = _read_holder(path)
    for _ in range(5):  # the holder writes its record just after taking the lock
        if record:
            break
        time.sleep(0.02)
        record = _read_holder(path)
    who = f"pid {record.get('pid', '?')}, `{record.get('command', 'inbox-agent')}`"
    return f"another inbox-agent ({who}) is running; {advice}"


def instance_lock(
    config: Config, *, wait: float | None = 0, command: str | None = None
) -> contextlib.AbstractContextManager[Path]:
    """Hold the pass lock for the duration of the block.

    `wait` is how many seconds to wait for another holder (0: fail at once; None: forever);
    when it runs out, `LockBusy` says which process holds the lock.
    """
    return _flock(lock_path(config), wait, command)


MAILBOX_BUSY = "it is writing to the mailbox: try again in a moment"
WORKER_BUSY = "it already runs the schedule: stop it first, or leave it running"


def worker_lock(config: Config) -> contextlib.AbstractContextManager[Path]:
    """Held by `inbox-agent worker` for as long as it runs; a second one fails at once."""
    return _flock(worker_lock_path(config), 0, None, advice=WORKER_BUSY)


def mailbox_lock(
    config: Config, *, wait: float | None = 30, command: str | None = None
) -> contextlib.AbstractContextManager[Path]:
    """Hold the mailbox lock (pull, approval, skip) for the duration of the block."""
    return _flock(mailbox_lock_path(config), wait, command, advice=MAILBOX_BUSY)


@contextlib.contextmanager
def _flock(
    path: Path, wait: float | None, command: str | None, advice: str | None = None
) -> Iterator[Path]:
    key = str(path)
    table = _table()
    if key in table:  # re-entered by the thread that holds it
        table[key][1] += 1
        try:
            yield path
        finally:
            table[key][1] -= 1
        return
    fd = _open(path)
    try:
        _acquire(fd, path, wait, advice)
        _write_holder(fd, command or current_command())
        table[key] = [fd, 1]
        try:
            yield path
        finally:
            del table[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, wait: float | None, advice: str | None = None) -> None:
    deadline = None if wait is None else time.monotonic() + max(0.0, wait)
    while not _try_flock(fd):
        if deadline is not None and time.monotonic() >= deadline:
            raise LockBusy(busy_message(path, advice) if advice else busy_message(path))
        remaining = POLL_SECONDS if deadline is None else deadline - time.monotonic()
        time.sleep(max(0.0, min(POLL_SECONDS, remaining)))


def holder(config: Config, path: Path | None = None) -> dict | None:
    """The process holding the pass lock (or the lock at `path`): {"pid", "command", "since"},
    or None when it is free.

    Probes with a shared, non-blocking flock released at once, so it never waits.
    """
    path = path or lock_path(config)
    if str(path) in _table():
        return {**_read_holder(path), "pid": os.getpid()}
    if not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(path) or {"pid": None, "command": "", "since": ""}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
