"""The shipped scenarios (content/scenarios/): each loads through the catalog, and a scripted
trainee reaches its success ending lawfully and its breach ending by breaking the law. The
scripted paths are in ``tests/unit/scenarios/paths/``, one module per scenario."""

from __future__ import annotations

import pytest

from coach.scenarios.engine import EndingReached, ReplyAnalysis, outcome, reply, start
from coach.scenarios.model import Scenario
from tests.content import repo_catalog
from tests.unit.scenarios.paths import scenario_paths
from tests.unit.scenarios.scripted import Scripted, play, violation

PATHS = scenario_paths()
LAWFUL = {sid: lawful for sid, (lawful, _) in PATHS.items()}
UNLAWFUL = {sid: unlawful for sid, (_, unlawful) in PATHS.items()}


def _scenario(scenario_id: str) -> Scenario:
    [scenario] = [s for s in repo_catalog().get("scenarios") if s.id == scenario_id]
    return scenario


def test_the_shipped_scenarios_load_and_each_has_both_paths() -> None:
    ids = {s.id for s in repo_catalog().get("scenarios")}
    assert ids == set(LAWFUL) == set(UNLAWFUL)


@pytest.mark.parametrize("scenario_id", sorted(LAWFUL))
def test_each_shipped_scenario_is_sized_for_practice(scenario_id: str) -> None:
    scenario = _scenario(scenario_id)
    assert 6 <= len(scenario.states) <= 12
    assert len({e.kind for e in scenario.endings}) >= 3
    assert all(2 <= len(s.lines) <= 3 for s in scenario.states)
    assert {m.id for m in scenario.meters} >= {"trust", "irritation"}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("scenario_id", sorted(LAWFUL))
def test_a_lawful_path_reaches_the_success_ending(scenario_id: str, seed: int) -> None:
    scenario, path = _scenario(scenario_id), LAWFUL[scenario_id]
    steps = play(
        scenario, start(scenario, seed), Scripted.of(*path.turns), [t[0] for t in path.turns]
    )
    assert [s.ending for s in steps[:-1]] == [None] * (len(steps) - 1)
    assert steps[-1].ending == path.ending
    assert outcome(scenario, steps[-1].state).meets_objective
    assert all(s.findings == () for s in steps)


@pytest.mark.parametrize("scenario_id", sorted(UNLAWFUL))
def test_an_unlawful_reply_ends_the_call_in_a_breach(scenario_id: str) -> None:
    scenario, path = _scenario(scenario_id), UNLAWFUL[scenario_id]
    steps = play(scenario, start(scenario, 3), Scripted.of(*path.turns), [t[0] for t in path.turns])
    assert steps[-1].ending == path.ending
    assert steps[-1].findings and all(f.critical_violation for f in steps[-1].findings)
    assert not outcome(scenario, steps[-1].state).meets_objective


def test_pressure_after_a_job_loss_backfires_without_a_critical_finding() -> None:
    scenario = _scenario("uk-job-loss-plan")
    turns = (
        *LAWFUL["uk-job-loss-plan"].turns[:2],
        ("We still need the £780 arrears paid this month.", ["request_payment"], []),
    )
    steps = play(scenario, start(scenario, 0), Scripted.of(*turns), [t[0] for t in turns])
    assert steps[-1].state.node == "defensive" and steps[-1].ending is None
    assert {c.meter for c in steps[-1].changes} == {"trust", "irritation"}
    assert all(c.reason for c in steps[-1].changes)


def test_a_stonewalled_third_party_eventually_hangs_up() -> None:
    scenario = _scenario("us-spouse-answers")
    turns = (
        LAWFUL["us-spouse-answers"].turns[0],
        ("I can't say.", [], []),
    )
    replies = [turns[0][0]] + ["I can't say."] * 7
    steps = play(scenario, start(scenario, 0), Scripted.of(*turns), replies)
    assert steps[-1].ending == EndingReached("hangs_up", "hang_up")


def test_one_harsh_sounding_line_costs_an_angry_caller_trust_but_keeps_the_call() -> None:
    scenario = _scenario("us-angry-complaint")
    quoted = (
        'Being told to "stop making excuses" was wrong, and I am sorry.',
        [],
        [violation("US-FDCPA-1692d-HARASS-OPPRESS", "major")],
    )
    turns = (*LAWFUL["us-angry-complaint"].turns[:3], quoted)
    steps = play(scenario, start(scenario, 0), Scripted.of(*turns), [t[0] for t in turns])
    assert steps[-2].state.node == steps[-1].state.node == "cooling"
    assert {c.meter: c.after - c.before for c in steps[-1].changes} == {
        "irritation": 15,
        "trust": -10,
    }


def _faint(scores: dict[str, float]) -> ReplyAnalysis:
    """A reply the heads hear nothing in at their own threshold."""
    return ReplyAnalysis(frozenset(), scores=scores)


@pytest.mark.parametrize(
    ("scores", "node"),
    [
        ({"respect_cease": 0.3}, "attorney_noted"),  # "I'll give that to Ms. Park, not you"
        ({"respect_cease": 0.3, "request_payment": 0.25}, "asks_balance"),  # "you owe $3,412"
    ],
)
def test_a_represented_consumer_asking_the_balance_is_referred_to_his_lawyer(
    scores: dict[str, float], node: str
) -> None:
    scenario = _scenario("us-attorney-represented")
    turns = LAWFUL["us-attorney-represented"].turns[:4]
    steps = play(scenario, start(scenario, 0), Scripted.of(*turns), [t[0] for t in turns])
    state = steps[-1].state
    assert state.node == "asks_balance"
    step = reply(scenario, state, "About the balance.", lambda _t, _r: _faint(scores))
    assert step.state.node == node
