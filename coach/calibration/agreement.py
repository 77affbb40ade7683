"""How well two raters agree on the same items: exact, within one point, Cohen's kappa.

Raw agreement flatters a criterion that is nearly always answered the same way (a rule broken
in one call in twenty: two raters who both always say "no" agree 95 % of the time and know
nothing), so the verdict reads kappa, which subtracts the agreement the two raters' own label
frequencies would give by chance. Arithmetic is exact (fractions), so "kappa is undefined"
is decided by an equality, not a float that happens to land near zero.

Ordinal criteria (a 1-5 score) also get linearly weighted kappa: a one-point disagreement
counts as half agreement on a 3-point gap and as 3/4 on 5 points, so near misses are not
treated like opposite answers. Linear rather than quadratic weights: quadratic weights make a
one-point miss on 1-5 count 15/16 agreed, which lets a scorer that is always a point off pass
a bar that plain reading would fail (see ``docs/decisions.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Pair = tuple[int, int]  # (officer's label, Coach's label) for one item

UNDEFINED_NO_PAIRS = "no labelled pairs"
UNDEFINED_ONE_CATEGORY = (
    "every label, the officer's and Coach's, is the same value: chance agreement is total, "
    "so kappa is undefined"
)


@dataclass(frozen=True)
class Agreement:
    """Agreement over ``n`` pairs. A ``None`` statistic is undefined (``undefined`` says why);
    ``within_one`` and ``weighted_kappa`` are None for yes/no criteria, where they mean nothing.
    """

    n: int
    exact: float | None
    within_one: float | None
    kappa: float | None
    weighted_kappa: float | None
    undefined: str | None = None

    @property
    def deciding_kappa(self) -> float | None:
        """The kappa a verdict reads: linearly weighted when ordinal, else plain."""
        return self.weighted_kappa if self.within_one is not None else self.kappa


def agreement(pairs: Sequence[Pair], categories: Sequence[int], *, ordinal: bool) -> Agreement:
    """Every statistic of ``pairs`` whose labels come from ``categories`` (in scale order)."""
    _check(pairs, categories)
    n = len(pairs)
    if n == 0:
        return Agreement(0, None, None, None, None, UNDEFINED_NO_PAIRS)
    exact = sum(a == b for a, b in pairs) / n
    within = sum(abs(a - b) <= 1 for a, b in pairs) / n if ordinal else None
    kappa = cohen_kappa(pairs, categories)
    weighted = linear_weighted_kappa(pairs, categories) if ordinal else None
    return Agreement(
        n, exact, within, kappa, weighted, UNDEFINED_ONE_CATEGORY if kappa is None else None
    )


def cohen_kappa(pairs: Sequence[Pair], categories: Sequence[int]) -> float | None:
    """Unweighted Cohen's kappa; None when undefined (no pairs, or chance agreement is 1)."""
    weights = {(a, b): Fraction(int(a == b)) for a in categories for b in categories}
    return _kappa(pairs, weights)


def linear_weighted_kappa(pairs: Sequence[Pair], categories: Sequence[int]) -> float | None:
    """Cohen's kappa with agreement weights 1 - |i - j| / (k - 1) over the scale positions."""
    position = {value: index for index, value in enumerate(categories)}
    span = max(len(categories) - 1, 1)
    weights = {
        (a, b): 1 - Fraction(abs(position[a] - position[b]), span)
        for a in categories
        for b in categories
    }
    return _kappa(pairs, weights)


def _kappa(pairs: Sequence[Pair], weights: dict[Pair, Fraction]) -> float | None:
    n = len(pairs)
    if n == 0:
        return None
    officer = Counter(a for a, _ in pairs)
    coach = Counter(b for _, b in pairs)
    observed = sum((weights[pair] for pair in pairs), Fraction(0)) / n
    expected = sum(
        (weights[(a, b)] * officer[a] * coach[b] for a in officer for b in coach), Fraction(0)
    ) / (n * n)
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def _check(pairs: Sequence[Pair], categories: Sequence[int]) -> None:
    allowed = set(categories)
    for a, b in pairs:
        if a not in allowed or b not in allowed:
            raise ValueError(f"label pair {(a, b)} is outside the scale {list(categories)}")
