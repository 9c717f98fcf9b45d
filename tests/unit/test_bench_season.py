"""bench/season_pairs.py and bench/season.py: pairing, fake addresses, weeks (no corpus)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pairs_bench = _load("season_pairs")
season = _load("season")


def _comment(n, author, replying_to=None, *, post="p.md", is_author=False, when=None):
    return {"post": post, "author": author, "text": f"text {n}", "is_post_author": is_author,
            "date": when or f"2020-01-0{n}T10:00:00", "id": n, "replying_to": replying_to,
            "source_file": f"src/_data/comments/p/comment-{n}.yml"}


def test_fake_email_is_stable_and_plain():
    assert pairs_bench.fake_email("Jean-Luc Ré") == "jean-luc-re@readers.example"
    assert pairs_bench.fake_email("Jean-Luc Ré") == pairs_bench.fake_email("Jean-Luc Ré")
    assert pairs_bench.fake_email("®") == "reader@readers.example"


def test_fr_pairs_follow_the_id_named_by_replying_to():
    comments = [_comment(1, "Ana"), _comment(2, "Bob"),
                _comment(3, "Rom", "2", is_author=True), _comment(4, "Rom", "3", is_author=True)]
    found = pairs_bench.answered_fr(comments)
    assert [(r["author"], a["id"]) for r, a in found] == [("Bob", 3)]  # 4 answers the author


def test_en_pairs_answer_the_latest_reader_comment_of_the_thread():
    comments = [_comment(1, "Ana"), _comment(2, "Bob"),
                _comment(3, "Mike", "2", is_author=True),  # thread 2 = Bob's comment
                _comment(4, "Bob", "2"), _comment(5, "Mike", "2", is_author=True)]
    found = pairs_bench.answered_en(comments)
    assert [(r["id"], a["id"]) for r, a in found] == [(2, 3), (4, 5)]


def test_weeks_are_equal_chunks_in_order():
    weeks = season.split_weeks(list(range(10)), 4)
    assert [len(w) for w in weeks] == [2, 3, 3, 2]
    assert [x for w in weeks for x in w] == list(range(10))
    assert len(season.split_weeks([1, 2], 8)) == 2
