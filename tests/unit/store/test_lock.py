"""The single-instance lock: other processes wait or get LockBusy; a dead holder never blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from inbox_agent.config import load_config
from inbox_agent.errors import LockBusy
from inbox_agent.store.lock import holder, instance_lock, lock_path
from tests.support import ROOT

PYTHON = sys.executable

HOLD = """
import sys, time
from inbox_agent.config import load_config
from inbox_agent.store.lock import instance_lock
with instance_lock(load_config(sys.argv[1]), command="inbox-agent worker"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[author]\nemail = "author@example.org"\n', encoding="utf-8")
    return load_config(path)


@pytest.fixture
def hold(config):
    """Start a process that holds the lock for `seconds`; yields a starter."""
    started: list[subprocess.Popen] = []

    def start(seconds: float) -> subprocess.Popen:
        process = subprocess.Popen(
            [PYTHON, "-c", HOLD, str(config.path), str(seconds)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        started.append(process)
        assert process.stdout.readline().strip() == "locked"
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_lock_file_lives_next_to_the_state_database(config):
    assert lock_path(config).parent == config.state.db.parent


def test_second_process_gets_lock_busy_naming_the_holder_pid_and_command(config, hold):
    other = hold(30)
    with pytest.raises(LockBusy) as caught, instance_lock(config):
        pass
    message = str(caught.value)
    assert f"pid {other.pid}" in message
    assert "`inbox-agent worker`" in message
    assert "--wait" in message


def test_waiting_process_gets_the_lock_once_the_holder_finishes(config, hold):
    hold(0.6)
    started = time.monotonic()
    with instance_lock(config, wait=20):
        waited = time.monotonic() - started
    assert 0.2 < waited < 15


def test_wait_runs_out_with_lock_busy_after_about_the_given_time(config, hold):
    hold(30)
    started = time.monotonic()
    with pytest.raises(LockBusy), instance_lock(config, wait=0.5):
        pass
    assert 0.4 < time.monotonic() - started < 5


def test_lock_of_a_process_killed_with_sigkill_is_free_at_once(config, hold):
    other = hold(60)
    assert holder(config)["pid"] == other.pid
    os.kill(other.pid, signal.SIGKILL)
    other.wait(10)
    assert holder(config) is None
    with instance_lock(config, wait=0):
        assert holder(config)["pid"] == os.getpid()


def test_holder_reports_nobody_after_a_clean_release(config):
    assert holder(config) is None
    with instance_lock(config, command="inbox-agent run"):
        assert holder(config)["command"] == "inbox-agent run"
    assert holder(config) is None


def test_the_same_thread_may_take_the_lock_again(config):
    with instance_lock(config), instance_lock(config):
        pass
    with instance_lock(config):  # and it is really released after the nesting
        pass


def test_another_thread_of_the_same_process_is_kept_out(config):
    outcome: list[str] = []

    def other_thread() -> None:
        try:
            with instance_lock(config, wait=0.2):
                outcome.append("got it")
        except LockBusy:
            outcome.append("busy")

    with instance_lock(config):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(10)
    assert outcome == ["busy"]


