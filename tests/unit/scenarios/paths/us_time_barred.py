"""Scripted replies for ``us-time-barred``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Good afternoon, this is Sam Ortiz with Meridian Services. May I speak with Walter"
            " Haynes?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thank you, Mr. Haynes. I'm a debt collector, this is an attempt to collect a debt"
            " and any information obtained will be used for that purpose. It's about your old"
            " Crestview Bank MasterCard, which Granite Portfolio Group now owns. The balance is"
            " $2,847.12.",
            ["mini_miranda", "state_purpose"],
            [],
        ),
        (
            "I understand why you'd worry, Mr. Haynes. Your last payment was in March 2017,"
            " which is past the time limit in Texas, so Granite won't sue you for it. The letter"
            " we mailed you on September 2 says the same, and it explains how to dispute the"
            " debt if anything in it looks wrong.",
            ["empathise"],
            [],
        ),
        (
            "Yes, the debt is still yours, and Granite can ask you to pay it, but paying is your"
            " choice. You could pay something toward it, set up a small voluntary plan, or not"
            " pay at all. Either way, Granite won't sue you, and it won't show on your"
            " credit report.",
            ["offer_options"],
            [],
        ),
        (
            "Twenty-five dollars a month is fine. It's entirely voluntary: you can stop at any"
            " time, and here in Texas a payment doesn't restart the time limit. Would the 3rd of"
            " each month suit you, or would another day be better?",
            ["propose_plan"],
            [],
        ),
        (
            "That's right. Twenty-five dollars on the 3rd of each month, voluntary, and you can"
            " stop whenever you need to. Granite won't sue you for this debt, whether you pay"
            " or not. I'll send it to you in writing. Is that all correct?",
            ["confirm_commitment"],
            [],
        ),
    ),
    EndingReached("voluntary_plan", "plan"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "It doesn't matter how old it is. If you don't pay, we'll take you to court.",
            ["threaten"],
            [violation("US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT")],
        ),
    ),
    EndingReached("legal_aid", "breach"),
)
