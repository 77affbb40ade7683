"""WTForms used by the blueprints; Flask-WTF adds the CSRF token to every one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
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


class CheckboxList:
    """WTForms' list of checkboxes (``ListWidget(prefix_label=False)`` of ``CheckboxInput``),
    the same HTML to the byte, without a Field object and five escaped attributes built per
    choice: the certification assignment form lists every person in the organisation.
    Attributes set on the field or a choice (which Coach never sets) go the WTForms way."""

    _wtforms = widgets.ListWidget(prefix_label=False)

    def __call__(self, field: SelectMultipleField, **kwargs: object) -> Markup:
        choices = list(field.iter_choices())
        if field.render_kw or any(choice.render_kw for choice in choices):
            return self._wtforms(field, **kwargs)
        kwargs.setdefault("id", field.id)
        # The flags each choice's field takes from the validators (InputRequired: required),
        # placed as html_params places attributes: sorted by name.
        disabled = "disabled " if field.flags.disabled else ""
        required = "required " if field.flags.required else ""
        name = escape(field.name)
        items = []
        for index, choice in enumerate(choices):
            option_id = escape(f"{field.id}-{index}")
            checked = "checked " if choice.selected else ""
            value = escape(str(choice.value))
            items.append(
                f'<li><input {checked}{disabled}id="{option_id}" name="{name}" {required}'
                f'type="checkbox" value="{value}"> '
                f'<label for="{option_id}">{escape(choice.label or choice.value)}</label></li>'
            )
        # Every piece above is escaped, as WTForms escapes it.
        return Markup(f"<ul {widgets.html_params(**kwargs)}>{''.join(items)}</ul>")  # noqa: S704


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes rather than a list box."""

    widget = CheckboxList()
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
