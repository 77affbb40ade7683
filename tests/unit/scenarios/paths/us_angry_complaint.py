"""Scripted replies for ``us-angry-complaint``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Raymond Kowalski?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "I'm sorry, Mr. Kowalski. Three calls in a week is a lot, and nobody should be"
            " spoken to the way you were on Wednesday. I should tell you this call is from a"
            " debt collector.",
            ["empathise", "mini_miranda"],
            [],
        ),
        (
            "I understand why you're angry. Filing a complaint is your right, and it won't change"
            " how we handle your account. You can file with the CFPB at consumerfinance.gov or"
            " with the Arizona attorney general. My name is Sam Ortiz, S-A-M O-R-T-I-Z, agent"
            " ID 4471.",
            ["empathise", "identify_self"],
            [],
        ),
        (
            "Thank you. Can you tell me what's changed for you since the payments stopped?",
            ["open_question"],
            [],
        ),
        (
            "So the payment came out of overtime, and the overtime is gone. We could look at a"
            " smaller monthly plan, or I can call you back once you've looked at the numbers."
            " Which would you prefer?",
            ["paraphrase", "offer_options"],
            [],
        ),
        (
            "Of course. Talk it over with your wife, and I'll call you back on Thursday after six"
            " to go over it. Does that time work for you?",
            ["schedule_callback"],
            [],
        ),
    ),
    EndingReached("callback_agreed", "callback"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "Go ahead and complain. The CFPB doesn't care about deadbeats like you.",
            ["insult"],
            [violation("US-FDCPA-1692d2-ABUSIVE-LANGUAGE")],
        ),
    ),
    EndingReached("complaint_in_your_words", "breach"),
)
