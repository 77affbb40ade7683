"""The landing dashboard: one section per role the user holds."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from coach.errors import NotFound
from coach.models import Role
from coach.services import (
    access,
    calls,
    certificates,
    certification,
    overview,
    progress,
    recommendations,
    roleplay,
)
from coach.web.access import SIGNED_IN, allow, roles
from coach.web.skill_views import skill_section

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@allow(SIGNED_IN)
def index() -> str:
    user = current_user
    trainee = user.has_role(Role.TRAINEE)
    skills = skill_section(user, "mine") if trainee else None
    return render_template(
        "dashboard/index.html",
        trainee=overview.trainee_overview(user) if trainee else None,
        skills=skills,
        recommendations=recommendations.for_trainee(user, skills.statuses) if skills else [],
        certificate_status=certificates.status_of,
        coach=overview.coach_overview(user) if user.has_role(Role.COACH) else None,
        compliance=overview.compliance_overview(user) if user.has_role(Role.COMPLIANCE) else None,
        admin=overview.admin_overview(user) if user.has_role(Role.ADMIN) else None,
    )


@bp.route("/team")
@allow(roles(Role.COACH))
def team() -> str:
    return render_template("dashboard/team.html", data=overview.coach_overview(current_user))


@bp.route("/compliance")
@allow(roles(Role.COMPLIANCE, Role.ADMIN))
def compliance() -> str:
    return render_template(
        "dashboard/compliance.html", data=overview.compliance_overview(current_user)
    )


@bp.route("/people/<id:user_id>")
@allow(SIGNED_IN)
def person(user_id: int) -> str:
    try:
        subject = access.visible_user(current_user, user_id)
    except NotFound:
        abort(404)
    return render_template(
        "dashboard/person.html",
        person=subject,
        skills=skill_section(subject, "person"),
        recent=progress.recent_activities(subject, limit=20),
        calls=calls.calls_of(current_user, subject),
        runs=roleplay.runs_of(current_user, subject),
        roleplay=roleplay,
        attempts=certification.attempts_of(subject),
        held=certificates.certificates_of(subject),
        status_of=certificates.status_of,
    )
