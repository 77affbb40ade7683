"""What a trainee should practise next, and why, from their gaps, recent breaches and schedule.

Three kinds of reason, in this order of urgency:

1. **Rules broken recently**: a rule broken in the last few scored calls or runs is the most
   direct evidence of a habit to fix; the reason counts it ("you missed the mini-Miranda in
   3 of your last 5 calls"). Answered with a role-play that rehearses the rule, else a
   re-recording of the call that broke it.
2. **High-risk situations due again** (``situations.py``): rare, costly situations on a
   widening schedule.
3. **Largest skill gaps**: a role-play aimed at the skill furthest below its target.

Every recommendation names one thing to do and says why in words a trainee can check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from coach.progress.situations import Due

Kind = Literal["scenario", "rerecord"]
RECENT = 5  # "your last five calls": recent enough to be a habit, few enough to be fair
LIMIT = 4
SITUATIONS = 2  # rare situations shown before the smaller gaps


@dataclass(frozen=True)
class ScenarioFacts:
    """What choosing a role-play needs to know about one scenario."""

    id: str
    title: str
    jurisdiction: str
    difficulty: str
    skills: tuple[str, ...]
    rules: frozenset[str]  # the rule ids it rehearses (content/practice_plan.yaml)


@dataclass(frozen=True)
class RecentActivity:
    """One of the trainee's latest scored calls or runs, newest first, and what it broke."""

    kind: Literal["call", "roleplay"]
    source_id: int
    title: str
    at: datetime
    broken: frozenset[str]  # rule ids
    scenario_id: str | None = None  # a run's scenario


@dataclass(frozen=True)
class GapFact:
    skill: str
    name: str
    gap: float
    target: float


@dataclass(frozen=True)
class Recommendation:
    """One thing to practise: a scenario to play or a call to record again, with the reason."""

    kind: Kind
    target_id: str  # a scenario id, or the call id to record again
    title: str
    reason: str
    because: Literal["rule", "situation", "gap", "start"]


DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}


def recommend(
    *,
    recent: Sequence[RecentActivity],
    rule_titles: Mapping[str, str],
    gaps: Sequence[GapFact],
    due: Sequence[Due],
    scenarios: Sequence[ScenarioFacts],
    jurisdictions: Sequence[str],
    now: datetime,
    limit: int = LIMIT,
) -> list[Recommendation]:
    """Up to ``limit`` recommendations, most urgent first, each target at most once.

    ``jurisdictions``: where the trainee practises (their recent activity), most used first;
    empty: any. ``gaps``: positive gaps with enough evidence, largest first.
    """
    playable = _playable(scenarios, jurisdictions)
    chosen: list[Recommendation] = []
    taken: set[str] = set()

    def add(item: Recommendation | None) -> None:
        if item is not None and item.target_id not in taken and len(chosen) < limit:
            taken.add(item.target_id)
            chosen.append(item)

    for rule, count, latest in _broken_rules(recent):
        add(_for_rule(rule, count, latest, recent, rule_titles, playable))
    # The largest gap keeps a place ahead of the rare situations (a trainee new to all of
    # them would otherwise see only those), which take at most SITUATIONS places before the
    # smaller gaps get theirs.
    situations = [_for_situation(item, playable, now) for item in sorted(due, key=_most_overdue)]
    for_gaps = [_for_gap(gap, playable, largest=rank == 0) for rank, gap in enumerate(gaps)]
    for item in [*for_gaps[:1], *situations[:SITUATIONS], *for_gaps[1:], *situations[SITUATIONS:]]:
        add(item)
    if not recent and not chosen and playable:
        first = min(playable, key=lambda s: (DIFFICULTY_ORDER.get(s.difficulty, 9), s.id))
        add(
            Recommendation(
                "scenario",
                first.id,
                first.title,
                "Coach has no scored practice from you yet: start with this role-play.",
                "start",
            )
        )
    return chosen


def _playable(
    scenarios: Sequence[ScenarioFacts], jurisdictions: Sequence[str]
) -> list[ScenarioFacts]:
    """The scenarios of the trainee's jurisdictions (all when none is known yet)."""
    if not jurisdictions:
        return list(scenarios)
    rank = {j: i for i, j in enumerate(jurisdictions)}
    mine = [s for s in scenarios if s.jurisdiction in rank]
    return sorted(mine, key=lambda s: rank[s.jurisdiction])


def _broken_rules(recent: Sequence[RecentActivity]) -> list[tuple[str, int, RecentActivity]]:
    """(rule, in how many of the last RECENT activities, the latest that broke it), most
    often broken first."""
    window = list(recent[:RECENT])
    counts = Counter(rule for activity in window for rule in activity.broken)
    latest = {}
    for activity in reversed(window):  # oldest first, so the newest wins
        for rule in activity.broken:
            latest[rule] = activity
    return [(rule, count, latest[rule]) for rule, count in sorted(counts.items(), key=_often)]


def _often(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _for_rule(
    rule: str,
    count: int,
    latest: RecentActivity,
    recent: Sequence[RecentActivity],
    rule_titles: Mapping[str, str],
    playable: Sequence[ScenarioFacts],
) -> Recommendation | None:
    window = recent[:RECENT]
    calls = all(activity.kind == "call" for activity in window)
    noun = "calls" if calls else "calls and role-plays"
    name = rule_titles.get(rule, rule)
    reason = (
        f"You broke “{name}” in {count} of your last {len(window)} {noun}."
        if len(window) > 1
        else f"You broke “{name}” in your last {'call' if calls else 'practice'}."
    )
    rehearsal = next((s for s in playable if rule in s.rules), None)
    if rehearsal is not None:
        return Recommendation("scenario", rehearsal.id, rehearsal.title, reason, "rule")
    if latest.kind == "call":
        return Recommendation(
            "rerecord",
            str(latest.source_id),
            f"Record “{latest.title}” again",
            reason + " No role-play rehearses it yet: record that call again, doing it right.",
            "rule",
        )
    if latest.scenario_id is None:
        return None
    return Recommendation(
        "scenario", latest.scenario_id, latest.title, reason + " Play it again.", "rule"
    )


def _most_overdue(item: Due) -> tuple[int, datetime | None, str]:
    """Never practised first (they are overdue by definition), then the longest overdue."""
    return (0 if item.due_at is None else 1, item.due_at, item.situation.id)


def _for_situation(
    item: Due, playable: Sequence[ScenarioFacts], now: datetime
) -> Recommendation | None:
    if item.due_at is not None and item.due_at > now:
        return None
    ids = set(item.situation.scenarios)
    scenario = next((s for s in playable if s.id in ids), None)
    if scenario is None:
        return None
    name = item.situation.name[0].lower() + item.situation.name[1:]
    if item.last_practised is None:
        when = "You have not practised it yet."
    else:
        days = (now - item.last_practised).days
        when = f"You last practised it {days} day{'s' if days != 1 else ''} ago."
    reason = f"Rare and high-risk: {name}. {when} {item.situation.why}"
    return Recommendation("scenario", scenario.id, scenario.title, reason, "situation")


def _for_gap(
    gap: GapFact, playable: Sequence[ScenarioFacts], largest: bool
) -> Recommendation | None:
    aimed = [s for s in playable if gap.skill in s.skills]
    if not aimed:
        return None
    # the scenario most focused on the skill (fewest other skills), easier first
    best = min(aimed, key=lambda s: (len(s.skills), DIFFICULTY_ORDER.get(s.difficulty, 9), s.id))
    which = "your largest gap" if largest else "one of your largest gaps"
    reason = f"{gap.name} is {gap.gap:.2f} below your target of {gap.target:.2f}, {which}."
    return Recommendation("scenario", best.id, best.title, reason, "gap")
