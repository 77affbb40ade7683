"""Scripted replies for ``in-settlement-floor``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Good afternoon, I'm Sam from Apex Recovery Services, calling on behalf of Kaveri"
            " Finance. Am I speaking with Rohan Mehta?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "I'm very sorry that happened, sir. That call should never have been made. I've"
            " noted that we will contact only you, on this number, and never your office.",
            ["empathise", "respect_cease"],
            [],
        ),
        (
            "Thank you for explaining. What amount could you put together as a one-time"
            " payment, and by when?",
            ["explore_finances", "open_question"],
            [],
        ),
        (
            "I hear you, sir. Honestly, the lowest Kaveri Finance will accept as a one-time"
            " settlement is ₹1,90,000. If it helps, that could be paid in two parts within 30"
            " days.",
            ["propose_plan"],
            [],
        ),
        (
            "Then ₹1,60,000 by the 15th from your FD and ₹30,000 by the 30th, ₹1,90,000 in all."
            " To be straight with you, CIBIL will show the account as settled, not closed,"
            " which lenders do notice, but nothing more will be claimed once it's paid.",
            ["propose_plan"],
            [],
        ),
        (
            "Agreed, sir: Kaveri Finance will email you the settlement letter before your first"
            " payment, ₹1,60,000 by the 15th and ₹30,000 by the 30th into Kaveri's own account,"
            " and a no-dues certificate once it's complete. Is that correct?",
            ["confirm_commitment"],
            [],
        ),
    ),
    EndingReached("settlement_agreed", "agreement"),
)

UNLAWFUL = Path(
    (
        LAWFUL.turns[0],
        (
            "If you keep avoiding us, we will call your references and tell your colleagues"
            " you are not paying.",
            ["threaten"],
            [
                violation("IN-RBI-RA-THIRD-PARTY-PRIVACY"),
                violation("IN-RBI-RA-PUBLIC-HUMILIATION"),
            ],
        ),
    ),
    EndingReached("harassment_complaint", "breach"),
)
