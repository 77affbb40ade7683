"""Who may see whose records."""

from flask import Flask

from coach.extensions import db
from coach.models import User
from coach.services import access, accounts
from tests import records


def test_record_visibility_per_role(app: Flask, people) -> None:
    with app.app_context():
        get = lambda key: db.session.get(User, people[key].user_id)  # noqa: E731
        priya, sam, coach, admin = get("priya"), get("sam"), get("coach"), get("admin")
        compliance = get("compliance")
        assert access.may_view_user_records(priya, priya)
        assert not access.may_view_user_records(priya, sam)
        assert access.may_view_user_records(coach, priya)
        assert access.may_view_user_records(coach, sam)
        assert not access.may_view_user_records(coach, compliance)
        assert access.may_view_user_records(admin, sam)
        assert access.may_view_user_records(compliance, sam)  # read only:
        assert not access.may_change_user_records(compliance, sam)
        assert access.may_change_user_records(coach, sam)
        assert not access.may_change_user_records(priya, sam)
        assert access.may_view_compliance_data(compliance)
        assert not access.may_view_compliance_data(coach)


def test_other_organisations_are_invisible_even_to_admins(app: Flask, people) -> None:
    with app.app_context():
        outsider = db.session.get(User, records.other_organisation_trainee().user_id)
        admin = db.session.get(User, people["admin"].user_id)
        assert not access.may_view_user_records(admin, outsider)
        assert outsider.id not in {u.id for u in accounts.list_users(admin)}
