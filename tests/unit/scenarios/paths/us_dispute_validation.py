"""Scripted replies for ``us-dispute-validation``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Kevin Park?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thanks, Kevin. I'm a debt collector, this is an attempt to collect a debt and any"
            " information obtained will be used for that purpose. I'm calling about a Bayline"
            " Wireless account with a balance of $612.47.",
            ["mini_miranda", "state_purpose"],
            [],
        ),
        (
            "Okay. You're disputing it, and I've noted that on the account right now. You"
            " returned the equipment and paid your final bill, so let's get that checked.",
            ["handle_dispute", "paraphrase"],
            [],
        ),
        (
            "You won't be asked to. While your dispute is open we stop collecting the $612.47"
            " until we've mailed you verification from Bayline. The validation notice we mailed"
            " on October 14 lists the creditor, the amount and how to dispute, and your window"
            " runs to November 18. Send the dispute with a copy of your receipt by mail or on"
            " our website.",
            ["handle_dispute"],
            [],
        ),
        (
            "You can upload it at meridianservices.com/dispute or mail it to the address on the"
            " notice. I've logged your dispute today, and you'll get Bayline's answer in writing"
            " before anyone contacts you about this balance again.",
            ["handle_dispute"],
            [],
        ),
    ),
    EndingReached("dispute_logged", "dispute_logged"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "I hear you, but disputing won't change anything. You still need to pay the $612.47"
            " today.",
            ["pressure", "request_payment"],
            [violation("US-REGF-1006.38-DISPUTE-OVERSHADOW")],
        ),
    ),
    EndingReached("reports_you", "breach"),
)
