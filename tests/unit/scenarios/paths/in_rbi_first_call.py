"""Scripted replies for ``in-rbi-first-call``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Good morning, I'm Sam from Apex Recovery, calling on behalf of Suvidha"
            " Finance. Am I speaking with Arjun Nair?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thank you. I'm calling about your personal loan. Is everything alright?",
            ["state_purpose", "open_question"],
            [],
        ),
        ("I'm very sorry about your mother. I hope she is better now.", ["empathise"], []),
        ("What could you manage each month?", ["explore_finances", "open_question"], []),
        (
            "Then ₹5,000 extra a month until the ₹17,000 is cleared, with the EMI from next month?",
            ["propose_plan"],
            [],
        ),
        (
            "Once the plan is registered no further late charges are added, and it is"
            " reported as an arrangement.",
            ["offer_options"],
            [],
        ),
        (
            "So ₹5,000 on the 5th of each month; I'll send it to you by SMS. Agreed?",
            ["confirm_commitment"],
            [],
        ),
    ),
    EndingReached("plan_agreed", "plan"),
)

UNLAWFUL = Path(
    (
        LAWFUL.turns[0],
        (
            "Pay today or our boys will come to your shop and tell your neighbours.",
            ["threaten"],
            [violation("IN-RBI-RA-INTIMIDATION"), violation("IN-RBI-RA-PUBLIC-HUMILIATION")],
        ),
    ),
    EndingReached("harassment_complaint", "breach"),
)
