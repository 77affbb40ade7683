"""Account services against the real database (each test runs on SQLite and PostgreSQL)."""

import stat
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from coach.errors import Forbidden, ServiceError
from coach.extensions import db
from coach.models import AuditEntry, Role, User
from coach.services import accounts, demo, teams
from coach.services.accounts import DuplicateEmail
from coach.services.passwords import WeakPassword
from tests import records


def _user(login) -> User:
    return db.session.get(User, login.user_id)


def test_duplicate_email_is_refused_and_nothing_written(app: Flask, people) -> None:
    with app.app_context():
        admin = _user(people["admin"])
        before = db.session.scalar(select(func.count(User.id)))
        with pytest.raises(DuplicateEmail):
            accounts.create_user(
                admin,
                organisation_id=admin.organisation_id,
                email="PRIYA@demo.coach",
                name="Another Priya",
                roles=[Role.TRAINEE],
            )
        db.session.rollback()
        assert db.session.scalar(select(func.count(User.id))) == before


def test_weak_password_is_refused_on_creation(app: Flask, people) -> None:
    with app.app_context():
        admin = _user(people["admin"])
        with pytest.raises(WeakPassword):
            accounts.create_user(
                admin,
                organisation_id=admin.organisation_id,
                email="new@demo.coach",
                name="New Person",
                roles=[Role.TRAINEE],
                password="short",
            )
        db.session.rollback()
        assert accounts.find_by_email("new@demo.coach") is None


def test_invitation_requires_password_change_and_is_audited(app: Flask, people) -> None:
    with app.app_context():
        admin = _user(people["admin"])
        invitation = accounts.create_user(
            admin,
            organisation_id=admin.organisation_id,
            email="ravi@demo.coach",
            name="Ravi Kumar",
            roles=[Role.TRAINEE, Role.COACH],
        )
        assert invitation.user.must_change_password
        assert invitation.user.roles == {Role.TRAINEE, Role.COACH}
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "user_created", AuditEntry.target_id == invitation.user.id
            )
        )
        assert entry is not None and entry.actor_id == admin.id
        assert "ravi" not in str(entry.detail).lower()


def test_authenticate_refuses_wrong_password_unknown_email_and_inactive(app: Flask, people) -> None:
    with app.app_context():
        priya = people["priya"]
        assert accounts.authenticate(priya.email, "wrong password here") is None
        assert accounts.authenticate("nobody@demo.coach", priya.password) is None
        assert accounts.authenticate(priya.email.upper(), priya.password).id == priya.user_id
        admin = _user(people["admin"])
        accounts.update_user(
            admin, priya.user_id, name="Priya Trainee", roles=[Role.TRAINEE], active=False
        )
        assert accounts.authenticate(priya.email, priya.password) is None


def test_admin_cannot_remove_own_admin_role(app: Flask, people) -> None:
    with app.app_context():
        admin = _user(people["admin"])
        with pytest.raises(Forbidden):
            accounts.update_user(admin, admin.id, name=admin.name, roles=[Role.COACH], active=True)
        db.session.rollback()
        assert _user(people["admin"]).has_role(Role.ADMIN)


def test_roles_can_be_replaced(app: Flask, people) -> None:
    with app.app_context():
        admin = _user(people["admin"])
        user = accounts.update_user(
            admin,
            people["sam"].user_id,
            name="Sam Trainee",
            roles=[Role.TRAINEE, Role.COMPLIANCE],
            active=True,
        )
        assert user.roles == {Role.TRAINEE, Role.COMPLIANCE}
        user = accounts.update_user(
            admin, people["sam"].user_id, name="Sam Trainee", roles=[Role.COMPLIANCE], active=True
        )
        assert _user(people["sam"]).roles == {Role.COMPLIANCE}


def test_change_password_checks_current_and_policy(app: Flask, people) -> None:
    with app.app_context():
        priya = _user(people["priya"])
        with pytest.raises(ServiceError, match="current password"):
            accounts.change_password(priya, "wrong", "Lantern-quiet-77x", "Lantern-quiet-77x")
        with pytest.raises(ServiceError, match="do not match"):
            accounts.change_password(priya, people["priya"].password, "Lantern-quiet-77x", "x")
        accounts.change_password(
            priya, people["priya"].password, "Lantern-quiet-77x", "Lantern-quiet-77x"
        )
        assert accounts.authenticate(priya.email, "Lantern-quiet-77x") is not None


def test_only_trainees_join_teams_and_only_coaches_lead(app: Flask, people) -> None:
    with app.app_context():
        admin = _user(people["admin"])
        team = teams.create_team(admin, "Team South", None)
        with pytest.raises(ServiceError, match="not a trainee"):
            teams.add_member(admin, team.id, people["compliance"].user_id)
        with pytest.raises(ServiceError, match="coach role"):
            teams.set_coach(admin, team.id, people["sam"].user_id)
        with pytest.raises(ServiceError, match="already exists"):
            teams.create_team(admin, "team north", None)


def test_demo_seed_is_idempotent_and_credentials_are_private(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        credentials = tmp_path / "demo-credentials.txt"
        logins = demo.seed_demo(credentials)
        assert logins is not None and len(logins) == 6
        assert demo.seed_demo(credentials) is None
        assert db.session.scalar(select(func.count(User.id))) == 6
        lines = credentials.read_text().splitlines()
        assert [line.split()[0] for line in lines] == [
            "admin",
            "compliance",
            "coach",
            "trainee",
            "trainee",
            "trainee",
        ]
        assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
        for line in lines:
            role, email, password = line.split()
            assert accounts.authenticate(email, password).has_role(Role(role))


def test_dashboard_counts_match_the_accounts_they_count(app: Flask, people) -> None:
    """The dashboards' counts are SQL aggregates: an inactive account, a person with two
    roles and another organisation's people must count as the account list says."""
    with app.app_context():
        admin = _user(people["admin"])
        accounts.update_user(
            admin, people["sam"].user_id, name="Sam", roles=[Role.TRAINEE], active=False
        )
        accounts.update_user(
            admin,
            people["coach"].user_id,
            name="Coach",
            roles=[Role.COACH, Role.TRAINEE],
            active=True,
        )
        records.other_organisation_trainee()
        listed = accounts.list_users(admin)
        active = [person for person in listed if person.active]

        people_count, by_role = accounts.active_people_by_role(admin)

        assert accounts.count_users(admin) == len(listed) == len(people)
        assert people_count == len(active) == len(people) - 1
        assert by_role == {role: sum(role in p.roles for p in active) for role in Role}
        assert by_role[Role.TRAINEE] == 3  # priya, jordan and the coach; sam is inactive
        assert teams.count_teams(admin) == len(teams.list_teams(admin))
