"""How alike two readers' messages must be before a draft offers the earlier answer.

Usage: .venv/bin/python bench/reuse_threshold.py --pairs FILE.jsonl [--pairs FILE2.jsonl]
       [--json]

Each FILE is reader→author pairs (bench/season_pairs.py builds them from the shared blog
corpora). In date order, every pair's reader message is compared with the messages answered
before it, as the drafts do (drafting/drafter.py): the default embeddings' cosine picks the
three closest, and the first of them above the cosine threshold that also shares enough
terms (drafting/reuse.overlap) is reused. A reused message gets the grounded draft with the
earlier answer in its placeholder's place (drafting/reuse.py, the drafts' own code), the
others the plain grounded draft. The figure of merit is the mean word similarity
(text/similarity.py) of the drafts to what the author really answered, against the plain
drafts of the same run (gain, in points of similarity), and how often reuse fires.

Both thresholds are tuned on the earlier half (by date) of all files together and reported
on each file's later half, which they never saw. The defaults of `[draft] reuse_min_score`
and `reuse.MIN_OVERLAP` come from here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from inbox_agent.drafting import prompts
from inbox_agent.drafting.grounded import DraftRequest, grounded_draft
from inbox_agent.drafting.plan import ordered_intents
from inbox_agent.drafting.reuse import Reuse, answer_body, overlap, reader_names
from inbox_agent.intake.intents import rule_intents
from inbox_agent.intake.names import first_name
from inbox_agent.search.embeddings import make_embeddings
from inbox_agent.text.greeting import embedding_text
from inbox_agent.text.language import detect_language
from inbox_agent.text.similarity import word_similarity

COSINES = [0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 0.94]
OVERLAPS = [0.0, 0.1, 0.15, 0.2, 0.3]
CANDIDATES = 3  # as drafter.REUSE_CANDIDATES
SIGNATURE = "—"


def load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return sorted(rows, key=lambda r: r["date"])


def draft(pair: dict, reuse: Reuse | None) -> str:
    found = rule_intents(pair["text"])
    intents = ordered_intents(found[0], found[1:])
    request = DraftRequest(reply_text=pair["text"], language=pair["language"],
                           first_name=pair["first_name"], intent=intents[0], intents=intents,
                           reuse=reuse)
    return grounded_draft(request, render=prompts.render, signature=SIGNATURE).text


class Season:
    """One file's pairs, their vectors, and the reused drafts computed once per candidate."""

    def __init__(self, path: Path, embeddings) -> None:
        self.name = path.name
        self.pairs = load(path)
        for pair in self.pairs:
            pair["language"] = detect_language(pair["text"]) or "en"
            pair["first_name"] = first_name(pair["reader_name"])
            pair["plain_similarity"] = word_similarity(draft(pair, None), pair["author_reply"])
        print(f"{self.name}: embedding {len(self.pairs)} messages…", file=sys.stderr)
        texts = [embedding_text(p["text"]) for p in self.pairs]
        vectors = np.array(embeddings.embed_documents(texts))
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        self._gains: dict[tuple[int, int], float | None] = {}

    def closest(self, i: int) -> list[tuple[int, float]]:
        scores = self.vectors[:i] @ self.vectors[i]
        order = np.argsort(-scores)[:CANDIDATES]
        return [(int(j), float(scores[j])) for j in order]

    def gain(self, i: int, j: int, score: float) -> float | None:
        """Similarity points the reused draft gains over the plain one; None when the draft
        has no placeholder to put the earlier answer in."""
        if (i, j) not in self._gains:
            pair, earlier = self.pairs[i], self.pairs[j]
            body = answer_body(earlier["author_reply"],
                               reader_names(earlier["first_name"], earlier["reader_name"]))
            text = draft(pair, Reuse(j, earlier["first_name"], earlier["date"][:10], body,
                                     score))
            self._gains[(i, j)] = None if body[:20] not in text else (
                word_similarity(text, pair["author_reply"]) - pair["plain_similarity"])
        return self._gains[(i, j)]

    def evaluate(self, rows: range, cosine: float, min_overlap: float) -> dict:
        gains, fired = [], 0
        for i in rows:
            chosen = None
            for j, score in self.closest(i) if i else []:
                if score < cosine:
                    break
                same = self.pairs[j]["language"] == self.pairs[i]["language"]
                if same and overlap(self.pairs[i]["text"], self.pairs[j]["text"],
                                    self.pairs[i]["language"]) >= min_overlap:
                    chosen = (j, score)
                    break
            got = self.gain(i, *chosen) if chosen else None
            fired += got is not None
            gains.append(got or 0.0)
        n = max(len(gains), 1)
        return {"cosine": cosine, "overlap": min_overlap, "messages": len(gains),
                "reused": fired, "reused_share": round(fired / n, 3),
                "gain": round(100 * sum(gains) / n, 2),
                "gain_when_reused": round(100 * sum(gains) / max(fired, 1), 2)}

    def halves(self) -> tuple[range, range]:
        half = len(self.pairs) // 2
        return range(0, half), range(half, len(self.pairs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, action="append", required=True)
    parser.add_argument("--json", action="store_true", help="only the final JSON line")
    args = parser.parse_args(argv)
    embeddings = make_embeddings()
    seasons = [Season(path, embeddings) for path in args.pairs]
    grid = []
    for cosine in COSINES:
        for min_overlap in OVERLAPS:
            rows = [s.evaluate(s.halves()[0], cosine, min_overlap) for s in seasons]
            total = sum(r["gain"] * r["messages"] for r in rows) / sum(r["messages"] for r in rows)
            grid.append((round(total, 2), cosine, min_overlap, rows))
    best = max(grid, key=lambda g: (g[0], g[1], g[2]))
    if not args.json:
        print("earlier halves: cosine  overlap  " + "  ".join(
            f"{s.name}: reused gain(pts) per-reuse" for s in seasons))
        for total, cosine, min_overlap, rows in grid:
            cells = "  ".join(f"{r['reused']:4d} {r['gain']:+6.2f} {r['gain_when_reused']:+6.2f}"
                              for r in rows)
            print(f"  {cosine:.2f}  {min_overlap:.2f}  {cells}   all {total:+.2f}")
    result = {"cosine": best[1], "overlap": best[2], "tuned_gain": best[0], "held_out": {}}
    for season in seasons:
        held = season.evaluate(season.halves()[1], best[1], best[2])
        result["held_out"][season.name] = held
        if not args.json:
            print(f"{season.name}, later half, cosine ≥ {best[1]:.2f} and overlap ≥ "
                  f"{best[2]:.2f}: {held['reused']} of {held['messages']} reused, gain "
                  f"{held['gain']:+.2f} pts ({held['gain_when_reused']:+.2f} per reuse)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
