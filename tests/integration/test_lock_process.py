"""The single-instance lock across processes: `run` refuses or waits while another holds it."""

from __future__ import annotations

import subprocess

import pytest

from tests.support import ROOT
from tests.unit.store.test_lock import PYTHON, config, hold  # noqa: F401 - fixtures

pytestmark = pytest.mark.process


@pytest.mark.parametrize(
    ("wait", "code", "shown"),
    [
        (None, 3, "un autre inbox-agent"),  # the author's French
        ("0.3", 3, "un autre inbox-agent"),
    ],
)
def test_cli_run_refuses_with_exit_code_3_while_another_instance_runs(
    config, hold, wait, code, shown
):
    hold(30)
    args = [PYTHON, "-m", "inbox_agent", "--config", str(config.path), "run", "-q"]
    if wait:
        args += ["--wait", wait]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == code, done.stderr
    assert shown in done.stderr and "Traceback" not in done.stderr


def test_cli_run_with_wait_runs_after_the_holder_is_done(config, hold):
    for sub in ("new", "cur", "tmp"):  # an empty Maildir where the config expects one
        (config.source.path / sub).mkdir(parents=True)
    hold(0.5)
    done = subprocess.run(
        [PYTHON, "-m", "inbox_agent", "--config", str(config.path), "run", "-q", "--wait", "30"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "0 nouveau message" in done.stdout  # the config's author writes French
