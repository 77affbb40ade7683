"""The shipped scenarios (content/scenarios/): each loads through the catalog, and a scripted
trainee reaches its success ending lawfully and its breach ending by breaking the law."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from coach.scenarios.engine import EndingReached, ReplyFinding, outcome, start
from coach.scenarios.model import Scenario
from tests.content import repo_catalog
from tests.unit.scenarios.scripted import Scripted, play, violation

Turn = tuple[str, Iterable[str], Iterable[ReplyFinding]]


@dataclass(frozen=True)
class Path:
    """Replies with what each does, and where the call must end."""

    turns: tuple[Turn, ...]
    ending: EndingReached


LAWFUL: dict[str, Path] = {
    "us-first-contact": Path(
        (
            (
                "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Daniel Reyes?"
                " Could you confirm your date of birth?",
                ["greet", "identify_self", "verify_identity"],
                [],
            ),
            (
                "Thanks, Daniel. I'm a debt collector, this is an attempt to collect a debt and"
                " any information obtained will be used for that purpose. It's about your"
                " Northway card.",
                ["mini_miranda", "state_purpose"],
                [],
            ),
            ("I'm sorry it's been rough. What happened?", ["empathise", "open_question"], []),
            (
                "We could start with a payment on your payday and spread the rest. What works?",
                ["offer_options", "propose_plan"],
                [],
            ),
            (
                "So that's $150 on the 15th by debit card. Is that right?",
                ["confirm_commitment"],
                [],
            ),
        ),
        EndingReached("promise_made", "agreement"),
    ),
    "us-spouse-answers": Path(
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
    ),
    "uk-job-loss-plan": Path(
        (
            (
                "Good morning, it's Sam from Harbour Finance. Am I speaking to Gareth Hughes?"
                " Could you confirm your date of birth for security?",
                ["greet", "identify_self", "verify_identity"],
                [],
            ),
            (
                "Thanks, Gareth. I'm calling about your loan account. How are things?",
                ["state_purpose", "open_question"],
                [],
            ),
            ("I'm really sorry, that's a huge blow for the family.", ["empathise"], []),
            (
                "Shall we go through what's coming in and going out so we find something you"
                " can afford?",
                ["explore_finances"],
                [],
            ),
            (
                "From those figures, would £60 a month for now work for you?",
                ["propose_plan"],
                [],
            ),
            (
                "We can freeze interest and charges while you're out of work, and StepChange"
                " give free, independent advice if you want it.",
                ["offer_options", "signpost_help"],
                [],
            ),
            (
                "So £60 on the 1st of each month by direct debit, reviewed in three months."
                " Shall I set that up?",
                ["confirm_commitment"],
                [],
            ),
        ),
        EndingReached("plan_agreed", "plan"),
    ),
    "in-rbi-first-call": Path(
        (
            (
                "Good morning, I'm Sam from Apex Recovery, calling on behalf of Suvidha"
                " Finance. Am I speaking with Arjun Nair?",
                ["greet", "identify_self", "verify_identity"],
                [],
            ),
            (
                "Thank you. I'm calling about your personal loan. Is everything alright?",
                ["state_purpose", "open_question"],
                [],
            ),
            ("I'm very sorry about your mother. I hope she is better now.", ["empathise"], []),
            ("What could you manage each month?", ["explore_finances", "open_question"], []),
            (
                "Then ₹5,000 extra a month until the ₹17,000 is cleared, with the EMI from next"
                " month?",
                ["propose_plan"],
                [],
            ),
            (
                "Once the plan is registered no further late charges are added, and it is"
                " reported as an arrangement.",
                ["offer_options"],
                [],
            ),
            (
                "So ₹5,000 on the 5th of each month; I'll send it to you by SMS. Agreed?",
                ["confirm_commitment"],
                [],
            ),
        ),
        EndingReached("plan_agreed", "plan"),
    ),
}

UNLAWFUL: dict[str, Path] = {
    "us-first-contact": Path(
        (
            LAWFUL["us-first-contact"].turns[0],
            (
                "If you don't pay today we'll have you arrested.",
                ["threaten"],
                [violation("US-FDCPA-1692e4-THREAT-ARREST")],
            ),
        ),
        EndingReached("reports_you", "breach"),
    ),
    "us-spouse-answers": Path(
        (
            LAWFUL["us-spouse-answers"].turns[0],
            (
                "I'm calling about the $2,310 she owes on her Horizon store card.",
                ["state_purpose", "disclose_third_party"],
                [violation("US-FDCPA-1692cb-THIRD-PARTY-DISCLOSURE")],
            ),
        ),
        EndingReached("tells_the_court", "breach"),
    ),
    "uk-job-loss-plan": Path(
        (
            *LAWFUL["uk-job-loss-plan"].turns[:2],
            (
                "Then borrow it from family or sell the car. We need the £780 this week.",
                ["pressure"],
                [violation("UK-CONC-7.3.10-UNDUE-PRESSURE")],
            ),
        ),
        EndingReached("complaint", "breach"),
    ),
    "in-rbi-first-call": Path(
        (
            LAWFUL["in-rbi-first-call"].turns[0],
            (
                "Pay today or our boys will come to your shop and tell your neighbours.",
                ["threaten"],
                [violation("IN-RBI-RA-INTIMIDATION"), violation("IN-RBI-RA-PUBLIC-HUMILIATION")],
            ),
        ),
        EndingReached("harassment_complaint", "breach"),
    ),
}


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
