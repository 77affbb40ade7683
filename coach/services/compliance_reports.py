"""Which rules the organisation's practice calls break: by week, the most broken, by team,
and the calls behind each rule.

Every figure is counted by GROUP BY over the activity and breach rows written with each
scorecard (``coach.services.progress``), scoped to the officer's organisation, and counts
practice calls only (role-play breaches are the scenario's design, not the floor's
habits). Weeks start on Monday, in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, literal_column, select
from sqlalchemy.orm import InstrumentedAttribute

from coach.extensions import db
from coach.models import Activity, ActivityKind, RuleBreach, Team, TeamMember, User
from coach.models._columns import utcnow
from coach.services import access, audit
from coach.services.rule_index import loaded_rules

WINDOWS = (30, 90)  # days offered for "top rules"
WEEKS = 12  # weeks shown in the trends
DRILL_LIMIT = 500  # calls listed under one rule (newest first); the CSV has them all


@dataclass(frozen=True)
class WeekCount:
    week: date
    rule_id: str
    breaches: int


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    title: str
    severity: str
    breaches: int
    calls: int  # calls with at least one breach of the rule
    share: float | None  # of the calls scored in the window


@dataclass(frozen=True)
class TeamWeek:
    team_id: int
    team: str
    week: date
    calls: int
    breaches: int

    @property
    def per_call(self) -> float:
        return self.breaches / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class BreachedCall:
    call_id: int
    title: str
    person: str
    at: datetime
    status: str
    severity: str
    turn: int | None


def week_start(when: date) -> date:
    return when - timedelta(days=when.weekday())


def first_week(weeks: int, now: datetime | None = None) -> date:
    return week_start((now or utcnow()).date()) - timedelta(weeks=weeks - 1)


def _week(column: InstrumentedAttribute[datetime]) -> ColumnElement[date]:
    """The Monday of ``column``'s week (UTC) in SQL. Literals, not bound parameters: the
    GROUP BY must repeat the SELECT's expression exactly for PostgreSQL to accept it."""
    if db.engine.dialect.name == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), column)
        return cast(func.date_trunc(literal_column("'week'"), utc), Date)
    return func.date(column, literal_column("'-6 days'"), literal_column("'weekday 1'"))


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _calls_since(officer: User, since: datetime) -> tuple[ColumnElement[bool], ...]:
    """The organisation's practice-call activities from ``since`` on."""
    return (
        Activity.organisation_id == officer.organisation_id,
        Activity.kind == ActivityKind.CALL,
        Activity.at >= since,
    )


def _call_breaches_since(officer: User, since: datetime) -> tuple[ColumnElement[bool], ...]:
    """The organisation's breaches in practice calls from ``since`` on. A breach is written
    with its activity's organisation, kind and time (``coach.services.progress``), so the
    window is read from the breach's own index, no activity joined."""
    return (
        RuleBreach.organisation_id == officer.organisation_id,
        RuleBreach.activity_kind == ActivityKind.CALL,
        RuleBreach.at >= since,
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def breaches_by_week(
    officer: User, weeks: int = WEEKS, now: datetime | None = None
) -> list[WeekCount]:
    """Breaches per rule and week over the last ``weeks`` weeks, oldest week first."""
    access.require_compliance(officer, "see rule breaches")
    week = _week(RuleBreach.at).label("week")
    query = (
        select(week, RuleBreach.rule_id, func.count())
        .where(*_call_breaches_since(officer, _midnight(first_week(weeks, now))))
        .group_by(week, RuleBreach.rule_id)
        .order_by(week, RuleBreach.rule_id)
    )
    return [WeekCount(_as_date(w), rule, n) for w, rule, n in db.session.execute(query)]


def calls_scored(officer: User, days: int, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(days=days)
    query = select(func.count()).where(*_calls_since(officer, since))
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class TopRules:
    """The rules broken in a window, most breaches first, and the calls scored in it (each
    rule's share is of those)."""

    rules: list[RuleCount]
    calls_scored: int


def top_rules(officer: User, days: int, now: datetime | None = None) -> TopRules:
    """Rules broken in the last ``days`` days, most breaches first."""
    access.require_compliance(officer, "see rule breaches")
    since = (now or utcnow()) - timedelta(days=days)
    query = (
        select(
            RuleBreach.rule_id,
            func.count(),
            func.count(func.distinct(RuleBreach.activity_id)),
        )
        .where(*_call_breaches_since(officer, since))
        .group_by(RuleBreach.rule_id)
        .order_by(func.count().desc(), RuleBreach.rule_id)
    )
    total = calls_scored(officer, days, now)
    rules = loaded_rules()
    counts = [
        RuleCount(
            rule_id=rule,
            title=rules[rule].title if rule in rules else rule,
            severity=rules[rule].severity if rule in rules else "unknown",
            breaches=breaches,
            calls=calls,
            share=calls / total if total else None,
        )
        for rule, breaches, calls in db.session.execute(query)
    ]
    return TopRules(counts, total)


def team_trend(officer: User, weeks: int = WEEKS, now: datetime | None = None) -> list[TeamWeek]:
    """Calls and breaches per team and week (a person in two teams counts in both).

    SQL totals each person's weeks and the teams add them up here: joining the calls to the
    memberships in SQL made PostgreSQL, without statistics on fresh rows, probe every team
    for every call."""
    access.require_compliance(officer, "see rule breaches")
    per_person = _person_weeks(officer, _midnight(first_week(weeks, now)))
    members = (
        select(Team.id, Team.name, TeamMember.user_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(Team.organisation_id == officer.organisation_id)
        .order_by(Team.name, Team.id)
    )
    cells: dict[tuple[int, str], dict[date, tuple[int, int]]] = {}
    for team_id, name, person in db.session.execute(members):
        team = cells.setdefault((team_id, name), {})
        for week, calls, breaches in per_person.get(person, ()):
            before = team.get(week, (0, 0))
            team[week] = (before[0] + calls, before[1] + breaches)
    return [
        TeamWeek(team_id, name, week, calls, breaches)
        for (team_id, name), team in cells.items()
        for week, (calls, breaches) in sorted(team.items())
    ]


def _person_weeks(officer: User, since: datetime) -> dict[int, list[tuple[date, int, int]]]:
    """Each person's practice calls and breaches per week from ``since`` on."""
    week = _week(Activity.at).label("week")
    query = (
        select(
            Activity.person_id,
            week,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.breaches), 0),
        )
        .where(*_calls_since(officer, since))
        .group_by(Activity.person_id, week)
    )
    found: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for person, w, calls, breaches in db.session.execute(query):
        found[person].append((_as_date(w), calls, int(breaches)))
    return found


def rule_calls(officer: User, rule_id: str, limit: int | None = DRILL_LIMIT) -> list[BreachedCall]:
    """The calls that broke ``rule_id``, newest first (one row per breach)."""
    access.require_compliance(officer, "see rule breaches")
    query = (
        select(
            Activity.source_id,
            Activity.title,
            User.name,
            RuleBreach.at,
            RuleBreach.status,
            RuleBreach.severity,
            RuleBreach.turn,
        )
        .join(Activity, Activity.id == RuleBreach.activity_id)
        .join(User, User.id == RuleBreach.person_id)
        .where(
            RuleBreach.organisation_id == officer.organisation_id,
            RuleBreach.activity_kind == ActivityKind.CALL,
            RuleBreach.rule_id == rule_id,
        )
        .order_by(RuleBreach.at.desc(), RuleBreach.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [BreachedCall(*row) for row in db.session.execute(query)]


def record_export(officer: User, report: str, **detail: Any) -> None:
    """CSV exports take records out of Coach: each leaves an audit entry (ids, no content)."""
    audit.record(
        officer, "compliance.report_exported", "compliance_report", None, report=report, **detail
    )
    db.session.commit()
