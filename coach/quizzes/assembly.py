"""Seeded assembly: a program, its banks and a seed make one paper, the same every time.

A paper is frozen at assembly: it carries each drawn question whole (so an attempt keeps the
version it was given, whatever later edits do) and the order its choices are shown in.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from coach.quizzes.model import Question, QuestionBank, QuestionModel
from coach.quizzes.program import CertificationProgram, Pool


class AssemblyError(Exception):
    """The banks cannot supply what the program asks for (a content error)."""


@dataclass(frozen=True)
class PaperItem:
    """One question of a paper, numbered from 1, with its choices in display order."""

    number: int
    bank: str
    question: QuestionModel
    choice_order: tuple[str, ...]

    @property
    def version(self) -> str:
        """The version of the question this paper was given."""
        return self.question.version()


@dataclass(frozen=True)
class Paper:
    """The questions of one attempt, in order."""

    program_id: str
    program_version: str
    seed: int
    items: tuple[PaperItem, ...]

    def item(self, number: int) -> PaperItem | None:
        """Question ``number`` of the paper, or ``None``."""
        return next((i for i in self.items if i.number == number), None)

    def as_json(self) -> dict[str, Any]:
        """The paper as plain JSON, every question whole, for the attempt that keeps it."""
        return {
            "program_id": self.program_id,
            "program_version": self.program_version,
            "seed": self.seed,
            "items": [
                {
                    "number": item.number,
                    "bank": item.bank,
                    "question": item.question.model_dump(mode="json"),
                    "choice_order": list(item.choice_order),
                }
                for item in self.items
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paper:
        """The paper :meth:`as_json` stored, questions validated as they were then."""
        return cls(
            data["program_id"],
            data["program_version"],
            data["seed"],
            tuple(
                PaperItem(
                    item["number"],
                    item["bank"],
                    _QUESTION.validate_python(item["question"]),
                    tuple(item["choice_order"]),
                )
                for item in data["items"]
            ),
        )


_QUESTION: TypeAdapter[QuestionModel] = TypeAdapter(Question)


def candidates(pool: Pool, banks: Iterable[QuestionBank]) -> list[tuple[str, QuestionModel]]:
    """Every (bank id, question) the pool may draw, in a stable order."""
    found = [
        (bank.bank, question)
        for bank in banks
        if bank.bank in pool.banks
        for question in bank.questions
        if (not pool.topics or question.topic in pool.topics)
        and (not pool.difficulty or question.difficulty in pool.difficulty)
    ]
    return sorted(found, key=lambda entry: (entry[0], entry[1].id))


def shortfalls(program: CertificationProgram, banks: Sequence[QuestionBank]) -> list[str]:
    """Why the banks cannot fill every paper the program may draw (empty: they always can).

    Pools draw in order and never repeat a question, so a pool must hold its own draw even
    when every earlier pool that shares questions with it drew from the shared ones.
    """
    problems = []
    earlier: list[tuple[set[tuple[str, str]], int]] = []
    for index, pool in enumerate(program.pools):
        available = {(bank, q.id) for bank, q in candidates(pool, banks)}
        lost = sum(min(draw, len(available & before)) for before, draw in earlier)
        if len(available) - lost < pool.draw:
            shared = f", {lost} of them possibly drawn by the pools before it" if lost else ""
            problems.append(
                f"pools.{index}: draws {pool.draw} question(s) but its banks and filters "
                f"hold {len(available)}{shared}"
            )
        earlier.append((available, pool.draw))
    return problems


def assemble(program: CertificationProgram, banks: Sequence[QuestionBank], seed: int) -> Paper:
    """The paper for ``seed``: each pool draws its questions (none twice), and options are
    shuffled when the program says so; an ordering question is always shown out of order,
    and true/false and a transcript's lines keep their natural order."""
    problems = shortfalls(program, banks)
    if problems:
        raise AssemblyError("; ".join(problems))
    drawn: list[tuple[str, QuestionModel]] = []
    for index, pool in enumerate(program.pools):
        seen = {(bank, q.id) for bank, q in drawn}
        available = [(b, q) for b, q in candidates(pool, banks) if (b, q.id) not in seen]
        drawn += _rng(seed, index).sample(available, pool.draw)
    items = tuple(
        PaperItem(number, bank, question, _choice_order(question, seed, program.shuffle_options))
        for number, (bank, question) in enumerate(drawn, start=1)
    )
    return Paper(program.id, program.version, seed, items)


def _choice_order(question: QuestionModel, seed: int, shuffle: bool) -> tuple[str, ...]:
    ids = [choice.id for choice in question.choices()]
    if question.pick == "order":
        return _out_of_order(ids, _rng(seed, question.id))
    if shuffle and question.shuffles:
        _rng(seed, question.id).shuffle(ids)
    return tuple(ids)


def _out_of_order(ids: list[str], rng: random.Random) -> tuple[str, ...]:
    """A shuffle that never hands the trainee the answer: the right order is rotated away."""
    shuffled = list(ids)
    rng.shuffle(shuffled)
    if shuffled == ids:
        shuffled = shuffled[1:] + shuffled[:1]
    return tuple(shuffled)


def _rng(seed: int, salt: object) -> random.Random:
    """A generator for one draw or one shuffle: reproducible from the attempt's seed, which
    is what a paper needs (the seed stays on the server; nothing here is a secret)."""
    return random.Random(f"{seed}:{salt}")  # noqa: S311
