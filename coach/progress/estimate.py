"""A skill estimate with its uncertainty: a Beta posterior over time-decayed evidence.

Each observation adds ``weight * decay * score`` to the successes and ``weight * decay *
(1 - score)`` to the failures of a weak Beta prior (counted in calls' worth, scaled by
``TRIALS_PER_CALL`` for the interval). Decay halves evidence every ``HALF_LIFE``, so the
estimate follows a collector who improves (or slips), and a skill not seen for months drifts
back to the prior and says "not enough evidence" instead of showing a stale number. Why this
model and these numbers: ``docs/skill-model.md``."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from coach.progress.beta import beta_quantile
from coach.progress.observations import Observation, require_aware

# Evidence loses half its weight every 30 days: the last month counts most, a quarter ago
# counts an eighth.
HALF_LIFE = timedelta(days=30)
# Before any evidence: a mean of 0.5 worth one call, so three calls outweigh it three to one.
PRIOR_MEAN = 0.5
PRIOR_STRENGTH = 1.0
# A scorecard's skill score averages many scored behaviours, so one call says as much as a
# few pass/fail trials, not one: this scales the pseudo-counts (the interval's width) only;
# the mean does not depend on it.
TRIALS_PER_CALL = 4.0
# Below three calls' worth of (decayed) evidence the estimate is shown as "not enough".
MIN_EVIDENCE = 3.0
# The interval holds 80% of the posterior: a plausible range a coach can act on.
INTERVAL_MASS = 0.8
# A trend compares the estimate now with the one this long ago.
TREND_WINDOW = timedelta(days=30)
_ROUNDING = 1e-9


@dataclass(frozen=True)
class SkillEstimate:
    """What the evidence says about one skill at one time.

    ``evidence`` is the decayed weight behind it in calls' worth; when it is below
    ``MIN_EVIDENCE`` ``enough`` is false and ``mean`` leans on the prior: show it as "not
    enough evidence", never as a level. ``last_seen`` is the newest observation used.
    """

    skill: str
    mean: float
    low: float
    high: float
    evidence: float
    enough: bool
    last_seen: datetime | None


def decay(age: timedelta) -> float:
    """The share of its weight an observation keeps after ``age`` (1 for now or later)."""
    return 0.5 ** (max(age, timedelta(0)) / HALF_LIFE)


def estimate(observations: Iterable[Observation], skill: str, now: datetime) -> SkillEstimate:
    """The estimate of ``skill`` as of ``now``: observations after ``now`` are not used yet."""
    used = _used(observations, skill, now)
    evidence, successes = _sums(used, now)
    return from_evidence(skill, evidence, successes, max((o.at for o in used), default=None))


def means_at(
    observations: Iterable[Observation], skill: str, moments: Sequence[datetime]
) -> list[float | None]:
    """``estimate(observations, skill, m).mean`` for each of ``moments`` where the evidence
    then is enough, else ``None``: what trends and weekly sparklines need, without the
    interval (two incomplete-beta inversions, most of an estimate's cost).

    One pass over the observations, however many moments: decay is exponential, so the sums
    at any moment are the sums at the latest one scaled by one factor; each moment adds up
    the observations made by then from running totals."""
    for moment in moments:
        require_aware(moment, "moment")
    if not moments:
        return []
    latest = max(moments)
    used = sorted(
        (o for o in observations if o.skill == skill and o.at <= latest), key=attrgetter("at")
    )
    times = [o.at for o in used]
    evidence_by_then, successes_by_then = [0.0], [0.0]
    for observation in used:
        weight = observation.weight * decay(latest - observation.at)
        evidence_by_then.append(evidence_by_then[-1] + weight)
        successes_by_then.append(successes_by_then[-1] + weight * observation.score)
    means: list[float | None] = []
    for moment in moments:
        made = bisect_right(times, moment)
        scale = 0.5 ** ((moment - latest) / HALF_LIFE)  # >= 1: the moment is no later
        means.append(
            mean_from_evidence(evidence_by_then[made] * scale, successes_by_then[made] * scale)
        )
    return means


def mean_from_evidence(evidence: float, successes: float) -> float | None:
    """The posterior mean for decayed ``evidence`` and ``successes`` (e.g. a cached profile's
    sums), or ``None`` when the evidence is not enough."""
    if not _enough(evidence):
        return None
    a, b = _shape(evidence, successes)
    return a / (a + b)


def _used(observations: Iterable[Observation], skill: str, now: datetime) -> list[Observation]:
    require_aware(now, "now")
    return [o for o in observations if o.skill == skill and o.at <= now]


def _sums(used: Iterable[Observation], now: datetime) -> tuple[float, float]:
    evidence = successes = 0.0
    for observation in used:
        weight = observation.weight * decay(now - observation.at)
        evidence += weight
        successes += weight * observation.score
    return evidence, successes


def _shape(evidence: float, successes: float) -> tuple[float, float]:
    """The posterior's Beta parameters (a, b) for decayed evidence and successes."""
    a = TRIALS_PER_CALL * (PRIOR_MEAN * PRIOR_STRENGTH + successes)
    b = TRIALS_PER_CALL * ((1.0 - PRIOR_MEAN) * PRIOR_STRENGTH + evidence - successes)
    return a, b


def _enough(evidence: float) -> bool:
    # exactly three calls' worth is enough, whatever the float sum's last bit says
    return evidence >= MIN_EVIDENCE - _ROUNDING


def from_evidence(
    skill: str, evidence: float, successes: float, last_seen: datetime | None
) -> SkillEstimate:
    """The estimate from decayed sums already brought to the moment wanted (E and S of
    ``docs/skill-model.md``): what a stored profile row holds, so a dashboard need not
    re-read every observation."""
    a, b = _shape(evidence, successes)
    tail = (1.0 - INTERVAL_MASS) / 2.0
    return SkillEstimate(
        skill=skill,
        mean=a / (a + b),
        low=beta_quantile(tail, a, b),
        high=beta_quantile(1.0 - tail, a, b),
        evidence=evidence,
        enough=_enough(evidence),
        last_seen=last_seen,
    )


def estimate_all(
    observations: Iterable[Observation], now: datetime, skills: Iterable[str] = ()
) -> dict[str, SkillEstimate]:
    """A profile: every observed skill and every one in ``skills`` (unobserved: the prior),
    by skill id."""
    by_skill: dict[str, list[Observation]] = {skill: [] for skill in skills}
    for observation in observations:
        by_skill.setdefault(observation.skill, []).append(observation)
    return {skill: estimate(by_skill[skill], skill, now) for skill in sorted(by_skill)}


def trend(
    observations: Iterable[Observation],
    skill: str,
    now: datetime,
    window: timedelta = TREND_WINDOW,
) -> float | None:
    """How much the estimate moved over ``window`` up to ``now`` (positive: better), or
    ``None`` when either end lacks enough evidence to say."""
    if window <= timedelta(0):
        raise ValueError(f"a trend window must be positive, got {window}")
    earlier, current = means_at(observations, skill, [now - window, now])
    if current is None or earlier is None:
        return None
    return current - earlier
