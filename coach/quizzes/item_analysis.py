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
    sums: dict[str, ItemSums] = defaultdict(ItemSums)
    for credits in attempts:
        if len(credits) < 2:
            continue
        total = sum(credits.values())
        for question, earned in credits.items():
            rest = (total - earned) / (len(credits) - 1)
            sums[question].add(1.0 if earned == 1.0 else 0.0, rest)
    return [sums[question].statistics(question) for question in sorted(sums)]


@dataclass
class ItemSums:
    """A question's (right, rest) pairs summed as its figures need them: right is 1 for full
    marks, rest the attempt's mean credit on its other items. Sums, not pairs, so a database
    can add them up (``coach.services.question_statistics``) with the same formula after."""

    answers: int = 0
    right: float = 0.0
    rest: float = 0.0
    right_rest: float = 0.0
    rest_squared: float = 0.0
    lowest_rest: float = math.inf
    highest_rest: float = -math.inf

    def add(self, right: float, rest: float) -> None:
        self.answers += 1
        self.right += right
        self.rest += rest
        self.right_rest += right * rest
        self.rest_squared += rest * rest
        self.lowest_rest = min(self.lowest_rest, rest)
        self.highest_rest = max(self.highest_rest, rest)

    def statistics(self, question: str) -> ItemStatistics:
        """Difficulty, and discrimination as Pearson's r of (right, rest): ``None`` when
        either never varies."""
        n = self.answers
        difficulty = self.right / n
        var_right = self.right - self.right * self.right / n
        var_rest = self.rest_squared - self.rest * self.rest / n
        discrimination = None
        if var_right > 0 and self.lowest_rest != self.highest_rest and var_rest > 0:
            covariance = self.right_rest - self.right * self.rest / n
            discrimination = covariance / math.sqrt(var_right * var_rest)
        return ItemStatistics(
            question, n, difficulty, discrimination, flags_for(n, difficulty, discrimination)
        )


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
