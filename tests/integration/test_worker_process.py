"""The worker as a process: SIGTERM finishes the message in hand, SIGINT stops it while idle."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inbox_agent.config import load_config
from inbox_agent.store.lock import holder
from tests.integration.test_crash_safety import make_replies
from tests.support import ROOT
from tests.unit.test_worker import (
    processed,
    runs_of,
    write_config,
)

pytestmark = pytest.mark.process


def test_sigterm_during_a_pass_finishes_the_message_and_exits_0(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    raws = make_replies(1500)
    replies = maildir_with(tmp_path / "replies", raws)
    config = load_config(write_config(tmp_path, f'[source]\npath = "{replies}"\n'))
    process = subprocess.Popen(
        [sys.executable, "-m", "inbox_agent", "--config", str(config.path), "worker", "--now"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while processed(config) < 20 and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "SIGTERM received" in stderr and "worker stopped" in stderr
    [run] = runs_of(config)
    assert run["status"] == "stopped" and run["ended_at"]
    counts = json.loads(run["counts"])
    done = processed(config)
    assert 20 <= done < len(raws)  # stopped early, after the message in hand
    assert counts["fetched"] == done == replies_stored(config)
    assert holder(config) is None


def test_worker_is_stopped_by_sigint_too_while_idle(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    config_path = write_config(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "inbox_agent", "--config", str(config_path), "worker"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stderr.readline()
        assert "worker started" in line
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0 and "worker stopped" in stderr


def maildir_with(folder: Path, raws: list[bytes]) -> Path:
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True)
    for n, raw in enumerate(raws):
        (folder / "new" / f"{1700000000 + n}.M{n}P1.test").write_bytes(raw)
    return folder


def replies_stored(config) -> int:
    conn = sqlite3.connect(config.state.db, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM replies").fetchone()[0]
    finally:
        conn.close()


def test_a_second_worker_exits_at_once_and_status_names_the_first(tmp_path, monkeypatch):
    monkeypatch.delenv("INBOX_AGENT_HOME", raising=False)
    config_path = write_config(tmp_path)
    command = [sys.executable, "-m", "inbox_agent", "--config", str(config_path)]
    first = subprocess.Popen([*command, "worker"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert "worker started" in first.stderr.readline()
        started = time.monotonic()
        second = subprocess.run([*command, "worker"], cwd=ROOT, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 3 and time.monotonic() - started < 30
        [line] = second.stderr.splitlines()
        assert line.startswith(f"inbox-agent: un autre inbox-agent (pid {first.pid}, ")
        assert "worker" in line and "il suit déjà le planning" in line
        assert "worker started" not in second.stderr and "Traceback" not in second.stderr
        status = subprocess.run([*command, "--lang", "en", "status"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert f"Worker: pid {first.pid} (`inbox-agent --config" in status.stdout
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0
