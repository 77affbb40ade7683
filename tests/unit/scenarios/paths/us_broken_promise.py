"""Scripted replies for ``us-broken-promise``: a lawful path to success, an unlawful one to a
breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Kevin Walsh?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thanks, Kevin. I'm a debt collector, this is an attempt to collect a debt and any"
            " information obtained will be used for that purpose. It's about your Cobalt"
            " Lending loan.",
            ["mini_miranda", "state_purpose"],
            [],
        ),
        (
            "Thanks for saying that, Kevin. Plans fall through sometimes. What happened last"
            " month?",
            ["empathise", "open_question"],
            [],
        ),
        (
            "Losing ten hours a week and a rent increase in the same month, that's a real"
            " squeeze. I'm sorry, that sounds stressful.",
            ["paraphrase", "empathise"],
            [],
        ),
        (
            "I don't want to set you up to miss again. After rent and bills on thirty hours,"
            " what could you really manage on Friday?",
            ["explore_finances", "open_question"],
            [],
        ),
        (
            "Then let's make it $100 this Friday by debit card, and if anything changes"
            " before then, call me first and we'll adjust it.",
            ["propose_plan"],
            [],
        ),
        (
            "So that's $100 this Friday by debit card, and you'll call me before then if"
            " anything changes. Is that right?",
            ["confirm_commitment"],
            [],
        ),
    ),
    EndingReached("new_promise", "agreement"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "You broke your promise, Kevin. If the $200 isn't paid today, we'll garnish your"
            " wages.",
            ["threaten", "pressure"],
            [violation("US-FDCPA-1692e4-THREAT-GARNISH-SEIZE")],
        ),
    ),
    EndingReached("reports_you", "breach"),
)
