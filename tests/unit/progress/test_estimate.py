"""The skill estimate: monotone in evidence, decaying with age, honest about too little."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from coach.progress.estimate import (
    HALF_LIFE,
    MIN_EVIDENCE,
    PRIOR_MEAN,
    SkillEstimate,
    Timeline,
    decay,
    estimate,
)
from coach.progress.observations import Observation, ObservationError, Source

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def seen(
    score: float,
    days_ago: float = 0.0,
    weight: float = 1.0,
    skill: str = "empathy",
    source: Source = "call",
) -> Observation:
    at = NOW - timedelta(days=days_ago)
    return Observation(skill, score, weight, source, f"{source}-{days_ago}-{score}", at)


def calls(scores: Sequence[float], days_ago: float = 0.0) -> list[Observation]:
    return [seen(score, days_ago) for score in scores]


def width(found: SkillEstimate) -> float:
    return found.high - found.low


def test_no_evidence_is_the_prior_and_says_not_enough() -> None:
    found = estimate([], "empathy", NOW)
    assert found == SkillEstimate(
        "empathy", PRIOR_MEAN, found.low, found.high, 0.0, enough=False, last_seen=None
    )
    assert found.low < PRIOR_MEAN < found.high


def test_the_estimate_lies_inside_its_interval_and_within_0_and_1() -> None:
    for scores in ([0.0] * 5, [1.0] * 5, [0.2, 0.9, 0.5], [0.75]):
        found = estimate(calls(scores), "empathy", NOW)
        assert 0.0 <= found.low <= found.mean <= found.high <= 1.0


@pytest.mark.parametrize("others", [[], [0.4], [0.9, 0.2, 0.6]])
def test_a_better_score_never_lowers_the_mean(others: list[float]) -> None:
    means = [
        estimate([*calls(others, days_ago=3), seen(score)], "empathy", NOW).mean
        for score in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert means == sorted(means)
    assert len(set(means)) == len(means)


def test_more_agreeing_evidence_narrows_the_interval() -> None:
    widths = [width(estimate(calls([0.8] * n), "empathy", NOW)) for n in (1, 2, 3, 5, 10, 30)]
    assert widths == sorted(widths, reverse=True)
    assert len(set(widths)) == len(widths)


def test_more_agreeing_evidence_moves_the_mean_towards_the_scores() -> None:
    means = [estimate(calls([0.9] * n), "empathy", NOW).mean for n in (1, 3, 10, 100)]
    assert means == sorted(means)
    assert 0.89 < means[-1] < 0.9


def test_a_heavier_observation_counts_more() -> None:
    base = calls([0.5] * 4)
    light = estimate([*base, seen(1.0, weight=0.5)], "empathy", NOW)
    heavy = estimate([*base, seen(1.0, weight=1.0)], "empathy", NOW)
    assert light.mean < heavy.mean
    assert light.evidence == pytest.approx(4.5)


def test_decay_halves_the_weight_every_half_life() -> None:
    assert decay(timedelta(0)) == 1.0
    assert decay(HALF_LIFE) == pytest.approx(0.5)
    assert decay(3 * HALF_LIFE) == pytest.approx(0.125)
    assert decay(-HALF_LIFE) == 1.0


def test_an_old_observation_counts_less_than_a_new_one() -> None:
    steady = calls([0.5] * 4, days_ago=1)
    new_good = estimate([*steady, seen(1.0, days_ago=0)], "empathy", NOW)
    old_good = estimate([*steady, seen(1.0, days_ago=60)], "empathy", NOW)
    assert old_good.mean < new_good.mean
    assert old_good.evidence == pytest.approx(4 * decay(timedelta(days=1)) + 0.25)


def test_recent_evidence_outweighs_older_contrary_evidence() -> None:
    improved = [*calls([0.3] * 5, days_ago=60), *calls([0.8] * 5, days_ago=2)]
    found = estimate(improved, "empathy", NOW)
    assert found.mean > (0.3 + 0.8) / 2


def test_with_only_old_evidence_the_estimate_drifts_to_the_prior_and_not_enough() -> None:
    history = calls([0.95] * 6, days_ago=0)
    then = [estimate(history, "empathy", NOW + timedelta(days=d)) for d in (0, 30, 90, 365)]
    assert then[0].enough
    assert not then[-1].enough
    distances = [abs(found.mean - PRIOR_MEAN) for found in then]
    assert distances == sorted(distances, reverse=True)
    assert distances[-1] < 0.05
    assert all(found.last_seen == NOW for found in then)


def test_exactly_the_threshold_is_enough_and_just_below_is_not() -> None:
    assert MIN_EVIDENCE == 3.0
    assert estimate(calls([0.7, 0.8, 0.9]), "empathy", NOW).enough
    nearly = [*calls([0.7, 0.8]), seen(0.9, weight=0.99)]
    assert not estimate(nearly, "empathy", NOW).enough


def test_role_plays_need_more_of_them_to_be_enough() -> None:
    plays = [seen(0.8, source="roleplay", weight=0.5) for _ in range(5)]
    assert not estimate(plays, "empathy", NOW).enough
    assert estimate([*plays, plays[0]], "empathy", NOW).enough


def test_other_skills_and_future_observations_are_ignored() -> None:
    mixed = [seen(0.9), seen(0.1, skill="negotiation"), seen(0.0, days_ago=-2)]
    found = estimate(mixed, "empathy", NOW)
    assert found.evidence == pytest.approx(1.0)
    assert found.last_seen == NOW


def test_last_seen_is_the_newest_observation_used() -> None:
    found = estimate([seen(0.5, days_ago=9), seen(0.6, days_ago=4)], "empathy", NOW)
    assert found.last_seen == NOW - timedelta(days=4)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ObservationError, match="latest must be a timezone-aware datetime"):
        estimate([], "empathy", datetime(2026, 12, 1))


def test_trend_is_the_change_over_the_window() -> None:
    history = [*calls([0.5] * 5, days_ago=40), *calls([0.9] * 5, days_ago=1)]
    change = Timeline(history, "empathy", NOW).trend()
    now_mean = estimate(history, "empathy", NOW).mean
    then_mean = estimate(history, "empathy", NOW - timedelta(days=30)).mean
    assert change == pytest.approx(now_mean - then_mean)
    assert change is not None and change > 0.1


def test_trend_is_negative_for_a_decline() -> None:
    history = [*calls([0.9] * 5, days_ago=40), *calls([0.4] * 5, days_ago=1)]
    change = Timeline(history, "empathy", NOW).trend()
    assert change is not None and change < -0.1


def test_trend_is_none_without_enough_evidence_at_either_end() -> None:
    only_recent = calls([0.9] * 5, days_ago=1)
    only_old = calls([0.9] * 3, days_ago=45)
    assert Timeline(only_recent, "empathy", NOW).trend() is None
    assert Timeline(only_old, "empathy", NOW).trend() is None
    assert Timeline([], "empathy", NOW).trend() is None


def test_trend_window_must_be_positive() -> None:
    with pytest.raises(ValueError, match="window must be positive"):
        Timeline([], "empathy", NOW).trend(window=timedelta(0))


def test_a_timeline_gives_each_moments_estimate() -> None:
    history = [
        *calls([0.4, 0.5, 0.6, 0.5], days_ago=70),
        *calls([0.7, 0.8, 0.7, 0.8], days_ago=20),
        seen(0.9, days_ago=3),
        seen(0.2, days_ago=1, skill="negotiation"),
    ]
    timeline = Timeline(history, "empathy", NOW)
    moments = [NOW - timedelta(days=d) for d in (0, 90, 30, 69, 71, 2)]  # any order
    for moment in moments:
        expected, found = estimate(history, "empathy", moment), timeline.estimate_at(moment)
        assert found.mean == pytest.approx(expected.mean, rel=1e-12)
        assert found.low == pytest.approx(expected.low, rel=1e-9)
        assert found.evidence == pytest.approx(expected.evidence, rel=1e-12)
        assert (found.enough, found.last_seen) == (expected.enough, expected.last_seen)
        assert timeline.mean_at(moment) == (pytest.approx(found.mean) if found.enough else None)
    enough = [timeline.mean_at(moment) is not None for moment in moments]
    assert enough[0] and not enough[1]  # both cases are exercised
    assert enough[3] and not enough[4]  # the day the calls were made


def test_a_timeline_counts_an_observation_from_its_own_moment_on() -> None:
    timeline = Timeline(calls([0.9] * 4, days_ago=10), "empathy", NOW)
    before, at, after = (timeline.mean_at(NOW - timedelta(days=d)) for d in (11, 10, 9))
    assert before is None  # not made yet
    assert at is not None and after is not None and after < at  # decayed towards the prior
    assert timeline.observed
    assert not Timeline(calls([0.9], days_ago=-1), "empathy", NOW).observed  # not yet made


def test_a_timeline_cannot_see_past_its_latest_moment() -> None:
    timeline = Timeline(calls([0.9] * 4, days_ago=10), "empathy", NOW - timedelta(days=5))
    with pytest.raises(ValueError, match="cannot say"):
        timeline.mean_at(NOW)
