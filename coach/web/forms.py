"""WTForms used by the blueprints; Flask-WTF adds the CSRF token to every one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from coach.models import Role

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes rather than a list box."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField("Repeat the new password", validators=[DataRequired()])
    submit = SubmitField("Change password")


class CreateUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField("Roles", choices=ROLE_CHOICES, validators=[InputRequired()])
    submit = SubmitField("Create account")


class EditUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField("Roles", choices=ROLE_CHOICES, validators=[InputRequired()])
    active = BooleanField("Active (may sign in)")
    submit = SubmitField("Save changes")


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=120)])
    coach_id = SelectField("Coach", coerce=int, choices=[])
    submit = SubmitField("Save team")


class SetCoachForm(FlaskForm):
    coach_id = SelectField("Coach", coerce=int, choices=[])
    submit = SubmitField("Set coach")


class AddMemberForm(FlaskForm):
    user_id = SelectField("Trainee", coerce=int, choices=[], validators=[DataRequired()])
    submit = SubmitField("Add to team")


class AttemptForm(FlaskForm):
    """A certification attempt's page: the answers are fields the view reads by question
    number; ``version`` is the attempt's version the page has seen."""

    version = HiddenField()


class ConfirmForm(FlaskForm):
    """A bare form for POST-only actions (sign out, remove, reset) so each carries CSRF."""

    submit = SubmitField("Confirm")


class NewCallForm(FlaskForm):
    """Details of a practice call; the recording comes from the file input or the recorder."""

    title = StringField("Title", validators=[Optional(), Length(max=120)])
    call_type = SelectField("Call type", validators=[DataRequired()])
    jurisdiction = SelectField("Jurisdiction", validators=[DataRequired()])
    speakers = RadioField("Who is on a mono recording?", validators=[DataRequired()])
    consent = BooleanField(
        "Everyone on this recording agreed to be recorded", validators=[DataRequired()]
    )
    recording = FileField("Recording", validators=[FileRequired("Choose a recording to upload.")])
    submit = SubmitField("Upload and transcribe")


class ReplyForm(FlaskForm):
    """A role-play reply: typed text, or a spoken clip Coach transcribes. ``turn`` is the last
    turn the page showed, so a reply sent from a stale tab is refused rather than misplaced.
    Length and language are the service's checks (their messages say what to do)."""

    text = TextAreaField("Your reply", validators=[Optional()])
    audio = FileField("Spoken reply", validators=[Optional()])
    turn = HiddenField(validators=[Optional()])
    submit = SubmitField("Send")
