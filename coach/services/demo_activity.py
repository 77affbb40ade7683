"""A few weeks of believable practice for the demo organisation, made by the real engines.

On a first start every dashboard should have something true to show: the calls are stored
transcripts (``content/demo/calls``) scored by the scoring pipeline, the role-play runs are
scripted replies (``content/demo/roleplay.json``) judged turn by turn by the scenario engine,
and the quiz attempts are sat and graded by the certification service (a pass issues a real
certificate). Each is made through the same service as in use, then moved back to a working
hour of the past weeks, and its progress rows are written again at that time. Priya improves
over the weeks, Jordan slips, Sam has a coach's override and an open dispute.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select

from coach.engines import engines_of
from coach.errors import Conflict
from coach.extensions import db
from coach.models import (
    Activity,
    Call,
    CallStatus,
    Certificate,
    Organisation,
    QuizAttempt,
    RunStatus,
    ScenarioRun,
    TranscriptVersion,
    User,
)
from coach.models._columns import as_utc, utcnow
from coach.privacy import redact_transcript
from coach.quizzes.model import QuestionModel
from coach.services import certification, disputes, overrides, progress, roleplay, scoring
from coach.services.demo import DEMO_ORGANISATION
from coach.transcript import Transcript

if TYPE_CHECKING:
    from coach.scoring.pipeline import ScoringModels

log = logging.getLogger(__name__)

# The demo calls have no recording: the page says so (``Call.source``) instead of a player.
DEMO_SOURCE = "demo"
_NO_RECORDING = hashlib.sha256(b"").hexdigest()
# A role-play reply takes about this long to say and hear answered.
_TURN_SECONDS = 40
# The scripted role-plays meet the same debtor lines every time (what the debtor says is part
# of the call each reply is judged in, so another draw could take a script off its path).
DEMO_SEED = 1
# A certification paper takes about this long.
_QUIZ_MINUTES = 18


@dataclass(frozen=True)
class DemoCall:
    """A stored transcript (``content/demo/calls/<name>.json``) and how it was made."""

    title: str
    jurisdiction: str
    call_type: str = "initial"


CALLS: dict[str, DemoCall] = {
    "us-card-plan": DemoCall("Lakeside card: monthly plan agreed", "US"),
    "us-medical-dispute": DemoCall("Riverside Medical: disputed balance", "US"),
    "us-plan-follow-up": DemoCall("Payment plan follow-up", "US", "follow_up"),
    "us-card-pushy": DemoCall("Summit card: four months behind", "US"),
    "us-no-disclosure": DemoCall("Horizon card: payday plan", "US"),
    "us-auto-threat": DemoCall("Apex auto loan: first call", "US"),
    "us-roommate-message": DemoCall("Capital Crest card: message left", "US"),
    "us-card-impatient": DemoCall("Pioneer card: overdue balance", "US"),
    "uk-vulnerable-hold": DemoCall("Personal loan: customer off sick", "UK"),
    "uk-affordable-plan": DemoCall("Credit card arrears: affordable plan", "UK"),
    "uk-arrears-pressure": DemoCall("Loan arrears: customer on sick pay", "UK"),
    "uk-partner-message": DemoCall("Credit card arrears: partner answered", "UK"),
}


@dataclass(frozen=True)
class Practice:
    """One trainee's weeks: (days ago, what) for calls, role-play scripts and quizzes; a
    quiz is (days ago, program id, questions answered wrong)."""

    email: str
    calls: tuple[tuple[int, str], ...]
    runs: tuple[tuple[int, str], ...]
    quizzes: tuple[tuple[int, str, int], ...]


# Enough calls more than 30 days ago for a 30-day trend (docs/skill-model.md) for Priya and
# Jordan; Sam joined four weeks ago.
PLAN: tuple[Practice, ...] = (
    Practice(  # improves: threats and a missed disclosure early, clean and warm lately
        "priya@demo.coach",
        calls=(
            (41, "us-auto-threat"),
            (37, "us-no-disclosure"),
            (34, "us-card-impatient"),
            (31, "us-card-pushy"),
            (24, "uk-affordable-plan"),
            (17, "us-medical-dispute"),
            (10, "us-card-plan"),
            (3, "uk-vulnerable-hold"),
        ),
        runs=((38, "us-first-contact-poor"), (20, "us-first-contact-good"), (8, "uk-job-loss")),
        quizzes=((15, "uk-conc7-foundation", 7), (6, "uk-conc7-foundation", 2)),
    ),
    Practice(  # slips: compliant and warm a month ago, breaches lately
        "jordan@demo.coach",
        calls=(
            (40, "us-card-plan"),
            (36, "uk-vulnerable-hold"),
            (33, "us-plan-follow-up"),
            (31, "us-medical-dispute"),
            (23, "us-card-pushy"),
            (16, "us-no-disclosure"),
            (9, "us-roommate-message"),
            (2, "uk-arrears-pressure"),
        ),
        runs=((39, "us-first-contact-good"), (27, "uk-job-loss"), (5, "us-angry-complaint-poor")),
        quizzes=((35, "us-fdcpa-foundation", 3),),
    ),
    Practice(  # mixed; his coach overrides one score and he disputes another
        "sam@demo.coach",
        calls=(
            (27, "us-plan-follow-up"),
            (22, "uk-partner-message"),
            (16, "us-card-pushy"),
            (11, "us-no-disclosure"),
            (6, "uk-affordable-plan"),
            (2, "us-card-plan"),
        ),
        runs=((25, "us-first-contact-good"), (12, "us-angry-complaint-good")),
        quizzes=((9, "us-fdcpa-foundation", 8),),
    ),
)

COACH_EMAIL = "coach@demo.coach"
# Morgan's override of a tone score, and Sam's dispute, on these calls of Sam's.
OVERRIDE = (
    "sam@demo.coach",
    "us-card-pushy",
    "tone",
    55,
    'Firm is fine, but "Fifty dollars won\'t make a dent" dismisses what he offered; in '
    "the transcript it reads as impatient. Tone lowered: let's practise turning a "
    "low offer into a conversation about what he can afford.",
)
DISPUTE = (
    "sam@demo.coach",
    "us-no-disclosure",
    "I gave the debt-collector disclosure as soon as Lisa picked up; the first seconds of "
    "the call are missing from the transcript, so the missed mini-Miranda is not right.",
)


@dataclass(frozen=True)
class Seeded:
    """What was made, for the set-up command to report."""

    calls: int
    runs: int
    attempts: int
    certificates: int
    overrides: int
    disputes: int


def seed_demo_activity(now: datetime | None = None) -> Seeded | None:
    """The demo organisation's weeks of practice up to ``now``; None (and nothing changed)
    when there is no demo organisation or it already has activity."""
    now = now or utcnow()
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )
    if organisation is None or _has_activity(organisation.id):
        return None
    folder = Path(current_app.config["COACH"]["CONTENT_DIR"]) / "demo"
    scripts = _scripts(folder / "roleplay.json")
    engines = engines_of()
    models = engines.scoring_models()  # unavailable models stop here, before anything is made
    engines.intent_heads()
    people = {user.email: user for user in _members(organisation.id)}
    made: dict[tuple[str, str], Call] = {}
    runs = attempts = 0
    for practice in PLAN:
        trainee = people[practice.email]
        agent = trainee.name.split()[0]
        for index, (days, name) in enumerate(practice.calls):
            transcript = _transcript(folder / "calls" / f"{name}.json", agent)
            call = _scored_call(trainee, name, transcript, _working_hour(now, days, index), models)
            made[(practice.email, name)] = call
        for index, (days, script) in enumerate(practice.runs):
            scenario_id, replies = scripts[script]
            said = [_personal(reply, agent) for reply in replies]
            _run(trainee, scenario_id, said, _working_hour(now, days, index + 3))
            runs += 1
        for index, (days, program_id, wrong) in enumerate(practice.quizzes):
            try:
                _attempt(trainee, program_id, wrong, _working_hour(now, days, index + 5))
            except Conflict as refused:  # a prerequisite run went off its script: no attempt
                db.session.rollback()
                log.warning("demo attempt at %s skipped: %s", program_id, refused)
                continue
            attempts += 1
    _override(people[COACH_EMAIL], made)
    _dispute(people, made)
    for practice in PLAN:
        progress.refresh_profile(people[practice.email].id, now)
    db.session.commit()
    certificates = db.session.scalar(
        select(func.count(Certificate.id)).where(Certificate.organisation_id == organisation.id)
    )
    return Seeded(len(made), runs, attempts, certificates or 0, overrides=1, disputes=1)


def _has_activity(organisation_id: int) -> bool:
    found = select(Activity.id).where(Activity.organisation_id == organisation_id).limit(1)
    return db.session.scalar(found) is not None


def _members(organisation_id: int) -> Sequence[User]:
    return db.session.scalars(select(User).where(User.organisation_id == organisation_id)).all()


def _working_hour(now: datetime, days: int, slot: int) -> datetime:
    """``days`` before ``now`` on a weekday (Saturday moves to Friday, Sunday to Monday unless
    that is not yet past), at a working hour and minute that vary with ``slot`` and the day,
    so a list does not look machine-made."""
    day = now - timedelta(days=days)
    if day.weekday() == 6 and day + timedelta(days=1) < now - timedelta(hours=12):
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    hour = 9 + (days * 3 + slot * 5) % 8
    minute = (days * 17 + slot * 23) % 60
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _personal(text: str, agent: str) -> str:
    """``text`` as the trainee says it: their first name for ``{agent}``, spelled out for
    ``{spelled}``."""
    return text.replace("{agent}", agent).replace("{spelled}", "-".join(agent.upper()))


def _transcript(path: Path, agent: str) -> Transcript:
    data = json.loads(path.read_text(encoding="utf-8"))
    for turn in data["turns"]:
        turn["text"] = _personal(turn["text"], agent)
    return Transcript.model_validate(data)


def _scripts(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Script name -> (scenario id, the trainee's replies)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: (entry["scenario"], list(entry["replies"])) for name, entry in data.items()}


def _scored_call(
    owner: User, name: str, transcript: Transcript, at: datetime, models: ScoringModels
) -> Call:
    """A transcribed call without a recording, scored as the scoring job scores one."""
    about = CALLS[name]
    call = Call(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title=about.title,
        call_type=about.call_type,
        jurisdiction=about.jurisdiction,
        channels_mode="stereo",
        consent=True,
        source=DEMO_SOURCE,
        recording_sha256=_NO_RECORDING,
        recording_ext="wav",
        audio_format="none",
        size_bytes=0,
        duration=transcript.duration or 0.0,
        channels=2,
        sample_rate=16000,
        status=CallStatus.TRANSCRIBED,
        created_at=at,
        recording_deleted_at=at,
    )
    db.session.add(call)
    db.session.flush()
    version = TranscriptVersion(
        call_id=call.id,
        version=1,
        origin="asr",
        data=redact_transcript(transcript).to_json_dict(),
        created_at=at,
    )
    db.session.add(version)
    db.session.flush()
    score = scoring.add_score(call, version, models, audio=None)
    score.created_at = at + timedelta(minutes=2)
    db.session.commit()
    return call


def _run(trainee: User, scenario_id: str, replies: Sequence[str], at: datetime) -> ScenarioRun:
    """A run played through the role-play service with scripted replies, then moved to
    ``at``; a script that never reaches an ending leaves the run abandoned, as a trainee
    who walked away would."""
    run = roleplay.start_run(trainee, scenario_id, seed=DEMO_SEED)
    for reply in replies:
        if run.status != RunStatus.ACTIVE:
            break
        run = roleplay.take_turn(trainee, run.id, reply, run.turn).run
    if run.status == RunStatus.ACTIVE:
        log.warning("demo script for %s reached no ending; run left abandoned", scenario_id)
        run.status = RunStatus.ABANDONED
    run.created_at = at
    for turn in run.turns:
        turn.created_at = at + timedelta(seconds=_TURN_SECONDS * turn.number)
    moved = at + timedelta(seconds=_TURN_SECONDS * (len(run.turns) + 1))
    run.updated_at = moved
    if run.status == RunStatus.ENDED:
        run.ended_at = moved
        # its activity and evidence, at the time it now ended
        progress.record_run(run, roleplay.played_scenario(run), roleplay.scenario_title(run))
    db.session.commit()
    return run


def _attempt(trainee: User, program_id: str, wrong: int, at: datetime) -> QuizAttempt:
    """An attempt sat through the certification service with every answer right but
    ``wrong`` of them, spread over the paper, and graded there (a pass issues the
    certificate); then moved back to ``at``. It is sat now, not at ``at``: the service closes
    an attempt found past its deadline by the clock, as it must for a real one."""
    attempt = certification.start_attempt(trainee, program_id)
    items = certification.paper_of(attempt).items
    step = len(items) / wrong if wrong else 0.0
    missed = {items[int(i * step)].number for i in range(wrong)}
    answers = {
        item.number: _answer(item.question, right=item.number not in missed) for item in items
    }
    attempt = certification.submit(trainee, attempt.id, answers)
    _move_attempt(attempt, at)
    return attempt


def _move_attempt(attempt: QuizAttempt, at: datetime) -> None:
    """The attempt (and the certificate it earned) as if sat from ``at``, ``_QUIZ_MINUTES``
    long, with its activity and evidence written again at that time."""
    shift = at - as_utc(attempt.started_at)
    submitted = at + timedelta(minutes=_QUIZ_MINUTES)
    attempt.started_at, attempt.deadline_at = at, as_utc(attempt.deadline_at) + shift
    attempt.submitted_at = attempt.last_saved_at = submitted
    for answer in attempt.answers:
        answer.answered_at = submitted
    earned = db.session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    if earned is not None:
        earned.expires_at = as_utc(earned.expires_at) + (submitted - as_utc(earned.issued_at))
        earned.issued_at = submitted
    title = certification.program(attempt.program_id).title
    progress.record_attempt(attempt, certification.paper_of(attempt), title)
    db.session.commit()


def _answer(question: QuestionModel, right: bool) -> list[str]:
    key = list(question.key())
    if right:
        return key
    if question.pick == "order":
        return key[::-1]
    choices = [choice.id for choice in question.choices()]
    return [next(choice for choice in choices if choice not in key)]


def _override(coach: User, made: dict[tuple[str, str], Call]) -> None:
    email, name, dimension, new_score, reason = OVERRIDE
    call = made[(email, name)]
    row = overrides.override(coach, call.id, dimension, new_score, reason)
    row.created_at = call.created_at + timedelta(days=1, hours=1)
    db.session.commit()


def _dispute(people: dict[str, User], made: dict[tuple[str, str], Call]) -> None:
    email, name, reason = DISPUTE
    call = made[(email, name)]
    row = disputes.dispute(people[email], call.id, reason)
    row.created_at = call.created_at + timedelta(days=1, hours=2)
    db.session.commit()
