"""Scripted replies for ``us-first-contact``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Daniel Reyes?"
            " Could you confirm your date of birth?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thanks, Daniel. I'm a debt collector, this is an attempt to collect a debt and"
            " any information obtained will be used for that purpose. It's about your"
            " Northway card.",
            ["mini_miranda", "state_purpose"],
            [],
        ),
        ("I'm sorry it's been rough. What happened?", ["empathise", "open_question"], []),
        (
            "We could start with a payment on your payday and spread the rest. What works?",
            ["offer_options", "propose_plan"],
            [],
        ),
        (
            "So that's $150 on the 15th by debit card. Is that right?",
            ["confirm_commitment"],
            [],
        ),
    ),
    EndingReached("promise_made", "agreement"),
)

UNLAWFUL = Path(
    (
        LAWFUL.turns[0],
        (
            "If you don't pay today we'll have you arrested.",
            ["threaten"],
            [violation("US-FDCPA-1692e4-THREAT-ARREST")],
        ),
    ),
    EndingReached("reports_you", "breach"),
)
