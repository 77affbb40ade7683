"""Grading: an answer is checked against the question it answers, then marked by its type's
credit rule; a paper's score is the share of its marks, against the program's pass mark."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from coach.quizzes.assembly import Paper, PaperItem
from coach.quizzes.model import QuestionModel


class AnswerError(ValueError):
    """An answer that cannot be an answer to this question (a tampered or stale choice id,
    two choices where one is asked, an incomplete order)."""


def checked_answer(question: QuestionModel, picked: Sequence[str]) -> tuple[str, ...]:
    """``picked`` as a valid answer to ``question`` (choice ids; in order for ordering), or
    :class:`AnswerError` saying what is wrong, so nothing invalid is ever stored."""
    known = [choice.id for choice in question.choices()]
    unknown = [choice for choice in picked if choice not in known]
    if unknown:
        raise AnswerError(f"{', '.join(map(repr, unknown))} is not a choice of this question")
    if len(set(picked)) != len(picked):
        raise AnswerError("a choice was picked more than once")
    if question.pick == "one" and len(picked) != 1:
        raise AnswerError("pick exactly one answer")
    if question.pick == "many" and not picked:
        raise AnswerError("pick at least one answer")
    if question.pick == "order" and len(picked) != len(known):
        raise AnswerError("put every step in order")
    return tuple(picked)


def credit(question: QuestionModel, answer: Sequence[str]) -> float:
    """The share of the question's mark ``answer`` earns (0 to 1), by its type's rule."""
    key = question.key()
    if question.pick == "one":
        return 1.0 if tuple(answer) == key else 0.0
    if question.pick == "many":
        right = len(set(answer) & set(key))
        wrong = len(set(answer) - set(key))
        return max(0.0, (right - wrong) / len(key))
    return _pairs_in_order(key, answer)


def _pairs_in_order(key: Sequence[str], answer: Sequence[str]) -> float:
    position = {step: index for index, step in enumerate(answer)}
    pairs = list(combinations(key, 2))
    kept = sum(1 for first, second in pairs if position[first] < position[second])
    return kept / len(pairs)


@dataclass(frozen=True)
class ItemResult:
    """How one question of a paper was answered and marked."""

    number: int
    answer: tuple[str, ...] | None
    credit: float

    @property
    def correct(self) -> bool:
        """Full marks: what item analysis counts as answered right."""
        return self.credit == 1.0


@dataclass(frozen=True)
class PaperResult:
    """A submitted paper: each item's mark, the score in percent and whether it passed."""

    items: tuple[ItemResult, ...]
    score: float
    passed: bool


def grade(paper: Paper, answers: Mapping[int, Sequence[str]], pass_mark: int) -> PaperResult:
    """Marks every item (an unanswered one earns nothing); ``answers`` by item number, each
    already checked with :func:`checked_answer` when it was saved."""
    results = tuple(_item_result(item, answers.get(item.number)) for item in paper.items)
    marks = sum(result.credit for result in results)
    score = round(100 * marks / len(results), 1) if results else 0.0
    return PaperResult(results, score, score >= pass_mark)


def _item_result(item: PaperItem, answer: Sequence[str] | None) -> ItemResult:
    if answer is None:
        return ItemResult(item.number, None, 0.0)
    return ItemResult(item.number, tuple(answer), credit(item.question, answer))
