"""Agreement statistics against examples worked by hand."""

from __future__ import annotations

import pytest

from coach.calibration.agreement import (
    UNDEFINED_NO_PAIRS,
    UNDEFINED_ONE_CATEGORY,
    agreement,
    cohen_kappa,
    linear_weighted_kappa,
)


def _pairs(counts: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    return [pair for pair, count in counts.items() for _ in range(count)]


def test_classic_two_by_two() -> None:
    # 50 calls: both say breached 20, officer yes / Coach no 5, officer no / Coach yes 10,
    # both no 15. Observed 35/50 = 0.7; officer yes 25/50, Coach yes 30/50, so chance
    # agreement is 0.5 * 0.6 + 0.5 * 0.4 = 0.5 and kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = _pairs({(1, 1): 20, (1, 0): 5, (0, 1): 10, (0, 0): 15})
    stats = agreement(pairs, (0, 1), ordinal=False)
    assert stats.n == 50
    assert stats.exact == pytest.approx(0.7)
    assert stats.kappa == pytest.approx(0.4)
    assert stats.within_one is None and stats.weighted_kappa is None
    assert stats.deciding_kappa == pytest.approx(0.4)


def test_three_point_scale_weighted_and_unweighted() -> None:
    # (1,1) (2,2) (3,3) (1,2). Unweighted: observed 3/4; officer marginals 1/2, 1/4, 1/4,
    # Coach's 1/4, 1/2, 1/4; chance 1/8 + 1/8 + 1/16 = 5/16; kappa = (3/4 - 5/16) / (11/16)
    # = 7/11. Linear weights 1, 1/2, 0: observed (3 + 1/2)/4 = 7/8; chance 9/16 (row by row
    # 1/4 + 3/16 + 1/8); kappa = (7/8 - 9/16) / (7/16) = 5/7.
    pairs = [(1, 1), (2, 2), (3, 3), (1, 2)]
    stats = agreement(pairs, (1, 2, 3), ordinal=True)
    assert stats.exact == pytest.approx(0.75)
    assert stats.within_one == pytest.approx(1.0)
    assert stats.kappa == pytest.approx(7 / 11)
    assert stats.weighted_kappa == pytest.approx(5 / 7)
    assert stats.deciding_kappa == pytest.approx(5 / 7)


def test_within_one_counts_near_misses_only() -> None:
    stats = agreement([(1, 2), (5, 3), (4, 4), (2, 1)], (1, 2, 3, 4, 5), ordinal=True)
    assert stats.exact == pytest.approx(0.25)
    assert stats.within_one == pytest.approx(0.75)


def test_perfect_agreement_is_one_and_total_disagreement_is_negative() -> None:
    assert cohen_kappa([(0, 0), (1, 1), (0, 0)], (0, 1)) == pytest.approx(1.0)
    # Always opposite with balanced marginals: observed 0, chance 1/2, kappa -1.
    assert cohen_kappa([(0, 1), (1, 0)], (0, 1)) == pytest.approx(-1.0)


def test_all_labels_identical_leaves_kappa_undefined_not_a_division_by_zero() -> None:
    stats = agreement([(0, 0)] * 12, (0, 1), ordinal=False)
    assert stats.exact == 1.0
    assert stats.kappa is None
    assert stats.undefined == UNDEFINED_ONE_CATEGORY
    ordinal = agreement([(3, 3)] * 12, (1, 2, 3, 4, 5), ordinal=True)
    assert ordinal.kappa is None and ordinal.weighted_kappa is None
    assert ordinal.within_one == 1.0


def test_one_rater_constant_still_has_a_kappa() -> None:
    # The officer says "not breached" every time, Coach once says "breached": chance
    # agreement is 9/10, observed 9/10, kappa 0 (no better than chance), defined.
    assert cohen_kappa([(0, 0)] * 9 + [(0, 1)], (0, 1)) == pytest.approx(0.0)


def test_no_pairs() -> None:
    stats = agreement([], (0, 1), ordinal=False)
    assert stats.n == 0 and stats.exact is None and stats.kappa is None
    assert stats.undefined == UNDEFINED_NO_PAIRS


def test_weighted_kappa_on_five_points_rewards_near_misses() -> None:
    pairs = [(1, 2), (2, 3), (3, 4), (4, 5), (5, 5), (1, 1)]
    scale = (1, 2, 3, 4, 5)
    assert linear_weighted_kappa(pairs, scale) > cohen_kappa(pairs, scale)  # type: ignore[operator]


def test_labels_off_the_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        agreement([(0, 2)], (0, 1), ordinal=False)
