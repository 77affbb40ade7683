"""Migration 0017 flags the moments of the calls and runs recorded before it, as recording
them flags them now: the review queue of an upgraded database is the one it showed before."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from coach.extensions import db
from coach.models import FlaggedMoment, ScenarioRun
from coach.services import progress
from tests import records
from tests.helpers import Login
from tests.integration.test_coaching import scorecard, scored_call


def _moments() -> list[tuple[int, str, str, str, int | None]]:
    rows = db.session.execute(
        select(
            FlaggedMoment.activity_id,
            FlaggedMoment.rule,
            FlaggedMoment.reason,
            FlaggedMoment.severity,
            FlaggedMoment.turn,
        ).order_by(FlaggedMoment.activity_id, FlaggedMoment.rule)
    )
    return [tuple(row) for row in rows]


def test_the_upgrade_flags_the_moments_already_recorded(
    app: Flask, people: dict[str, Login]
) -> None:
    directory = app.extensions["migrate"].directory
    with app.app_context():
        card = scorecard()
        card["metrics"]["longest_monologue_s"] = 75.0
        card["debtor_trajectory"] = {"label": "escalated", "first_third": 0.2, "last_third": 0.9}
        scored_call(people["priya"].user_id, card)
        run = db.session.get(ScenarioRun, records.scenario_run(people["sam"].user_id, ended=True))
        assert run is not None
        run.ending_kind, run.scorecard = "escalation", {"findings": [], "skill_observations": []}
        progress.record_run(run, None, "Cease request")
        db.session.commit()
        recorded = _moments()
        assert len(recorded) == 3
        db.session.remove()  # the schema changes below must not wait on this session
        downgrade(directory=directory, revision="0016_speed")
        upgrade(directory=directory)
        assert _moments() == recorded
