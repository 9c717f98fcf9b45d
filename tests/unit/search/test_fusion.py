"""Per-issue strength, fusion on the spread of each signal, the cut-off's scale."""

from __future__ import annotations

import math

import numpy as np
import pytest

from inbox_agent.search import fusion
from inbox_agent.search.fusion import Grouping, chance, fuse, issue_strength, spread_normalised

# rows 0-2 belong to issue 0, row 3 to issue 1, rows 4-5 to issue 2
CODES = np.array([0, 0, 0, 1, 2, 2])


def test_an_issue_counts_its_best_chunks_with_decreasing_weights():
    scores = np.array([1.0, 4.0, 2.0, 3.0, 0.5, 0.0])
    strength, valid = issue_strength(scores, Grouping.of(CODES))
    decay = fusion.CHUNK_DECAY
    assert strength == pytest.approx([4.0 + decay * 2.0 + decay**2 * 1.0, 3.0, 0.5])
    assert valid.tolist() == [True, True, True]


def test_only_the_best_chunks_of_an_issue_count():
    codes = np.zeros(fusion.CHUNKS_PER_ISSUE + 2, dtype=int)
    scores = np.ones(len(codes))
    strength, _ = issue_strength(scores, Grouping.of(codes))
    expected = sum(fusion.CHUNK_DECAY**n for n in range(fusion.CHUNKS_PER_ISSUE))
    assert strength[0] == pytest.approx(expected)


def test_rows_out_of_the_filters_do_not_count():
    scores = np.array([9.0, 1.0, 1.0, 3.0, 2.0, 2.0])
    keep = np.array([False, True, True, False, True, True])
    strength, valid = issue_strength(scores, Grouping.of(CODES), keep)
    assert valid.tolist() == [True, False, True]
    assert strength[0] == pytest.approx(1.0 + fusion.CHUNK_DECAY * 1.0)
    assert strength[1] == 0.0


def test_rows_in_any_order_group_alike():
    codes = np.array([2, 0, 1, 0, 2, 0])
    scores = np.array([0.5, 1.0, 3.0, 4.0, 0.0, 2.0])
    strength, _ = issue_strength(scores, Grouping.of(codes))
    decay = fusion.CHUNK_DECAY
    assert strength == pytest.approx([4.0 + decay * 2.0 + decay**2 * 1.0, 3.0, 0.5])


def test_spread_normalised_values_have_mean_zero_and_unit_spread():
    values = np.array([1.0, 2.0, 3.0, 10.0, -5.0])
    z = spread_normalised(values, np.ones(5, dtype=bool))
    assert z.mean() == pytest.approx(0.0, abs=1e-12) and z.std() == pytest.approx(1.0)


@pytest.mark.parametrize("values", [[0.0] * 6, [0.7] * 6, [3.0]])
def test_a_flat_signal_normalises_to_zeros(values):
    values = np.array(values)
    assert spread_normalised(values, np.ones(len(values), dtype=bool)).tolist() == [0.0] * len(
        values
    )


def test_a_flat_signal_leaves_the_other_one_to_rank():
    meaning = np.array([0.2, 0.9, 0.4, 0.1, 0.3, 0.5])
    valid = np.ones(6, dtype=bool)
    for flat in (np.zeros(6), np.full(6, 4.2)):
        fused = fuse([(meaning, 1.0), (flat, fusion.KEYWORD_WEIGHT)], valid)
        alone = fuse([(meaning, 1.0)], valid)
        assert np.all(np.isfinite(fused))
        assert list(np.argsort(-fused)) == list(np.argsort(-meaning))
        # the flat signal does not dilute the other: the same score as with one signal
        assert fused * (1 + fusion.KEYWORD_WEIGHT) == pytest.approx(alone)


def test_two_flat_signals_give_no_issue_an_edge():
    fused = fuse([(np.zeros(6), 1.0), (np.ones(6), 1.0)], np.ones(6, dtype=bool))
    assert fused.tolist() == [0.0] * 6


def test_fusion_weighs_the_signals_and_marks_invalid_issues():
    meaning = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    words = np.array([0.0, 1.0, 0.0, 0.0, 0.0])
    valid = np.array([True, True, True, True, False])
    fused = fuse([(meaning, 1.0), (words, 2.0)], valid)
    assert np.argmax(fused) == 1 and fused[4] == -np.inf
    no_words = fuse([(meaning, 1.0), (words, 0.0)], valid)
    assert np.argmax(no_words) == 0


def test_scores_are_measured_against_the_best_chance_gives():
    assert chance(0) == chance(1) == 1.0
    assert chance(100) == pytest.approx(math.sqrt(2 * math.log(100)))
    values = np.array([5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    valid = np.ones(8, dtype=bool)
    raw = fuse([(values, 1.0)], valid, against_chance=False)
    assert fuse([(values, 1.0)], valid) == pytest.approx(raw / chance(8))


def test_equal_chunks_each_count():
    strength, _ = issue_strength(np.full(4, 2.0), Grouping.of(np.zeros(4, dtype=int)))
    assert strength[0] == pytest.approx(2.0 * (1 + fusion.CHUNK_DECAY + fusion.CHUNK_DECAY**2))
