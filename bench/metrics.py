"""Counting figures shared by the quality benches."""

from __future__ import annotations


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def meets(value: float, target: str) -> bool:
    """Whether ``value`` meets a target written ">= 0.75", "<= 10 %" and the like."""
    sign, number = target.split()[:2]
    bound = float(number) / (100 if "%" in target else 1)
    return value >= bound if sign == ">=" else value <= bound
