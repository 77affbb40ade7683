"""Small banks and programs built in code, one question of each type."""

from __future__ import annotations

from typing import Any

from coach.quizzes.model import QuestionBank
from coach.quizzes.program import CertificationProgram

COMMON = {
    "topic": "threats",
    "difficulty": "easy",
    "rules": ["US-FDCPA-1692e4-THREAT-ARREST"],
    "prompt": "A debtor says he cannot pay. Which reply is lawful?",
    "explanation": "Arrest is not a consequence of a consumer debt.",
    "citation": "15 U.S.C. 1692e(4)",
}

ONE_OF_EACH: list[dict[str, Any]] = [
    {
        **COMMON,
        "id": "q-single",
        "type": "single_choice",
        "options": [
            {"id": "a", "text": "We can set up a plan.", "correct": True},
            {"id": "b", "text": "You will be arrested."},
            {"id": "c", "text": "The police will call."},
        ],
    },
    {
        **COMMON,
        "id": "q-multi",
        "type": "multiple_choice",
        "options": [
            {"id": "a", "text": "Offer a plan.", "correct": True},
            {"id": "b", "text": "Ask what he can afford.", "correct": True},
            {"id": "c", "text": "Mention jail."},
            {"id": "d", "text": "Call his boss."},
        ],
    },
    {**COMMON, "id": "q-tf", "type": "true_false", "answer": False},
    {
        **COMMON,
        "id": "q-spot",
        "type": "spot_violation",
        "transcript": [
            {"id": "l1", "speaker": "collector", "text": "Hello, is that Sam?"},
            {"id": "l2", "speaker": "debtor", "text": "Yes."},
            {"id": "l3", "speaker": "collector", "text": "Pay or be arrested.", "unlawful": True},
            {"id": "l4", "speaker": "collector", "text": "Can we agree a plan?"},
        ],
    },
    {
        **COMMON,
        "id": "q-reply",
        "type": "compliant_reply",
        "context": [{"speaker": "debtor", "text": "What happens if I do not pay?"}],
        "options": [
            {"id": "a", "text": "The creditor may decide what to do next.", "correct": True},
            {"id": "b", "text": "You go to jail."},
        ],
    },
    {
        **COMMON,
        "id": "q-order",
        "type": "ordering",
        "steps": [
            {"id": "s1", "text": "Give your name"},
            {"id": "s2", "text": "Verify identity"},
            {"id": "s3", "text": "Mini-Miranda"},
            {"id": "s4", "text": "State the purpose"},
        ],
    },
]


def bank(questions: list[dict[str, Any]] | None = None, name: str = "us-sample") -> QuestionBank:
    """A US bank of ``questions`` (one of each type by default)."""
    return QuestionBank.model_validate(
        {
            "bank": name,
            "version": "1.0.0",
            "title": "Sample",
            "jurisdiction": "US",
            "questions": ONE_OF_EACH if questions is None else questions,
        }
    )


def numbered(count: int, difficulty: str = "easy") -> list[dict[str, Any]]:
    """``count`` true/false questions called t-0, t-1, …"""
    return [
        {**COMMON, "id": f"t-{n}", "type": "true_false", "answer": True, "difficulty": difficulty}
        for n in range(count)
    ]


def program(**changes: Any) -> CertificationProgram:
    """A program drawing 3 questions from us-sample, with ``changes`` applied."""
    data: dict[str, Any] = {
        "id": "us-sample-cert",
        "version": "1.0.0",
        "title": "Sample certification",
        "summary": "Knows the basics.",
        "jurisdiction": "US",
        "pools": [{"title": "All", "banks": ["us-sample"], "draw": 3}],
        "time_limit_minutes": 20,
        "pass_mark": 80,
        "attempts_allowed": 3,
        "valid_for_days": 365,
        "rule_packs": ["us_fdcpa_regf"],
    }
    return CertificationProgram.model_validate({**data, **changes})
