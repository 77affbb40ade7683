"""A skill estimate with its uncertainty: a Beta posterior over time-decayed evidence.

Each observation adds ``weight * decay * score`` to the successes and ``weight * decay *
(1 - score)`` to the failures of a weak Beta prior (counted in calls' worth, scaled by
``TRIALS_PER_CALL`` for the interval). Decay halves evidence every ``HALF_LIFE``, so the
estimate follows a collector who improves (or slips), and a skill not seen for months drifts
back to the prior and says "not enough evidence" instead of showing a stale number. Why this
model and these numbers: ``docs/skill-model.md``."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from scipy.special import betaincinv

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


class Timeline:
    """One skill's evidence as running totals, so its estimate at any moment up to ``latest``
    costs a bisection: decay is exponential, so the sums at a moment are the sums of what was
    observed by then, decayed to ``latest``, scaled by one factor. A profile's estimate, its
    trend and its weekly sparkline then share one pass over the observations."""

    def __init__(self, observations: Iterable[Observation], skill: str, latest: datetime):
        self.skill = skill
        self.latest = require_aware(latest, "latest")
        used = sorted(
            (o for o in observations if o.skill == skill and o.at <= latest), key=attrgetter("at")
        )
        self._times = [o.at for o in used]
        self._evidence, self._successes = [0.0], [0.0]
        for observation in used:
            weight = observation.weight * decay(latest - observation.at)
            self._evidence.append(self._evidence[-1] + weight)
            self._successes.append(self._successes[-1] + weight * observation.score)

    @property
    def observed(self) -> bool:
        """Whether anything was observed by ``latest``."""
        return bool(self._times)

    def _sums_at(self, moment: datetime) -> tuple[int, float, float]:
        """(observations made by ``moment``, decayed evidence, decayed successes) then."""
        if moment > self.latest:
            raise ValueError(f"a timeline up to {self.latest} cannot say what {moment} holds")
        made = bisect_right(self._times, require_aware(moment, "moment"))
        scale = 0.5 ** ((moment - self.latest) / HALF_LIFE)  # >= 1: the moment is no later
        return made, self._evidence[made] * scale, self._successes[made] * scale

    def estimate_at(self, moment: datetime) -> SkillEstimate:
        made, evidence, successes = self._sums_at(moment)
        last_seen = self._times[made - 1] if made else None
        return from_evidence(self.skill, evidence, successes, last_seen)

    def mean_at(self, moment: datetime) -> float | None:
        """The estimate's mean at ``moment`` when the evidence then is enough, else ``None``;
        without the interval (two incomplete-beta inversions, most of an estimate's cost)."""
        _, evidence, successes = self._sums_at(moment)
        return mean_from_evidence(evidence, successes)

    def trend(self, window: timedelta = TREND_WINDOW) -> float | None:
        """How much the mean moved over ``window`` up to ``latest`` (positive: better), or
        ``None`` when either end lacks enough evidence to say."""
        if window <= timedelta(0):
            raise ValueError(f"a trend window must be positive, got {window}")
        earlier, current = self.mean_at(self.latest - window), self.mean_at(self.latest)
        if current is None or earlier is None:
            return None
        return current - earlier


def estimate(observations: Iterable[Observation], skill: str, now: datetime) -> SkillEstimate:
    """The estimate of ``skill`` as of ``now``: observations after ``now`` are not used yet."""
    return Timeline(observations, skill, now).estimate_at(now)


def mean_from_evidence(evidence: float, successes: float) -> float | None:
    """The posterior mean for decayed ``evidence`` and ``successes`` (e.g. a cached profile's
    sums), or ``None`` when the evidence is not enough."""
    if not _enough(evidence):
        return None
    a, b = _shape(evidence, successes)
    return a / (a + b)


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
        low=float(betaincinv(a, b, tail)),
        high=float(betaincinv(a, b, 1.0 - tail)),
        evidence=evidence,
        enough=_enough(evidence),
        last_seen=last_seen,
    )
