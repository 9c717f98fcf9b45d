"""Calibrate and check the three coverage levels of the topics page on real corpora.

Usage: .venv/bin/python bench/topic_coverage.py [CORPUS_DIR ...] [--min 4]

A post's reader comments are one topic whose truth is known: the archive holding the post
covers it well; the same archive without the post does not. For every post with at least
--min comments, `topics.keyword_coverage` of its comments is measured against the archive
with the post (`with`) and without it (`without`). Two thresholds are chosen on the posts of
even rank and the levels are reported on the odd ones (and the other way round), per corpus;
then the shipped thresholds (`topics.WELL_COVERED` / `topics.PARTLY_COVERED`) on all posts.
The area under the curve says how well the measure tells the two cases apart (0.5: chance).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inbox_agent.archive.kinds import import_any  # noqa: E402
from inbox_agent.insights import topics  # noqa: E402
from inbox_agent.insights.topics import ArchiveWords, ReplyItem  # noqa: E402
from inbox_agent.text.greeting import embedding_text  # noqa: E402

DEFAULT = [ROOT.parent / "shared/corpora/blog_comments_fr",
           ROOT.parent / "shared/corpora/blog_comments_en"]


def measures(folder: Path, least: int) -> list[tuple[str, float, float]]:
    """(post, coverage with the post in the archive, coverage without it) per post."""
    comments = [json.loads(line) for line in
                (folder / "comments_reader_substantive.jsonl").open(encoding="utf-8")]
    issues = import_any(folder / "posts", "markdown")
    known = {i.key: i for i in issues}
    per_post: dict[str, list[ReplyItem]] = defaultdict(list)
    for n, comment in enumerate(comments):
        key = Path(comment["post"]).stem
        if key in known:
            per_post[key].append(ReplyItem(n, embedding_text(comment["text"]),
                                           language=known[key].language))
    whole = ArchiveWords.of(issues)
    rows = []
    for post in sorted(per_post):
        members = per_post[post]
        if len(members) < least:
            continue
        without = ArchiveWords.of([i for i in issues if i.key != post])
        rows.append((post, topics.keyword_coverage(members, whole)[0],
                     topics.keyword_coverage(members, without)[0]))
    return rows


def auc(rows) -> float:
    a = np.array([w for _, w, _ in rows])
    b = np.array([o for _, _, o in rows])
    return float((a[:, None] > b[None, :]).mean() + 0.5 * (a[:, None] == b[None, :]).mean())


def levels(rows, well: float, partly: float) -> dict[str, float]:
    def level(value: float) -> str:
        return "well" if value >= well else "partly" if value >= partly else "none"

    n = len(rows) or 1
    return {
        "with: well": round(sum(level(w) == "well" for _, w, _ in rows) / n, 3),
        "with: none": round(sum(level(w) == "none" for _, w, _ in rows) / n, 3),
        "without: well": round(sum(level(o) == "well" for _, _, o in rows) / n, 3),
        "without: none": round(sum(level(o) == "none" for _, _, o in rows) / n, 3),
    }


def choose(rows) -> tuple[float, float]:
    """`well`: most topics read well with their post, counting each one read well without
    it twice against; `partly`: below it, most topics without their post read at most
    partly while those with it rarely read "none"."""
    grid = np.round(np.arange(0.5, 6.0, 0.1), 1)
    well = max(grid, key=lambda t: (sum(w >= t for _, w, _ in rows)
                                    - 2 * sum(o >= t for _, _, o in rows), -t))
    below = [t for t in grid if t < well]
    partly = max(below, key=lambda t: (sum(o < t for _, _, o in rows)
                                       - 2 * sum(w < t for _, w, _ in rows), t),
                 default=well)
    return float(well), float(partly)


def show(name: str, rows, well: float, partly: float) -> None:
    figures = ", ".join(f"{k} {v:.2f}" for k, v in levels(rows, well, partly).items())
    print(f"  {name:<30} {len(rows):>3} topics: {figures}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--min", type=int, default=4, dest="least")
    args = parser.parse_args()
    every = []
    for folder in args.corpora:
        started = time.perf_counter()
        rows = measures(folder, args.least)
        every.append((folder.name, rows))
        print(f"{folder.name}: {len(rows)} posts with >= {args.least} comments; coverage with "
              f"the post median {np.median([r[1] for r in rows]):.2f}, without "
              f"{np.median([r[2] for r in rows]):.2f}; AUC {auc(rows):.3f} "
              f"({time.perf_counter() - started:.0f} s)")
    for tune, check in ((0, 1), (1, 0)):
        tuned = [r for _, rows in every for n, r in enumerate(rows) if n % 2 == tune]
        well, partly = choose(tuned)
        print(f"chosen on half {tune}: well >= {well:.1f}, partly >= {partly:.1f}; "
              f"on half {check}:")
        for name, rows in every:
            show(f"{name} (half {check})", [r for n, r in enumerate(rows) if n % 2 == check],
                 well, partly)
    print(f"shipped: well >= {topics.WELL_COVERED:.1f}, partly >= {topics.PARTLY_COVERED:.1f}:")
    for name, rows in every:
        show(name, rows, topics.WELL_COVERED, topics.PARTLY_COVERED)
    print(json.dumps({name: levels(rows, topics.WELL_COVERED, topics.PARTLY_COVERED)
                      | {"auc": round(auc(rows), 3), "topics": len(rows)}
                      for name, rows in every}))


if __name__ == "__main__":
    main()
