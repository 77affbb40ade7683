"""What to practise next, from a trainee's real rows: the rule their last call broke leads,
and the rare situations they never practised follow."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from coach.extensions import db
from coach.models import Call, CallScore, User
from coach.services import progress, recommendations
from tests import records
from tests.helpers import Login

CARD = json.loads(
    (
        Path(__file__).parents[1] / "data/scorecard_contract/us_timed_with_metadata.scorecard.json"
    ).read_text()
)


def _trainee(app: Flask, people: dict[str, Login]) -> User:
    user = db.session.get(User, people["priya"].user_id)
    assert user is not None
    return user


def test_a_call_that_missed_the_mini_miranda_is_answered_with_a_rehearsal(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = _trainee(app, people)
        call = db.session.get(Call, records.transcribed_call(priya.id))
        assert call is not None
        score = CallScore(call_id=call.id, transcript_version=1, total=40, data=CARD)
        db.session.add(score)
        progress.record_call_score(call, score)
        db.session.commit()
        chosen = recommendations.for_trainee(priya, progress.profile(priya))
        assert 1 <= len(chosen) <= 4
        first = chosen[0]
        assert first.because == "rule" and first.reason.startswith("You broke “")
        assert "in your last call" in first.reason
        assert {item.because for item in chosen[1:]} <= {"rule", "situation", "gap"}
        assert "situation" in {item.because for item in chosen} or len(chosen) == 4


def test_a_trainee_with_no_practice_gets_a_first_scenario_or_the_due_situations(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = _trainee(app, people)
        chosen = recommendations.for_trainee(priya, progress.profile(priya))
        assert chosen, "a new trainee is always told what to do first"
        situations = [item for item in chosen if item.because == "situation"]
        assert all("You have not practised it yet." in item.reason for item in situations)
