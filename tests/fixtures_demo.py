"""A demo home (sample archive imported with the real embeddings, sample replies drafted).

Built once per test session: embedding the sample archive takes a little while.
"""

from __future__ import annotations

import pytest

from inbox_agent import pipeline
from inbox_agent.demo import demo_config


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(config, first RunReport) for the demo data in a throwaway folder."""
    config = demo_config(tmp_path_factory.mktemp("demo"))
    pipeline.import_archive(config)
    first = pipeline.run_once(config)
    return config, first
