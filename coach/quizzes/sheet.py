"""What a page shows of a paper: the question sheet while an attempt runs (built only from
choice ids and texts, so no page or request can carry the key) and, after submission, the
review with the key, the credit earned and the explanation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coach.quizzes.assembly import Paper, PaperItem
from coach.quizzes.grading import credit
from coach.quizzes.model import Choice, CompliantReply, Pick, SpotViolation


@dataclass(frozen=True)
class SheetLine:
    """A line of a question's call; ``choice`` is set when the trainee may pick it, ``label``
    is the line's id in a transcript (explanations refer to lines by it)."""

    speaker: str
    text: str
    choice: str | None = None
    label: str = ""


@dataclass(frozen=True)
class SheetQuestion:
    """One question as the trainee answers it, with what they saved so far."""

    number: int
    kind: str
    prompt: str
    pick: Pick
    credit_rule: str
    lines: tuple[SheetLine, ...]
    choices: tuple[Choice, ...]
    saved: tuple[str, ...]


def sheet(paper: Paper, saved: Mapping[int, Sequence[str]]) -> list[SheetQuestion]:
    """The paper's questions in order, choices in their display order."""
    return [_sheet_question(item, tuple(saved.get(item.number, ()))) for item in paper.items]


def _sheet_question(item: PaperItem, saved: tuple[str, ...]) -> SheetQuestion:
    question = item.question
    by_id = {choice.id: choice for choice in question.choices()}
    lines: tuple[SheetLine, ...] = ()
    choices = tuple(by_id[choice_id] for choice_id in item.choice_order)
    if isinstance(question, SpotViolation):
        lines = tuple(
            SheetLine(line.speaker, line.text, line.id if line.id in by_id else None, line.id)
            for line in question.transcript
        )
        choices = ()
    elif isinstance(question, CompliantReply):
        lines = tuple(SheetLine(line.speaker, line.text) for line in question.context)
    return SheetQuestion(
        number=item.number,
        kind=question.title,
        prompt=question.prompt,
        pick=question.pick,
        credit_rule=question.credit_rule,
        lines=lines,
        choices=choices,
        saved=saved,
    )


@dataclass(frozen=True)
class ReviewChoice:
    """A choice as the review lists it: in the authored order, under its id, which is how
    explanations refer to it ("option (b)", "line l3"), whatever order the attempt showed."""

    id: str
    text: str
    right: bool
    picked: bool


@dataclass(frozen=True)
class ReviewItem:
    """A submitted question: what was answered, what was right, and why."""

    question: SheetQuestion
    choices: tuple[ReviewChoice, ...]
    answer: tuple[str, ...]
    answer_text: tuple[str, ...]
    key_text: tuple[str, ...]
    credit: float
    explanation: str
    citation: str
    rules: tuple[str, ...]


def review(paper: Paper, answers: Mapping[int, Sequence[str]]) -> list[ReviewItem]:
    """Every question with the trainee's answer beside the key (texts in answer order)."""
    items = []
    for item in paper.items:
        question = item.question
        texts = {choice.id: choice.text for choice in question.choices()}
        answer = tuple(answers.get(item.number, ()))
        key = question.key()
        items.append(
            ReviewItem(
                question=_sheet_question(item, answer),
                choices=tuple(
                    ReviewChoice(c.id, c.text, c.id in key, c.id in answer)
                    for c in question.choices()
                ),
                answer=answer,
                answer_text=tuple(texts[a] for a in answer if a in texts),
                key_text=tuple(texts[k] for k in key),
                credit=credit(question, answer) if answer else 0.0,
                explanation=question.explanation,
                citation=question.citation,
                rules=question.rules,
            )
        )
    return items
