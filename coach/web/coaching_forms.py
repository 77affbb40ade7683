"""Forms of the coaching loop. Several sit on one call page, so each has a prefix: their
fields (and ids, which labels point at) never collide. Flask-WTF adds the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coach.services.disputes import MAX_TEXT
from coach.services.overrides import MAX_REASON
from coach.services.reviews import MAX_COMMENT
from coach.web.certification_forms import DUE_DATE_FORMAT, DueDateField

SCORE_RANGE = "A score is a whole number from 0 to 100."


def _score(label: str, *required: object) -> IntegerField:
    return IntegerField(
        label,
        validators=[*required, NumberRange(min=0, max=100, message=SCORE_RANGE)],  # type: ignore[list-item]
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
    )


class CommentForm(FlaskForm):
    turn = SelectField("Line", coerce=int, choices=[], validate_choice=False)
    text = TextAreaField(
        "Comment",
        validators=[
            DataRequired("Write the comment first: it is empty."),
            Length(max=MAX_COMMENT, message=f"Keep the comment under {MAX_COMMENT} characters."),
        ],
    )
    submit = SubmitField("Add comment")


class OverrideForm(FlaskForm):
    dimension = SelectField("Dimension", choices=[])
    new_score = _score("New score (0 to 100)", InputRequired(SCORE_RANGE))
    reason = TextAreaField(
        "Reason (the trainee reads it)",
        validators=[
            DataRequired("Give the reason for the override: the trainee reads it."),
            Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters."),
        ],
    )
    submit = SubmitField("Override score")


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        "Why you dispute the score",
        validators=[
            DataRequired("Say why you dispute the score: your coach reads it."),
            Length(max=MAX_TEXT, message=f"Keep it under {MAX_TEXT} characters."),
        ],
    )
    submit = SubmitField("Dispute the score")


class ResolveForm(FlaskForm):
    """Close a dispute with a note; choosing a dimension also overrides it (the note is the
    override's reason)."""

    resolution = TextAreaField(
        "Resolution (the trainee reads it)",
        validators=[
            DataRequired("Write the resolution: the trainee reads it."),
            Length(max=MAX_TEXT, message=f"Keep it under {MAX_TEXT} characters."),
        ],
    )
    dimension = SelectField("Also override (optional)", choices=[], default="")
    new_score = _score("New score (0 to 100)", Optional())
    submit = SubmitField("Resolve dispute")


class RerecordForm(FlaskForm):
    due_on = DueDateField("Due on", validators=[InputRequired(DUE_DATE_FORMAT)], format="%Y-%m-%d")
    submit = SubmitField("Ask for a re-recording")


class AssignScenarioForm(FlaskForm):
    person = SelectField("Trainee", coerce=int, choices=[])
    scenario = SelectField("Scenario", choices=[], validators=[DataRequired("Choose a scenario.")])
    due_on = DueDateField("Due on", validators=[InputRequired(DUE_DATE_FORMAT)], format="%Y-%m-%d")
    submit = SubmitField("Assign")
