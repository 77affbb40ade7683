"""The role-play engine on a tiny scenario: transitions, meters, endings and refusals."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from coach.scenarios.engine import (
    EmptyReply,
    EndingReached,
    ReplyFinding,
    RunEnded,
    ScenarioChanged,
    outcome,
    reply,
    start,
)
from coach.scenarios.model import Scenario
from tests.unit.scenarios.scripted import Scripted, play, violation
from tests.unit.scenarios.tiny import tiny, tiny_data

SCENARIO = tiny()
KIND = "I'm sorry, that sounds hard."
COLD = "Pay up."
DEAL = "So we agree: $20 on Friday?"
THREAT = "We'll have you arrested."
VEILED = "It would be a shame if something happened."
NOT_YET = "Let me tell you about our company."
FAKE = Scripted.of(
    (KIND, ["empathise"], []),
    (COLD, ["request_payment"], []),
    (DEAL, ["confirm_commitment"], []),
    (THREAT, ["threaten"], [violation("US-DEMO.1")]),
    (VEILED, ["threaten"], [ReplyFinding("US-DEMO.1", "suspected", "critical")]),
    (NOT_YET, ["identify_self"], [ReplyFinding("US-DEMO.2", "missing", "critical")]),
)


def test_a_run_starts_at_the_start_with_the_initial_meters() -> None:
    state = start(SCENARIO, seed=7)
    assert (state.scenario_id, state.scenario_version, state.seed) == ("tiny", "1.0.0", 7)
    assert (state.turn, state.node, state.ended) == (0, "hello", None)
    assert state.meter_values == {"trust": 5}
    [(speaker, line)] = state.history
    assert speaker == "debtor" and line in SCENARIO.states[0].lines


def test_the_first_transition_that_holds_fires_with_its_effects() -> None:
    state = start(SCENARIO, seed=1)
    step = reply(SCENARIO, state, KIND, FAKE)
    assert step.state.node == "warm" and step.state.turn == 1
    assert step.intents == frozenset({"empathise"}) and step.findings == ()
    [change] = step.changes
    assert (change.meter, change.delta, change.before, change.after) == ("trust", 4, 5, 9)
    assert change.reason == "You were kind."
    assert step.debtor_line in SCENARIO.states[1].lines
    assert step.state.history[-2:] == (("trainee", KIND), ("debtor", step.debtor_line))
    assert step.ending is None


def test_the_port_sees_the_call_so_far_before_each_reply() -> None:
    analyse = Scripted(FAKE.script)
    state = start(SCENARIO, seed=1)
    play(SCENARIO, state, analyse, [KIND, COLD])
    assert [len(transcript) for transcript in analyse.seen] == [1, 3]
    assert analyse.seen[1][1] == ("trainee", KIND)


def test_meter_thresholds_gate_a_transition() -> None:
    state = start(SCENARIO, seed=1)
    low = play(SCENARIO, state, FAKE, [KIND, DEAL])  # trust 9 is enough
    assert low[-1].ending == EndingReached("deal", "agreement")
    cold = play(SCENARIO, state, FAKE, [COLD, KIND, DEAL])  # trust 2 + 4 = 6 is not
    assert cold[-1].state.node == "hello" and cold[-1].ending is None


def test_meters_are_clamped_to_their_range() -> None:
    state = start(SCENARIO, seed=1)
    up = play(SCENARIO, state, FAKE, [KIND, KIND])[-1]
    assert up.state.meter_values == {"trust": 10}
    [change] = up.changes
    assert (change.delta, change.before, change.after) == (4, 9, 10)
    down = play(SCENARIO, state, FAKE, [COLD, COLD])[-1]
    assert down.state.meter_values == {"trust": 0}
    assert (down.changes[0].before, down.changes[0].after) == (2, 0)


def test_a_critical_violation_sends_the_run_to_on_critical() -> None:
    step = reply(SCENARIO, start(SCENARIO, seed=1), THREAT, FAKE)
    assert step.ending == EndingReached("breach", "breach")
    assert step.state.ended == "breach" and step.debtor_line == "I'm reporting you."
    assert step.changes == () and step.findings == (violation("US-DEMO.1"),)


def test_a_suspected_critical_finding_matches_the_critical_token_without_ending_the_call() -> None:
    step = reply(SCENARIO, start(SCENARIO, seed=1), VEILED, FAKE)
    assert step.state.node == "wary" and step.ending is None


def test_a_missing_disclosure_never_moves_the_debtor() -> None:
    step = reply(SCENARIO, start(SCENARIO, seed=1), NOT_YET, FAKE)
    assert step.state.node == "hello" and step.ending is None  # the fallback, not 'wary'
    assert step.findings[0].status == "missing"


def test_reaching_max_turns_ends_the_run_at_the_timeout_ending() -> None:
    steps = play(SCENARIO, start(SCENARIO, seed=1), FAKE, [COLD] * 5)
    assert [s.ending for s in steps[:4]] == [None] * 4
    assert steps[-1].ending == EndingReached("timeout", "hang_up")
    assert steps[-1].state.turn == 5 and steps[-1].debtor_line == "I have to go."


def test_an_ending_on_the_last_turn_wins_over_the_timeout() -> None:
    steps = play(SCENARIO, start(SCENARIO, seed=1), FAKE, [COLD, COLD, COLD, KIND, THREAT])
    assert steps[-1].ending == EndingReached("breach", "breach")


def test_replying_to_an_ended_run_is_refused() -> None:
    ended = reply(SCENARIO, start(SCENARIO, seed=1), THREAT, FAKE).state
    with pytest.raises(RunEnded, match="the call has ended"):
        reply(SCENARIO, ended, KIND, FAKE)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_reply_is_refused_and_the_state_is_unchanged(text: str) -> None:
    state = start(SCENARIO, seed=1)
    before = dataclasses.replace(state)
    with pytest.raises(EmptyReply):
        reply(SCENARIO, state, text, FAKE)
    assert state == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.turn = 3  # type: ignore[misc]


def test_a_run_of_another_scenario_version_is_refused() -> None:
    data = tiny_data()
    data["version"] = "1.1.0"
    edited = Scenario.model_validate(data)
    with pytest.raises(ScenarioChanged, match="restart the scenario"):
        reply(edited, start(SCENARIO, seed=1), KIND, FAKE)


def test_the_same_seed_and_replies_give_the_same_run() -> None:
    replies = [COLD, KIND, KIND, DEAL]
    first = play(SCENARIO, start(SCENARIO, seed=42), FAKE, replies)
    again = play(SCENARIO, start(SCENARIO, seed=42), FAKE, replies)
    assert first == again


def test_different_seeds_may_pick_other_lines() -> None:
    openings = {start(SCENARIO, seed=seed).history[0][1] for seed in range(20)}
    assert openings == set(SCENARIO.states[0].lines)


def test_the_debtor_never_repeats_the_same_line_twice_in_a_row() -> None:
    for seed in range(10):
        last = play(SCENARIO, start(SCENARIO, seed=seed), FAKE, [COLD] * 4)[-1].state
        said = [line for speaker, line in last.history if speaker == "debtor"]
        assert len(said) == 5
        assert all(a != b for a, b in itertools.pairwise(said))


def test_outcome_says_whether_the_objective_was_met() -> None:
    state = start(SCENARIO, seed=1)
    assert outcome(SCENARIO, state).ending is None
    assert not outcome(SCENARIO, state).meets_objective
    won = play(SCENARIO, state, FAKE, [KIND, DEAL])[-1].state
    result = outcome(SCENARIO, won)
    assert result.ending == EndingReached("deal", "agreement") and result.meets_objective
    assert (result.objective, result.summary) == ("A promise.", "A promise to pay.")
    lost = reply(SCENARIO, state, THREAT, FAKE).state
    assert not outcome(SCENARIO, lost).meets_objective
