"""A production instance starts without the demo: the operator creates the organisation,
then its first admin, from the command line; mistakes get a message, not a traceback."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import Organisation, User


def test_an_organisation_then_its_first_admin(app: Flask) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(args=["coach", "organisations", "create", "--name", " Acme  Recovery "])
    assert made.exit_code == 0, made.output
    organisation_id = int(re.search(r"Created organisation (\d+): Acme Recovery", made.output)[1])
    admin = runner.invoke(
        args=["coach", "users", "create", "--email", "ops@acme-recovery.org", "--name", "Ops Lead",
              "--role", "admin", "--organisation-id", str(organisation_id)]
    )  # fmt: skip
    assert admin.exit_code == 0, admin.output
    assert "one-time password" in admin.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ops@acme-recovery.org"))
        assert user.organisation_id == organisation_id and user.must_change_password


def test_an_account_for_a_missing_organisation_is_refused_with_what_to_do(app: Flask) -> None:
    answer = app.test_cli_runner().invoke(
        args=["coach", "users", "create", "--email", "a@acme-recovery.org", "--name", "A B",
              "--role", "admin", "--organisation-id", "999"]
    )  # fmt: skip
    assert answer.exit_code == 1
    assert "no organisation 999" in answer.output and "organisations create" in answer.output
    assert answer.exception is None or isinstance(answer.exception, SystemExit)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_second_organisation_with_the_same_name_is_refused(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["coach", "organisations", "create", "--name", "Acme"]).exit_code == 0
    again = runner.invoke(args=["coach", "organisations", "create", "--name", "Acme"])
    assert again.exit_code == 1 and "already exists" in again.output
    blank = runner.invoke(args=["coach", "organisations", "create", "--name", "   "])
    assert blank.exit_code == 1 and "name of 1 to 120 characters" in blank.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 1
