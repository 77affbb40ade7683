"""Certification attempts: who may sit a program, its frozen paper, answers saved as they are
given, a server-side clock, and grading on submission (which issues the certificate).

The clock is the attempt's ``deadline_at``: an answer saved after it is refused, and an attempt
found past it by any request is submitted then and there with the answers saved in time, so a
reload, a closed tab or a replayed form can never add time or change a score.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from coach.catalog.kinds import CERTIFICATIONS, QUIZZES
from coach.errors import Conflict, NotFound, ServiceError
from coach.extensions import db
from coach.models import (
    AttemptAnswer,
    AttemptStatus,
    QuizAttempt,
    RunStatus,
    ScenarioRun,
    User,
)
from coach.models._columns import as_utc, utcnow
from coach.quizzes.assembly import Paper, assemble
from coach.quizzes.grading import AnswerError, checked_answer, grade
from coach.quizzes.model import QuestionBank
from coach.quizzes.program import CertificationProgram
from coach.services import (
    access,
    audit,
    calibration,
    certificates,
    progress,
    question_edits,
)

# An answer sent this long after the deadline still counts: the page's own countdown and the
# request it sends at zero must not lose the last answer to network latency.
GRACE = timedelta(seconds=5)


class InvalidAnswer(ServiceError):
    """An answer that cannot be stored: a choice the question does not have, a question the
    attempt does not have, or the wrong number of choices. Nothing is saved."""


# --- programs ------------------------------------------------------------------------------


def programs() -> list[CertificationProgram]:
    """Every certification program, by jurisdiction then title."""
    loaded = current_app.extensions["coach.catalog"].get(CERTIFICATIONS)
    return sorted(loaded, key=lambda p: (p.jurisdiction, p.title))


def program(program_id: str) -> CertificationProgram:
    """The program with this id, else NotFound."""
    found = next((p for p in programs() if p.id == program_id), None)
    if found is None:
        raise NotFound("No such certification program.")
    return found


def banks(organisation_id: int | None = None) -> list[QuestionBank]:
    """Every question bank: as shipped, or as ``organisation_id``'s officers edited them."""
    shipped = list(current_app.extensions["coach.catalog"].get(QUIZZES))
    if organisation_id is None:
        return shipped
    return question_edits.effective_banks(organisation_id, shipped)


def program_sha256(program_id: str) -> str:
    """The loaded program's content hash: what attempts drawn from this definition carry."""
    return current_app.extensions["coach.catalog"].pins(CERTIFICATIONS, [program_id])[0]["sha256"]


# --- who may sit a program -----------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a person may start an attempt now and, if not, why and from when."""

    may_start: bool
    reason: str = ""
    retry_at: datetime | None = None
    attempts_left: int | None = None


def eligibility(
    user: User, chosen: CertificationProgram, now: datetime | None = None
) -> Eligibility:
    """The checks in the order a trainee can act on them: an unfinished attempt to resume
    comes first, then a certificate still valid, missing prerequisites, attempts used up,
    and the cool-down after a failed attempt."""
    now = now or utcnow()
    if _open_attempt(user, chosen.id) is not None:
        return Eligibility(True, "You have an attempt in progress: continue it.")
    held = certificates.current_certificate(user, chosen.id, now)
    if held is not None:
        until = held.expires_at.strftime("%d %b %Y")
        return Eligibility(False, f"You are certified until {until}.")
    missing = _missing_prerequisites(user, chosen)
    if missing:
        return Eligibility(
            False, "Complete these role-play scenarios first: " + ", ".join(missing) + "."
        )
    failed = _failed_attempts_this_cycle(user, chosen.id)
    left = chosen.attempts_allowed - len(failed)
    if left <= 0:
        return Eligibility(
            False,
            f"You have used all {chosen.attempts_allowed} attempts. Your compliance officer "
            "can assign the program to you again for a fresh set.",
            attempts_left=0,
        )
    if failed and chosen.cooldown_hours:
        retry_at = as_utc(failed[-1].submitted_at) + timedelta(hours=chosen.cooldown_hours)
        if retry_at > now:
            return Eligibility(
                False,
                f"You can try again from {retry_at.strftime('%d %b %Y %H:%M')} UTC.",
                retry_at=retry_at,
                attempts_left=left,
            )
    return Eligibility(True, attempts_left=left)


def _missing_prerequisites(user: User, chosen: CertificationProgram) -> list[str]:
    """Prerequisite scenarios without an ended run that meets the objective; a run whose
    scorecard fails an uncalibrated criterion is set aside (neither counted nor held against
    the trainee) and its scenario is named "waiting for calibration of ..."."""
    wanted = chosen.prerequisites.scenarios
    if not wanted:
        return []
    passed = db.session.scalars(
        select(ScenarioRun).where(
            ScenarioRun.owner_id == user.id,
            ScenarioRun.status == RunStatus.ENDED,
            ScenarioRun.meets_objective.is_(True),
            ScenarioRun.scenario_id.in_(wanted),
        )
    )
    waiting = calibration.uncalibrated(user.organisation_id)
    done: set[str] = set()
    held: dict[str, set[str]] = {}
    for run in passed:
        blocking = calibration.held_back_by(run.scorecard, waiting)
        if blocking:
            held.setdefault(run.scenario_id, set()).update(blocking)
        else:
            done.add(run.scenario_id)
    return [
        f"{scenario} (waiting for calibration of {', '.join(sorted(held[scenario]))})"
        if scenario in held
        else scenario
        for scenario in wanted
        if scenario not in done
    ]


def _failed_attempts_this_cycle(user: User, program_id: str) -> list[QuizAttempt]:
    """Failed attempts since the program was last assigned to ``user`` or last passed: a new
    assignment (a recertification too) gives a fresh set of attempts."""
    since = certificates.cycle_start(user, program_id)
    query = select(QuizAttempt).where(
        QuizAttempt.user_id == user.id,
        QuizAttempt.program_id == program_id,
        QuizAttempt.status == AttemptStatus.SUBMITTED,
        QuizAttempt.passed.is_(False),
    )
    if since is not None:
        query = query.where(QuizAttempt.submitted_at > since)
    return list(db.session.scalars(query.order_by(QuizAttempt.submitted_at)))


# --- attempts ------------------------------------------------------------------------------


def start_attempt(user: User, program_id: str, now: datetime | None = None) -> QuizAttempt:
    """The attempt in progress (resumed), or a new one with a freshly drawn paper."""
    now = now or utcnow()
    chosen = program(program_id)
    current = _open_attempt(user, chosen.id)
    if current is not None and not close_if_timed_out(current, now):
        return current
    allowed = eligibility(user, chosen, now)
    if not allowed.may_start:
        raise Conflict(allowed.reason)
    seed = secrets.randbelow(2**31)
    paper = assemble(chosen, banks(user.organisation_id), seed)
    attempt = QuizAttempt(
        organisation_id=user.organisation_id,
        user_id=user.id,
        program_id=chosen.id,
        program_version=chosen.version,
        program_sha256=program_sha256(chosen.id),
        seed=seed,
        paper=paper.as_json(),
        pass_mark=chosen.pass_mark,
        review=chosen.review,
        status=AttemptStatus.IN_PROGRESS,
        started_at=now,
        deadline_at=now + timedelta(minutes=chosen.time_limit_minutes),
    )
    db.session.add(attempt)
    audit.record(user, "certification.attempt_started", "quiz_attempt", None, program=chosen.id)
    db.session.commit()
    return attempt


def _open_attempt(user: User, program_id: str) -> QuizAttempt | None:
    return db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.program_id == program_id,
            QuizAttempt.status == AttemptStatus.IN_PROGRESS,
        )
    ).first()


def attempts_of(user: User) -> list[QuizAttempt]:
    """``user``'s attempts, newest first, each closed first if its time ran out."""
    found = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id)
            .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
            .options(defer(QuizAttempt.paper))  # tens of KB each; read only to grade one
        )
    )
    for attempt in found:
        close_if_timed_out(attempt)
    return found


def visible_attempt(viewer: User, attempt_id: int) -> QuizAttempt:
    """The attempt if ``viewer`` may see it (its taker, their coach, compliance, an admin);
    one past its time is submitted first."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or not access.may_view_practice_record(
        viewer, attempt.user, attempt.organisation_id
    ):
        raise NotFound("No such attempt.")
    close_if_timed_out(attempt)
    return attempt


def own_attempt(user: User, attempt_id: int) -> QuizAttempt:
    """The attempt if ``user`` is sitting it; anyone else gets NotFound (answers are theirs)."""
    attempt = visible_attempt(user, attempt_id)
    if attempt.user_id != user.id:
        raise NotFound("No such attempt.")
    return attempt


def paper_of(attempt: QuizAttempt) -> Paper:
    """The attempt's frozen paper."""
    return Paper.from_json(attempt.paper)


def answers_by_number(attempt: QuizAttempt) -> dict[int, list[str]]:
    """What has been saved so far, by question number."""
    return {answer.number: list(answer.answer) for answer in attempt.answers}


def save_answer(
    user: User, attempt_id: int, number: int, picked: Sequence[str], now: datetime | None = None
) -> QuizAttempt:
    """Saves (or replaces) the answer to question ``number``; refused after the deadline,
    after submission, or when it is not an answer to that question."""
    return save_answers(user, attempt_id, {number: picked}, now)


def save_answers(
    user: User, attempt_id: int, answers: Mapping[int, Sequence[str]], now: datetime | None = None
) -> QuizAttempt:
    """Saves several answers at once, all or none; the attempt's version moves on."""
    now = now or utcnow()
    attempt = own_attempt(user, attempt_id)
    _still_open(attempt, now)
    try:
        _store_answers(attempt, answers, now)
        db.session.commit()
    except InvalidAnswer:
        db.session.rollback()
        raise
    except (IntegrityError, StaleDataError):  # another tab saved at the same moment
        db.session.rollback()
        raise Conflict("Another tab saved answers at the same moment: save again.") from None
    return attempt


def _still_open(attempt: QuizAttempt, now: datetime) -> None:
    if attempt.status == AttemptStatus.SUBMITTED:
        raise Conflict("This attempt has been submitted: its answers can no longer change.")
    if close_if_timed_out(attempt, now):
        raise Conflict(
            "The time limit has passed: your attempt was submitted with the answers saved "
            "before it."
        )


def _store_answers(
    attempt: QuizAttempt, answers: Mapping[int, Sequence[str]], now: datetime
) -> None:
    paper = paper_of(attempt)
    stored = {answer.number: answer for answer in attempt.answers}
    for number, picked in sorted(answers.items()):
        item = paper.item(number)
        if item is None:
            raise InvalidAnswer(f"Question {number} is not part of this attempt.")
        try:
            answer = list(checked_answer(item.question, picked))
        except AnswerError as error:
            raise InvalidAnswer(f"Question {number}: {error}.") from None
        if number in stored:
            stored[number].answer = answer
            stored[number].answered_at = now
        else:
            attempt.answers.append(
                AttemptAnswer(
                    number=number, question_id=item.question.id, answer=answer, answered_at=now
                )
            )
    attempt.last_saved_at = now


def submit(
    user: User,
    attempt_id: int,
    answers: Mapping[int, Sequence[str]] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> QuizAttempt:
    """Saves ``answers`` (the page's, when it sends them) and grades the attempt; a second
    submission, or one from a tab that has not seen answers saved since, is refused."""
    now = now or utcnow()
    attempt = own_attempt(user, attempt_id)
    if attempt.status == AttemptStatus.SUBMITTED:
        raise Conflict("This attempt was already submitted; its score stands.")
    _still_open(attempt, now)
    if expected_version is not None and attempt.row_version != expected_version:
        raise Conflict(
            "Answers were saved in another tab since this page was loaded: reload it, check "
            "your answers, then submit."
        )
    if answers:
        try:
            _store_answers(attempt, answers, now)
        except InvalidAnswer:
            db.session.rollback()
            raise
    _grade(attempt, now, auto=False)
    return attempt


def close_if_timed_out(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Submits an attempt whose time ran out (with the answers saved in time); True if so."""
    now = now or utcnow()
    if attempt.status != AttemptStatus.IN_PROGRESS or now <= as_utc(attempt.deadline_at) + GRACE:
        return False
    _grade(attempt, now, auto=True)
    return True


def _title(program_id: str) -> str:
    """The program's title, or its id when its file is gone (the attempt still grades)."""
    try:
        return program(program_id).title
    except NotFound:
        return program_id


def _grade(attempt: QuizAttempt, now: datetime, auto: bool) -> None:
    result = grade(paper_of(attempt), answers_by_number(attempt), attempt.pass_mark)
    credits = {item.number: item.credit for item in result.items}
    for answer in attempt.answers:
        answer.credit = credits[answer.number]
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    attempt.score = result.score
    attempt.passed = result.passed
    audit.record(
        attempt.user,
        "certification.attempt_submitted",
        "quiz_attempt",
        attempt.id,
        program=attempt.program_id,
        passed=result.passed,
        auto=auto,
    )
    if result.passed:
        certificates.issue(attempt, program(attempt.program_id), now)
    try:
        # The progress model's evidence lands with the grade (one transaction).
        progress.record_attempt(attempt, paper_of(attempt), _title(attempt.program_id))
        db.session.commit()
    except StaleDataError:  # another tab submitted it first
        db.session.rollback()
        raise Conflict("This attempt was already submitted; its score stands.") from None
