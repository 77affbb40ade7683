"""The schema of a question bank (``content/quizzes/<bank>.yaml``) and of its questions.

Each question type is one frozen model with the same small interface (``choices``, ``key``,
``pick``, ``credit_rule``), registered in :data:`QUESTION_TYPES`; grading and the pages ask the
registry, never ``if type == ...``. Rules that need other files (rule ids exist in the bank's
jurisdiction, skills exist, question ids unique across banks) are in
:mod:`coach.quizzes.validate`.
"""

from __future__ import annotations

import hashlib
import json
from abc import abstractmethod
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Jurisdiction = Literal["US", "UK", "IN"]
Difficulty = Literal["easy", "medium", "hard"]
# How a trainee answers: one choice, any number of choices, or every item in an order.
Pick = Literal["one", "many", "order"]
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SEMVER = r"^\d+\.\d+\.\d+$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG)]

ALL_OR_NOTHING = "Full marks for the right answer, none otherwise."
PARTIAL_CREDIT = (
    "Partial credit: each right pick earns 1/k of the mark (k = the number of right picks), "
    "each wrong pick takes 1/k away, and a question never scores below zero."
)
ORDER_CREDIT = (
    "Partial credit: the share of pairs of steps put in the right order relative to each "
    "other; full marks only for the whole order."
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Frozen):
    """Something a trainee can pick (an option, a transcript line, a step): id and text only,
    so what reaches the page never says which one is right."""

    id: str
    text: str


class Option(_Frozen):
    """An answer option; ``correct`` stays on the server."""

    id: Slug
    text: Text
    correct: bool = False


class ContextLine(_Frozen):
    """A line of the short call a question shows."""

    speaker: Literal["collector", "debtor", "third_party"]
    text: Text


class TranscriptLine(ContextLine):
    """A line of a "spot the violation" transcript; only a collector's line can be unlawful."""

    id: Slug
    unlawful: bool = False


class Step(_Frozen):
    """A step of an ordering question, listed in the right order in the file."""

    id: Slug
    text: Text


class _Question(_Frozen):
    """What every question has: what it tests, how hard it is, and what review shows."""

    id: Slug
    topic: Slug
    difficulty: Difficulty
    rules: tuple[str, ...] = Field(min_length=1)
    skills: tuple[str, ...] = ()
    prompt: Text
    explanation: Text
    citation: Text

    pick: ClassVar[Pick] = "one"
    credit_rule: ClassVar[str] = ALL_OR_NOTHING
    title: ClassVar[str] = ""
    # Whether a program's option shuffling applies (a transcript's lines keep their order).
    shuffles: ClassVar[bool] = False

    @abstractmethod
    def choices(self) -> tuple[Choice, ...]:
        """What the trainee picks from, in the authored order."""

    @abstractmethod
    def key(self) -> tuple[str, ...]:
        """The right answer: the correct choice ids (in order, for an ordering question)."""

    def version(self) -> str:
        """A digest of the question's content: an edit is a new version, and an attempt keeps
        the version it was given."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class _OptionsQuestion(_Question):
    options: tuple[Option, ...] = Field(min_length=2, max_length=8)
    shuffles: ClassVar[bool] = True

    def choices(self) -> tuple[Choice, ...]:
        return tuple(Choice(id=o.id, text=o.text) for o in self.options)

    def key(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options if o.correct)

    @model_validator(mode="after")
    def _options_sound(self) -> _OptionsQuestion:
        _unique([o.id for o in self.options], "option")
        right = len(self.key())
        if self.pick == "one" and right != 1:
            raise ValueError(f"needs exactly one correct option, has {right}")
        if self.pick == "many" and not 1 <= right < len(self.options):
            raise ValueError("needs at least one correct and one incorrect option")
        return self


class SingleChoice(_OptionsQuestion):
    """One right option among several."""

    type: Literal["single_choice"]
    title: ClassVar[str] = "Single choice"


class MultipleChoice(_OptionsQuestion):
    """Every right option must be picked; the trainee is told how many marks a pick is worth."""

    type: Literal["multiple_choice"]
    pick: ClassVar[Pick] = "many"
    credit_rule: ClassVar[str] = PARTIAL_CREDIT
    title: ClassVar[str] = "Multiple choice"


class CompliantReply(_OptionsQuestion):
    """A short call, then: which reply is the compliant one?"""

    type: Literal["compliant_reply"]
    context: tuple[ContextLine, ...] = Field(min_length=1)
    title: ClassVar[str] = "Choose the compliant reply"


class TrueFalse(_Question):
    """The prompt is a statement; the trainee says whether it is true."""

    type: Literal["true_false"]
    answer: bool
    title: ClassVar[str] = "True or false"

    def choices(self) -> tuple[Choice, ...]:
        return (Choice(id="true", text="True"), Choice(id="false", text="False"))

    def key(self) -> tuple[str, ...]:
        return ("true",) if self.answer else ("false",)


class SpotViolation(_Question):
    """A short transcript: pick the collector's unlawful line(s)."""

    type: Literal["spot_violation"]
    transcript: tuple[TranscriptLine, ...] = Field(min_length=3, max_length=12)
    pick: ClassVar[Pick] = "many"
    credit_rule: ClassVar[str] = PARTIAL_CREDIT
    title: ClassVar[str] = "Spot the violation"

    def choices(self) -> tuple[Choice, ...]:
        """Only the collector's lines can be picked; the others are shown as context."""
        return tuple(
            Choice(id=line.id, text=line.text)
            for line in self.transcript
            if line.speaker == "collector"
        )

    def key(self) -> tuple[str, ...]:
        return tuple(line.id for line in self.transcript if line.unlawful)

    @model_validator(mode="after")
    def _lines_sound(self) -> SpotViolation:
        _unique([line.id for line in self.transcript], "line")
        if any(line.unlawful and line.speaker != "collector" for line in self.transcript):
            raise ValueError("only a collector's line can be marked unlawful")
        picks = len(self.choices())
        if not 1 <= len(self.key()) < picks:
            raise ValueError("needs at least one unlawful and one lawful collector line")
        return self


class Ordering(_Question):
    """Put the steps of a call in order; the file lists them in the right order."""

    type: Literal["ordering"]
    steps: tuple[Step, ...] = Field(min_length=3, max_length=7)
    pick: ClassVar[Pick] = "order"
    credit_rule: ClassVar[str] = ORDER_CREDIT
    title: ClassVar[str] = "Put in order"

    def choices(self) -> tuple[Choice, ...]:
        return tuple(Choice(id=s.id, text=s.text) for s in self.steps)

    def key(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)

    @model_validator(mode="after")
    def _steps_unique(self) -> Ordering:
        _unique([s.id for s in self.steps], "step")
        return self


QuestionModel = (
    SingleChoice | MultipleChoice | CompliantReply | TrueFalse | SpotViolation | Ordering
)
Question = Annotated[QuestionModel, Field(discriminator="type")]

# The registry: the type a bank file names → its model (its fields, choices, key and credit).
QUESTION_TYPES: dict[str, type[_Question]] = {
    "single_choice": SingleChoice,
    "multiple_choice": MultipleChoice,
    "true_false": TrueFalse,
    "spot_violation": SpotViolation,
    "compliant_reply": CompliantReply,
    "ordering": Ordering,
}


class QuestionBank(_Frozen):
    """Questions of one jurisdiction on related topics; the bank id is its file name."""

    bank: str = Field(pattern=SLUG)
    version: str = Field(pattern=SEMVER)
    title: Text
    jurisdiction: Jurisdiction
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> QuestionBank:
        _unique([q.id for q in self.questions], "question")
        return self

    def question(self, question_id: str) -> QuestionModel | None:
        """The question called ``question_id``, or ``None``."""
        return next((q for q in self.questions if q.id == question_id), None)


def _unique(ids: list[str], what: str) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{what} id(s) used more than once: {', '.join(repeated)}")
