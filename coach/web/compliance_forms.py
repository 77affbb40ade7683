"""Forms of the compliance pages: starting a calibration round, labelling a call, the bar.

Every form that changes something carries CSRF (Flask-WTF); the report's window is a plain
GET parameter, so a link to it can be shared."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
)
from wtforms.validators import InputRequired, NumberRange

from coach.calibration.criteria import DIMENSION_WORDS, Criterion
from coach.services.calibration import MAX_SAMPLE
from coach.services.calls import JURISDICTIONS
from coach.web.forms import MultiCheckboxField


class StartRoundForm(FlaskForm):
    """A round: which calls (jurisdiction, how many) and which criteria to label."""

    jurisdiction = SelectField(
        "Jurisdiction",
        choices=[SelectChoice(code, name) for code, name in JURISDICTIONS.items()],
        default="US",
    )
    size = IntegerField(
        "Calls to sample",
        default=20,
        validators=[
            InputRequired(f"Say how many calls to sample (1 to {MAX_SAMPLE})."),
            NumberRange(1, MAX_SAMPLE, f"Sample between 1 and {MAX_SAMPLE} calls."),
        ],
    )
    criteria = MultiCheckboxField("Criteria to label", choices=[])
    submit = SubmitField("Start the round")


class BarForm(FlaskForm):
    """The organisation's minimum kappa for a criterion to count as calibrated."""

    min_kappa = DecimalField(
        "Minimum kappa",
        places=2,
        validators=[
            InputRequired("Give the minimum kappa, e.g. 0.6."),
            NumberRange(0.01, 1, "The minimum kappa is a number from 0.01 to 1."),
        ],
    )
    submit = SubmitField("Save the bar")


_RULE_CHOICES = [SelectChoice("1", "Breached"), SelectChoice("0", "Not breached")]
_DIMENSION_CHOICES = [SelectChoice(str(v), f"{v}: {word}") for v, word in DIMENSION_WORDS.items()]


def label_form(criteria: Sequence[tuple[str, str]]) -> tuple[FlaskForm, dict[str, str]]:
    """A form with one required radio group per criterion (key, label), and the field name of
    each key: keys hold characters a field name should not, so fields are numbered."""

    class LabelForm(FlaskForm):
        submit = SubmitField("Save labels")

    names: dict[str, str] = {}
    for index, (key, label) in enumerate(criteria):
        criterion = Criterion.parse(key)
        name = f"criterion_{index}"
        names[key] = name
        setattr(
            LabelForm,
            name,
            RadioField(
                label,
                choices=_DIMENSION_CHOICES if criterion.ordinal else _RULE_CHOICES,
                validators=[InputRequired(f"Choose an answer for {label}.")],
            ),
        )
    return LabelForm(), names
