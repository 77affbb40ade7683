"""The call list's filters: a plain GET form (it changes nothing, and a filtered list's URL
must work when shared). A filter given wrongly is named in a message and left off; the
others still apply, so a typo never empties the page nor widens what the viewer may see."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, Form, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from coach.services import call_list
from coach.services.call_list import CallFilters, Scope

SCORE_RANGE = "Give a whole number from 0 to 100."
DATE_FORMAT = "Give the date as YYYY-MM-DD."


class _Date(DateField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_FORMAT) from None


class _Score(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(SCORE_RANGE) from None


def _person_id(value: object) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdecimal() or len(str(value)) > 10:
        raise ValueError("Choose a person from the list.")
    return int(str(value))


class CallFilterForm(Form):
    person = SelectField("Person", coerce=_person_id, choices=[])
    date_from = _Date("From (date)", validators=[Optional()], format="%Y-%m-%d")
    date_to = _Date("To (date)", validators=[Optional()], format="%Y-%m-%d")
    score_min = _Score("Score at least", validators=[Optional(), NumberRange(0, 100, SCORE_RANGE)])
    score_max = _Score("Score at most", validators=[Optional(), NumberRange(0, 100, SCORE_RANGE)])
    rule = SelectField("Rule broken", choices=[], default="")
    critical = BooleanField("Only calls with critical findings")


FIELDS = ("person", "date_from", "date_to", "score_min", "score_max", "rule", "critical")


def read_filters(
    scope: Scope, args: MultiDict[str, str]
) -> tuple[CallFilterForm, CallFilters, list[str]]:
    """The form bound to ``args``, the filters it validly asks for, and one message per
    filter that was left off (and why)."""
    form = CallFilterForm(args)
    form.person.choices = [("", "Everyone")] + [
        (str(person_id), name) for person_id, name in call_list.visible_people(scope)
    ]
    form.rule.choices = [("", "Any rule")] + [
        (rule_id, f"{rule_id} — {title}" if title != rule_id else rule_id)
        for rule_id, title in call_list.broken_rules(scope)
    ]
    form.validate()
    messages = [
        f"{field.label.text}: {_reason(field)} This filter was left off."
        for field in form
        if field.errors
    ]
    good = {name: getattr(form, name).data for name in FIELDS if not getattr(form, name).errors}
    if _reversed(good, "date_from", "date_to"):
        messages.append("The “From” date is after the “To” date; the date filter was left off.")
        good["date_from"] = good["date_to"] = None
    if _reversed(good, "score_min", "score_max"):
        messages.append("“Score at least” is above “Score at most”; the score filter was left off.")
        good["score_min"] = good["score_max"] = None
    filters = CallFilters(
        person_id=good.get("person"),
        date_from=good.get("date_from"),
        date_to=good.get("date_to"),
        score_min=good.get("score_min"),
        score_max=good.get("score_max"),
        rule_id=good.get("rule") or None,
        critical_only=bool(good.get("critical")),
    )
    return form, filters, messages


def _reason(field: Any) -> str:
    return "Choose one from the list." if isinstance(field, SelectField) else field.errors[0]


def _reversed(values: dict[str, Any], low: str, high: str) -> bool:
    return (
        values.get(low) is not None and values.get(high) is not None and values[low] > values[high]
    )
