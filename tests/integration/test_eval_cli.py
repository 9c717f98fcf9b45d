"""`inbox-agent eval retrieval` on a tiny folder of posts, with the real embeddings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process

POSTS = {
    "sourdough.md": "---\ntitle: Sourdough at home\n---\nFeed the starter with flour and water "
                    "every day; a lively starter doubles in six hours and makes an open crumb.",
    "sleep.md": "---\ntitle: Sleeping better\n---\nA dark, cool bedroom and a fixed wake-up time "
                "help more than any supplement; screens before bed delay sleep.",
    "bikes.md": "Commuting by bike: a good lock, mudguards and lights make winter riding easy.",
}
QUERIES = [
    {"post": "sourdough.md", "text": "My starter never doubles, should I feed it more flour?"},
    {"post": "sleep.md", "text": "I wake up tired even after eight hours in bed."},
    {"post": "bikes.md", "text": "What lights do you use for riding to work in winter?"},
]


def test_eval_retrieval_prints_recall_and_mrr_without_touching_the_users_index(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    for name, text in POSTS.items():
        (posts / name).write_text(text, encoding="utf-8")
    queries = tmp_path / "queries.jsonl"
    queries.write_text("\n".join(json.dumps(q) for q in QUERIES), encoding="utf-8")
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-m", "inbox_agent", "eval", "retrieval", "--posts", str(posts),
         "--queries", str(queries), "--json"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={**os.environ, "INBOX_AGENT_HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"n", "recall@1", "recall@3", "recall@5", "mrr"}
    assert result["n"] == 3
    assert result["recall@1"] >= 2 / 3 and result["recall@3"] == 1.0
    assert not home.exists() and not Path(tmp_path / "vectorstore").exists()
