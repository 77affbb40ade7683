"""Scripted replies for ``uk-job-loss-plan``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Good morning, it's Sam from Harbour Finance. Am I speaking to Gareth Hughes?"
            " Could you confirm your date of birth for security?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thanks, Gareth. I'm calling about your loan account. How are things?",
            ["state_purpose", "open_question"],
            [],
        ),
        ("I'm really sorry, that's a huge blow for the family.", ["empathise"], []),
        (
            "Shall we go through what's coming in and going out so we find something you"
            " can afford?",
            ["explore_finances"],
            [],
        ),
        (
            "From those figures, would £60 a month for now work for you?",
            ["propose_plan"],
            [],
        ),
        (
            "We can freeze interest and charges while you're out of work, and StepChange"
            " give free, independent advice if you want it.",
            ["offer_options", "signpost_help"],
            [],
        ),
        (
            "So £60 on the 1st of each month by direct debit, reviewed in three months."
            " Shall I set that up?",
            ["confirm_commitment"],
            [],
        ),
    ),
    EndingReached("plan_agreed", "plan"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "Then borrow it from family or sell the car. We need the £780 this week.",
            ["pressure"],
            [violation("UK-CONC-7.3.10-UNDUE-PRESSURE")],
        ),
    ),
    EndingReached("complaint", "breach"),
)
