"""The moments stored for the review queue besides broken rules: a long monologue at the
agent's longest turn, an escalation at the last line that showed it."""

from __future__ import annotations

from coach.progress.moments import LONG_MONOLOGUE_S, Moment, call_moments, run_moments


def _card(longest: float | None, label: str = "calm", evidence: list[int] | None = None) -> dict:
    return {
        "metrics": {"longest_monologue_s": longest},
        "turns": [
            {"index": 0, "speaker": "agent", "start": 0.0, "end": 10.0},
            {"index": 1, "speaker": "debtor", "start": 10.0, "end": 90.0},
            {"index": 2, "speaker": "agent", "start": 90.0, "end": 90.0 + (longest or 0.0)},
        ],
        "debtor_trajectory": {
            "label": label,
            "first_third": 0.1,
            "last_third": 0.7,
            "evidence_turns": evidence or [],
        },
    }


def test_a_monologue_over_the_limit_is_flagged_at_the_agents_longest_turn() -> None:
    assert call_moments(_card(LONG_MONOLOGUE_S)) == []
    (moment,) = call_moments(_card(LONG_MONOLOGUE_S + 15))
    assert moment.rule == "Long monologue" and moment.severity == "minor"
    assert moment.turn == 2  # the agent's turn, not the debtor's longer one
    assert "75 s" in moment.reason


def test_an_escalated_call_is_flagged_at_the_last_line_that_showed_it() -> None:
    (moment,) = call_moments(_card(None, "escalated", [3, 7]))
    assert moment == Moment(
        "Escalation",
        "The debtor grew more agitated over the call (agitation 0.10 → 0.70).",
        "major",
        7,
    )


def test_a_run_ended_in_escalation_is_flagged_at_the_debtors_last_line() -> None:
    (moment,) = run_moments({}, "escalation", turns=4)
    assert moment.turn == 8 and moment.severity == "major"
    assert run_moments(None, "objective", turns=4) == []
    assert run_moments(_card(None, "escalated", [5]), "objective", turns=4)[0].turn == 5
