"""Scripted replies for ``us-spouse-answers``: a lawful path to success, an unlawful one to
a breach."""

from __future__ import annotations

from coach.scenarios.engine import EndingReached
from tests.unit.scenarios.paths import Path
from tests.unit.scenarios.scripted import violation

LAWFUL = Path(
    (
        ("Hello, may I speak with Keisha Brown, please?", ["greet", "verify_identity"], []),
        (
            "No problem. Could you ask her to call Sam back on 555-0134? Thanks.",
            ["schedule_callback"],
            [],
        ),
        ("It's Sam with Meridian Services.", ["identify_self"], []),
    ),
    EndingReached("message_taken", "callback"),
)

UNLAWFUL = Path(
    (
        LAWFUL.turns[0],
        (
            "I'm calling about the $2,310 she owes on her Horizon store card.",
            ["state_purpose", "disclose_third_party"],
            [violation("US-FDCPA-1692cb-THIRD-PARTY-DISCLOSURE")],
        ),
    ),
    EndingReached("tells_the_court", "breach"),
)
