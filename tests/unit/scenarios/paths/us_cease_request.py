"""Scripted replies for ``us-cease-request``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        (
            "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Luis Ortega?",
            ["greet", "identify_self", "verify_identity"],
            [],
        ),
        (
            "Thanks, Mr. Ortega. This call is from a debt collector, about your Brightline Auto"
            " Finance account.",
            ["mini_miranda", "state_purpose"],
            [],
        ),
        (
            "Understood. I've noted that you don't want any more calls, and we'll stop calling"
            " you.",
            ["respect_cease"],
            [],
        ),
        (
            "No more calls from us. If you want us to stop contacting you altogether, send that"
            " in writing to the address on our letters. After that we can only write to confirm"
            " it, or to tell you about a specific step Brightline decides to take. Stopping the"
            " calls doesn't cancel the balance, but we won't call you about it.",
            ["respect_cease"],
            [],
        ),
        (
            "It's Meridian Services, P.O. Box 4410, Columbus, Ohio 43216, and it's on our"
            " letters too. Your request is noted. I'll let you go. Take care.",
            ["identify_self", "respect_cease", "close_call"],
            [],
        ),
    ),
    EndingReached("cease_noted", "callback"),
)

UNLAWFUL = Path(
    (
        *LAWFUL.turns[:2],
        (
            "That's not how this works, Mr. Ortega. The balance is still due, so can you make a"
            " payment today?",
            ["pressure", "request_payment"],
            [violation("US-FDCPA-1692cc-CEASE-COMMUNICATION")],
        ),
    ),
    EndingReached("reports_you", "breach"),
)
