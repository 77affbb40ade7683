"""Practice calls: capture (record or upload), the call page, transcripts and their edits."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from wtforms import SelectChoice
from wtforms.validators import Optional

from coach.csv_export import csv_response
from coach.errors import Forbidden, NotFound, ServiceError, UnusableRecording
from coach.models import Call, Role
from coach.services import access, call_list, calls, kept_uploads, privacy, scoring
from coach.services.user_limits import RateLimited
from coach.speech.transcript_export import to_text, to_webvtt
from coach.transcript import Transcript
from coach.web import call_filters
from coach.web.access import SIGNED_IN, allow, roles
from coach.web.errors import refusal_code, unavailable, wants_json
from coach.web.forms import ConfirmForm, NewCallForm

bp = Blueprint("calls", __name__, url_prefix="/calls")
PRACTISE = roles(Role.TRAINEE, Role.COACH)
_KEPT = "kept_upload"  # the session's kept recording (see coach.services.kept_uploads)


@bp.route("/")
@allow(SIGNED_IN)
def index() -> str:
    scope = call_list.scope_of(current_user)
    form, filters, messages = call_filters.read_filters(scope, request.args)
    page = call_list.list_calls(scope, filters, _page_number())
    shown = {k: v for k, v in request.args.items(multi=False) if k != "page" and v}
    return render_template(
        "calls/index.html",
        form=form,
        found=page,
        messages=messages,
        filtered=shown,
        sees_others=scope.sees_others,
        outcome_label=call_list.outcome_label,
    )


@bp.route("/export.csv")
@allow(SIGNED_IN)
def export_csv() -> Response:
    """The filtered list (every page) as CSV, streamed: rows are read and sent in batches."""
    scope = call_list.scope_of(current_user)
    _form, filters, _messages = call_filters.read_filters(scope, request.args)
    rows = call_list.export_calls(current_user, scope, filters)
    name = f"calls-{datetime.now(UTC).date().isoformat()}.csv"
    return csv_response(name, call_list.CSV_HEADER, rows)


@bp.route("/new", methods=["GET", "POST"])
@allow(PRACTISE)
def new() -> str | Response | tuple[str | Response, int]:
    form = _new_call_form()
    as_json = wants_json()
    kept = _kept_upload() if form.is_submitted() else None
    if kept is not None and form.recording.data is None:
        form.recording.validators = [Optional()]  # the kept recording stands for the file
    if form.validate_on_submit():
        details = calls.NewCall(
            title=form.title.data or "",
            call_type=form.call_type.data,
            jurisdiction=form.jurisdiction.data,
            speakers=form.speakers.data,
            consent=bool(form.consent.data),
            source="browser" if request.form.get("source") == "browser" else "upload",
        )
        upload = form.recording.data
        if upload is not None:
            stream, filename = upload.stream, upload.filename or ""
        else:
            assert kept is not None  # the form required one or the other
            stream, filename = kept.path.open("rb"), kept.filename
        try:
            call = calls.create_call(current_user, details, stream, filename)
        except ServiceError as error:
            if kept is not None and upload is None and isinstance(error, UnusableRecording):
                _forget(kept)  # the recording itself was refused: keeping it helps nobody
                kept = None
            if as_json:
                return jsonify(error=str(error)), refusal_code(error)
            flash(str(error), "error")
            status = refusal_code(error)
        else:
            if kept is not None:
                _forget(kept)
            target = url_for("calls.detail", call_id=call.id)
            return jsonify(redirect=target) if as_json else redirect(target)
        finally:
            # the spooled request file (or the kept one), not left to the garbage collector
            (upload or stream).close()
    elif form.is_submitted() and as_json:
        return jsonify(error=_first_error(form)), 400
    else:
        status = 400 if form.is_submitted() else 200
        if form.recording.data is not None:
            kept = _keep(form.recording.data, kept)
        elif form.is_submitted() and kept is None and request.form.get("kept_upload"):
            form.recording.errors = [
                *form.recording.errors,
                "The recording kept from your last try is no longer available; choose it again.",
            ]
    return render_template(
        "calls/new.html",
        form=form,
        limits=_limits(),
        kept=kept,
        kept_size=_size_label(kept.size) if kept else "",
    ), status


@bp.route("/<id:call_id>")
@allow(SIGNED_IN)
def detail(call_id: int) -> str:
    call = _visible(call_id)
    version = calls.latest_transcript(call)
    score = scoring.latest_score(call)
    # A scorecard of an older transcript version is never shown as the call's: the page
    # says the latest version is being scored (and updates itself when it is).
    current = score if score and version and score.transcript_version == version.version else None
    return render_template(
        "calls/detail.html",
        call=call,
        version=version,
        transcript=Transcript.model_validate(version.data) if version else None,
        score=current.data if current else None,
        score_version=current.transcript_version if current else None,
        stale_score=score is not None and current is None,
        progress=calls.progress_of(call),
        turn_notes=_turn_notes(current.data) if current else {},
        retry=ConfirmForm(),
        labels=calls,
        may_delete=privacy.may_delete_call(current_user, call),
        may_change=access.may_change_user_records(current_user, call.owner),
    )


@bp.route("/<id:call_id>/rescore", methods=["POST"])
@allow(SIGNED_IN)
def rescore(call_id: int) -> Response | tuple[Response, int]:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("calls.detail", call_id=call_id))
    try:
        job = scoring.request_rescore(current_user, call_id)
    except NotFound:
        abort(404)
    except RateLimited as limited:
        return unavailable(429, "Too many requests", str(limited), limited.retry_after)
    except ServiceError as error:
        if wants_json():
            return jsonify(error=str(error)), 400
        flash(str(error), "error")
    else:
        if wants_json():
            return jsonify(job_id=job.id, status=job.status.value)
        flash("Scoring queued.", "success")
    return redirect(url_for("calls.detail", call_id=call_id))


@bp.route("/<id:call_id>/status.json")
@allow(SIGNED_IN)
def status(call_id: int) -> Response:
    call = _visible(call_id)
    job, score_job = call.job, call.score_job
    progress = calls.progress_of(call)
    return jsonify(
        call_status=call.status.value,
        job_status=job.status.value if job else None,
        progress=round(job.progress, 3) if job else 0.0,
        error=job.error if job else None,
        scoring_status=score_job.status.value if score_job else None,
        scoring_error=score_job.error if score_job else None,
        waiting=job.wait_reason if job else None,
        scoring_waiting=score_job.wait_reason if score_job else None,
        # What the page compares with what it shows, to fetch a newer transcript or scorecard.
        transcript_version=progress.transcript_version,
        score_id=progress.score_id,
        score_version=progress.score_version,
        pending=progress.pending,
    )


@bp.route("/<id:call_id>/transcript.json")
@allow(SIGNED_IN)
def transcript_json(call_id: int) -> Response:
    version = _transcript_version(call_id)
    return jsonify(version.data)


@bp.route("/<id:call_id>/transcript.<any(txt, vtt):fmt>")
@allow(SIGNED_IN)
def transcript_download(call_id: int, fmt: str) -> Response:
    transcript = Transcript.model_validate(_transcript_version(call_id).data)
    body, mimetype = (
        (to_text(transcript), "text/plain") if fmt == "txt" else (to_webvtt(transcript), "text/vtt")
    )
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="call-{call_id}.{fmt}"'
    return response


@bp.route("/<id:call_id>/transcript", methods=["POST"])
@allow(SIGNED_IN)
def edit_transcript(call_id: int) -> tuple[Response, int] | Response:
    payload = request.get_json(silent=True)
    edits = payload.get("edits") if isinstance(payload, dict) else None
    try:
        version = calls.edit_transcript(current_user, call_id, edits)
    except NotFound:
        abort(404)
    except Forbidden as refused:
        return jsonify(error=str(refused)), 403
    except RateLimited as limited:
        return unavailable(429, "Too many requests", str(limited), limited.retry_after)
    except ServiceError as error:
        return jsonify(error=str(error)), 400
    return jsonify(version=version.version, transcript=version.data)


@bp.route("/<id:call_id>/audio")
@allow(SIGNED_IN)
def audio(call_id: int) -> Response:
    call = _visible(call_id)
    path = calls.store().path(call.recording_sha256, call.recording_ext)
    if call.recording_deleted_at is not None or not path.is_file():
        abort(404)
    return send_file(path, conditional=True, download_name=f"call-{call.id}.{call.recording_ext}")


@bp.route("/<id:call_id>/retry", methods=["POST"])
@allow(SIGNED_IN)
def retry(call_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            calls.retry_transcription(current_user, call_id)
        except NotFound:
            abort(404)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash("Transcription queued again.", "success")
    return redirect(url_for("calls.detail", call_id=call_id))


@bp.route("/<id:call_id>/delete", methods=["GET", "POST"])
@allow(SIGNED_IN)
def delete(call_id: int) -> str | Response:
    """Confirm, then delete the call and everything made from it (owner or administrator)."""
    form = ConfirmForm()
    try:
        call = privacy.deletable_call(current_user, call_id)
        if not form.validate_on_submit():
            return render_template("calls/delete.html", call=call, form=form)
        privacy.delete_call(current_user, call_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    flash("The call, its recording, transcripts and scorecards were deleted.", "success")
    return redirect(url_for("calls.index"))


def _turn_notes(scorecard: dict) -> dict[int, dict]:
    """Per transcript turn: its tone (and any rule that set it) and the findings quoting it."""
    notes: dict[int, dict] = {}
    for turn in scorecard.get("turns", []):
        cues = turn.get("tone_cues", [])
        notes[turn["index"]] = {"tone": turn.get("tone"), "cues": cues, "findings": []}
    for position, finding in enumerate(scorecard.get("findings", [])):
        if finding.get("turn") is not None:
            notes.setdefault(finding["turn"], {"tone": None, "cues": [], "findings": []})
            notes[finding["turn"]]["findings"].append({**finding, "anchor": f"finding-{position}"})
    return notes


def _visible(call_id: int) -> Call:
    try:
        return calls.visible_call(current_user, call_id)
    except NotFound:
        abort(404)


def _transcript_version(call_id: int):
    version = calls.latest_transcript(_visible(call_id))
    if version is None:
        abort(404)
    return version


def _new_call_form() -> NewCallForm:
    form = NewCallForm()
    form.call_type.choices = [SelectChoice(k, v) for k, v in calls.CALL_TYPES.items()]
    form.jurisdiction.choices = [SelectChoice(k, v) for k, v in calls.JURISDICTIONS.items()]
    form.speakers.choices = [SelectChoice(k, v) for k, v in calls.SPEAKERS.items()]
    if not form.is_submitted():
        form.speakers.data = "two"
    return form


def _limits() -> dict[str, object]:
    settings = current_app.config["COACH"]
    return {
        "mb": settings["MAX_UPLOAD_MB"],
        "minutes": settings["MAX_CALL_MINUTES"],
        "extensions": ", ".join(calls.ALLOWED_EXTENSIONS),
    }


def _kept_upload() -> kept_uploads.KeptUpload | None:
    """The recording kept from this session's last refused form, when the form names it."""
    token = request.form.get("kept_upload")
    if not token or token != session.get(_KEPT):
        return None
    return kept_uploads.find(current_user, token)


def _keep(
    upload: FileStorage, previous: kept_uploads.KeptUpload | None
) -> kept_uploads.KeptUpload | None:
    """Keep a refused form's recording for the corrected form (replacing any kept before)."""
    try:
        kept = kept_uploads.keep(current_user, upload.stream, upload.filename or "")
    except ServiceError as error:
        flash(f"{error} Choose the recording again when you submit.", "error")
        return previous
    finally:
        upload.close()
    if previous is not None:
        kept_uploads.discard(previous)
    session[_KEPT] = kept.token
    return kept


def _forget(kept: kept_uploads.KeptUpload) -> None:
    kept_uploads.discard(kept)
    session.pop(_KEPT, None)


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _page_number() -> int:
    number = request.args.get("page", "")
    return int(number) if number.isdecimal() and len(number) < 7 else 1


def _first_error(form: NewCallForm) -> str:
    for field in form:
        if field.errors:
            return f"{field.label.text}: {field.errors[0]}"
    return "The form could not be read; reload the page and try again."
