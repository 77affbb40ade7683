"""The demo organisation's weeks of practice: made by the real engines, spread over weeks,
enough for profiles, trends and a certificate, and made once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    Call,
    Certificate,
    QuizAttempt,
    ResponseState,
    RunStatus,
    ScenarioRun,
    ScoreOverride,
    ScoreResponse,
    User,
)
from coach.models._columns import as_utc, utcnow
from coach.services import progress
from coach.services.demo_activity import PLAN, seed_demo_activity
from tests.helpers import Login

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

TRAINEES = ("priya", "sam", "jordan")


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(table))
        for table in (Activity, Call, ScenarioRun, QuizAttempt, Certificate, ScoreOverride)
    )


def _trend(person: User, skill: str, now: datetime) -> float | None:
    return next(s.trend for s in progress.profile(person, now) if s.skill_id == skill)


def test_demo_activity_gives_every_dashboard_weeks_of_true_practice_once(
    app: Flask, people: dict[str, Login]
) -> None:
    now = utcnow()
    with app.app_context():
        seeded = seed_demo_activity(now)
        assert seeded is not None
        assert seeded.calls == sum(len(p.calls) for p in PLAN)
        for key in TRAINEES:
            rows = db.session.scalars(
                select(Activity).where(Activity.person_id == people[key].user_id)
            ).all()
            assert {row.kind for row in rows} == set(ActivityKind), key
            times = [as_utc(row.at) for row in rows]
            assert max(times) < now and max(times) - min(times) >= timedelta(weeks=3), key
            assert all(9 <= t.hour < 17 and t.weekday() < 5 for t in times), key
            # every score came from an engine: calls and runs have one, quizzes were graded
            assert all(row.score is not None for row in rows), key
        # every scripted run reached an ending the engine chose
        runs = db.session.scalars(select(ScenarioRun)).all()
        assert runs and all(run.status == RunStatus.ENDED for run in runs)
        assert any(run.meets_objective for run in runs)
        assert not all(run.meets_objective for run in runs)
        priya = db.session.get(User, people["priya"].user_id)
        jordan = db.session.get(User, people["jordan"].user_id)
        assert priya is not None and jordan is not None
        assert any(status.gap is not None for status in progress.profile(priya, now))
        # Priya improves over the weeks and Jordan slips, as their dashboards say
        assert (_trend(priya, "compliance", now) or 0.0) > 0.0
        assert (_trend(jordan, "compliance", now) or 0.0) < 0.0
        # Priya passes the UK program at her second try, Jordan the US one (its prerequisite
        # run met its objective), Sam fails it
        certified = db.session.execute(select(Certificate.user_id, Certificate.issued_at)).all()
        assert {user for user, _ in certified} == {priya.id, jordan.id}
        assert all(as_utc(issued) < now - timedelta(days=1) for _, issued in certified)
        outcomes = db.session.scalars(
            select(Activity.outcome).where(Activity.kind == ActivityKind.QUIZ)
        ).all()
        assert sorted(outcomes) == ["failed", "failed", "passed", "passed"]
        override = db.session.scalars(select(ScoreOverride)).one()
        assert override.author_id == people["coach"].user_id and override.reason
        overridden = db.session.scalars(select(Activity).where(Activity.overridden)).one()
        assert overridden.person_id == people["sam"].user_id
        dispute = db.session.scalars(select(ScoreResponse)).one()
        assert dispute.state == ResponseState.OPEN and dispute.trainee_id == people["sam"].user_id
        before = _counts()

    result = app.test_cli_runner().invoke(args=["coach", "demo", "activity"])
    assert result.exit_code == 0, result.output
    assert "already present" in result.output
    with app.app_context():
        assert _counts() == before
