"""Moments of a scored call or an ended role-play worth a coach's listen, other than broken
rules: a long monologue, an escalation. Found in the scorecard once, when the activity is
recorded (``progress.record_call_score``, ``progress.record_run``), and stored as
``FlaggedMoment`` rows that the review queue reads; pure, so the migration that filled the
table for older activities uses the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# An agent turn this long (seconds) without the debtor getting a word in is a monologue worth
# a listen: a minute is several times a normal turn, and long enough to lose a debtor.
LONG_MONOLOGUE_S = 60.0


@dataclass(frozen=True)
class Moment:
    """A flagged moment drawn from a scorecard, as ``FlaggedMoment`` stores it."""

    rule: str
    reason: str
    severity: str
    turn: int | None


def call_moments(card: Mapping[str, Any]) -> list[Moment]:
    """A scored call's flagged moments other than broken rules: a long monologue, an
    escalation (recorded with the call's activity, see ``progress.record_call_score``)."""
    moments = []
    longest = (card.get("metrics") or {}).get("longest_monologue_s")
    if longest is not None and longest > LONG_MONOLOGUE_S:
        reason = (
            f"The agent spoke for {round(longest)} s without a break"
            f" (over {LONG_MONOLOGUE_S:.0f} s)."
        )
        moments.append(Moment("Long monologue", reason, "minor", _longest_agent_turn(card)))
    trajectory = card.get("debtor_trajectory") or {}
    if trajectory.get("label") == "escalated":
        moments.append(_escalation(trajectory))
    return moments


def run_moments(
    scorecard: Mapping[str, Any] | None, ending_kind: str | None, turns: int
) -> list[Moment]:
    """An ended run's flagged moment: it ended in an escalation, or the debtor grew more
    agitated (``turns``: the trainee's turns, each a line of theirs and one of the debtor's)."""
    trajectory = (scorecard or {}).get("debtor_trajectory") or {}
    if ending_kind == "escalation":
        reason = "The debtor escalated: the role-play ended in an escalation."
        return [Moment("Escalation", reason, "major", 2 * turns)]
    if trajectory.get("label") == "escalated":
        return [_escalation(trajectory)]
    return []


def _escalation(trajectory: Mapping[str, Any]) -> Moment:
    first, last = trajectory.get("first_third"), trajectory.get("last_third")
    reason = "The debtor grew more agitated over the call"
    if first is not None and last is not None:
        reason += f" (agitation {first:.2f} → {last:.2f})"
    turns = trajectory.get("evidence_turns") or []
    return Moment("Escalation", reason + ".", "major", turns[-1] if turns else None)


def _longest_agent_turn(card: Mapping[str, Any]) -> int | None:
    timed = [
        (t["end"] - t["start"], t["index"])
        for t in card.get("turns", [])
        if t.get("speaker") == "agent" and t.get("start") is not None and t.get("end") is not None
    ]
    return max(timed)[1] if timed else None
