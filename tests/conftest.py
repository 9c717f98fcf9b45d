"""Shared test helpers: corpora location, and skip-or-fail for missing servers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures_dovecot",
    "tests.fixtures_chroma",
    "tests.fixtures_demo",
    "tests.fixtures_openai",
]

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("INBOX_AGENT_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip when something external is missing, but fail under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def corpora() -> Path:
    """../shared/corpora, or skip (fail under CI) when it is absent."""
    require(CORPORA.is_dir(), f"the shared corpora are absent ({CORPORA})")
    return CORPORA


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A throwaway INBOX_AGENT_HOME."""
    monkeypatch.setenv("INBOX_AGENT_HOME", str(tmp_path))
    return tmp_path
