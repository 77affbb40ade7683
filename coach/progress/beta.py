"""The Beta distribution's CDF and quantile, in plain Python.

The skill model needs credible intervals of a Beta posterior. SciPy has them, but it is only
a transitive dependency and slow to import; these ~50 lines (the regularised incomplete beta
by Lentz's continued fraction, inverted by safeguarded Newton steps) are exact to ~1e-12.
"""

from __future__ import annotations

import math

_EPSILON = 1e-15
_TINY = 1e-300
_MAX_TERMS = 300
_MAX_STEPS = 100
_TOLERANCE = 1e-12


def _check_shape(a: float, b: float) -> None:
    if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"Beta shape parameters must be finite and > 0, got a={a}, b={b}")


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (Numerical Recipes §6.4, modified Lentz)."""

    def guarded(value: float) -> float:
        return value if abs(value) > _TINY else _TINY

    c, d = 1.0, 1.0 / guarded(1.0 - (a + b) * x / (a + 1.0))
    result = d
    for m in range(1, _MAX_TERMS):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a - 1.0 + m2) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2)),
        ):
            d = 1.0 / guarded(1.0 + numerator * d)
            c = guarded(1.0 + numerator / c)
            result *= d * c
        if abs(d * c - 1.0) < _EPSILON:
            break
    return result


def beta_cdf(x: float, a: float, b: float) -> float:
    """P(X <= x) for X ~ Beta(a, b): the regularised incomplete beta function I_x(a, b)."""
    _check_shape(a, b)
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b))
    # The fraction converges fast only left of the mode; use the symmetry on the right.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def _beta_pdf(x: float, a: float, b: float) -> float:
    return math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - _log_beta(a, b))


def beta_quantile(p: float, a: float, b: float) -> float:
    """The x with P(X <= x) = p for X ~ Beta(a, b).

    Newton steps from the mean, each kept inside a bisection bracket that shrinks every step,
    so it converges even where the density is steep at 0 or 1 (small a or b).
    """
    _check_shape(a, b)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a probability must be within 0..1, got {p}")
    if p in (0.0, 1.0):
        return p
    low, high = 0.0, 1.0
    x = a / (a + b)
    for _ in range(_MAX_STEPS):
        error = beta_cdf(x, a, b) - p
        if error > 0:
            high = x
        else:
            low = x
        density = _beta_pdf(x, a, b)
        step = error / density if density > 0 else math.inf
        candidate = x - step
        if not low < candidate < high:
            candidate = (low + high) / 2.0
        if abs(candidate - x) < _TOLERANCE or high - low < _TOLERANCE:
            return candidate
        x = candidate
    return x
