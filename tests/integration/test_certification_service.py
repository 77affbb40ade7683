"""Certification attempts and certificates through the services, on both databases: the
clock, saved answers, grading, certificates, revocation and recertification."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from coach.catalog import load_catalog
from coach.errors import Conflict, Forbidden, NotFound
from coach.extensions import db
from coach.models import (
    AssignmentReason,
    AttemptStatus,
    AuditEntry,
    Certificate,
    CertificationAssignment,
    QuizAttempt,
    RunStatus,
    ScenarioRun,
    User,
)
from coach.models._columns import utcnow
from coach.services import certificates, certification
from coach.services.certificates import CertificateStatus
from coach.services.certification import InvalidAnswer
from tests import records
from tests.content import CONTENT_DIR
from tests.helpers import Login

UK = "uk-conc7-foundation"


def person(people: dict[str, Login], key: str = "priya") -> User:
    found = db.session.get(User, people[key].user_id)
    assert found is not None
    return found


def right_answers(attempt: QuizAttempt) -> dict[int, list[str]]:
    paper = certification.paper_of(attempt)
    return {item.number: list(item.question.key()) for item in paper.items}


def wrong_answer(attempt: QuizAttempt, number: int) -> list[str]:
    """An answer to ``number`` that earns nothing (for an order: the steps reversed)."""
    item = certification.paper_of(attempt).item(number)
    assert item is not None
    key = item.question.key()
    if item.question.pick == "order":
        return list(reversed(key))
    return [next(c.id for c in item.question.choices() if c.id not in key)]


def fail(user: User, now: datetime) -> QuizAttempt:
    attempt = certification.start_attempt(user, UK, now)
    certification.save_answers(
        user, attempt.id, {n: wrong_answer(attempt, n) for n in right_answers(attempt)}, now
    )
    return certification.submit(user, attempt.id, now=now)


def test_an_attempt_draws_the_programs_paper_and_a_reload_resumes_it(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        attempt = certification.start_attempt(priya, UK)
        paper = certification.paper_of(attempt)
        assert len(paper.items) == certification.program(UK).questions_per_attempt
        assert certification.start_attempt(priya, UK).id == attempt.id
        assert attempt.status == AttemptStatus.IN_PROGRESS


def test_passing_issues_a_certificate_anyone_can_verify(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        attempt = certification.start_attempt(priya, UK)
        for number, answer in right_answers(attempt).items():
            certification.save_answer(priya, attempt.id, number, answer)
        done = certification.submit(priya, attempt.id)
        assert (done.score, done.passed, done.auto_submitted) == (100.0, True, False)
        assert all(answer.credit == 1.0 for answer in done.answers)
        held = certificates.current_certificate(priya, UK)
        assert held is not None and len(held.code) >= 24
        assert held.rule_packs == {
            "uk_fca_conc7": certificates.rule_pack_versions()["uk_fca_conc7"]
        }
        shown = certificates.verify(held.code)
        assert (shown.holder, shown.status) == (priya.name, CertificateStatus.VALID)
        assert (
            "certified until" in certification.eligibility(priya, certification.program(UK)).reason
        )
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"certification.attempt_submitted", "certification.certificate_issued"} <= actions


def test_an_unknown_verification_code_is_not_found(app: Flask) -> None:
    with app.app_context(), pytest.raises(NotFound, match="No certificate has this code"):
        certificates.verify("not-a-real-code")


def test_a_tampered_choice_or_a_question_not_in_the_attempt_saves_nothing(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        attempt = certification.start_attempt(priya, UK)
        with pytest.raises(InvalidAnswer, match="is not a choice of this question"):
            certification.save_answer(priya, attempt.id, 1, ["zz-forged"])
        with pytest.raises(InvalidAnswer, match="Question 99 is not part of this attempt"):
            certification.save_answer(priya, attempt.id, 99, ["a"])
        with pytest.raises(InvalidAnswer):
            certification.save_answers(priya, attempt.id, {1: right_answers(attempt)[1], 2: ["zz"]})
        db.session.expire_all()
        assert certification.answers_by_number(db.session.get(QuizAttempt, attempt.id)) == {}


def test_the_last_saved_answer_counts(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        priya = person(people)
        attempt = certification.start_attempt(priya, UK)
        certification.save_answer(priya, attempt.id, 1, wrong_answer(attempt, 1))
        certification.save_answer(priya, attempt.id, 1, right_answers(attempt)[1])
        assert certification.answers_by_number(attempt) == {1: right_answers(attempt)[1]}


def test_after_the_time_limit_answers_are_refused_and_the_attempt_submits_itself(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        start = utcnow()
        attempt = certification.start_attempt(priya, UK, start)
        key = right_answers(attempt)
        certification.save_answer(priya, attempt.id, 1, key[1], start + timedelta(minutes=1))
        late = start + timedelta(minutes=certification.program(UK).time_limit_minutes, seconds=30)
        with pytest.raises(Conflict, match="time limit has passed"):
            certification.save_answer(priya, attempt.id, 2, key[2], late)
        db.session.expire_all()
        closed = db.session.get(QuizAttempt, attempt.id)
        assert closed is not None
        assert (closed.status, closed.auto_submitted) == (AttemptStatus.SUBMITTED, True)
        assert closed.score == pytest.approx(round(100 / len(key), 1))
        with pytest.raises(Conflict, match="already submitted"):
            certification.submit(priya, attempt.id, now=late)
        assert db.session.get(QuizAttempt, attempt.id).score == closed.score


def test_a_replayed_submission_and_a_stale_tab_change_no_score(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        attempt = certification.start_attempt(priya, UK)
        seen = attempt.row_version
        certification.save_answer(priya, attempt.id, 1, right_answers(attempt)[1])
        certification.submit(priya, attempt.id, expected_version=attempt.row_version)
        score = attempt.score
        with pytest.raises(Conflict, match="already submitted"):
            certification.submit(priya, attempt.id, expected_version=seen)
        with pytest.raises(Conflict, match="submitted"):
            certification.save_answer(priya, attempt.id, 2, right_answers(attempt)[2])
        assert attempt.score == score


def test_a_stale_version_from_another_tab_is_refused(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        priya = person(people)
        attempt = certification.start_attempt(priya, UK)
        with pytest.raises(Conflict, match="another tab"):
            certification.submit(priya, attempt.id, expected_version=attempt.row_version + 5)
        assert attempt.status == AttemptStatus.IN_PROGRESS


def test_failed_attempts_wait_out_the_cooldown_and_run_out(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        program = certification.program(UK)
        now = utcnow()
        first = fail(priya, now)
        assert first.passed is False
        waiting = certification.eligibility(priya, program, now + timedelta(hours=1))
        assert not waiting.may_start and waiting.retry_at is not None
        assert "try again from" in waiting.reason
        with pytest.raises(Conflict, match="try again from"):
            certification.start_attempt(priya, UK, now + timedelta(hours=1))
        for n in range(1, program.attempts_allowed):
            fail(priya, now + timedelta(hours=n * (program.cooldown_hours + 1)))
        later = now + timedelta(days=30)
        spent = certification.eligibility(priya, program, later)
        assert (spent.may_start, spent.attempts_left) == (False, 0)
        assert "used all 3 attempts" in spent.reason
        db.session.add(
            CertificationAssignment(
                organisation_id=priya.organisation_id,
                user_id=priya.id,
                program_id=UK,
                due_on=(later + timedelta(days=7)).date(),
                created_at=later,
            )
        )
        db.session.commit()
        assert certification.eligibility(priya, program, later + timedelta(minutes=1)).may_start


def test_prerequisite_scenarios_must_be_completed_first(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        needing = next(p for p in certification.programs() if p.prerequisites.scenarios)
        scenario_id = needing.prerequisites.scenarios[0]
        refused = certification.eligibility(priya, needing)
        assert not refused.may_start and scenario_id in refused.reason
        run = db.session.get(ScenarioRun, records.scenario_run(priya.id, scenario_id, ended=True))
        assert run is not None and run.status == RunStatus.ENDED
        assert not certification.eligibility(priya, needing).may_start  # ended in a breach
        run.meets_objective = True
        db.session.commit()
        assert certification.eligibility(priya, needing).may_start


def _certify(user: User) -> Certificate:
    attempt = certification.start_attempt(user, UK)
    certification.save_answers(user, attempt.id, right_answers(attempt))
    certification.submit(user, attempt.id)
    held = certificates.current_certificate(user, UK)
    assert held is not None
    return held


def test_an_officer_revokes_with_a_reason_shown_on_verification(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya, officer = person(people), person(people, "compliance")
        held = _certify(priya)
        with pytest.raises(Forbidden):
            certificates.revoke(priya, held.id, "I changed my mind")
        with pytest.raises(ValueError, match="Give the reason"):
            certificates.revoke(officer, held.id, "   ")
        certificates.revoke(officer, held.id, "Shared answers during the attempt")
        shown = certificates.verify(held.code)
        assert shown.status == CertificateStatus.REVOKED
        assert "Shared answers" in shown.detail
        with pytest.raises(Conflict, match="already revoked"):
            certificates.revoke(officer, held.id, "again")
        assert certificates.current_certificate(priya, UK) is None


UkVersion = Callable[[str], None]


@pytest.fixture
def uk_pack_at(app: Flask, tmp_path: Path) -> Iterator[UkVersion]:
    """``uk_pack_at("2027.1.0")`` reloads the catalog with the UK rule pack at that version,
    as a restart on edited content would; the shipped catalog is back after the test."""
    shipped = app.extensions["coach.catalog"]
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    pack = content / "rules" / "uk_fca_conc7.yaml"
    original = pack.read_text()
    version = next(p.version for p in shipped.get("rules") if p.pack == "uk_fca_conc7")

    def reload_at(new_version: str) -> None:
        pack.write_text(original.replace(f'"{version}"', f'"{new_version}"', 1))
        app.extensions["coach.catalog"] = load_catalog(content)

    yield reload_at
    app.extensions["coach.catalog"] = shipped


def test_a_new_major_rule_pack_version_asks_holders_to_recertify(
    app: Flask, people: dict[str, Login], uk_pack_at: UkVersion
) -> None:
    with app.app_context():
        priya = person(people)
        held = _certify(priya)
        major = certificates.major(held.rule_packs["uk_fca_conc7"])
        uk_pack_at(f"{major}.12.9")  # a minor change: nothing to do
        assert certificates.flag_rule_pack_changes() == 0
        uk_pack_at(f"{major + 1}.1.0")
        assert certificates.flag_rule_pack_changes() == 1
        assert certificates.flag_rule_pack_changes() == 0  # idempotent
        db.session.refresh(held)
        assert certificates.status_of(held) == CertificateStatus.RECERTIFY
        assert "uk_fca_conc7" in certificates.verify(held.code).detail
        again = db.session.scalars(
            select(CertificationAssignment).where(CertificationAssignment.user_id == priya.id)
        ).one()
        assert again.reason == AssignmentReason.RECERTIFICATION and again.completed_at is None
        assert certification.eligibility(priya, certification.program(UK)).may_start
        renewed = _certify(priya)
        assert renewed.id != held.id
        assert renewed.rule_packs["uk_fca_conc7"] == f"{major + 1}.1.0"
        db.session.refresh(again)
        assert again.completed_at is not None and again.certificate_id == renewed.id


def test_a_certificate_expires_after_its_validity_and_the_program_opens_again(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = person(people)
        held = _certify(priya)
        days = certification.program(UK).valid_for_days
        last_day = utcnow() + timedelta(days=days - 1)
        after = utcnow() + timedelta(days=days, minutes=1)
        assert certificates.status_of(held, last_day) == CertificateStatus.VALID
        assert certificates.status_of(held, after) == CertificateStatus.EXPIRED
        shown = certificates.verify(held.code, after)
        assert (shown.status, shown.detail) == (CertificateStatus.EXPIRED, "Expired.")
        assert certificates.current_certificate(priya, UK, after) is None
        assert certification.eligibility(priya, certification.program(UK), after).may_start
