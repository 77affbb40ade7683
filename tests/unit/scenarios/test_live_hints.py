"""Live hints name the next lawful step a beginner forgot, from what the run already knows."""

from __future__ import annotations

from coach.scenarios.engine import ReplyFinding
from coach.scenarios.live_hints import MAX_HINTS, hints_for
from coach.scenarios.model import Scenario
from tests.unit.scenarios.tiny import tiny, tiny_data


def uk() -> Scenario:
    data = tiny_data()
    data["jurisdiction"] = "UK"
    return Scenario.model_validate(data)


def test_verification_comes_first() -> None:
    [hint] = hints_for(tiny(), [["greet", "identify_self"]], [], {})
    assert "verified who you are speaking to" in hint


def test_a_us_first_contact_asks_for_the_disclosure_after_verification() -> None:
    [hint] = hints_for(tiny(), [["verify_identity"]], [], {})
    assert "debt collector" in hint
    assert hints_for(tiny(), [["verify_identity"], ["mini_miranda"]], [], {}) == []
    assert hints_for(uk(), [["verify_identity"]], [], {}) == []


def test_listening_is_hinted_after_three_replies_without_it() -> None:
    replies = [["verify_identity", "mini_miranda"], ["request_payment"], ["request_payment"]]
    [hint] = hints_for(tiny(), replies, [], {})
    assert "open question" in hint
    assert hints_for(tiny(), [*replies[:2], ["empathise"]], [], {}) == []


def test_a_violation_and_pressure_come_before_everything_else() -> None:
    finding = ReplyFinding(
        "US-X", "violation", "critical", "", {"suggestion": "Say what will really happen."}
    )
    hints = hints_for(tiny(), [["threaten"]], [finding], {"irritation": 80})
    assert len(hints) == MAX_HINTS
    assert hints[0] == "Your last reply may break US-X. Say what will really happen."
    assert "pressure" in hints[1]


def test_high_irritation_is_named() -> None:
    [hint, _verify] = hints_for(tiny(), [["greet"]], [], {"irritation": 60})
    assert "Irritation is high" in hint
