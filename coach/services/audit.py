"""Recording audit entries; callers commit them with the change they describe."""

from __future__ import annotations

from typing import Any

from coach.extensions import db
from coach.models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    organisation_id: int | None = None,
    **detail: Any,
) -> None:
    """Add an audit entry to the session. ``detail`` must hold ids and flags, never content."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            organisation_id=organisation_id
            if organisation_id is not None
            else (actor.organisation_id if actor else None),
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=detail,
        )
    )
