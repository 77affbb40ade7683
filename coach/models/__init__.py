"""Persistence models (SQLAlchemy 2.0 typed mappings). Models never commit."""

from coach.models.audit import AuditEntry
from coach.models.organisation import Organisation, Team, TeamMember
from coach.models.user import Role, User, UserRole

__all__ = ["AuditEntry", "Organisation", "Role", "Team", "TeamMember", "User", "UserRole"]
