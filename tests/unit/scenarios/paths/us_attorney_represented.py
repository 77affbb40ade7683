"""Scripted replies for ``us-attorney-represented``: a lawful path to success, an unlawful one
to a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Raymond Castillo?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thanks, Ray. I'm a debt collector, this is an attempt to collect a debt and any"
            " information obtained will be used for that purpose. It's about your Lakeshore"
            " Bank card.",
            ["mini_miranda", "state_purpose"],
            [],
        ),
        (
            "Thanks for letting me know. Could I have your attorney's name and phone number?"
            " We'll direct all communication about this account to her.",
            ["respect_cease"],
            [],
        ),
        (
            "So that's Linda Park at Park Consumer Law, 602-555-0148. I'll note that she"
            " represents you, and we'll contact her from now on.",
            ["paraphrase", "respect_cease"],
            [],
        ),
        (
            "That's one for Ms. Park. Now that she represents you, we'll send her the full"
            " breakdown and won't discuss the account with you directly. Thanks for your"
            " time, Ray.",
            ["respect_cease", "close_call"],
            [],
        ),
    ),
    EndingReached("attorney_noted", "callback"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "Lawyers just cost you more money. Let's settle this today, between you and me."
            " Can you make a payment now?",
            ["pressure", "request_payment"],
            [violation("US-REGF-1006.6b2-ATTORNEY-REPRESENTED")],
        ),
    ),
    EndingReached("tells_his_lawyer", "breach"),
)
