"""A real Chroma server (`chroma run`) for the test session, stopped in a finalizer."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import require

STARTUP_TIMEOUT = 60.0


def _chroma_executable() -> str | None:
    beside_python = Path(sys.executable).parent / "chroma"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _heartbeat(url: str) -> bool:
    for path in ("/api/v2/heartbeat", "/api/v1/heartbeat"):
        try:
            with urllib.request.urlopen(url + path, timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            continue
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[str]:
    """The URL ("http://127.0.0.1:PORT") of a Chroma server on a throwaway folder."""
    executable = _chroma_executable()
    require(executable is not None, "the `chroma` command (chromadb package) is not installed")
    data = Path(tempfile.mkdtemp(prefix="chroma-server-", dir="/tmp"))
    port = _free_port()
    log = (data / "server.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [executable, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _heartbeat(url):
            if process.poll() is not None or time.monotonic() > deadline:
                output = (data / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"the Chroma server did not start on {url}:\n{output}")
            time.sleep(0.1)
        yield url
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(data, ignore_errors=True)
