"""Demo organisation for a fresh install: one admin, a compliance officer, a coach and a team."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from coach.extensions import db
from coach.models import Organisation, Role
from coach.services import accounts, teams
from coach.services.passwords import generate_password

DEMO_ORGANISATION = "Demo Collections"
DEMO_TEAM = "Team North"

_PEOPLE: tuple[tuple[Role, str, str], ...] = (
    (Role.ADMIN, "admin@demo.coach", "Alex Admin"),
    (Role.COMPLIANCE, "compliance@demo.coach", "Casey Compliance"),
    (Role.COACH, "coach@demo.coach", "Morgan Coach"),
    (Role.TRAINEE, "priya@demo.coach", "Priya Trainee"),
    (Role.TRAINEE, "sam@demo.coach", "Sam Trainee"),
    (Role.TRAINEE, "jordan@demo.coach", "Jordan Trainee"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str


def seed_demo(credentials_file: Path) -> list[DemoLogin] | None:
    """Create the demo organisation once; None when it already exists (nothing is changed)."""
    if db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION)):
        return None
    organisation = Organisation(name=DEMO_ORGANISATION)
    db.session.add(organisation)
    db.session.flush()
    logins: list[DemoLogin] = []
    created = {}
    for role, email, name in _PEOPLE:
        password = generate_password()
        invitation = accounts.create_user(
            None,
            organisation_id=organisation.id,
            email=email,
            name=name,
            roles=[role],
            password=password,
        )
        created[email] = invitation.user
        logins.append(DemoLogin(role, email, password))
    admin = created["admin@demo.coach"]
    team = teams.create_team(admin, DEMO_TEAM, created["coach@demo.coach"].id)
    for _role, email, _name in _PEOPLE:
        if created[email].has_role(Role.TRAINEE):
            teams.add_member(admin, team.id, created[email].id)
    _write_credentials(credentials_file, logins)
    return logins


def _write_credentials(path: Path, logins: list[DemoLogin]) -> None:
    """One ``ROLE EMAIL PASSWORD`` line per user, readable by the owner only (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for login in logins:
            handle.write(f"{login.role.value} {login.email} {login.password}\n")
