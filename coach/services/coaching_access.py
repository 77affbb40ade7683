"""Who may coach whom: review, override, resolve and assign on a trainee's records.

Kept apart from the services that use it so the call and role-play services, which report
completed practice to :mod:`coach.services.practice_assignments`, import nothing that
imports them back.
"""

from __future__ import annotations

from coach.errors import Forbidden
from coach.models import Role, User
from coach.services import access


def may_coach(viewer: User, subject: User) -> bool:
    """True when ``viewer`` coaches ``subject`` (leads a team they are in) or administers their
    organisation; nobody coaches their own records, and compliance officers only read."""
    return (
        viewer.id != subject.id
        and viewer.has_role(Role.COACH, Role.ADMIN)
        and access.may_change_user_records(viewer, subject)
    )


def require_coach(viewer: User, subject: User, doing: str) -> None:
    """Forbidden unless :func:`may_coach`: "Only … coach or an administrator can ``doing``."."""
    if not may_coach(viewer, subject):
        raise Forbidden(f"Only the trainee's coach or an administrator can {doing}.")
