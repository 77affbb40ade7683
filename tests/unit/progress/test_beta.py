"""The Beta CDF and quantile agree with SciPy's (a scikit-learn dependency, so installed)."""

from __future__ import annotations

import itertools

import pytest
from scipy import stats

from coach.progress.beta import beta_cdf, beta_quantile

SHAPES = [0.05, 0.5, 1.0, 2.7, 12.0, 400.0]
PROBABILITIES = [1e-6, 0.1, 0.5, 0.9, 0.999]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(SHAPES, SHAPES)))
def test_quantile_and_cdf_match_scipy(a: float, b: float) -> None:
    for p in PROBABILITIES:
        assert beta_quantile(p, a, b) == pytest.approx(stats.beta.ppf(p, a, b), abs=1e-9)
    for x in (0.001, 0.3, 0.5, 0.97):
        assert beta_cdf(x, a, b) == pytest.approx(stats.beta.cdf(x, a, b), abs=1e-10)


def test_the_ends_are_exact() -> None:
    assert (beta_quantile(0.0, 2, 3), beta_quantile(1.0, 2, 3)) == (0.0, 1.0)
    assert (beta_cdf(0.0, 2, 3), beta_cdf(1.0, 2, 3)) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("p", "a", "b"), [(0.5, 0, 1), (0.5, 1, -2), (1.5, 1, 1), (0.5, 1, float("inf"))]
)
def test_invalid_arguments_are_refused(p: float, a: float, b: float) -> None:
    with pytest.raises(ValueError):
        beta_quantile(p, a, b)
