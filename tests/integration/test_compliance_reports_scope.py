"""What the rule-breach reports count, on SQLite and PostgreSQL: practice calls only (a
role-play's breaches are the scenario's design), the officer's organisation only, and a
person in two teams in each of them, teams in name order."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from coach.extensions import db
from coach.models import Activity, ActivityKind, RuleBreach, Team, TeamMember, User
from coach.services import compliance_reports as reports
from tests import records
from tests.compliance_records import MINI_MIRANDA, THREAT, scored_call
from tests.helpers import Login

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
TUESDAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LAST_TUESDAY = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)


def _user(user_id: int) -> User:
    found = db.session.get(User, user_id)
    assert found is not None
    return found


def _roleplay_breach(person_id: int, at: datetime) -> None:
    """A role-play run's activity that broke ``THREAT``, as its debrief is recorded."""
    organisation_id = _user(person_id).organisation_id
    activity = Activity(
        organisation_id=organisation_id,
        person_id=person_id,
        kind=ActivityKind.ROLEPLAY,
        source_id=9001,
        title="Role-play",
        at=at,
        breaches=1,
    )
    activity.rule_breaches = [
        RuleBreach(
            organisation_id=organisation_id,
            person_id=person_id,
            rule_id=THREAT,
            severity="critical",
            status="violation",
            at=at,
        )
    ]
    db.session.add(activity)
    db.session.commit()


def test_reports_count_the_organisations_practice_calls_only(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = people["priya"].user_id
        scored_call(priya, [THREAT], at=TUESDAY)
        _roleplay_breach(priya, TUESDAY)
        scored_call(
            records.other_organisation_trainee().user_id, [THREAT, MINI_MIRANDA], at=TUESDAY
        )
        officer = _user(people["compliance"].user_id)
        weekly = reports.breaches_by_week(officer, weeks=12, now=NOW)
        assert [(w.week, w.rule_id, w.breaches) for w in weekly] == [
            (date(2026, 11, 23), THREAT, 1)
        ]
        top = reports.top_rules(officer, 30, now=NOW)
        assert [(r.rule_id, r.breaches, r.calls) for r in top.rules] == [(THREAT, 1, 1)]
        assert top.calls_scored == 1
        trend = reports.team_trend(officer, weeks=12, now=NOW)
        assert [(t.team, t.week, t.calls, t.breaches) for t in trend] == [
            ("Team North", date(2026, 11, 23), 1, 1)
        ]


def test_team_trend_counts_a_person_in_each_of_their_teams(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya, sam = people["priya"].user_id, people["sam"].user_id
        organisation_id = _user(priya).organisation_id
        alpha = Team(organisation_id=organisation_id, name="Team Alpha")
        alpha.member_rows.append(TeamMember(user_id=priya))
        db.session.add_all([alpha, Team(organisation_id=organisation_id, name="Team Zulu")])
        db.session.commit()
        scored_call(priya, [THREAT, MINI_MIRANDA], at=TUESDAY)
        scored_call(priya, [THREAT], at=LAST_TUESDAY)
        scored_call(sam, [], at=TUESDAY)
        trend = reports.team_trend(_user(people["compliance"].user_id), weeks=12, now=NOW)
        assert [(t.team, t.week, t.calls, t.breaches) for t in trend] == [
            ("Team Alpha", date(2026, 11, 16), 1, 1),
            ("Team Alpha", date(2026, 11, 23), 1, 2),
            ("Team North", date(2026, 11, 16), 1, 1),
            ("Team North", date(2026, 11, 23), 2, 2),
        ]
