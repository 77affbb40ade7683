"""The progress model's rows: written with each scored result, read back as profiles."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    Call,
    CallScore,
    RuleBreach,
    SkillObservationRow,
    SkillProfile,
    User,
)
from coach.models._columns import utcnow
from coach.services import certification, progress
from tests import records
from tests.helpers import Login

CARD = json.loads(
    (
        Path(__file__).parents[1] / "data/scorecard_contract/us_timed_with_metadata.scorecard.json"
    ).read_text()
)


def _scored_call(owner_id: int, days_ago: float = 0.0, data: dict | None = None) -> Call:
    call = db.session.get(Call, records.transcribed_call(owner_id))
    assert call is not None
    call.created_at = utcnow() - timedelta(days=days_ago)
    card = data or CARD
    score = CallScore(call_id=call.id, transcript_version=1, total=card["total"], data=card)
    db.session.add(score)
    progress.record_call_score(call, score)
    db.session.commit()
    return call


def _skill_scores() -> dict[str, float]:
    rows = db.session.execute(select(SkillObservationRow.skill, SkillObservationRow.score))
    return {str(skill): float(score) for skill, score in rows}


def _user(people: dict[str, Login], key: str) -> User:
    found = db.session.get(User, people[key].user_id)
    assert found is not None
    return found


def test_a_scored_call_becomes_an_activity_with_its_breaches_and_evidence(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        call = _scored_call(people["priya"].user_id)
        activity = db.session.scalars(select(Activity)).one()
        assert (activity.kind, activity.source_id, activity.person_id) == (
            ActivityKind.CALL,
            call.id,
            people["priya"].user_id,
        )
        assert activity.score == 40 and activity.outcome == "promise_to_pay"
        # six violations or missed disclosures, three critical; the suspected one is not a breach
        assert (activity.breaches, activity.critical_findings) == (7, 3)
        breaches = db.session.scalars(select(RuleBreach.rule_id)).all()
        assert "US-FDCPA-1692e11-MINI-MIRANDA" in breaches
        assert "US-REGF-1006.34-VALIDATION-INFO" not in breaches
        skills = _skill_scores()
        assert skills["empathy"] == 0.575 and skills["compliance"] == 0.0
        cached = db.session.scalars(select(SkillProfile.skill)).all()
        assert sorted(cached) == sorted(skills)


def test_rescoring_replaces_the_activity_rather_than_adding_one(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        call = _scored_call(people["priya"].user_id)
        better = {**CARD, "total": 90, "findings": [], "cap": None}
        score = CallScore(call_id=call.id, transcript_version=2, total=90, data=better)
        db.session.add(score)
        progress.record_call_score(call, score)
        db.session.commit()
        activity = db.session.scalars(select(Activity)).one()
        assert (activity.score, activity.breaches) == (90, 0)
        assert db.session.scalar(select(func.count(RuleBreach.id))) == 0
        assert db.session.scalar(select(func.count(SkillObservationRow.id))) == len(
            CARD["skill_observations"]
        )


def test_an_override_changes_the_score_the_lists_and_the_model_use(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        call = _scored_call(people["priya"].user_id)
        score = db.session.scalars(select(CallScore)).one()
        progress.record_call_score(call, score, overrides={"compliance": 60})
        db.session.commit()
        activity = db.session.scalars(select(Activity)).one()
        assert activity.score == 66 and activity.overridden
        observed = _skill_scores()
        assert observed["compliance"] == 0.6
        assert score.data["total"] == 40  # the original stays


def test_a_profile_states_gaps_only_with_enough_evidence(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = _user(people, "priya")
        before = {status.skill_id: status for status in progress.profile(priya)}
        assert all(status.gap is None for status in before.values())
        assert not before["empathy"].estimate.enough
        for days_ago in (0.5, 1, 2, 3):
            _scored_call(priya.id, days_ago)
        after = {status.skill_id: status for status in progress.profile(priya)}
        empathy = after["empathy"]
        assert empathy.estimate.enough and empathy.target == 0.60
        assert empathy.gap == pytest.approx(0.60 - empathy.estimate.mean)
        # thin evidence leans on the prior (0.5): between it and what was seen
        assert 0.5 < empathy.estimate.mean < 0.575
        # the profile lists the largest gap first
        gaps = [status.gap for status in progress.profile(priya) if status.gap is not None]
        assert gaps == sorted(gaps, reverse=True)


def test_the_cached_profiles_agree_with_the_profile_from_every_observation(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya, sam = _user(people, "priya"), _user(people, "sam")
        for days_ago in (40, 10, 4, 2, 1):  # enough evidence to compare the means
            _scored_call(priya.id, days_ago)
        cached = progress.profile_means([priya.id, sam.id])
        assert cached[sam.id] == {}
        full = {s.skill_id: s.estimate for s in progress.profile(priya)}
        observed = {skill for skill, estimate in full.items() if estimate.evidence > 0}
        assert cached[priya.id].keys() == observed
        for skill, mean in cached[priya.id].items():
            if full[skill].enough:
                assert mean == pytest.approx(full[skill].mean, abs=1e-6)
            else:
                assert mean is None
        assert any(mean is not None for mean in cached[priya.id].values())


def test_a_senior_executive_is_held_to_the_senior_targets(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        assert progress.targets_for(_user(people, "priya"))["empathy"] == 0.60
        assert progress.targets_for(_user(people, "coach"))["empathy"] == 0.75


def test_a_graded_attempt_counts_for_the_skills_its_questions_test(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = _user(people, "priya")
        attempt = certification.start_attempt(priya, "uk-conc7-foundation")
        paper = certification.paper_of(attempt)
        answers = {item.number: list(item.question.key()) for item in paper.items}
        certification.submit(priya, attempt.id, answers)
        activity = db.session.scalars(
            select(Activity).where(Activity.kind == ActivityKind.QUIZ)
        ).one()
        assert activity.outcome == "passed" and activity.score == 100
        tested = {skill for item in paper.items for skill in item.question.skills}
        observed = db.session.scalars(
            select(SkillObservationRow).where(SkillObservationRow.activity_id == activity.id)
        ).all()
        assert {o.skill for o in observed} == tested
        assert all(o.score == 1.0 and o.source == "quiz" for o in observed)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_scorings_of_one_persons_calls_at_once_both_land_in_the_profile(
    app: Flask, people: dict[str, Login]
) -> None:
    """Two workers score the same trainee's calls at once: each has written rows that point
    at the trainee (a key share on their row, as every foreign key takes) before it rebuilds
    the cached profile. Both succeed, neither deadlocked, and the cache counts both."""
    owner = people["priya"].user_id
    with app.app_context():
        calls = [records.transcribed_call(owner) for _ in range(2)]
    both_hold_a_key_share = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def score(call_id: int) -> None:
        try:
            with app.app_context():
                db.session.execute(
                    select(User.id)
                    .where(User.id == owner)
                    .with_for_update(read=True, key_share=True)
                )
                both_hold_a_key_share.wait()
                call = db.session.get(Call, call_id)
                assert call is not None
                row = CallScore(call_id=call_id, transcript_version=1, total=40, data=CARD)
                db.session.add(row)
                progress.record_call_score(call, row)
                db.session.commit()
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=score, args=(call_id,)) for call_id in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    with app.app_context():
        profile = select(SkillProfile.skill, SkillProfile.evidence)
        evidence = dict(db.session.execute(profile).all())
        observed = select(SkillObservationRow.skill, func.sum(SkillObservationRow.weight))
        weights = dict(db.session.execute(observed.group_by(SkillObservationRow.skill)).all())
        assert evidence.keys() == weights.keys()
        for skill, total in weights.items():
            assert evidence[skill] == pytest.approx(total, rel=1e-3)
