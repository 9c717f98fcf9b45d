"""`inbox-agent serve` as its own process: the address it prints, the token beyond loopback."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.process


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_prints_its_address_and_a_token_beyond_loopback(tmp_path, host):
    config = tmp_path / "config.toml"
    config.write_text('[author]\nemail = "c@example.org"\n[state]\ndb = "state.db"\n')
    port = free_port()
    process = serve_process(config, "--host", host, "--port", str(port))
    try:
        line = first_line(process)
        assert f":{port}/" in line
        url = f"http://127.0.0.1:{port}/"
        wait_for(url)
        if host == "127.0.0.1":
            assert "token=" not in line
            assert httpx.get(url).status_code == 200
        else:
            token = re.search(r"token=([\w-]+)", line).group(1)
            assert httpx.get(url).status_code == 401
            with httpx.Client(follow_redirects=True) as browser:
                assert browser.get(f"{url}?token={token}").status_code == 200
                assert browser.get(url).status_code == 200
    finally:
        process.terminate()
        process.wait(10)


def first_line(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    assert line, "serve printed nothing"
    return line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_process(config_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "inbox_agent", "--config", str(config_path), "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")
