"""Gathers a trainee's facts for ``coach.progress.recommend`` from the database and content."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from coach.extensions import db
from coach.models import Activity, ActivityKind, Call, RuleBreach, RunStatus, ScenarioRun, User
from coach.models._columns import as_utc, utcnow
from coach.progress.recommend import (
    RECENT,
    GapFact,
    RecentActivity,
    Recommendation,
    ScenarioFacts,
    recommend,
)
from coach.progress.situations import Due, Practice, PracticePlan, next_due
from coach.services.progress import SkillStatus
from coach.services.rule_index import rule_titles

JURISDICTION_WINDOW = timedelta(days=90)


def for_trainee(
    person: User, statuses: Sequence[SkillStatus], now: datetime | None = None
) -> list[Recommendation]:
    """What ``person`` should practise next; ``statuses``: their profile (``progress.profile``)."""
    now = now or utcnow()
    recent = _recent(person)
    gaps = [
        GapFact(s.skill_id, s.name, s.gap, s.target)
        for s in statuses
        if s.gap is not None and s.gap > 0 and s.target is not None
    ]
    return recommend(
        recent=recent,
        rule_titles=rule_titles(),
        gaps=sorted(gaps, key=lambda g: -g.gap),
        due=situations_due(person),
        scenarios=scenario_facts(),
        jurisdictions=_jurisdictions(person, now),
        now=now,
    )


def _recent(person: User) -> list[RecentActivity]:
    rows = list(
        db.session.execute(
            select(Activity, ScenarioRun.scenario_id)
            .outerjoin(
                ScenarioRun,
                (Activity.kind == ActivityKind.ROLEPLAY) & (ScenarioRun.id == Activity.source_id),
            )
            .where(
                Activity.person_id == person.id,
                Activity.kind.in_([ActivityKind.CALL, ActivityKind.ROLEPLAY]),
            )
            .order_by(Activity.at.desc(), Activity.id.desc())
            .limit(RECENT)
        )
    )
    broken: dict[int, set[str]] = {activity.id: set() for activity, _ in rows}
    if broken:
        for activity_id, rule_id in db.session.execute(
            select(RuleBreach.activity_id, RuleBreach.rule_id).where(
                RuleBreach.activity_id.in_(list(broken))
            )
        ):
            broken[activity_id].add(rule_id)
    return [
        RecentActivity(
            "call" if activity.kind == ActivityKind.CALL else "roleplay",
            activity.source_id,
            activity.title,
            as_utc(activity.at),
            frozenset(broken[activity.id]),
            scenario_id,
        )
        for activity, scenario_id in rows
    ]


def situations_due(person: User) -> list[Due]:
    """Each high-risk situation's schedule for ``person`` (none when no plan is loaded)."""
    plan = _plan()
    if plan is None:
        return []
    wanted = {scenario for s in plan.situations for scenario in s.scenarios}
    runs = db.session.execute(
        select(ScenarioRun.scenario_id, ScenarioRun.ended_at, ScenarioRun.meets_objective).where(
            ScenarioRun.owner_id == person.id,
            ScenarioRun.status == RunStatus.ENDED,
            ScenarioRun.scenario_id.in_(wanted),
        )
    ).all()
    return [
        next_due(
            situation,
            [
                Practice(as_utc(ended), bool(met))
                for scenario_id, ended, met in runs
                if scenario_id in situation.scenarios and ended is not None
            ],
            plan.intervals_days,
        )
        for situation in plan.situations
    ]


def scenario_facts() -> list[ScenarioFacts]:
    """Every loaded scenario with the rule ids the practice plan says it rehearses."""
    catalog = current_app.extensions["coach.catalog"]
    plan = _plan()
    rehearses: dict[str, set[str]] = {}
    for rule, scenario_ids in plan.rehearsals.items() if plan else ():
        for scenario_id in scenario_ids:
            rehearses.setdefault(scenario_id, set()).add(rule)
    return [
        ScenarioFacts(
            scenario.id,
            scenario.title,
            scenario.jurisdiction,
            scenario.difficulty,
            tuple(scenario.skills),
            frozenset(rehearses.get(scenario.id, ())),
        )
        for scenario in catalog.get("scenarios")
    ]


def _plan() -> PracticePlan | None:
    plans: tuple[PracticePlan, ...] = current_app.extensions["coach.catalog"].get("practice_plan")
    return plans[0] if plans else None


def _jurisdictions(person: User, now: datetime) -> list[str]:
    """Where ``person`` practises, most used first (recent calls and runs)."""
    since = now - JURISDICTION_WINDOW
    counts: Counter[str] = Counter(
        db.session.scalars(
            select(Call.jurisdiction).where(Call.owner_id == person.id, Call.created_at >= since)
        )
    )
    by_id = {s.id: s.jurisdiction for s in current_app.extensions["coach.catalog"].get("scenarios")}
    for scenario_id in db.session.scalars(
        select(ScenarioRun.scenario_id).where(
            ScenarioRun.owner_id == person.id, ScenarioRun.created_at >= since
        )
    ):
        if scenario_id in by_id:
            counts[by_id[scenario_id]] += 1
    return [jurisdiction for jurisdiction, _ in counts.most_common()]
