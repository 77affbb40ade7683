"""The JSON shape of each record the API returns: stable keys, integer ids, UTC times.

Times are ISO 8601 in UTC with a ``Z`` (``2026-01-31T09:00:00Z``). Nothing here carries
transcript text or answers: an activity is its summary row, never the call it summarises.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for

from coach.api.queries import Membership
from coach.models import Activity, Certificate, User
from coach.models._columns import as_utc
from coach.services.certificates import CertificateStatus, status_of

if TYPE_CHECKING:
    from coach.services.progress import SkillStatus

JSON = dict[str, Any]


def spelled(status: CertificateStatus) -> str:
    """How the API spells a certificate status (no spaces: it is a query parameter too)."""
    return status.value.replace(" ", "_")


CERTIFICATE_STATUSES = {spelled(status): status for status in CertificateStatus}


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def person(user: User, teams: list[Membership]) -> JSON:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "roles": sorted(role.value for role in user.roles),
        "teams": [{"id": m.team_id, "name": m.name, "as": m.role} for m in teams],
        "experience_level": user.experience_level,
        "active": user.active,
    }


def skill(status: SkillStatus) -> JSON:
    estimate = status.estimate
    return {
        "id": status.skill_id,
        "name": status.name,
        "estimate": {"mean": estimate.mean, "low": estimate.low, "high": estimate.high},
        "evidence": estimate.evidence,
        "enough": estimate.enough,
        "last_seen": timestamp(estimate.last_seen),
        "target": status.target,
        "gap": status.gap,
        "trend": status.trend,
    }


def activity(row: Activity) -> JSON:
    return {
        "id": row.id,
        "person_id": row.person_id,
        "kind": row.kind.value,
        "source_id": row.source_id,
        "title": row.title,
        "at": timestamp(row.at),
        "score": row.score,
        "overridden": row.overridden,
        "outcome": row.outcome,
        "critical_findings": row.critical_findings,
        "breaches": row.breaches,
    }


def certificate(row: Certificate) -> JSON:
    return {
        "id": row.id,
        "code": row.code,
        "program": {
            "id": row.program_id,
            "title": row.program_title,
            "version": row.program_version,
        },
        "person_id": row.user_id,
        "score": row.score,
        "issued_at": timestamp(row.issued_at),
        "expires_at": timestamp(row.expires_at),
        "status": spelled(status_of(row)),
        "revoked_at": timestamp(row.revoked_at),
        "verify_url": url_for("verify.certificate", code=row.code, _external=True),
    }
