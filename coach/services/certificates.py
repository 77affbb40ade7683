"""Certificates: issued on a pass, verified by anyone who has the code, revoked with a reason,
and flagged for recertification when a rule pack they certify gets a new major version.

A rule pack's version is ``MAJOR.MINOR.PATCH`` (the shipped packs use the year as MAJOR):
a new major version is a change in the law or its reading that a collector must relearn, so
every certificate pinned to an older major is flagged and its holder assigned the program
again; minor and patch changes (wording, detection) leave certificates alone.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import (
    AssignmentReason,
    Certificate,
    CertificationAssignment,
    QuizAttempt,
    User,
)
from coach.models._columns import as_utc, utcnow
from coach.quizzes.program import CertificationProgram
from coach.services import access, audit

# How long a holder has to recertify after a rule pack's major version changes.
RECERTIFY_WITHIN = timedelta(days=30)
MAX_REASON = 500


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    RECERTIFY = "recertification required"


class CertificateDates(Protocol):
    """What a certificate's status depends on: a loaded ``Certificate`` or a report's row."""

    @property
    def expires_at(self) -> datetime: ...

    @property
    def revoked_at(self) -> datetime | None: ...

    @property
    def recertify_since(self) -> datetime | None: ...


def status_of(certificate: CertificateDates, now: datetime | None = None) -> CertificateStatus:
    """Revoked outranks everything; a certificate due for recertification is not valid."""
    now = now or utcnow()
    if certificate.revoked_at is not None:
        return CertificateStatus.REVOKED
    if certificate.recertify_since is not None:
        return CertificateStatus.RECERTIFY
    if as_utc(certificate.expires_at) <= now:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def current_certificate(
    user: User, program_id: str, now: datetime | None = None
) -> Certificate | None:
    """``user``'s valid certificate of the program, if any."""
    return next(
        (
            c
            for c in _certificates(user.id, program_id)
            if status_of(c, now) == CertificateStatus.VALID
        ),
        None,
    )


def certificates_of(user: User) -> list[Certificate]:
    """Every certificate ``user`` holds or held, newest first."""
    return _certificates(user.id)


def _certificates(user_id: int, program_id: str | None = None) -> list[Certificate]:
    query = select(Certificate).where(Certificate.user_id == user_id)
    if program_id is not None:
        query = query.where(Certificate.program_id == program_id)
    return list(db.session.scalars(query.order_by(Certificate.issued_at.desc())))


def cycle_start(user: User, program_id: str) -> datetime | None:
    """When ``user``'s current round of attempts began: the program's latest assignment to
    them (not cancelled) or their latest pass, whichever is later (None: neither)."""
    assigned = db.session.scalars(
        select(CertificationAssignment.created_at)
        .where(
            CertificationAssignment.user_id == user.id,
            CertificationAssignment.program_id == program_id,
            CertificationAssignment.cancelled_at.is_(None),
        )
        .order_by(CertificationAssignment.created_at.desc())
    ).first()
    passed = db.session.scalars(
        select(Certificate.issued_at)
        .where(Certificate.user_id == user.id, Certificate.program_id == program_id)
        .order_by(Certificate.issued_at.desc())
    ).first()
    moments = [as_utc(m) for m in (assigned, passed) if m is not None]
    return max(moments) if moments else None


def issue(attempt: QuizAttempt, program: CertificationProgram, now: datetime) -> Certificate:
    """A certificate for a passed attempt, pinned to today's rule-pack versions; it closes the
    holder's open assignments of the program. The caller commits."""
    versions = rule_pack_versions()
    certificate = Certificate(
        organisation_id=attempt.organisation_id,
        user_id=attempt.user_id,
        program_id=program.id,
        program_version=program.version,
        program_title=program.title,
        attempt_id=attempt.id,
        code=secrets.token_urlsafe(18),
        score=attempt.score or 0.0,
        issued_at=now,
        expires_at=now + timedelta(days=program.valid_for_days),
        rule_packs={pack: versions[pack] for pack in program.rule_packs if pack in versions},
    )
    db.session.add(certificate)
    db.session.flush()
    for assignment in open_assignments(attempt.user_id, program.id):
        assignment.completed_at = now
        assignment.certificate_id = certificate.id
    audit.record(
        attempt.user,
        "certification.certificate_issued",
        "certificate",
        certificate.id,
        program=program.id,
    )
    return certificate


def open_assignments(user_id: int, program_id: str) -> list[CertificationAssignment]:
    """The program's assignments to ``user_id`` not yet completed."""
    return list(
        db.session.scalars(
            select(CertificationAssignment).where(
                CertificationAssignment.user_id == user_id,
                CertificationAssignment.program_id == program_id,
                *CertificationAssignment.still_open(),
            )
        )
    )


def rule_pack_versions() -> dict[str, str]:
    """The loaded rule packs' versions, by pack id."""
    return {
        pack.pack: pack.version for pack in current_app.extensions["coach.catalog"].get("rules")
    }


# --- verification and revocation -----------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows: no more than an auditor needs."""

    holder: str
    program: str
    issued_at: datetime
    expires_at: datetime
    status: CertificateStatus
    detail: str


def verify(code: str, now: datetime | None = None) -> Verification:
    """The certificate with ``code``, for anyone (no login); NotFound for an unknown code."""
    certificate = db.session.scalars(select(Certificate).where(Certificate.code == code)).first()
    if certificate is None:
        raise NotFound("No certificate has this code. Check it against the certificate.")
    state = status_of(certificate, now)
    detail = {
        CertificateStatus.REVOKED: f"Revoked: {certificate.revoked_reason}",
        CertificateStatus.RECERTIFY: f"Recertification required: {certificate.recertify_reason}",
        CertificateStatus.EXPIRED: "Expired.",
        CertificateStatus.VALID: "Valid.",
    }[state]
    return Verification(
        holder=certificate.user.name,
        program=certificate.program_title,
        issued_at=as_utc(certificate.issued_at),
        expires_at=as_utc(certificate.expires_at),
        status=state,
        detail=detail,
    )


def visible_certificate(viewer: User, certificate_id: int) -> Certificate:
    """The certificate if ``viewer`` may see it (its holder, their coach, compliance, admin)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not access.may_view_practice_record(
        viewer, certificate.user, certificate.organisation_id
    ):
        raise NotFound("No such certificate.")
    return certificate


def revoke(officer: User, certificate_id: int, reason: str, now: datetime | None = None) -> None:
    """Revokes a certificate (compliance officers and admins), with the reason shown to anyone
    who verifies it; a certificate is revoked once."""
    if not access.may_view_compliance_data(officer):
        raise Forbidden("Only compliance officers can revoke certificates.")
    certificate = visible_certificate(officer, certificate_id)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Give the reason for revoking: it is shown on the verification page.")
    if len(reason) > MAX_REASON:
        raise ServiceError(f"Keep the reason under {MAX_REASON} characters.")
    if certificate.revoked_at is not None:
        raise Conflict("This certificate is already revoked.")
    certificate.revoked_at = now or utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = officer.id
    audit.record(officer, "certification.certificate_revoked", "certificate", certificate.id)
    db.session.commit()


# --- recertification -----------------------------------------------------------------------


def major(version: str) -> int:
    """The major part of a ``MAJOR.MINOR.PATCH`` rule-pack version."""
    return int(version.split(".", 1)[0])


def flag_rule_pack_changes(now: datetime | None = None) -> int:
    """Flags every valid certificate pinned to an older major version of a rule pack than the
    one loaded, and assigns its program to the holder again; returns how many were flagged.
    Idempotent: a flagged certificate is not flagged twice."""
    now = now or utcnow()
    current = rule_pack_versions()
    flagged = 0
    candidates = db.session.scalars(
        select(Certificate).where(
            Certificate.revoked_at.is_(None), Certificate.recertify_since.is_(None)
        )
    )
    for certificate in candidates:
        changed = sorted(
            f"{pack} {pinned} → {current[pack]}"
            for pack, pinned in certificate.rule_packs.items()
            if pack in current and major(current[pack]) > major(pinned)
        )
        if not changed or status_of(certificate, now) != CertificateStatus.VALID:
            continue
        certificate.recertify_since = now
        certificate.recertify_reason = "new rule-pack version: " + ", ".join(changed)
        _reassign(certificate, now)
        flagged += 1
    if flagged:
        audit.record(
            None, "certification.recertification_flagged", "certificate", None, count=flagged
        )
    db.session.commit()
    return flagged


def recertification_task(_payload: dict, progress: Callable[[float], None]) -> None:
    """Job task (kind ``flag_recertification``), queued periodically by each app process."""
    flag_rule_pack_changes()
    progress(1.0)


def _reassign(certificate: Certificate, now: datetime) -> None:
    if open_assignments(certificate.user_id, certificate.program_id):
        return
    db.session.add(
        CertificationAssignment(
            organisation_id=certificate.organisation_id,
            user_id=certificate.user_id,
            program_id=certificate.program_id,
            due_on=(now + RECERTIFY_WITHIN).date(),
            reason=AssignmentReason.RECERTIFICATION,
            created_at=now,
        )
    )
