"""What to practise next: rules broken recently first, then the largest gap, then the rare,
high-risk situations that are due, each with a reason a trainee can check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.progress.recommend import (
    GapFact,
    RecentActivity,
    ScenarioFacts,
    recommend,
)
from coach.progress.situations import Due, Situation

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
MINI_MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"
TITLES = {MINI_MIRANDA: "Mini-Miranda disclosure"}
FIRST_CONTACT = ScenarioFacts(
    "us-first-contact", "First contact", "US", "easy", ("compliance",), frozenset({MINI_MIRANDA})
)
EMPATHY = ScenarioFacts(
    "us-job-loss", "Job loss", "US", "medium", ("empathy", "negotiation"), frozenset()
)
CEASE = ScenarioFacts("us-cease", "Stop calling me", "US", "medium", ("compliance",), frozenset())
ATTORNEY = ScenarioFacts("us-attorney", "My lawyer", "US", "hard", ("compliance",), frozenset())
THIRD = ScenarioFacts("us-spouse", "Spouse answers", "US", "medium", ("compliance",), frozenset())
UK_ONLY = ScenarioFacts("uk-sick", "Sick pay", "UK", "easy", ("empathy",), frozenset())
SCENARIOS = (FIRST_CONTACT, EMPATHY, CEASE, ATTORNEY, THIRD, UK_ONLY)


def _call(n: int, broken: frozenset[str] = frozenset()) -> RecentActivity:
    return RecentActivity("call", n, f"Call {n}", NOW - timedelta(days=n), broken)


def _never(situation_id: str, scenario: str) -> Due:
    situation = Situation(
        id=situation_id, name="A rare case", why="It matters.", scenarios=(scenario,)
    )
    return Due(situation, None, None, 0)


def _run(**changes) -> list:
    facts = {
        "recent": [],
        "rule_titles": TITLES,
        "gaps": [],
        "due": [],
        "scenarios": SCENARIOS,
        "jurisdictions": ["US"],
        "now": NOW,
    }
    return recommend(**{**facts, **changes})


def test_a_rule_missed_in_three_of_five_calls_comes_first_with_its_count() -> None:
    recent = [_call(n, frozenset({MINI_MIRANDA}) if n % 2 else frozenset()) for n in range(1, 6)]
    first = _run(recent=recent, gaps=[GapFact("empathy", "Empathy", 0.2, 0.6)])[0]
    assert (first.because, first.target_id) == ("rule", "us-first-contact")
    assert first.reason == "You broke “Mini-Miranda disclosure” in 3 of your last 5 calls."


def test_a_rule_no_role_play_rehearses_asks_for_the_call_again() -> None:
    rule = "US-REGF-1006.6b1-CALL-HOURS"
    [item] = _run(recent=[_call(7, frozenset({rule}))])
    assert (item.kind, item.target_id, item.title) == ("rerecord", "7", "Record “Call 7” again")
    assert "record that call again" in item.reason


def test_the_largest_gap_keeps_a_place_before_the_rare_situations() -> None:
    due = [
        _never("cease", "us-cease"),
        _never("attorney", "us-attorney"),
        _never("third", "us-spouse"),
    ]
    gaps = [GapFact("empathy", "Empathy", 0.2, 0.6)]
    chosen = _run(recent=[_call(1)], gaps=gaps, due=due)
    assert [item.because for item in chosen] == ["gap", "situation", "situation", "situation"]
    assert chosen[0].reason == "Empathy is 0.20 below your target of 0.60, your largest gap."
    assert chosen[1].reason.startswith("Rare and high-risk: a rare case. You have not practised")


def test_a_situation_practised_recently_is_not_due_yet() -> None:
    situation = Situation(id="cease", name="Cease", why="It matters.", scenarios=("us-cease",))
    later = Due(situation, NOW + timedelta(days=3), NOW - timedelta(days=4), 1)
    assert _run(recent=[_call(1)], due=[later]) == []


def test_scenarios_of_other_jurisdictions_are_not_offered() -> None:
    chosen = _run(recent=[_call(1)], gaps=[GapFact("empathy", "Empathy", 0.3, 0.6)])
    assert [item.target_id for item in chosen] == ["us-job-loss"]


def test_a_trainee_with_no_practice_is_told_where_to_start() -> None:
    [item] = _run(jurisdictions=[])
    assert (item.because, item.target_id) == ("start", "uk-sick")
    assert "no scored practice" in item.reason


def test_no_more_than_four_and_each_target_once() -> None:
    recent = [_call(n, frozenset({MINI_MIRANDA, f"RULE-{n}"})) for n in range(1, 6)]
    chosen = _run(recent=recent)
    assert len(chosen) == 4
    assert len({item.target_id for item in chosen}) == 4
