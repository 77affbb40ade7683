"""Item analysis: which questions tell knowing collectors apart from the rest, and which do not.

Classical test theory, per question over the submitted attempts that drew it:
*difficulty* is the share answering it right (full marks); *discrimination* is the
point-biserial correlation between answering it right and the rest of the attempt's score
(the attempt's other items, so an item is not correlated with itself). Papers are drawn at
random, so "the rest" is each attempt's mean credit on its other items.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Below this many answers a question's figures are noise: reported, never flagged.
MIN_ANSWERS = 5
TOO_EASY = 0.95
TOO_HARD = 0.20
WEAK_DISCRIMINATION = 0.20


@dataclass(frozen=True)
class ItemStatistics:
    """One question's figures and, when it has enough answers, why it may be weak."""

    question: str
    answers: int
    difficulty: float
    discrimination: float | None
    flags: tuple[str, ...]


def item_statistics(attempts: Sequence[Mapping[str, float]]) -> list[ItemStatistics]:
    """Figures per question, from each submitted attempt's credit (0-1) per question key."""
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for credits in attempts:
        if len(credits) < 2:
            continue
        total = sum(credits.values())
        for question, earned in credits.items():
            rest = (total - earned) / (len(credits) - 1)
            pairs[question].append((1.0 if earned == 1.0 else 0.0, rest))
    return [_statistics(question, pairs[question]) for question in sorted(pairs)]


def _statistics(question: str, pairs: list[tuple[float, float]]) -> ItemStatistics:
    right = [r for r, _ in pairs]
    difficulty = sum(right) / len(right)
    discrimination = _correlation(pairs)
    return ItemStatistics(
        question,
        len(pairs),
        difficulty,
        discrimination,
        flags_for(len(pairs), difficulty, discrimination),
    )


def _correlation(pairs: list[tuple[float, float]]) -> float | None:
    """Pearson's r of (right, rest); ``None`` when either never varies."""
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x, _ in pairs)
    var_y = sum((y - mean_y) ** 2 for _, y in pairs)
    if var_x == 0 or var_y == 0:
        return None
    return cov / math.sqrt(var_x * var_y)


def flags_for(answers: int, difficulty: float, discrimination: float | None) -> tuple[str, ...]:
    """What an officer should look at in a question with these figures (none below
    ``MIN_ANSWERS``: too few answers to judge)."""
    if answers < MIN_ANSWERS:
        return ()
    flags = []
    if difficulty >= TOO_EASY:
        flags.append("almost everyone gets it right")
    if difficulty <= TOO_HARD:
        flags.append("almost everyone gets it wrong: check the key and the wording")
    if discrimination is not None and discrimination < WEAK_DISCRIMINATION:
        flags.append("does not separate strong from weak candidates")
    return tuple(flags)
