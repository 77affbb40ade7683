"""The compliance officers' side of certification: reports (with CSV), assignments, the
certificate list with revocation, and item analysis of each program's questions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from coach.csv_export import csv_response
from coach.errors import Conflict, NotFound, ServiceError
from coach.models import Role
from coach.services import (
    assignments,
    certificates,
    certification,
    certification_reports,
    question_statistics,
    teams,
)
from coach.web.access import allow, roles
from coach.web.certification_forms import AssignForm, ReportFilterForm, RevokeForm
from coach.web.forms import ConfirmForm

bp = Blueprint("certification_admin", __name__, url_prefix="/certification/manage")
OFFICERS = roles(Role.COMPLIANCE, Role.ADMIN)


@bp.route("/")
@allow(OFFICERS)
def report() -> str | tuple[str, int]:
    filters = _filters()
    if not filters.validate():
        return _report_page(filters, None), 400
    found = certification_reports.report(current_user, filters.program.data, filters.team_id())
    return _report_page(filters, found)


@bp.route("/report.csv")
@allow(OFFICERS)
def report_csv() -> Response | tuple[str, int]:
    filters = _filters()
    if not filters.validate():
        return _report_page(filters, None), 400
    rows = certification_reports.csv_export(current_user, filters.program.data, filters.team_id())
    name = f"certification-report-{_today().isoformat()}.csv"
    return csv_response(name, certification_reports.CSV_HEADER, rows)


@bp.route("/assignments", methods=["GET", "POST"])
@allow(OFFICERS)
def assignment_list() -> str | Response | tuple[str, int]:
    form = AssignForm()
    form.program.choices = _program_choices("Choose a program")
    form.teams.choices = [SelectChoice(t.id, t.name) for t in teams.list_teams(current_user)]
    form.people.choices = [
        SelectChoice(p.id, p.name) for p in assignments.assignable_people(current_user)
    ]
    if form.validate_on_submit():
        try:
            outcome = assignments.assign(
                current_user,
                form.program.data or "",
                form.due_on.data or date.min,
                form.people.data or [],
                form.teams.data or [],
            )
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            _flash_outcome(outcome)
            return redirect(url_for("certification_admin.assignment_list"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "certification_admin/assignments.html",
        form=form,
        open_rows=assignments.open_in_organisation(current_user),
        titles=assignments.program_titles(),
        today=_today(),
        cancel=ConfirmForm(),
    ), status


@bp.route("/assignments/<id:assignment_id>/cancel", methods=["POST"])
@allow(OFFICERS)
def cancel_assignment(assignment_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            assignments.cancel(current_user, assignment_id)
        except NotFound:
            abort(404)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash("Assignment cancelled.", "success")
    return redirect(url_for("certification_admin.assignment_list"))


@bp.route("/certificates")
@allow(OFFICERS)
def certificate_list() -> str:
    return _certificates_page(RevokeForm(formdata=None), None)


@bp.route("/certificates/<id:certificate_id>/revoke", methods=["POST"])
@allow(OFFICERS)
def revoke(certificate_id: int) -> Response | tuple[str, int]:
    try:
        certificates.visible_certificate(current_user, certificate_id)
    except NotFound:
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certificates.revoke(current_user, certificate_id, form.reason.data or "")
        except Conflict as error:
            flash(str(error), "error")
            return redirect(url_for("certification_admin.certificate_list"))
        except ServiceError as error:
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            flash("Certificate revoked: its verification page now says so.", "success")
            return redirect(url_for("certification_admin.certificate_list"))
    return _certificates_page(form, certificate_id), 400


# ``program`` is a program's id (a slug such as uk-conc7-foundation, not a database id).
@bp.route("/programs/<program>/items")
@allow(OFFICERS)
def item_analysis(program: str) -> str:
    try:
        analysis = question_statistics.item_analysis(current_user, program)
    except NotFound:
        abort(404)
    return render_template("certification_admin/items.html", analysis=analysis)


def _today() -> date:
    return datetime.now(UTC).date()


def _filters() -> ReportFilterForm:
    filters = ReportFilterForm(request.args)
    filters.program.choices = _program_choices("All programs")
    filters.team.choices = [SelectChoice("", "All teams")] + [
        SelectChoice(str(t.id), t.name) for t in teams.list_teams(current_user)
    ]
    return filters


def _program_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(p.id, p.title) for p in certification.programs()
    ]


def _report_page(filters: ReportFilterForm, found: certification_reports.Report | None) -> str:
    return render_template(
        "certification_admin/report.html",
        filters=filters,
        report=found,
        definitions=certification_reports.DEFINITIONS,
        programs=certification.programs(),
        query=request.args.to_dict(),
    )


def _certificates_page(form: RevokeForm, failed: int | None) -> str:
    program = request.args.get("program", "")
    return render_template(
        "certification_admin/certificates.html",
        rows=certification_reports.certificate_list(current_user, program),
        program=program,
        programs=certification.programs(),
        form=form,
        failed=failed,
    )


def _flash_outcome(outcome: assignments.AssignOutcome) -> None:
    made = len(outcome.created)
    flash(f"Assigned to {made} {'person' if made == 1 else 'people'}.", "success")
    for skipped in outcome.skipped:
        flash(f"Skipped {skipped.user.name}: {skipped.reason}.", "info")
