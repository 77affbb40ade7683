"""A tiny scenario as plain data, for tests that break one thing at a time."""

from __future__ import annotations

import copy
from typing import Any

from coach.scenarios.model import Scenario

_TINY: dict[str, Any] = {
    "id": "tiny",
    "version": "1.0.0",
    "title": "Tiny call",
    "summary": "Be kind, then ask for a commitment.",
    "jurisdiction": "US",
    "difficulty": "easy",
    "skills": ["empathy"],
    "persona": {"name": "Pat", "background": "A debtor.", "temperament": "Calm.", "voice": "joe"},
    "case_file": {
        "creditor": "Bank",
        "balance": 100,
        "currency": "USD",
        "days_past_due": 30,
        "debt_type": "card",
        "affordable_monthly": 20,
    },
    "metadata": {"call_type": "initial", "attempts_last_7_days": 1},
    "objective": {"kind": "promise_to_pay", "min_amount": 20, "description": "A promise."},
    "meters": [{"id": "trust", "title": "Trust", "min": 0, "max": 10, "initial": 5}],
    "start": "hello",
    "max_turns": 5,
    "on_critical": "breach",
    "timeout": "timeout",
    "states": [
        {
            "id": "hello",
            "lines": ["Hello?", "Yes?", "Who is it?"],
            "transitions": [
                {
                    "when": {"intents_any": ["empathise"]},
                    "effects": [{"meter": "trust", "delta": 4, "reason": "You were kind."}],
                    "to": "warm",
                },
                {"when": {"findings_any": ["critical"]}, "to": "wary"},
                {
                    "otherwise": True,
                    "effects": [{"meter": "trust", "delta": -3, "reason": "You were cold."}],
                    "to": "hello",
                },
            ],
        },
        {
            "id": "warm",
            "lines": ["Thanks for asking.", "That's kind of you."],
            "transitions": [
                {
                    "when": {
                        "intents_all": ["confirm_commitment"],
                        "meters": [{"meter": "trust", "at_least": 8}],
                    },
                    "to": "deal",
                },
                {
                    "when": {"intents_any": ["empathise"], "intents_none": ["pressure"]},
                    "effects": [{"meter": "trust", "delta": 4, "reason": "Kind again."}],
                    "to": "warm",
                },
                {"otherwise": True, "to": "hello"},
            ],
        },
        {
            "id": "wary",
            "lines": ["Are you threatening me?", "What did you just say?"],
            "transitions": [{"otherwise": True, "to": "hello"}],
        },
    ],
    "endings": [
        {
            "id": "deal",
            "kind": "agreement",
            "lines": ["Deal."],
            "outcome": "A promise to pay.",
            "meets_objective": True,
        },
        {"id": "breach", "kind": "breach", "lines": ["I'm reporting you."], "outcome": "Breach."},
        {"id": "timeout", "kind": "hang_up", "lines": ["I have to go."], "outcome": "Too long."},
    ],
}


def tiny_data() -> dict[str, Any]:
    """A fresh, valid copy to break."""
    return copy.deepcopy(_TINY)


def tiny() -> Scenario:
    """The valid tiny scenario."""
    return Scenario.model_validate(tiny_data())
