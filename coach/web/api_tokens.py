"""API tokens: a person creates and revokes their own; an administrator sees and revokes
every token in the organisation (someone left, a system was retired)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from coach.errors import NotFound, ServiceError
from coach.models import Role
from coach.services import api_tokens
from coach.web.access import SIGNED_IN, allow, roles
from coach.web.forms import ConfirmForm

bp = Blueprint("api_tokens", __name__)


class TokenForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the token a name."), Length(max=api_tokens.MAX_NAME)]
    )
    expires_on = DateField("Expires on (optional)", validators=[Optional()])
    submit = SubmitField("Create token")


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@allow(SIGNED_IN)
def index() -> tuple[str, int]:
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            created = api_tokens.create_token(
                current_user, form.name.data or "", form.expires_on.data
            )
        except ServiceError as error:
            flash(str(error), "error")
            status = 400
        else:
            form = TokenForm(formdata=None)
            status = 201
    elif form.is_submitted():
        status = 400
    return render_template(
        "api_tokens/index.html",
        form=form,
        created=created,
        tokens=api_tokens.tokens_of(current_user),
        status_of=api_tokens.status_of,
        revoke=ConfirmForm(),
    ), status


@bp.route("/admin/api-tokens")
@allow(roles(Role.ADMIN))
def organisation() -> str:
    return render_template(
        "api_tokens/organisation.html",
        tokens=api_tokens.organisation_tokens(current_user),
        status_of=api_tokens.status_of,
        revoke=ConfirmForm(),
    )


@bp.route("/account/api-tokens/<id:token_id>/revoke", methods=["POST"])
@allow(SIGNED_IN)
def revoke(token_id: int) -> Response:
    """Back to the list the button was on: the owner's own, or the organisation's."""
    if not ConfirmForm().validate_on_submit():
        flash("The form expired; nothing was revoked. Try again.", "error")
        return redirect(url_for("api_tokens.index"))
    try:
        token = api_tokens.revoke(current_user, token_id)
    except NotFound:
        abort(404)
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(url_for("api_tokens.index"))
    flash(f"The token “{token.name}” is revoked: requests with it are refused now.", "success")
    if token.user_id != current_user.id:
        return redirect(url_for("api_tokens.organisation"))
    return redirect(url_for("api_tokens.index"))
