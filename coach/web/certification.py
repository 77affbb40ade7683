"""Certification for the person who sits it: the programs, an attempt (answers saved as they
are given, a server-side clock), the review, the certificate as PDF, and the public
verification page. The page's script saves each answer as JSON; without it, the page's own
buttons save and submit the same fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from coach.errors import NotFound, ServiceError
from coach.models import AttemptStatus, QuizAttempt
from coach.models._columns import as_utc, utcnow
from coach.quizzes.sheet import review, sheet
from coach.services import assignments, certificates, certification
from coach.services.certificate_pdf import certificate_pdf
from coach.services.certification import InvalidAnswer
from coach.web.access import PUBLIC, SIGNED_IN, allow
from coach.web.errors import refusal_code, wants_json
from coach.web.forms import AttemptForm, ConfirmForm

bp = Blueprint("certification", __name__, url_prefix="/certification")
verify_bp = Blueprint("verify", __name__)


@bp.route("/")
@allow(SIGNED_IN)
def index() -> str:
    programs = certification.programs()
    return render_template(
        "certification/index.html",
        programs=programs,
        eligibility={p.id: certification.eligibility(current_user, p) for p in programs},
        attempts=certification.attempts_of(current_user),
        held=certificates.certificates_of(current_user),
        status_of=certificates.status_of,
        titles={p.id: p.title for p in programs},
        due=assignments.due_for(current_user),
    )


# ``program`` is a program's id (a slug such as uk-conc7-foundation), not a database id.
@bp.route("/programs/<program>")
@allow(SIGNED_IN)
def program_page(program: str) -> str:
    chosen = _program(program)
    return render_template(
        "certification/program.html",
        program=chosen,
        eligibility=certification.eligibility(current_user, chosen),
        start=ConfirmForm(),
    )


@bp.route("/programs/<program>/start", methods=["POST"])
@allow(SIGNED_IN)
def start(program: str) -> Response:
    chosen = _program(program)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired: try again.", "error")
        return redirect(url_for("certification.program_page", program=chosen.id))
    try:
        attempt = certification.start_attempt(current_user, chosen.id)
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(url_for("certification.program_page", program=chosen.id))
    return redirect(url_for("certification.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<id:attempt_id>")
@allow(SIGNED_IN)
def attempt(attempt_id: int) -> str:
    found = _visible(attempt_id)
    paper = certification.paper_of(found)
    saved = certification.answers_by_number(found)
    title = _title(found.program_id)
    if found.status == AttemptStatus.IN_PROGRESS and found.user_id == current_user.id:
        remaining = (as_utc(found.deadline_at) - utcnow()).total_seconds()
        return render_template(
            "certification/attempt.html",
            attempt=found,
            title=title,
            questions=sheet(paper, saved),
            remaining=max(0, int(remaining)),
            form=AttemptForm(version=str(found.row_version)),
        )
    return render_template(
        "certification/result.html",
        attempt=found,
        title=title,
        rows=review(paper, saved) if _may_review(found) else None,
        certificate=next(
            (c for c in certificates.certificates_of(found.user) if c.attempt_id == found.id),
            None,
        ),
    )


@bp.route("/attempts/<id:attempt_id>/answers/<int:number>", methods=["POST"])
@allow(SIGNED_IN)
def save_answer(attempt_id: int, number: int) -> Response | tuple[Response, int]:
    """One answer, sent by the page's script as soon as it is given; the reply carries the
    attempt's new version for the page's submit button."""
    if not AttemptForm().validate_on_submit():
        return _refused(attempt_id, ServiceError("The page expired: reload it."), 400)
    try:
        saved = certification.save_answer(
            current_user, attempt_id, number, _picked(request.form, number)
        )
    except NotFound:
        abort(404)
    except ServiceError as error:
        return _refused(attempt_id, error, refusal_code(error))
    if wants_json():
        return jsonify(saved=number, version=saved.row_version)
    flash(f"Question {number} saved.", "success")
    return redirect(url_for("certification.attempt", attempt_id=attempt_id))


@bp.route("/attempts/<id:attempt_id>/save", methods=["POST"])
@allow(SIGNED_IN)
def save(attempt_id: int) -> Response | tuple[Response, int]:
    """Every answer on the page (the save button, for a browser without the script)."""
    if not AttemptForm().validate_on_submit():
        return _refused(attempt_id, ServiceError("The page expired: reload it."), 400)
    try:
        certification.save_answers(current_user, attempt_id, _all_picked())
    except NotFound:
        abort(404)
    except ServiceError as error:
        return _refused(attempt_id, error, refusal_code(error))
    flash("Your answers are saved.", "success")
    return redirect(url_for("certification.attempt", attempt_id=attempt_id))


@bp.route("/attempts/<id:attempt_id>/submit", methods=["POST"])
@allow(SIGNED_IN)
def submit(attempt_id: int) -> Response | tuple[Response, int]:
    """Saves what the page holds and grades; at the time limit the page's script sends this
    itself, and the server marks only what was saved in time."""
    form = AttemptForm()
    if not form.validate_on_submit():
        return _refused(attempt_id, ServiceError("The page expired: reload it."), 400)
    seen = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        certification.submit(current_user, attempt_id, _all_picked(), expected_version=seen)
    except NotFound:
        abort(404)
    except ServiceError as error:
        return _refused(attempt_id, error, refusal_code(error))
    return redirect(url_for("certification.attempt", attempt_id=attempt_id))


@bp.route("/certificates/<id:certificate_id>.pdf")
@allow(SIGNED_IN)
def certificate_file(certificate_id: int) -> Response:
    try:
        found = certificates.visible_certificate(current_user, certificate_id)
    except NotFound:
        abort(404)
    verify_url = url_for("verify.certificate", code=found.code, _external=True)
    return Response(
        certificate_pdf(found, verify_url),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{found.id}.pdf"'},
    )


@verify_bp.route("/verify/<code>")
@allow(PUBLIC)
def certificate(code: str) -> str | tuple[str, int]:
    """Anyone with the code (an employer, an auditor) sees whether it is valid."""
    try:
        shown = certificates.verify(code)
    except NotFound as missing:
        return render_template("certification/verify.html", shown=None, message=str(missing)), 404
    return render_template("certification/verify.html", shown=shown, code=code)


def _program(program_id: str) -> certification.CertificationProgram:
    try:
        return certification.program(program_id)
    except NotFound:
        abort(404)


def _title(program_id: str) -> str:
    try:
        return certification.program(program_id).title
    except NotFound:  # a program since removed from the content: its id stands in
        return program_id


def _visible(attempt_id: int) -> QuizAttempt:
    try:
        return certification.visible_attempt(current_user, attempt_id)
    except NotFound:
        abort(404)


def _may_review(attempt: QuizAttempt) -> bool:
    """Officers and coaches always see the review; the taker as the program allows."""
    if attempt.user_id != current_user.id:
        return True
    return attempt.review == "after_submit" or (
        attempt.review == "after_pass" and bool(attempt.passed)
    )


def _picked(form: MultiDict[str, str], number: int) -> list[str]:
    """Question ``number``'s answer from the page's fields: ``q<n>`` (one or many values), or
    ``q<n>-<step>`` = position for an ordering question."""
    chosen = form.getlist(f"q{number}")
    if chosen:
        return chosen
    prefix = f"q{number}-"
    positions = {key[len(prefix) :]: form[key] for key in form if key.startswith(prefix)}
    if not positions:
        return []
    if any(not value.isdigit() for value in positions.values()):
        raise InvalidAnswer(f"Question {number}: give every step a position.")
    if len(set(positions.values())) != len(positions):
        raise InvalidAnswer(f"Question {number}: give each step a different position.")
    return sorted(positions, key=lambda step: int(positions[step]))


def _all_picked() -> dict[int, list[str]]:
    """The answers the page's form holds, by question number (unanswered ones left out)."""
    numbers = _numbers(request.form.keys())
    return {n: picked for n in sorted(numbers) if (picked := _picked(request.form, n))}


def _numbers(keys: Iterable[str]) -> set[int]:
    found = set()
    for key in keys:
        head = key.split("-", 1)[0]
        if head.startswith("q") and head[1:].isdigit():
            found.add(int(head[1:]))
    return found


def _refused(attempt_id: int, error: ServiceError, code: int) -> Response | tuple[Response, int]:
    if wants_json():
        return jsonify(error=str(error)), code
    flash(str(error), "error")
    return redirect(url_for("certification.attempt", attempt_id=attempt_id))
