"""My data: a person downloads everything Coach holds about them, or erases it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from coach.errors import ServiceError
from coach.services import calls, data_export, privacy
from coach.web.access import SIGNED_IN, allow
from coach.web.forms import ConfirmForm

bp = Blueprint("privacy", __name__, url_prefix="/my-data")


@bp.route("/")
@allow(SIGNED_IN)
def index() -> str:
    own = calls.calls_of(current_user, current_user)
    return render_template("privacy/index.html", calls=own, form=ConfirmForm())


@bp.route("/export", methods=["POST"])
@allow(SIGNED_IN)
def export() -> Response:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("privacy.index"))
    archive = data_export.export_own_data(current_user)
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name="coach-my-data.zip",
    )


@bp.route("/delete-calls", methods=["GET", "POST"])
@allow(SIGNED_IN)
def delete_calls() -> str | Response:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("privacy/confirm.html", form=form, what="calls")
    count = privacy.delete_own_calls(current_user)
    flash(f"{count} call(s) deleted with their recordings, transcripts and scorecards.", "success")
    return redirect(url_for("privacy.index"))


@bp.route("/delete-account", methods=["GET", "POST"])
@allow(SIGNED_IN)
def delete_account() -> str | Response:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("privacy/confirm.html", form=form, what="account")
    try:
        privacy.delete_own_account(current_user)
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(url_for("privacy.index"))
    logout_user()
    flash("Your account and your data were deleted.", "info")
    return redirect(url_for("auth.login"))
