"""Fixtures every test can ask for: the servers (from the fixtures_* plugins), the corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import CORPORA, TESTS, require

pytest_plugins = [
    "tests.fixtures_dovecot",
    "tests.fixtures_cyrus",
    "tests.fixtures_chroma",
    "tests.fixtures_demo",
    "tests.fixtures_openai",
]


# Fixtures that start an outside part (those built on them, like imap_user or page, depend
# on them), and the marker a test using them carries. `imap_server` (tests/fixtures_cyrus.py)
# picks dovecot, cyrus or cyrus_inbox per test; each of its params carries that marker.
SERVER_FIXTURES = {
    "dovecot": "dovecot",
    "cyrus": "cyrus",
    "cyrus_inbox": "cyrus",
    "chroma_server": "chroma_server",
    "browser": "browser",
    "smtp_server": "smtp",
    "demo": "demo",
}
INTEGRATION_MARKERS = {
    "dovecot", "cyrus", "chroma_server", "browser", "smtp", "demo", "process", "corpus",
}  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by the servers it uses; keep tests/unit free of them."""
    misplaced = []
    for item in items:
        # A parametrized fixture (imap_server) names the server fixture it starts in its param.
        callspec = getattr(item, "callspec", None)
        chosen = [v for v in callspec.params.values() if isinstance(v, str)] if callspec else []
        for fixture in [*getattr(item, "fixturenames", ()), *chosen]:
            marker = SERVER_FIXTURES.get(fixture)
            if marker and not item.get_closest_marker(marker):
                item.add_marker(marker)
        marks = {m.name for m in item.iter_markers()} & INTEGRATION_MARKERS
        where = item.path.relative_to(TESTS).parts[0]
        if where == "unit" and marks:
            needs = ", ".join(sorted(marks))
            misplaced.append(f"{item.nodeid} needs {needs}: move it to tests/integration")
        if where == "integration" and not marks:
            misplaced.append(f"{item.nodeid} needs no server: move it to tests/unit")
    if misplaced:
        raise pytest.UsageError("\n".join(misplaced))


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
