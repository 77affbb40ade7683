"""Rule-breach reports over the stored activity and breach rows, on SQLite and PostgreSQL:
weekly buckets (Monday, UTC), windows, shares, teams, drill-down, organisation scoping."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from coach.errors import Forbidden
from coach.extensions import db
from coach.models import User
from coach.services import compliance_reports as reports
from tests import records
from tests.compliance_records import MINI_MIRANDA, THREAT, scored_call
from tests.helpers import Login

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def _at(day: int, month: int = 11, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _floor(people: dict[str, Login]) -> dict[str, int]:
    priya, sam = people["priya"].user_id, people["sam"].user_id
    outsider = records.other_organisation_trainee().user_id
    return {
        "tue": scored_call(priya, [THREAT, MINI_MIRANDA], at=_at(24), title="Tuesday call"),
        "monday_early": scored_call(sam, [THREAT], at=_at(23, hour=0, minute=30)),
        "sunday_late": scored_call(priya, [THREAT], at=_at(22, hour=23, minute=30)),
        "clean": scored_call(sam, [], at=_at(20)),
        "october": scored_call(priya, [MINI_MIRANDA], at=_at(16, month=10)),
        "august": scored_call(priya, [THREAT], at=_at(17, month=8)),
        "outsider": scored_call(outsider, [THREAT], at=_at(24)),
    }


def _officer(people: dict[str, Login]) -> User:
    found = db.session.get(User, people["compliance"].user_id)
    assert found is not None
    return found


def test_breaches_by_week_bucket_on_monday_utc(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        _floor(people)
        weekly = reports.breaches_by_week(_officer(people), weeks=12, now=NOW)
        assert [(w.week, w.rule_id, w.breaches) for w in weekly] == [
            (date(2026, 10, 12), MINI_MIRANDA, 1),
            (date(2026, 11, 16), THREAT, 1),  # Sunday 23:30 belongs to the week before
            (date(2026, 11, 23), MINI_MIRANDA, 1),
            (date(2026, 11, 23), THREAT, 2),  # Monday 00:30 starts the new week
        ]


def test_top_rules_count_breaches_calls_and_share_in_the_window(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        _floor(people)
        officer = _officer(people)
        top30 = reports.top_rules(officer, 30, now=NOW)
        last30 = top30.rules
        assert [(r.rule_id, r.breaches, r.calls) for r in last30] == [
            (THREAT, 3, 3),
            (MINI_MIRANDA, 1, 1),
        ]
        assert reports.calls_scored(officer, 30, now=NOW) == top30.calls_scored == 4
        assert last30[0].share == pytest.approx(3 / 4)
        assert last30[0].severity == "critical" and "arrest" in last30[0].title.lower()
        last90 = reports.top_rules(officer, 90, now=NOW).rules
        assert [(r.rule_id, r.breaches) for r in last90] == [(THREAT, 3), (MINI_MIRANDA, 2)]
        assert last90[1].share == pytest.approx(2 / 5)


def test_team_trend_is_breaches_per_call_by_week(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        _floor(people)
        trend = reports.team_trend(_officer(people), weeks=12, now=NOW)
        assert {t.team for t in trend} == {"Team North"}
        rows = [(t.week, t.calls, t.breaches) for t in trend]
        assert rows == [
            (date(2026, 10, 12), 1, 1),
            (date(2026, 11, 16), 2, 1),
            (date(2026, 11, 23), 2, 3),
        ]
        assert trend[-1].per_call == pytest.approx(1.5)


def test_drill_down_lists_the_calls_that_broke_a_rule(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        made = _floor(people)
        rows = reports.rule_calls(_officer(people), THREAT)
        assert [r.call_id for r in rows] == [
            made["tue"],
            made["monday_early"],
            made["sunday_late"],
            made["august"],
        ]
        assert rows[0].title == "Tuesday call" and rows[0].status == "violation"
        assert reports.rule_calls(_officer(people), THREAT, limit=1)[0].call_id == made["tue"]


def test_reports_are_for_officers_and_empty_without_calls(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = _officer(people)
        assert reports.breaches_by_week(officer, now=NOW) == []
        assert reports.top_rules(officer, 30, now=NOW) == reports.TopRules([], 0)
        assert reports.team_trend(officer, now=NOW) == []
        assert reports.calls_scored(officer, 30, now=NOW) == 0
        coach = db.session.get(User, people["coach"].user_id)
        with pytest.raises(Forbidden):
            reports.top_rules(coach, 30)
