"""A broken config.toml, run as a process: one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.unit.config.test_load import MINIMAL, write

pytestmark = pytest.mark.process


def test_broken_config_prints_one_line_and_exits_2(tmp_path):
    path = write(tmp_path, MINIMAL + "[imap]\nprot = 993\n")
    done = subprocess.run(
        [sys.executable, "-m", "inbox_agent", "--config", str(path), "run"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "imap.prot" in done.stderr and "Traceback" not in done.stderr
