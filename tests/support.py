"""What tests share: where the checkout, test data and shared corpora are; skip-or-fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
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
