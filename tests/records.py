"""Records made directly in the database for web tests that need a call but not its audio, or a
role-play run but not the models that judge its replies."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from coach.extensions import db
from coach.models import (
    Call,
    CallStatus,
    Certificate,
    Organisation,
    Role,
    RunStatus,
    Team,
    TeamMember,
    TranscriptVersion,
    User,
)
from coach.models._columns import utcnow
from coach.services import accounts, calls, certification, roleplay
from coach.services.passwords import generate_password
from coach.transcript import Transcript, Turn
from tests.helpers import Login

RECORDING = b"OggS not really audio, only bytes to serve"


def transcribed_call(owner_id: int, *, transcript: bool = True) -> int:
    """A transcribed call of the user, its recording file (and transcript) stored; its id."""
    owner = db.session.get(User, owner_id)
    assert owner is not None
    sha256 = hashlib.sha256(RECORDING).hexdigest()
    path = calls.store().path(sha256, "ogg")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(RECORDING)
    call = Call(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title="Practice call",
        call_type="initial",
        jurisdiction="US",
        channels_mode="stereo",
        consent=True,
        source="upload",
        recording_sha256=sha256,
        recording_ext="ogg",
        audio_format="ogg/opus",
        size_bytes=len(RECORDING),
        duration=2.0,
        channels=2,
        sample_rate=16000,
        status=CallStatus.TRANSCRIBED,
    )
    db.session.add(call)
    db.session.flush()
    if transcript:
        turn = Turn(speaker="agent", text="Hello, this is a practice call.", start=0.0, end=1.0)
        db.session.add(
            TranscriptVersion(
                call_id=call.id,
                version=1,
                origin="asr",
                data=Transcript(duration=2.0, turns=(turn,)).to_json_dict(),
            )
        )
    db.session.commit()
    return call.id


def other_organisation_trainee() -> Login:
    """A trainee of a second organisation, in its team, to prove nothing crosses organisations."""
    organisation = Organisation(name="Other Collections")
    db.session.add(organisation)
    db.session.flush()
    password = generate_password()
    invitation = accounts.create_user(
        None,
        organisation_id=organisation.id,
        email="olga@other.example",
        name="Olga Outsider",
        roles=[Role.TRAINEE],
        password=password,
    )
    team = Team(organisation_id=organisation.id, name="Team Elsewhere")
    team.member_rows.append(TeamMember(user_id=invitation.user.id))
    db.session.add(team)
    db.session.commit()
    return Login(Role.TRAINEE, invitation.user.email, password, invitation.user.id)


def team_of(user_id: int) -> int:
    """The id of the (first) team the user is a member of."""
    team_id = db.session.scalar(select(TeamMember.team_id).where(TeamMember.user_id == user_id))
    assert team_id is not None
    return team_id


def scenario_run(
    owner_id: int, scenario_id: str = "us-cease-request", *, ended: bool = False
) -> int:
    """A run of the user's, started as the brief's button starts one (no reply yet), or ended
    at the scenario's breach ending without a scorecard; its id."""
    owner = db.session.get(User, owner_id)
    assert owner is not None
    run = roleplay.start_run(owner, scenario_id)
    if ended:
        run.status, run.meets_objective, run.ended_at = RunStatus.ENDED, False, utcnow()
        run.ending_id = roleplay.scenario(scenario_id).on_critical
        run.ending_kind, run.scorecard = "breach", {}
        db.session.commit()
    return run.id


def quiz_attempt(
    owner_id: int, program_id: str = "uk-conc7-foundation", *, passed: bool = False
) -> int:
    """An attempt of the user's at a program, in progress, or submitted with every right
    answer (which issues a certificate) when ``passed``; its id."""
    owner = db.session.get(User, owner_id)
    assert owner is not None
    attempt = certification.start_attempt(owner, program_id)
    if passed:
        paper = certification.paper_of(attempt)
        answers = {item.number: list(item.question.key()) for item in paper.items}
        certification.submit(owner, attempt.id, answers)
    return attempt.id


def certificate_of(owner_id: int) -> int:
    """A certificate of the user's (from a passed attempt); its id."""
    attempt_id = quiz_attempt(owner_id, passed=True)
    found = db.session.scalars(
        select(Certificate).where(Certificate.attempt_id == attempt_id)
    ).one()
    return found.id


# --- certification records built directly (reports need exact states, not real sittings) ---


def open_assignment(
    user_id: int,
    program_id: str = "uk-conc7-foundation",
    *,
    due_in_days: int = 14,
    team_id: int | None = None,
) -> int:
    """An open assignment of the program to the user, due ``due_in_days`` from today; its id."""
    from datetime import timedelta

    from coach.models import CertificationAssignment

    owner = db.session.get(User, user_id)
    assert owner is not None
    row = CertificationAssignment(
        organisation_id=owner.organisation_id,
        user_id=owner.id,
        program_id=program_id,
        due_on=utcnow().date() + timedelta(days=due_in_days),
        team_id=team_id,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def graded_attempt(
    user_id: int,
    credits: dict[str, float | None],
    program_id: str = "uk-conc7-foundation",
    *,
    passed: bool = False,
    submitted: bool = True,
    days_ago: float = 1.0,
    prompt: str = "Question {id}",
) -> int:
    """An attempt whose paper is the questions named in ``credits`` (in that order), each
    answered with that credit (None: left unanswered), submitted ``days_ago`` unless
    ``submitted`` is False (then in progress, its deadline an hour ahead); its id."""
    from datetime import timedelta

    from coach.models import AttemptAnswer, AttemptStatus, QuizAttempt

    owner = db.session.get(User, user_id)
    assert owner is not None
    when = utcnow() - timedelta(days=days_ago)
    items = [
        {
            "number": number,
            "bank": "bank",
            "question": {"id": key, "topic": "topic", "prompt": prompt.format(id=key)},
            "choice_order": [],
        }
        for number, key in enumerate(credits, start=1)
    ]
    attempt = QuizAttempt(
        organisation_id=owner.organisation_id,
        user_id=owner.id,
        program_id=program_id,
        program_version="1.0.0",
        program_sha256="0" * 64,
        seed=1,
        paper={"program_id": program_id, "program_version": "1.0.0", "seed": 1, "items": items},
        pass_mark=80,
        review="after_submit",
        status=AttemptStatus.SUBMITTED if submitted else AttemptStatus.IN_PROGRESS,
        started_at=when,
        deadline_at=when + timedelta(hours=1) if submitted else utcnow() + timedelta(hours=1),
        submitted_at=when if submitted else None,
        score=100.0 * sum(c or 0.0 for c in credits.values()) / len(credits) if submitted else None,
        passed=passed if submitted else None,
    )
    for number, (key, earned) in enumerate(credits.items(), start=1):
        if earned is not None:
            attempt.answers.append(
                AttemptAnswer(number=number, question_id=key, answer=["a"], credit=earned)
            )
    db.session.add(attempt)
    db.session.commit()
    return attempt.id


def issued_certificate(
    user_id: int,
    program_id: str = "uk-conc7-foundation",
    *,
    expires_in_days: int = 300,
    revoked: bool = False,
) -> int:
    """A certificate of the program held by the user, issued a day ago; its id."""
    import secrets
    from datetime import timedelta

    owner = db.session.get(User, user_id)
    assert owner is not None
    now = utcnow()
    row = Certificate(
        organisation_id=owner.organisation_id,
        user_id=owner.id,
        program_id=program_id,
        program_version="1.0.0",
        program_title=certification.program(program_id).title,
        code=secrets.token_urlsafe(18),
        score=90.0,
        issued_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=expires_in_days),
        rule_packs={},
        revoked_at=now if revoked else None,
        revoked_reason="Revoked in a test" if revoked else None,
    )
    db.session.add(row)
    db.session.commit()
    return row.id
