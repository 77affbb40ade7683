"""Forms of the compliance officers' certification pages. Flask-WTF adds the CSRF token to
every form that changes something; the report filters are a plain GET form (they change
nothing, and a link to a filtered report must work when shared)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, Form, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from coach.services.certificates import MAX_REASON
from coach.web.forms import MultiCheckboxField

DUE_DATE_FORMAT = "Give the due date as YYYY-MM-DD."


class DueDateField(DateField):
    """A YYYY-MM-DD date whose refusal says which format it wants."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DUE_DATE_FORMAT) from None


class AssignForm(FlaskForm):
    """Assign a program to people and/or whole teams, due by a date. Whether anyone was
    chosen and whether the date is in the past are the service's checks."""

    program = SelectField(
        "Certification program", validators=[DataRequired("Choose a certification program.")]
    )
    due_on = DueDateField("Due on", validators=[InputRequired(DUE_DATE_FORMAT)], format="%Y-%m-%d")
    teams = MultiCheckboxField("Whole teams (everyone in them now)", coerce=int, choices=[])
    people = MultiCheckboxField("People", coerce=int, choices=[])
    submit = SubmitField("Assign")


class RevokeForm(FlaskForm):
    """Revoke a certificate; the reason is shown to anyone who verifies it."""

    reason = TextAreaField(
        "Reason (shown on the verification page)",
        validators=[
            DataRequired("Give the reason for revoking: it is shown on the verification page."),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters."),
        ],
    )
    submit = SubmitField("Revoke")


class ReportFilterForm(Form):
    """Narrow a report to one program and one team ('' = all)."""

    program = SelectField("Program", choices=[], default="")
    team = SelectField("Team", choices=[], default="")

    def team_id(self) -> int | None:
        """The chosen team's id, or None for every team (call after ``validate``)."""
        return int(self.team.data) if self.team.data else None
