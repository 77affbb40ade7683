"""Criterion keys, score bands and verdicts."""

from __future__ import annotations

import pytest

from coach.calibration.agreement import agreement
from coach.calibration.criteria import Criterion, Kind, Verdict, band, verdict


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0, 1), (19.9, 1), (20, 2), (39, 2), (40, 3), (59.5, 3), (60, 4), (79, 4), (80, 5), (100, 5)],
)
def test_bands_are_five_equal_widths(score: float, expected: int) -> None:
    assert band(score) == expected


def test_band_refuses_scores_off_the_scale() -> None:
    with pytest.raises(ValueError):
        band(101)


def test_criterion_keys_round_trip() -> None:
    rule = Criterion.parse("rule:US-FDCPA-1692e-FALSE-THREAT")
    assert rule.kind is Kind.RULE and not rule.ordinal and rule.scale == (0, 1)
    tone = Criterion.parse("dimension:tone")
    assert tone.ordinal and tone.label == "Tone" and tone.key == "dimension:tone"
    for bad in ("tone", "dimension:charm", "rule:", "other:x"):
        with pytest.raises(ValueError):
            Criterion.parse(bad)


def test_verdicts() -> None:
    good = agreement([(1, 1)] * 8 + [(0, 0)] * 8, (0, 1), ordinal=False)
    assert verdict(good, 0.6) is Verdict.CALIBRATED
    poor = agreement([(1, 0)] * 4 + [(0, 0)] * 6 + [(1, 1)] * 2, (0, 1), ordinal=False)
    assert poor.kappa is not None and poor.kappa < 0.6
    assert verdict(poor, 0.6) is Verdict.UNCALIBRATED
    assert verdict(agreement([(1, 1)] * 5, (0, 1), ordinal=False), 0.6) is Verdict.TOO_FEW
    same = agreement([(0, 0)] * 12, (0, 1), ordinal=False)
    assert verdict(same, 0.6) is Verdict.UNDEFINED
    assert not Verdict.UNDEFINED.decides and Verdict.UNCALIBRATED.decides
