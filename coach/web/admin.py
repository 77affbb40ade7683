"""Administration: accounts, roles, teams and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from coach.errors import NotFound, ServiceError
from coach.models import Role
from coach.services import accounts, overview, teams
from coach.web.access import allow, roles
from coach.web.forms import (
    AddMemberForm,
    ConfirmForm,
    CreateUserForm,
    EditUserForm,
    SetCoachForm,
    TeamForm,
)

T = TypeVar("T")

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = roles(Role.ADMIN)


@bp.route("/users", methods=["GET", "POST"])
@allow(ADMIN)
def users() -> str | Response | tuple[str, int]:
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            invitation = accounts.create_user(
                current_user,
                organisation_id=current_user.organisation_id,
                email=form.email.data or "",
                name=form.name.data or "",
                roles=[Role(value) for value in form.roles.data or []],
            )
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(
                f"Account created for {invitation.user.email}. Give them this one-time password "
                f"securely; they must change it at first sign-in: {invitation.temporary_password}",
                "success",
            )
            return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    people = accounts.list_users(current_user)
    return render_template("admin/users.html", form=form, people=people), status


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@allow(ADMIN)
def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    person = _or_404(accounts.get_in_organisation, current_user, user_id)
    form = EditUserForm(obj=person)
    if not form.is_submitted():
        form.roles.data = [role.value for role in person.roles]
    if form.validate_on_submit():
        try:
            accounts.update_user(
                current_user,
                user_id,
                name=form.name.data or "",
                roles=[Role(value) for value in form.roles.data or []],
                active=bool(form.active.data),
            )
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/edit_user.html", form=form, person=person, reset=ConfirmForm()
    ), status


@bp.route("/users/<id:user_id>/reset-password", methods=["POST"])
@allow(ADMIN)
def reset_password(user_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        invitation = _or_404(accounts.reset_password, current_user, user_id)
        flash(
            f"New one-time password for {invitation.user.email}: {invitation.temporary_password}",
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/teams", methods=["GET", "POST"])
@allow(ADMIN)
def team_list() -> str | Response | tuple[str, int]:
    form = TeamForm()
    form.coach_id.choices = _coach_choices()
    if form.validate_on_submit():
        try:
            team = teams.create_team(current_user, form.name.data or "", form.coach_id.data or None)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(f"Team {team.name} created.", "success")
            return redirect(url_for("admin.team_detail", team_id=team.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/teams.html", form=form, teams=teams.list_teams(current_user)
    ), status


@bp.route("/teams/<id:team_id>", methods=["GET", "POST"])
@allow(ADMIN)
def team_detail(team_id: int) -> str | Response | tuple[str, int]:
    team = _or_404(teams.get_team, current_user, team_id)
    coach_form = SetCoachForm(prefix="coach")
    if not coach_form.is_submitted():
        coach_form.coach_id.data = team.coach_id or 0
    coach_form.coach_id.choices = _coach_choices()
    add_form = AddMemberForm(prefix="add")
    member_ids = {member.id for member in team.members}
    add_form.user_id.choices = [
        SelectChoice(person.id, person.name)
        for person in accounts.list_users(current_user)
        if person.has_role(Role.TRAINEE) and person.id not in member_ids
    ]
    if coach_form.submit.data and coach_form.validate_on_submit():
        return _apply(
            lambda: teams.set_coach(current_user, team_id, coach_form.coach_id.data or None),
            "Coach updated.",
            team_id,
        )
    if add_form.submit.data and add_form.validate_on_submit():
        return _apply(
            lambda: teams.add_member(current_user, team_id, add_form.user_id.data),
            "Trainee added.",
            team_id,
        )
    return render_template(
        "admin/team_detail.html",
        team=team,
        coach_form=coach_form,
        add_form=add_form,
        remove=ConfirmForm(),
    )


@bp.route("/teams/<id:team_id>/members/<id:user_id>/remove", methods=["POST"])
@allow(ADMIN)
def remove_member(team_id: int, user_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        return _apply(
            lambda: teams.remove_member(current_user, team_id, user_id),
            "Trainee removed from the team.",
            team_id,
        )
    return redirect(url_for("admin.team_detail", team_id=team_id))


@bp.route("/audit")
@allow(ADMIN)
def audit_log() -> str:
    entries = overview.recent_audit(current_user, limit=200)
    return render_template("admin/audit.html", entries=entries, names=overview.actor_names(entries))


def _coach_choices() -> list[tuple[int, str]]:
    coaches = [p for p in accounts.list_users(current_user) if p.has_role(Role.COACH)]
    return [SelectChoice(0, "— no coach yet —")] + [
        SelectChoice(person.id, person.name) for person in coaches
    ]


def _apply(action: Callable[[], object], success: str, team_id: int) -> Response:
    """Run a team change, flash its outcome and return to the team page."""
    try:
        action()
    except NotFound:
        abort(404)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(url_for("admin.team_detail", team_id=team_id))


def _or_404(fetch: Callable[..., T], *args: object) -> T:
    try:
        return fetch(*args)
    except NotFound:
        abort(404)
