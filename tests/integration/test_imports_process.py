"""What a fresh process loads: a Maildir user never imports imapclient, nor FastAPI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.process

PROBE = """
import sys
from pathlib import Path
from inbox_agent import pipeline
from inbox_agent.config import parse_config
from inbox_agent.wiring import make_source
config = parse_config({"author": {"email": "a@example.org"},
                       "source": {"kind": "maildir", "path": sys.argv[1]}},
                      Path(sys.argv[1]) / "config.toml")
with make_source(config) as source:
    source.folders()
print(" ".join(m for m in ("imapclient", "fastapi", "apscheduler") if m in sys.modules))
"""


def test_a_maildir_pass_never_loads_imapclient_fastapi_or_the_scheduler(tmp_path):
    for sub in ("new", "cur", "tmp"):
        (tmp_path / sub).mkdir()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
