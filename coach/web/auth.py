"""Sign in, sign out and password change, on server-side sessions.

The signed Flask cookie holds the user id (for Flask-Login) and the session id; every request
resumes that session in the database (:func:`load_user`), so a session ended here, by a
password change or by an admin is refused even from a copied cookie.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from coach.errors import ServiceError
from coach.models import User
from coach.services import accounts, sessions
from coach.services.signin_throttle import Throttled
from coach.web.access import PUBLIC, SIGNED_IN, allow
from coach.web.forms import ChangePasswordForm, ConfirmForm, LoginForm

bp = Blueprint("auth", __name__)

# A page, a redirect, or a page with its status (and headers).
Answer = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]

# The key of the session id in the signed cookie.
SESSION_ID = "sid"


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user only while this cookie's server-side session lives."""
    if not user_id.isdigit():
        return None
    return sessions.resume(session.get(SESSION_ID), int(user_id))


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login() -> Answer:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            signed_in = accounts.sign_in(
                form.email.data or "", form.password.data or "", request.remote_addr or "unknown"
            )
        except Throttled as refusal:
            flash(str(refusal), "error")
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(refusal.retry_after)}
        if signed_in is not None:
            session.clear()  # nothing from before sign-in carries over
            session[SESSION_ID] = signed_in.session_token
            login_user(signed_in.user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Email or password is not correct, or the account is deactivated.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout() -> Response:
    if ConfirmForm().validate_on_submit():
        sessions.end(session.get(SESSION_ID))
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
def change_password() -> Answer:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user,
                form.current.data or "",
                form.new.data or "",
                form.confirm.data or "",
                keep_session=session.get(SESSION_ID),
                address=request.remote_addr or "unknown",
            )
        except Throttled as refusal:
            flash(str(refusal), "error")
            page = render_template("auth/change_password.html", form=form)
            return page, 429, {"Retry-After": str(refusal.retry_after)}
        except ServiceError as error:
            flash(str(error), "error")
            return render_template("auth/change_password.html", form=form), 400
        flash("Your password is changed.", "success")
        return redirect(url_for("dashboard.index"))
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("dashboard.index")
