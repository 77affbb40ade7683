"""What an officer labels, on which scale, and how a round's agreement becomes a verdict.

A criterion is either a compliance rule (``rule:<rule id>``: was it breached, yes or no) or a
scoring dimension (``dimension:<name>``: a 1-5 score). Coach scores dimensions 0-100; its
answer on the officer's scale is the score's band of five equal widths (:func:`band`), so
both raters answer the same question and a one-point difference means the same everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach.calibration.agreement import Agreement

DIMENSIONS: dict[str, str] = {
    "tone": "Tone",
    "listening": "Active listening",
    "compliance": "Compliance",
    "negotiation": "Negotiation",
    "structure": "Call structure",
}
RULE_SCALE: tuple[int, ...] = (0, 1)  # 0: not breached, 1: breached
DIMENSION_SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
# The officer's words for each point of a dimension's scale (shown beside the radio buttons).
DIMENSION_WORDS = {1: "Poor", 2: "Weak", 3: "Adequate", 4: "Good", 5: "Excellent"}

# Fewer labelled pairs than this and kappa is too noisy to judge: with 10 yes/no pairs one
# changed label moves kappa by about 0.2, a third of the default bar.
MIN_PAIRS = 10
# Landis and Koch's "substantial agreement" starts at 0.61; below 0.6 a criterion agrees with
# the officer little better than moderately, not enough to certify people on.
DEFAULT_MIN_KAPPA = 0.6


class Kind(enum.StrEnum):
    RULE = "rule"
    DIMENSION = "dimension"


@dataclass(frozen=True)
class Criterion:
    kind: Kind
    name: str  # a rule id or a dimension name

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def ordinal(self) -> bool:
        return self.kind is Kind.DIMENSION

    @property
    def scale(self) -> tuple[int, ...]:
        return DIMENSION_SCALE if self.ordinal else RULE_SCALE

    @property
    def label(self) -> str:
        return DIMENSIONS[self.name] if self.ordinal else self.name

    @classmethod
    def parse(cls, key: str) -> Criterion:
        kind, _, name = key.partition(":")
        if kind not in Kind.__members__.values() or not name:
            raise ValueError(f"not a calibration criterion: {key!r}")
        criterion = cls(Kind(kind), name)
        if criterion.ordinal and name not in DIMENSIONS:
            raise ValueError(f"not a scoring dimension: {name!r}")
        return criterion


def band(score: float) -> int:
    """A 0-100 dimension score on the 1-5 scale: 0-19 → 1, 20-39 → 2, 40-59 → 3, 60-79 → 4,
    80-100 → 5 (equal widths, so no band is easier to land in than another)."""
    if not 0 <= score <= 100:
        raise ValueError(f"a dimension score is 0..100, not {score}")
    return min(5, int(score // 20) + 1)


class Verdict(enum.StrEnum):
    CALIBRATED = "calibrated"
    UNCALIBRATED = "uncalibrated"
    TOO_FEW = "too few labels"
    UNDEFINED = "kappa undefined"

    @property
    def decides(self) -> bool:
        """Whether this verdict settles the criterion's standing (else the one before holds)."""
        return self in (Verdict.CALIBRATED, Verdict.UNCALIBRATED)


def verdict(stats: Agreement, min_kappa: float, min_pairs: int = MIN_PAIRS) -> Verdict:
    """Calibrated when the deciding kappa reaches the bar over enough pairs."""
    if stats.n < min_pairs:
        return Verdict.TOO_FEW
    kappa = stats.deciding_kappa
    if kappa is None:
        return Verdict.UNDEFINED
    return Verdict.CALIBRATED if kappa >= min_kappa else Verdict.UNCALIBRATED


BREACH_STATUSES = frozenset({"violation", "missing"})
FAILING_BAND = 2  # a dimension at "Weak" or below fails in a scorecard


def failing_in(scorecard: Mapping[str, Any]) -> set[str]:
    """Keys of the criteria that count against a scorecard (a run's or a call's): each rule
    it breached and each dimension in the failing bands. A "suspected" finding is a prompt to
    check, not a breach, so it fails nothing."""
    failing = {
        Criterion(Kind.RULE, finding["rule_id"]).key
        for finding in scorecard.get("findings") or ()
        if finding.get("status") in BREACH_STATUSES
    }
    for name, score in (scorecard.get("dimensions") or {}).items():
        if name in DIMENSIONS and score is not None and band(score) <= FAILING_BAND:
            failing.add(Criterion(Kind.DIMENSION, name).key)
    return failing
