"""The checkbox list Coach renders multiple choices with is WTForms' own list of checkboxes
to the byte (labels and values escaped, choices ticked, the required flag), only faster."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice, widgets
from wtforms.validators import InputRequired

from coach.web.forms import MultiCheckboxField

AWKWARD = [
    SelectChoice(7, 'O\'Brien & "Sons" <b>'),
    SelectChoice(12, "Zoë Ng"),
    SelectChoice(99, ""),  # no label: its value shows
    SelectChoice(3, "Kay"),
]


class _Form(Form):
    people = MultiCheckboxField("People", coerce=int, choices=[])
    roles = MultiCheckboxField("Roles", choices=[], validators=[InputRequired()])


def _wtforms_own(field: MultiCheckboxField, **kwargs: object) -> str:
    return str(widgets.ListWidget(prefix_label=False)(field, **kwargs))


@pytest.mark.parametrize(
    ("name", "submitted"),
    [
        ("people", MultiDict()),
        ("people", MultiDict([("people", "7"), ("people", "3")])),
        ("roles", MultiDict([("roles", "a&b")])),  # required, and a value to escape
    ],
)
def test_the_same_html_as_wtforms_for_every_kind_of_choice(name: str, submitted: MultiDict) -> None:
    form = _Form(submitted)
    field = form[name]
    field.choices = AWKWARD if name == "people" else [SelectChoice("a&b", "A & B"), ("c", "C")]
    form.validate()
    for kwargs in ({}, {"class_": "checks"}, {"class_": "checks", "id": "other"}):
        assert field(**kwargs) == _wtforms_own(field, **kwargs)
    assert "<b>" not in field()  # escaped, not markup


def test_an_empty_list_and_a_field_with_its_own_attributes_match_too() -> None:
    form = _Form()
    assert form.people() == _wtforms_own(form.people)
    form.people.choices = AWKWARD[:2]
    form.people.render_kw = {"data_x": "1"}
    assert form.people() == _wtforms_own(form.people, data_x="1")
