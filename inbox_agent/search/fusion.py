"""From chunk scores to one strength per issue, and which issues are related enough to cite.

Each signal (cosine similarity of the vectors, BM25 of the words) scores every chunk. An
issue's strength on a signal is the decayed sum of its best chunks (1, 1/2, 1/4 of the
three best): an issue that a reply meets in several places beats one that matches a single
paragraph, and a long issue does not win by its length alone. Vector similarities are
counted above the median chunk's, as one model's similarities sit in a narrow band.

The two signals are fused on their spread, not their ranks: each issue's strength becomes
its distance from the mean issue in standard deviations, and the fused score is the
weighted mean of those. A signal that is flat (every issue alike, or no word in common)
has no spread and adds nothing; the score keeps the same scale with one signal or two.
Last, the score is divided by the best one chance alone gives among as many issues
(sqrt(2 ln n), the expected maximum of n normal draws): in a large archive some issue
always stands out a little, and the same cut-off then serves an archive of ten issues and
one of a thousand. Figures for each choice are in docs/performance.md.

Pure: no I/O, arrays in, arrays out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inbox_agent.models import Evidence

CHUNK_DECAY = 0.5  # weight of an issue's next best chunk relative to the one before
CHUNKS_PER_ISSUE = 3  # best chunks of an issue that count
KEYWORD_WEIGHT = 1.25  # of the keyword signal against the vector signal (1.0)
MIN_ISSUES = 5  # issues searched, below which the cut-off has nothing to compare with

# The cut-off drafts use for "related issues", on the fused score: 1.0 is the best issue
# chance alone would give (see ``related``). Calibrated by `bench/retrieval.py` on one
# half of the posts of two blogs (French and English reader comments, posts split by a
# hash of their name): the best mean F1 of citations there. The other half reports it
# (docs/performance.md).
RELATED_SCORE = 0.9
RELATED_GAP = 0.15  # an issue further below the best candidate than this is not cited


@dataclass(frozen=True)
class Why:
    """Why an issue was found: the passage that matched best, the reader's words found in
    it (as the issue writes them), and its strength on each signal and fused."""

    passage: str = ""
    words: tuple[str, ...] = ()
    meaning: float = 0.0  # vector signal, standard deviations above the mean issue
    keywords: float = 0.0  # keyword signal, likewise
    score: float = 0.0  # the fused score the cut-off reads
    related: bool = False  # at or above the cut-off


@dataclass(frozen=True)
class Found(Evidence):
    """An issue found by the archive search, with why (``why``) it was found."""

    why: Why = Why()


@dataclass(frozen=True)
class Grouping:
    """How a corpus's rows group into issues, for the per-issue reductions below."""

    starts: np.ndarray  # first position of each issue in ``by_issue``
    by_issue: np.ndarray  # rows sorted by issue code (stable)
    sizes: np.ndarray  # rows of each issue

    @classmethod
    def of(cls, codes: np.ndarray) -> Grouping:
        codes = np.asarray(codes, dtype=np.int64)
        by_issue = np.argsort(codes, kind="stable")
        starts = np.flatnonzero(np.diff(codes[by_issue], prepend=-1))
        return cls(starts, by_issue, np.diff(np.append(starts, len(codes))))


def issue_strength(
    scores: np.ndarray, grouping: Grouping, valid: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per issue, the decayed sum of its best chunks' ``scores`` among the ``valid`` rows,
    and whether the issue has any valid row at all."""
    rows = len(grouping.by_issue)
    if not rows:
        return np.zeros(0), np.zeros(0, dtype=bool)
    value = np.asarray(scores, dtype=np.float64)
    if valid is not None:
        value = np.where(valid, value, -np.inf)
    value = value[grouping.by_issue]  # a copy, grouped by issue
    starts, positions = grouping.starts, np.arange(rows)
    found = np.logical_or.reduceat(np.isfinite(value), starts)
    total = np.zeros(len(starts))
    for rank in range(CHUNKS_PER_ISSUE):  # take each issue's best row out, three times
        best = np.maximum.reduceat(value, starts)
        total += np.where(np.isfinite(best), best, 0.0) * CHUNK_DECAY**rank
        if rank + 1 < CHUNKS_PER_ISSUE:
            at_best = value == np.repeat(best, grouping.sizes)
            first = np.minimum.reduceat(np.where(at_best, positions, rows), starts)
            value[first[first < rows]] = -np.inf
    return total, found


def spread_normalised(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Each valid value as standard deviations from the valid values' mean; zeros when they
    do not spread (a flat signal, or a single value)."""
    result = np.zeros(len(values))
    if not valid.any():
        return result
    sample = values[valid]
    spread = float(sample.std())
    if spread <= 1e-9 * max(1.0, float(np.abs(sample).max())):
        return result
    result[valid] = (sample - float(sample.mean())) / spread
    return result


def chance(n: int) -> float:
    """About the highest of ``n`` standard normal draws: sqrt(2 ln n), at least 1."""
    return max(1.0, math.sqrt(2 * math.log(max(n, 1))))


def fuse(
    signals: Sequence[tuple[np.ndarray, float]], valid: np.ndarray, *, against_chance: bool = True
) -> np.ndarray:
    """The weighted mean of spread-normalised signals (each ``(values, weight)``; a signal
    of weight 0 is left out), divided by ``chance`` of the number of valid values unless
    ``against_chance`` is false. Invalid values get -inf."""
    total = sum(weight for _, weight in signals if weight > 0)
    fused = np.zeros(len(valid))
    for values, weight in signals:
        if weight > 0:
            fused += weight * spread_normalised(values, valid)
    fused = fused / total if total else fused
    if against_chance:
        fused = fused / chance(int(valid.sum()))
    return np.where(valid, fused, -np.inf)


def related(scores: Sequence[float], score: float | None = None, gap: float | None = None) -> int:
    """How many of these scores (best first, the answered issue left out) are related
    enough to cite: at least ``score`` (RELATED_SCORE), and no more than ``gap``
    (RELATED_GAP) below the best of them."""
    floor = RELATED_SCORE if score is None else score
    gap = RELATED_GAP if gap is None else gap
    count = 0
    for value in scores:
        if value < floor or value < scores[0] - gap:
            break
        count += 1
    return count
