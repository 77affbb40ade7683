"""Role-play practice: the scenario library, the brief, the call screen, the debtor's voice and
the debrief. Replies work as plain form posts, and as JSON for the call screen's script."""

from __future__ import annotations

from typing import Any, get_args

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

from coach.errors import Forbidden, NotFound, ServiceError
from coach.models import Role, RunStatus, ScenarioRun
from coach.scenarios.model import Difficulty
from coach.services import roleplay
from coach.services.debtor_audio import sentence_audio
from coach.services.user_limits import RateLimited
from coach.speech.debtor_voice import split_sentences
from coach.speech.spoken_reply import MAX_BYTES
from coach.web.access import SIGNED_IN, allow, roles
from coach.web.errors import refusal_code, unavailable, wants_json
from coach.web.forms import ConfirmForm, ReplyForm

bp = Blueprint("roleplay", __name__, url_prefix="/practice")
PRACTISE = roles(Role.TRAINEE, Role.COACH)
DIFFICULTIES = get_args(Difficulty)


@bp.route("/")
@allow(SIGNED_IN)
def library() -> str:
    chosen = {key: request.args.get(key, "") for key in ("skill", "difficulty", "jurisdiction")}
    everything = roleplay.all_scenarios()
    return render_template(
        "roleplay/library.html",
        scenarios=roleplay.library(**chosen),
        chosen=chosen,
        skills=sorted({skill for s in everything for skill in s.skills}),
        difficulties=DIFFICULTIES,
        jurisdictions=sorted({s.jurisdiction for s in everything}),
        continuing=roleplay.active_run_ids(current_user),
        runs=roleplay.runs_for(current_user, limit=20),
        labels=roleplay,
    )


# ``scenario`` is a scenario's id (a slug such as us-first-contact, not a database id).
@bp.route("/scenarios/<scenario>")
@allow(SIGNED_IN)
def brief(scenario: str) -> str:
    try:
        chosen = roleplay.scenario(scenario)
    except NotFound:
        abort(404)
    return render_template(
        "roleplay/brief.html",
        scenario=chosen,
        start=ConfirmForm(),
        continuing=roleplay.active_run_ids(current_user).get(chosen.id),
        may_play=current_user.has_role(Role.TRAINEE, Role.COACH),
    )


@bp.route("/scenarios/<scenario>/start", methods=["POST"])
@allow(PRACTISE)
def start(scenario: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("roleplay.brief", scenario=scenario))
    try:
        run = roleplay.start_run(current_user, scenario)
    except NotFound:
        abort(404)
    return redirect(url_for("roleplay.call", run_id=run.id))


@bp.route("/runs/<id:run_id>")
@allow(SIGNED_IN)
def call(run_id: int) -> str | Response:
    run = _visible(run_id)
    if run.status == RunStatus.ENDED and run.owner_id != current_user.id:
        return redirect(url_for("roleplay.debrief", run_id=run.id))
    return render_template(
        "roleplay/call.html",
        run=run,
        scenario=roleplay.played_scenario(run),
        form=ReplyForm(turn=str(run.turn)),
        restart=ConfirmForm(),
        hints=roleplay.hints_now(run),
        voice=_voice_urls,
        is_owner=run.owner_id == current_user.id,
    )


@bp.route("/runs/<id:run_id>/reply", methods=["POST"])
@allow(PRACTISE)
def reply(run_id: int) -> Response | tuple[Response, int]:
    form = ReplyForm()
    if not form.validate_on_submit():  # only a missing or stale CSRF token gets here
        return _refused(run_id, ServiceError("The form expired: reload the page."), 400)
    seen = int(form.turn.data) if (form.turn.data or "").isdigit() else None
    try:
        if form.audio.data:
            result = roleplay.take_spoken_turn(
                current_user, run_id, form.audio.data.read(MAX_BYTES + 1), seen
            )
        else:
            result = roleplay.take_turn(current_user, run_id, form.text.data or "", seen)
    except NotFound:
        abort(404)
    except RateLimited as limited:
        return unavailable(429, "Too many requests", str(limited), limited.retry_after)
    except ServiceError as error:
        roleplay.log_refusal(run_id, error)
        code = 403 if isinstance(error, Forbidden) else refusal_code(error)
        return _refused(run_id, error, code)
    if wants_json():
        return jsonify(_turn_json(result))
    target = "roleplay.debrief" if result.run.status == RunStatus.ENDED else "roleplay.call"
    return redirect(url_for(target, run_id=run_id))


@bp.route("/runs/<id:run_id>/restart", methods=["POST"])
@allow(PRACTISE)
def restart(run_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("roleplay.call", run_id=run_id))
    try:
        run = roleplay.restart(current_user, run_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    return redirect(url_for("roleplay.call", run_id=run.id))


@bp.route("/runs/<id:run_id>/debrief")
@allow(SIGNED_IN)
def debrief(run_id: int) -> str | Response:
    run = _visible(run_id)
    if run.status != RunStatus.ENDED:
        flash("The debrief is ready when the call ends.", "info")
        return redirect(url_for("roleplay.call", run_id=run.id))
    scenario = roleplay.played_scenario(run)
    return render_template(
        "roleplay/debrief.html",
        run=run,
        scenario=scenario,
        score=run.scorecard or {},
        meters=roleplay.meter_history(run, scenario) if scenario else {},
        next_up=roleplay.practise_next(run) if scenario else [],
        restart=ConfirmForm(),
        is_owner=run.owner_id == current_user.id,
    )


@bp.route("/runs/<id:run_id>/voice/<int:turn>/<int:part>.wav")
@allow(SIGNED_IN)
def voice(run_id: int, turn: int, part: int) -> Response | tuple[Response, int]:
    """One sentence of the debtor's line after ``turn`` (0: the opening), spoken."""
    run = _visible(run_id)
    line = _debtor_line(run, turn)
    pieces = split_sentences(line) if line is not None else []
    if part >= len(pieces):
        abort(404)
    try:
        audio = sentence_audio(pieces[part])
    except ValueError:  # a sentence too long for the voice: the browser reads it instead
        audio = None
    if audio is None:  # no voice on this server: the page speaks with the browser's voice
        return jsonify(error="No debtor voice on this server for this line."), 503
    return Response(audio, mimetype="audio/wav")


def _visible(run_id: int) -> ScenarioRun:
    try:
        return roleplay.visible_run(current_user, run_id)
    except NotFound:
        abort(404)


def _debtor_line(run: ScenarioRun, turn: int) -> str | None:
    if turn == 0:
        return run.opening
    return run.turns[turn - 1].debtor if 0 < turn <= len(run.turns) else None


def _voice_urls(run: ScenarioRun, turn: int, line: str) -> list[str]:
    """The URL of each sentence of a debtor line, in the order they are spoken."""
    return [
        url_for("roleplay.voice", run_id=run.id, turn=turn, part=part)
        for part in range(len(split_sentences(line)))
    ]


def _turn_json(result: roleplay.TurnResult) -> dict[str, Any]:
    """One turn for the call screen: the CLI's turn record plus what the page shows."""
    run, turn = result.run, result.turn
    ended = run.status == RunStatus.ENDED
    return {
        "turn": turn.number,
        "trainee": turn.trainee,
        "spoken": turn.spoken,
        "intents": turn.intents,
        "findings": turn.findings,
        "changes": turn.changes,
        "meters": turn.meters,
        "debtor": turn.debtor,
        "state": turn.node,
        "audio": _voice_urls(run, turn.number, turn.debtor),
        "hints": result.hints,
        "ending": {"id": run.ending_id, "kind": run.ending_kind} if ended else None,
        "debrief": url_for("roleplay.debrief", run_id=run.id) if ended else None,
    }


def _refused(run_id: int, error: ServiceError, code: int) -> Response | tuple[Response, int]:
    """A refused reply: JSON for the call screen, else the call page with the message (the
    typed text is in the JSON answer's ``kept`` so the page can put it back)."""
    if wants_json():
        return jsonify(error=str(error), kept=request.form.get("text", "")), code
    if code == 403:  # someone else's run: no page of theirs to go back to
        abort(403)
    flash(str(error), "error")
    return redirect(url_for("roleplay.call", run_id=run_id))
