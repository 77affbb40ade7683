"""Certification reports for compliance officers: where each person stands on each program,
counted per team, exported as CSV, and item analysis of the questions attempts drew.

A report has one row per person and program, for everyone in the organisation who has an
open assignment, an attempt or a certificate of the program. Each figure means exactly:

- **assigned**: has an open assignment of the program (not yet completed by a certificate);
- **in progress**: has an attempt in progress whose time has not run out;
- **passed**: holds a valid certificate of the program (not expired, not revoked, not
  flagged for recertification);
- **failed**: holds no valid certificate, has no attempt in progress, and their latest
  submitted attempt did not pass;
- **overdue**: has an open assignment whose due date is before today (UTC);
- **expiring**: holds a valid certificate that expires within the next 30 days.

Attempts whose time ran out are submitted (graded) before anything is counted, as every other
reader of attempts does, so a report never shows a finished attempt as in progress.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import selectinload

from coach.errors import Conflict
from coach.extensions import db
from coach.models import (
    AttemptStatus,
    Certificate,
    CertificationAssignment,
    QuizAttempt,
    Team,
    TeamMember,
    User,
)
from coach.models._columns import as_utc, utcnow
from coach.quizzes.program import CertificationProgram
from coach.services import access, audit, certification, teams
from coach.services.certificates import CertificateStatus, status_of

EXPIRING_WITHIN = timedelta(days=30)
NO_TEAM = "No team"

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Assigned", "has an open assignment of the program (not yet completed by a certificate)"),
    ("In progress", "has an attempt in progress whose time has not run out"),
    (
        "Passed",
        "holds a valid certificate (not expired, not revoked, not flagged for recertification)",
    ),
    (
        "Failed",
        "holds no valid certificate, has no attempt in progress, and their latest submitted "
        "attempt did not pass",
    ),
    ("Overdue", "has an open assignment whose due date is before today (UTC)"),
    (
        "Expiring",
        f"holds a valid certificate that expires within the next {EXPIRING_WITHIN.days} days",
    ),
)


class State(enum.StrEnum):
    """Where a person stands on a program, one word for the table (in this precedence)."""

    IN_PROGRESS = "in progress"
    PASSED = "passed"
    FAILED = "failed"
    NOT_CERTIFIED = "not certified"


@dataclass(frozen=True)
class PersonStatus:
    """One person's standing on one program; the flags are the module's definitions."""

    user_id: int
    name: str
    email: str
    teams: tuple[str, ...]
    program_id: str
    program_title: str
    assigned: bool
    due_on: date | None
    overdue: bool
    in_progress: bool
    passed: bool
    failed: bool
    expiring: bool
    certificate_status: str
    certificate_expires: datetime | None
    attempts: int
    latest_score: float | None

    @property
    def state(self) -> State:
        if self.in_progress:
            return State.IN_PROGRESS
        if self.passed:
            return State.PASSED
        return State.FAILED if self.failed else State.NOT_CERTIFIED


@dataclass(frozen=True)
class Counts:
    """How many people of a group meet each definition."""

    people: int = 0
    assigned: int = 0
    in_progress: int = 0
    passed: int = 0
    failed: int = 0
    overdue: int = 0
    expiring: int = 0

    @classmethod
    def of(cls, rows: Iterable[PersonStatus]) -> Counts:
        listed = list(rows)
        return cls(
            people=len(listed),
            assigned=sum(r.assigned for r in listed),
            in_progress=sum(r.in_progress for r in listed),
            passed=sum(r.passed for r in listed),
            failed=sum(r.failed for r in listed),
            overdue=sum(r.overdue for r in listed),
            expiring=sum(r.expiring for r in listed),
        )


@dataclass(frozen=True)
class SummaryRow:
    """The counts of one program for one team (``team`` is NO_TEAM for people in none)."""

    program_id: str
    program_title: str
    team: str
    counts: Counts


@dataclass(frozen=True)
class ProgramSummary:
    """The counts of one program across the organisation (each person once)."""

    program_id: str
    program_title: str
    counts: Counts


@dataclass(frozen=True)
class Report:
    """Person rows, their counts per program and team, and per program overall."""

    people: list[PersonStatus]
    by_team: list[SummaryRow]
    by_program: list[ProgramSummary]


def report(
    officer: User, program_id: str = "", team_id: int | None = None, now: datetime | None = None
) -> Report:
    """The organisation's report, narrowed to one program and one team when given (NotFound
    for a program or team that does not exist)."""
    now = now or utcnow()
    access.require_compliance(officer, "read certification reports")
    chosen = [certification.program(program_id)] if program_id else certification.programs()
    team = teams.get_team(officer, team_id) if team_id is not None else None
    ids = [p.id for p in chosen]
    _close_timed_out(officer, ids, now)
    memberships = _team_names(officer)
    people = _people_rows(officer, chosen, memberships, now)
    if team is not None:
        people = [row for row in people if team.name in row.teams]
    return Report(
        people=people,
        by_team=_by_team(chosen, people),
        by_program=[
            ProgramSummary(p.id, p.title, Counts.of(r for r in people if r.program_id == p.id))
            for p in chosen
        ],
    )


def program_summaries(officer: User, now: datetime | None = None) -> list[ProgramSummary]:
    """Each program's organisation-wide counts (the compliance dashboard's card)."""
    return report(officer, now=now).by_program


def csv_export(
    officer: User, program_id: str = "", team_id: int | None = None, now: datetime | None = None
) -> Iterator[list[object]]:
    """The report's person rows for a CSV under ``CSV_HEADER`` (write them with
    ``coach.csv_export``, which makes the cells formula-safe). Access is checked and the
    export audited now, when it is asked for, not when the rows are read: it takes personal
    records out of Coach."""
    rows = report(officer, program_id, team_id, now).people
    audit.record(
        officer,
        "certification.report_exported",
        "certification_report",
        None,
        program=program_id or None,
        team_id=team_id,
        rows=len(rows),
    )
    db.session.commit()
    return (_csv_values(row) for row in rows)


CSV_HEADER = (
    "Person",
    "Email",
    "Teams",
    "Program",
    "State",
    "Assigned",
    "Due on",
    "Overdue",
    "Certificate",
    "Certificate expires",
    f"Expiring within {EXPIRING_WITHIN.days} days",
    "Attempts",
    "Latest score",
)


def _csv_values(row: PersonStatus) -> list[object]:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    return [
        row.name,
        row.email,
        "; ".join(row.teams),
        row.program_title,
        row.state.value,
        yes(row.assigned),
        row.due_on.isoformat() if row.due_on else "",
        yes(row.overdue),
        row.certificate_status,
        row.certificate_expires.date().isoformat() if row.certificate_expires else "",
        yes(row.expiring),
        row.attempts,
        f"{row.latest_score:.0f}" if row.latest_score is not None else "",
    ]


# --- building the rows ------------------------------------------------------------------------


def _close_timed_out(officer: User, program_ids: list[str], now: datetime) -> None:
    stale = db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.organisation_id == officer.organisation_id,
            QuizAttempt.program_id.in_(program_ids),
            QuizAttempt.status == AttemptStatus.IN_PROGRESS,
            QuizAttempt.deadline_at < now - certification.GRACE,
        )
    )
    for attempt in list(stale):
        try:
            certification.close_if_timed_out(attempt, now)
        except Conflict:  # another request graded it first: its result stands
            continue


def _team_names(officer: User) -> dict[int, tuple[str, ...]]:
    """The names of the teams each person of the organisation is in, by user id."""
    rows = db.session.execute(
        select(TeamMember.user_id, Team.name)
        .join(Team, Team.id == TeamMember.team_id)
        .where(Team.organisation_id == officer.organisation_id)
        .order_by(Team.name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for user_id, name in rows:
        names[user_id].append(name)
    return {user_id: tuple(found) for user_id, found in names.items()}


# What a report reads of a certificate: what its status depends on
# (``certificates.CertificateDates``) and what picks the one shown, as ``_CertificateRow``.
_CERTIFICATE_STATUS = (
    Certificate.id,
    Certificate.user_id,
    Certificate.program_id,
    Certificate.issued_at,
    Certificate.expires_at,
    Certificate.revoked_at,
    Certificate.recertify_since,
)
_CertificateRow = Row[int, int, str, datetime, datetime, datetime | None, datetime | None]


@dataclass
class _Records:
    """One person's records of one program, as loaded: attempts summed up by the database."""

    due_dates: list[date] = field(default_factory=list)  # of the open assignments
    in_progress: bool = False
    submitted: int = 0
    latest_score: float | None = None  # of the latest submitted attempt
    latest_passed: bool | None = None
    certificates: list[_CertificateRow] = field(default_factory=list)


def _people_rows(
    officer: User,
    chosen: Sequence[CertificationProgram],
    memberships: dict[int, tuple[str, ...]],
    now: datetime,
) -> list[PersonStatus]:
    ids = [p.id for p in chosen]
    org = officer.organisation_id
    grouped: dict[tuple[int, str], _Records] = defaultdict(_Records)
    # Plain rows, not entities: an organisation has hundreds of each, and building an
    # entity per row took a fifth of the report's time (the compliance dashboard reads it).
    for user_id, program_id, due_on in db.session.execute(
        select(
            CertificationAssignment.user_id,
            CertificationAssignment.program_id,
            CertificationAssignment.due_on,
        ).where(
            CertificationAssignment.organisation_id == org,
            CertificationAssignment.program_id.in_(ids),
            *CertificationAssignment.still_open(),
        )
    ):
        grouped[(user_id, program_id)].due_dates.append(due_on)
    _add_attempts(org, ids, grouped)
    for certificate in db.session.execute(
        select(*_CERTIFICATE_STATUS).where(
            Certificate.organisation_id == org, Certificate.program_id.in_(ids)
        )
    ):
        grouped[(certificate.user_id, certificate.program_id)].certificates.append(certificate)
    users = {  # everyone of the organisation: cheaper than naming hundreds of ids
        row.id: row
        for row in db.session.execute(
            select(User.id, User.name, User.email).where(User.organisation_id == org)
        )
    }
    titles = {p.id: p.title for p in chosen}
    rows = [
        _status(users[user_id], titles[program_id], program_id, memberships, found, now)
        for (user_id, program_id), found in grouped.items()
    ]
    order = {p.id: index for index, p in enumerate(chosen)}
    return sorted(rows, key=lambda r: (order[r.program_id], r.name.lower(), r.user_id))


def _add_attempts(org: int, ids: list[str], grouped: dict[tuple[int, str], _Records]) -> None:
    """Each person's attempts of each program counted, and their latest submitted one, by the
    database: thousands of rows per organisation. ix_quiz_attempts_report holds the columns
    read, so SQLite never reads the frozen papers stored before them in each row."""
    of_programs = (QuizAttempt.organisation_id == org, QuizAttempt.program_id.in_(ids))
    submitted = QuizAttempt.status == AttemptStatus.SUBMITTED
    for row in db.session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.program_id,
            func.sum(case((submitted, 1), else_=0)).label("submitted"),
            func.max(case((QuizAttempt.status == AttemptStatus.IN_PROGRESS, 1), else_=0)).label(
                "in_progress"
            ),
        )
        .where(*of_programs)
        .group_by(QuizAttempt.user_id, QuizAttempt.program_id)
    ):
        found = grouped[(row.user_id, row.program_id)]
        found.submitted, found.in_progress = row.submitted, bool(row.in_progress)
    newest_first = func.row_number().over(
        partition_by=(QuizAttempt.user_id, QuizAttempt.program_id),
        order_by=(
            func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at).desc(),
            QuizAttempt.id.desc(),
        ),
    )
    ranked = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.program_id,
            QuizAttempt.score,
            QuizAttempt.passed,
            newest_first.label("rank"),
        )
        .where(*of_programs, submitted)
        .subquery()
    )
    for row in db.session.execute(
        select(ranked.c.user_id, ranked.c.program_id, ranked.c.score, ranked.c.passed).where(
            ranked.c.rank == 1
        )
    ):
        found = grouped[(row.user_id, row.program_id)]
        found.latest_score, found.latest_passed = row.score, row.passed


def _status(
    user: Row[int, str, str],
    title: str,
    program_id: str,
    memberships: dict[int, tuple[str, ...]],
    found: _Records,
    now: datetime,
) -> PersonStatus:
    held = _best_certificate(found.certificates, now)
    valid = held is not None and status_of(held, now) == CertificateStatus.VALID
    in_progress = found.in_progress
    due_on = min(found.due_dates, default=None)
    expires = as_utc(held.expires_at) if held is not None else None
    return PersonStatus(
        user_id=user.id,
        name=user.name,
        email=user.email,
        teams=memberships.get(user.id, ()),
        program_id=program_id,
        program_title=title,
        assigned=bool(found.due_dates),
        due_on=due_on,
        overdue=due_on is not None and due_on < now.date(),
        in_progress=in_progress,
        passed=valid,
        failed=not valid and not in_progress and bool(found.submitted) and not found.latest_passed,
        expiring=valid and expires is not None and expires <= now + EXPIRING_WITHIN,
        certificate_status=status_of(held, now).value if held is not None else "",
        certificate_expires=expires,
        attempts=found.submitted,
        latest_score=found.latest_score,
    )


def _best_certificate(found: list[_CertificateRow], now: datetime) -> _CertificateRow | None:
    """The valid certificate if there is one, else the newest (None: never certified)."""
    newest_first = sorted(found, key=lambda c: (as_utc(c.issued_at), c.id), reverse=True)
    valid = [c for c in newest_first if status_of(c, now) == CertificateStatus.VALID]
    return next(iter(valid or newest_first), None)


def _by_team(
    chosen: Sequence[CertificationProgram], people: list[PersonStatus]
) -> list[SummaryRow]:
    """Counts per program and team; a person in two teams counts in both."""
    rows = []
    for program in chosen:
        of_program = [r for r in people if r.program_id == program.id]
        names = sorted({team for r in of_program for team in r.teams}, key=str.lower)
        for name in names:
            counts = Counts.of(r for r in of_program if name in r.teams)
            rows.append(SummaryRow(program.id, program.title, name, counts))
        unteamed = [r for r in of_program if not r.teams]
        if unteamed:
            rows.append(SummaryRow(program.id, program.title, NO_TEAM, Counts.of(unteamed)))
    return rows


# --- certificates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateRow:
    """A certificate with its status now, for the officers' list."""

    certificate: Certificate
    status: CertificateStatus

    @property
    def revocable(self) -> bool:
        return self.status != CertificateStatus.REVOKED


def certificate_list(
    officer: User, program_id: str = "", now: datetime | None = None
) -> list[CertificateRow]:
    """The organisation's certificates (of one program, when given), newest first."""
    access.require_compliance(officer, "read certification reports")
    query = select(Certificate).where(Certificate.organisation_id == officer.organisation_id)
    if program_id:
        query = query.where(Certificate.program_id == program_id)
    found = db.session.scalars(
        query.options(selectinload(Certificate.user)).order_by(
            Certificate.issued_at.desc(), Certificate.id.desc()
        )
    )
    return [CertificateRow(c, status_of(c, now)) for c in found]
