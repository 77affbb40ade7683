"""The navigation each user sees, derived from their roles."""

from __future__ import annotations

from dataclasses import dataclass

from coach.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str


_ITEMS: tuple[tuple[NavItem, frozenset[Role] | None], ...] = (
    (NavItem("Dashboard", "dashboard.index"), None),
    (
        NavItem("Practice calls", "calls.index"),
        frozenset({Role.TRAINEE, Role.COACH, Role.COMPLIANCE, Role.ADMIN}),
    ),
    (NavItem("Role-play", "roleplay.library"), None),
    (NavItem("Certification", "certification.index"), None),
    (NavItem("My team", "dashboard.team"), frozenset({Role.COACH})),
    (NavItem("Review queue", "coaching.queue"), frozenset({Role.COACH})),
    (NavItem("Compliance", "dashboard.compliance"), frozenset({Role.COMPLIANCE, Role.ADMIN})),
    (
        NavItem("Manage certification", "certification_admin.report"),
        frozenset({Role.COMPLIANCE, Role.ADMIN}),
    ),
    (NavItem("Users", "admin.users"), frozenset({Role.ADMIN})),
    (NavItem("Teams", "admin.team_list"), frozenset({Role.ADMIN})),
    (NavItem("Audit log", "admin.audit_log"), frozenset({Role.ADMIN})),
    (NavItem("My data", "privacy.index"), None),
)


def navigation_for(user: User | None) -> list[NavItem]:
    """Menu entries ``user`` may open (none when signed out)."""
    if user is None:
        return []
    return [item for item, needed in _ITEMS if needed is None or user.has_role(*needed)]
