"""The coaching loop's pages: the team's skill heat map and a trainee's drill-down, the review
queue, practice assignments, and the call page's review panel (comments on lines, reviewed,
score overrides, the trainee's acknowledgement or dispute and the coach's resolution).

The panel is drawn inside the call page by ``templates/coaching/_call_review.html``, which
asks :func:`call_panel` for its data. A refused form is drawn again on the call page with
its errors and what was typed (``g.coaching_forms``); nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from coach.charts.heat import gap_colour
from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.models import (
    Call,
    CallReview,
    CallScore,
    Role,
    ScoreResponse,
    User,
)
from coach.models._columns import utcnow
from coach.progress.moments import LONG_MONOLOGUE_S
from coach.progress.scorecard_overrides import DIMENSIONS
from coach.scenarios.model import Scenario
from coach.services import (
    calls,
    disputes,
    overrides,
    practice_assignments,
    review_queue,
    reviews,
    roleplay,
    scoring,
    team_skills,
)
from coach.services.coaching_access import may_coach
from coach.transcript import Transcript
from coach.web import calls as call_pages
from coach.web.access import SIGNED_IN, allow, roles
from coach.web.coaching_forms import (
    AssignScenarioForm,
    CommentForm,
    DisputeForm,
    OverrideForm,
    RerecordForm,
    ResolveForm,
)
from coach.web.forms import ConfirmForm

bp = Blueprint("coaching", __name__)
COACHES = roles(Role.COACH, Role.ADMIN)
PANEL = "coaching"  # the panel's id on the call page


# --- team pages ----------------------------------------------------------------------------


@bp.route("/team/skills")
@allow(COACHES)
def heat_map() -> str:
    return render_template("coaching/heat_map.html", data=team_skills.heat_map(current_user))


@bp.route("/team/people/<id:user_id>/skills")
@allow(COACHES)
def drilldown(user_id: int) -> str:
    try:
        data = team_skills.drilldown(current_user, user_id)
    except NotFound:
        abort(404)
    return render_template("coaching/drilldown.html", data=data)


@bp.route("/team/review")
@allow(COACHES)
def queue() -> str:
    page = request.args.get("page", "1")
    return render_template(
        "coaching/queue.html",
        data=review_queue.queue(current_user, int(page) if page.isdigit() else 1),
        open_disputes=disputes.open_disputes(current_user),
        reviewed=ConfirmForm(prefix="reviewed"),
        long_monologue_s=LONG_MONOLOGUE_S,
    )


@bp.route("/team/practice", methods=["GET", "POST"])
@allow(COACHES)
def practice() -> str | Response | tuple[str, int]:
    form = AssignScenarioForm(prefix="assign")
    form.person.choices = [SelectChoice(p.id, p.name) for p in _trainees()]
    form.scenario.choices = [SelectChoice("", "Choose a scenario")] + [
        SelectChoice(s.id, s.title) for s in _scenarios()
    ]
    if form.validate_on_submit():
        try:
            practice_assignments.assign_scenario(
                current_user, form.person.data, form.scenario.data or "", form.due_on.data
            )
        except NotFound:
            abort(404)
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            flash("Scenario assigned: the trainee sees it on their dashboard.", "success")
            return redirect(url_for("coaching.practice"))
    return render_template(
        "coaching/practice.html",
        form=form,
        rows=practice_assignments.open_for_team(current_user),
        title_of=practice_assignments.title_of,
        today=utcnow().date(),
        cancel=ConfirmForm(prefix="cancel"),
    ), 400 if form.is_submitted() else 200


@bp.route("/team/practice/<id:assignment_id>/cancel", methods=["POST"])
@allow(COACHES)
def cancel_practice(assignment_id: int) -> Response:
    _confirmed(
        ConfirmForm(prefix="cancel"),
        lambda: practice_assignments.cancel(current_user, assignment_id),
        "Assignment cancelled.",
    )
    return redirect(url_for("coaching.practice"))


def _confirmed(form: ConfirmForm, action: Callable[[], object], done: str) -> None:
    """Runs a one-button action: its outcome (or why it was refused) is flashed; a record
    the viewer may not see is a 404, one they may not change a 403."""
    if not form.validate_on_submit():
        flash("The form expired: reload the page and try again.", "error")
        return
    try:
        action()
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")


# --- the call page's panel -----------------------------------------------------------------


@dataclass
class Panel:
    """What ``_call_review.html`` draws for the viewer of one call."""

    call: Call
    score: CallScore | None
    may_coach: bool
    may_comment: bool
    may_respond: bool
    review: CallReview | None
    comments: list[reviews.CommentLine]
    overridden: list[overrides.Overridden]
    responses: list[ScoreResponse]
    forms: dict[str, FlaskForm] = field(default_factory=dict)


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    """The call page's panel asks for its data; the heat maps colour their cells."""
    return {"coaching_panel": call_panel, "gap_colour": gap_colour}


def call_panel(call: Call) -> Panel:
    """The review panel's data for ``current_user`` on ``call`` (who may do what, and the
    forms, refused ones as they were sent)."""
    score = scoring.latest_score(call)
    coaching = may_coach(current_user, call.owner)
    panel = Panel(
        call=call,
        score=score,
        may_coach=coaching,
        may_comment=coaching or current_user.id == call.owner_id,
        may_respond=score is not None and disputes.may_respond(current_user, call, score),
        review=reviews.call_review(call),
        comments=reviews.comments_for(call),
        overridden=overrides.overridden(score) if score else [],
        responses=disputes.responses_for(score) if score else [],
    )
    panel.forms = {**_fresh_forms(call, score), **g.get("coaching_forms", {})}
    return panel


def _fresh_forms(call: Call, score: CallScore | None) -> dict[str, FlaskForm]:
    return {
        "comment": _comment_form(call, formdata=None),
        "override": _override_form(score, formdata=None),
        "resolve": _resolve_form(score, formdata=None),
        "dispute": DisputeForm(prefix="dispute", formdata=None),
        "rerecord": RerecordForm(prefix="rerecord", formdata=None),
        "confirm": ConfirmForm(prefix="confirm", formdata=None),
    }


def _comment_form(call: Call, **kwargs: Any) -> CommentForm:
    form = CommentForm(prefix="comment", **kwargs)
    version = calls.latest_transcript(call)
    turns = Transcript.model_validate(version.data).turns if version else ()
    form.turn.choices = [
        SelectChoice(i, f"{i + 1}. {'Agent' if t.speaker == 'agent' else 'Debtor'}: {t.text[:60]}")
        for i, t in enumerate(turns)
    ]
    return form


def _dimension_choices(score: CallScore | None) -> list[SelectChoice]:
    judged = (score.data.get("dimensions", {}) if score else {}) or {}
    return [SelectChoice(d, d.capitalize()) for d in DIMENSIONS if judged.get(d) is not None]


def _override_form(score: CallScore | None, **kwargs: Any) -> OverrideForm:
    form = OverrideForm(prefix="override", **kwargs)
    form.dimension.choices = _dimension_choices(score)
    return form


def _resolve_form(score: CallScore | None, **kwargs: Any) -> ResolveForm:
    form = ResolveForm(prefix="resolve", **kwargs)
    form.dimension.choices = [SelectChoice("", "No override"), *_dimension_choices(score)]
    return form


@bp.route("/calls/<id:call_id>/comments", methods=["POST"])
@allow(SIGNED_IN)
def comment(call_id: int) -> Response | tuple[str, int]:
    call = _visible_call(call_id)
    form = _comment_form(call)
    return _act(
        call,
        form,
        "comment",
        _coaches(call) or current_user.id == call.owner_id,
        lambda: reviews.add_comment(current_user, call.id, form.turn.data, form.text.data or ""),
        "Comment added.",
    )


@bp.route("/calls/<id:call_id>/reviewed", methods=["POST"])
@allow(SIGNED_IN)
def call_reviewed(call_id: int) -> Response | tuple[str, int]:
    call = _visible_call(call_id)
    form = ConfirmForm(prefix="confirm")
    back = url_for("coaching.queue") if request.form.get("from") == "queue" else None
    return _act(
        call,
        form,
        "confirm",
        _coaches(call),
        lambda: reviews.mark_call_reviewed(current_user, call.id),
        "Marked reviewed.",
        back,
    )


@bp.route("/practice/runs/<id:run_id>/reviewed", methods=["POST"])
@allow(SIGNED_IN)
def run_reviewed(run_id: int) -> Response:
    _confirmed(
        ConfirmForm(prefix="reviewed"),
        lambda: reviews.mark_run_reviewed(current_user, run_id),
        "Marked reviewed.",
    )
    return redirect(url_for("coaching.queue"))


@bp.route("/calls/<id:call_id>/overrides", methods=["POST"])
@allow(SIGNED_IN)
def override(call_id: int) -> Response | tuple[str, int]:
    call = _visible_call(call_id)
    form = _override_form(scoring.latest_score(call))
    return _act(
        call,
        form,
        "override",
        _coaches(call),
        lambda: overrides.override(
            current_user, call.id, form.dimension.data or "", form.new_score.data, form.reason.data
        ),
        "Score overridden: the trainee sees the new score and your reason.",
    )


@bp.route("/calls/<id:call_id>/acknowledge", methods=["POST"])
@allow(SIGNED_IN)
def acknowledge(call_id: int) -> Response | tuple[str, int]:
    call = _visible_call(call_id)
    return _act(
        call,
        ConfirmForm(prefix="confirm"),
        "confirm",
        current_user.id == call.owner_id,
        lambda: disputes.acknowledge(current_user, call.id),
        "Score acknowledged.",
    )


@bp.route("/calls/<id:call_id>/dispute", methods=["POST"])
@allow(SIGNED_IN)
def dispute(call_id: int) -> Response | tuple[str, int]:
    call = _visible_call(call_id)
    form = DisputeForm(prefix="dispute")
    return _act(
        call,
        form,
        "dispute",
        current_user.id == call.owner_id,
        lambda: disputes.dispute(current_user, call.id, form.reason.data or ""),
        "Dispute sent: your coach will resolve it.",
    )


@bp.route("/calls/<id:call_id>/rerecord", methods=["POST"])
@allow(SIGNED_IN)
def rerecord(call_id: int) -> Response | tuple[str, int]:
    call = _visible_call(call_id)
    form = RerecordForm(prefix="rerecord")
    return _act(
        call,
        form,
        "rerecord",
        _coaches(call),
        lambda: practice_assignments.assign_rerecord(current_user, call.id, form.due_on.data),
        "Re-recording assigned: the trainee sees it on their dashboard.",
    )


@bp.route("/disputes/<id:dispute_id>/resolve", methods=["POST"])
@allow(COACHES)
def resolve(dispute_id: int) -> Response | tuple[str, int]:
    try:
        call, score = disputes.disputed(current_user, dispute_id)
    except NotFound:
        abort(404)
    form = _resolve_form(score)
    return _act(
        call,
        form,
        "resolve",
        _coaches(call),
        lambda: disputes.resolve(
            current_user,
            dispute_id,
            form.resolution.data or "",
            form.dimension.data or None,
            form.new_score.data,
        ),
        "Dispute resolved.",
    )


def _act(
    call: Call,
    form: FlaskForm,
    name: str,
    allowed: bool,
    action: Any,
    done: str,
    back: str | None = None,
) -> Response | tuple[str, int]:
    """Runs ``action`` when ``form`` is valid, then back to the panel (or ``back``); a
    refusal redraws the call page with the form as sent and its message, status 400 (a
    replayed form or one answered in another tab: the message, and the page as it is now).
    ``allowed``: whether the viewer may do this at all (else 403, whatever was sent)."""
    if not allowed:
        abort(403)
    target = back or url_for("calls.detail", call_id=call.id, _anchor=PANEL)
    if form.validate_on_submit():
        try:
            action()
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)
        except Conflict as error:
            flash(str(error), "error")
            return redirect(target)
        except ServiceError as error:
            form.form_errors.append(str(error))
        else:
            flash(done, "success")
            return redirect(target)
    g.coaching_forms = {name: form}
    page = call_pages.detail(call.id)
    return page, 400


def _coaches(call: Call) -> bool:
    return may_coach(current_user, call.owner)


def _visible_call(call_id: int) -> Call:
    try:
        return calls.visible_call(current_user, call_id)
    except NotFound:
        abort(404)


def _trainees() -> list[User]:
    people = {p.id: p for team in team_skills.coached_teams(current_user) for p in team.members}
    return sorted(people.values(), key=lambda p: p.name.lower())


def _scenarios() -> list[Scenario]:
    return sorted(roleplay.all_scenarios(), key=lambda s: s.title)
