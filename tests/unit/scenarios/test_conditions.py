"""The parts of a transition's condition beyond intents and meters: findings a reply must not
have, violations told apart from suspicions, disclosures made, a condition's own intent
threshold, and the flags a run remembers (rebuilt from the states it went through)."""

from __future__ import annotations

from typing import Any

import pytest

from coach.scenarios.engine import ReplyAnalysis, ReplyFinding, flags_along, holds, start
from coach.scenarios.model import Condition, Scenario
from coach.scenarios.validate import check_scenario
from tests.unit.scenarios.scripted import Scripted, play, violation
from tests.unit.scenarios.tiny import tiny_data

MINI_MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"
SUSPECTED = ReplyFinding("US-DEMO.1", "suspected", "critical")
MISSING = ReplyFinding("US-DEMO.2", "missing", "critical")


def _holds(when: dict[str, Any], analysis: ReplyAnalysis, flags: tuple[str, ...] = ()) -> bool:
    return holds(Condition.model_validate(when), analysis, {}, flags)


def test_findings_none_holds_only_without_a_heard_finding_of_the_listed_rules() -> None:
    when = {"findings_none": ["critical"]}
    assert _holds(when, ReplyAnalysis(frozenset()))
    assert not _holds(when, ReplyAnalysis(frozenset(), (SUSPECTED,)))
    assert not _holds(when, ReplyAnalysis(frozenset(), (violation("US-DEMO.1"),)))
    assert _holds(when, ReplyAnalysis(frozenset(), (MISSING,)))  # never heard
    assert _holds({"findings_none": ["US-DEMO.3"]}, ReplyAnalysis(frozenset(), (SUSPECTED,)))


def test_violations_only_tells_a_violation_from_a_suspicion() -> None:
    sure = {"findings_any": ["US-DEMO.1"], "violations_only": True}
    assert not _holds(sure, ReplyAnalysis(frozenset(), (SUSPECTED,)))
    assert _holds(sure, ReplyAnalysis(frozenset(), (violation("US-DEMO.1"),)))
    assert _holds({"findings_any": ["US-DEMO.1"]}, ReplyAnalysis(frozenset(), (SUSPECTED,)))
    unsure_allowed = {"findings_none": ["US-DEMO.1"], "violations_only": True}
    assert _holds(unsure_allowed, ReplyAnalysis(frozenset(), (SUSPECTED,)))


def test_disclosed_any_holds_when_the_reply_made_a_listed_disclosure() -> None:
    when = {"disclosed_any": [MINI_MIRANDA]}
    assert _holds(when, ReplyAnalysis(frozenset(), disclosed=frozenset({MINI_MIRANDA})))
    assert not _holds(when, ReplyAnalysis(frozenset({"mini_miranda"})))


def test_a_condition_may_hear_intents_from_its_own_confidence() -> None:
    faint = ReplyAnalysis(frozenset(), scores={"empathise": 0.4, "pressure": 0.25})
    assert not _holds({"intents_any": ["empathise"]}, faint)
    assert _holds({"intents_any": ["empathise"], "confidence": 0.35}, faint)
    # The threshold applies to every intent list of the condition, "none" included.
    assert not _holds({"intents_none": ["pressure"], "confidence": 0.2}, faint)
    # Without probabilities (a scripted analysis) the heard set is used as it is.
    heard = ReplyAnalysis(frozenset({"empathise"}))
    assert _holds({"intents_any": ["empathise"], "confidence": 0.9}, heard)


@pytest.mark.parametrize("confidence", [0, 1.5])
def test_a_confidence_outside_zero_to_one_is_a_schema_error(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        Condition.model_validate({"intents_any": ["empathise"], "confidence": confidence})


def _remembering() -> Scenario:
    """Tiny, where kindness at the start is remembered and a deal needs it."""
    data = tiny_data()
    hello, warm, _wary = data["states"]
    hello["transitions"][0]["sets"] = ["was_kind"]
    deal = warm["transitions"][0]
    deal["when"] = {"intents_all": ["confirm_commitment"], "flags_all": ["was_kind"]}
    warm["transitions"].insert(1, {"when": {"flags_none": ["was_kind"]}, "to": "hello"})
    return Scenario.model_validate(data)


KIND, DEAL, HI = "I'm sorry, that sounds hard.", "So we agree: $20 on Friday?", "Hi."
FAKE = Scripted.of((KIND, ["empathise"], []), (DEAL, ["confirm_commitment"], []), (HI, [], []))


def test_a_flag_set_by_a_transition_gates_a_later_one() -> None:
    scenario = _remembering()
    steps = play(scenario, start(scenario, 0), FAKE, [KIND, DEAL])
    assert steps[0].state.flags == ("was_kind",)
    assert steps[-1].state.ended == "deal"


def test_the_flags_follow_from_the_states_a_run_went_through() -> None:
    scenario = _remembering()
    steps = play(scenario, start(scenario, 0), FAKE, [HI, KIND, HI])
    nodes = [scenario.start, *(s.state.node for s in steps)]
    for n, step in enumerate(steps, 2):
        assert flags_along(scenario, nodes[:n]) == step.state.flags
    assert flags_along(scenario, nodes) == ("was_kind",)


def test_flag_mistakes_are_listed_at_once() -> None:
    data = tiny_data()
    hello, warm, _wary = data["states"]
    hello["transitions"][0]["sets"] = ["was_kind"]
    hello["transitions"][2]["sets"] = ["was_cold"]
    hello["transitions"][1]["to"] = "warm"  # to warm too, without was_kind
    warm["transitions"][0]["when"]["flags_all"] = ["was_knid"]
    assert check_scenario(Scenario.model_validate(data)) == [
        "states.0.transitions.1.sets: transitions to 'warm' must set the same flags"
        " (transition 0 sets ['was_kind'])",
        "states.1.transitions.0.when.flags_all.0: no transition sets flag 'was_knid'"
        " (did you mean 'was_kind'?)",
        "states.0.transitions.0.sets: flag 'was_kind' is set but no condition tests it",
        "states.0.transitions.2.sets: flag 'was_cold' is set but no condition tests it",
        "states.2: 'wary' can never be reached from the start, 'hello'",
    ]
