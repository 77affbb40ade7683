"""Forms of the question editor: the fields every question has, plus rows for the parts that
depend on its type (options, a call's lines, steps). The forms only gather the officer's input
into the shape of a bank file; every rule about a question is the service's (the same checks
as the files), so the officer gets one complete list of problems.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from coach.quizzes.model import QuestionModel
from coach.services.question_edits import MAX_NOTE
from coach.web.forms import MultiCheckboxField

SPEAKERS = [
    SelectChoice("collector", "Collector"),
    SelectChoice("debtor", "Debtor"),
    SelectChoice("third_party", "Third party"),
]
DIFFICULTIES = [SelectChoice(d, d.capitalize()) for d in ("easy", "medium", "hard")]
NOTE_HELP = "Say what changed and why: auditors read it in the question's history."

# The row groups (and the true/false answer) each question type is edited with.
SECTIONS: dict[str, tuple[str, ...]] = {
    "single_choice": ("options",),
    "multiple_choice": ("options",),
    "compliant_reply": ("context", "options"),
    "true_false": ("answer",),
    "spot_violation": ("transcript",),
    "ordering": ("steps",),
}


class OptionRow(Form):
    """An answer option; ``id`` stays hidden so an edit keeps the ids answers refer to."""

    id = HiddenField()
    text = StringField("Option text")
    correct = BooleanField("Correct")


class ContextRow(Form):
    """A line of the call a "choose the compliant reply" question shows."""

    speaker = SelectField("Speaker", choices=SPEAKERS, validate_choice=False)
    text = StringField("Line")


class LineRow(Form):
    """A line of a "spot the violation" transcript."""

    id = HiddenField()
    speaker = SelectField("Speaker", choices=SPEAKERS, validate_choice=False)
    text = StringField("Line")
    unlawful = BooleanField("Unlawful")


class StepRow(Form):
    """A step of an ordering question; rows are in the right order."""

    id = HiddenField()
    text = StringField("Step")


class QuestionForm(FlaskForm):
    """A question, new or edited. ``id`` is asked for only when adding; choices are not
    enforced here (``validate_choice=False``) so an unknown value reaches the service's
    check and its message."""

    id = StringField("Question id (lower case, digits and hyphens)")
    topic = StringField("Topic (lower case and hyphens)")
    difficulty = SelectField("Difficulty", choices=DIFFICULTIES, validate_choice=False)
    prompt = TextAreaField("Prompt")
    answer = RadioField(
        "The statement is",
        choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
        validate_choice=False,
    )
    options = FieldList(FormField(OptionRow))
    context = FieldList(FormField(ContextRow))
    transcript = FieldList(FormField(LineRow))
    steps = FieldList(FormField(StepRow))
    rules = MultiCheckboxField("Rules it tests", choices=[], validate_choice=False)
    skills = MultiCheckboxField("Skills", choices=[], validate_choice=False)
    explanation = TextAreaField("Explanation (shown in review)")
    citation = StringField("Citation")
    note = TextAreaField("What changed and why")
    # The revision the form was opened at: a save over a newer one is refused.
    base_revision = HiddenField()
    submit = SubmitField("Save")

    def question_data(self, kind: str, question_id: str | None = None) -> dict[str, Any]:
        """The input shaped as a question in a bank file (blank rows left out); an edit
        passes the question's id, which its form does not ask for."""
        data: dict[str, Any] = {
            "id": question_id or (self.id.data or "").strip(),
            "type": kind,
            "topic": (self.topic.data or "").strip(),
            "difficulty": self.difficulty.data,
            "rules": list(self.rules.data or []),
            "skills": list(self.skills.data or []),
            "prompt": self.prompt.data or "",
            "explanation": self.explanation.data or "",
            "citation": self.citation.data or "",
        }
        for section in SECTIONS[kind]:
            data.update(_READERS[section](self))
        return data

    def add_blank_rows(self, kind: str) -> None:
        """One empty row at the end of each row group: how an officer adds a row."""
        for section in SECTIONS[kind]:
            rows = getattr(self, section, None)
            if isinstance(rows, FieldList) and (not rows.entries or _filled(rows.entries[-1])):
                rows.append_entry()


class RetireForm(FlaskForm):
    """Retire or restore a question; the note is kept in its history."""

    note = TextAreaField(
        "Why",
        validators=[
            DataRequired(NOTE_HELP),
            Length(max=MAX_NOTE, message=f"Keep the note under {MAX_NOTE} characters."),
        ],
    )
    submit = SubmitField("Confirm")


class BankFilterForm(Form):
    """Narrow a bank's question list (a plain GET form: it changes nothing)."""

    topic = SelectField("Topic", choices=[], default="", validate_choice=False)
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice("", "Any"), *DIFFICULTIES],
        default="",
        validate_choice=False,
    )
    type = SelectField("Type", choices=[], default="", validate_choice=False)
    q = StringField("Search")


def initial_data(question: QuestionModel) -> dict[str, Any]:
    """The form's data for ``question`` (as its bank file has it)."""
    data = question.model_dump(mode="json")
    if "answer" in data:
        data["answer"] = "true" if data["answer"] else "false"
    return data


def _filled(entry: FormField) -> bool:
    return any(
        (f.data or "").strip() if isinstance(f.data, str) else bool(f.data)
        for f in entry.form
        if f.short_name not in {"id", "speaker"}
    )


def _rows(rows: FieldList, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The filled rows' values (a row with no text and nothing ticked is a blank row)."""
    return [{key: entry.form[key].data for key in keys} for entry in rows.entries if _filled(entry)]


def _with_ids(rows: list[dict[str, Any]], make: Callable[[int], str]) -> list[dict[str, Any]]:
    """Rows keep their ids; a new row gets the first id ``make`` offers that is free."""
    used = {row["id"] for row in rows if row["id"]}
    n = 0
    for row in rows:
        if not row["id"]:
            while make(n) in used:
                n += 1
            row["id"] = make(n)
            used.add(row["id"])
    return rows


def _letter(n: int) -> str:
    return chr(ord("a") + n) if n < 26 else f"o{n}"


_READERS: dict[str, Callable[[QuestionForm], dict[str, Any]]] = {
    "options": lambda f: {
        "options": _with_ids(_rows(f.options, ("id", "text", "correct")), _letter)
    },
    "context": lambda f: {"context": _rows(f.context, ("speaker", "text"))},
    "transcript": lambda f: {
        "transcript": _with_ids(
            _rows(f.transcript, ("id", "speaker", "text", "unlawful")), lambda n: f"l{n + 1}"
        )
    },
    "steps": lambda f: {"steps": _with_ids(_rows(f.steps, ("id", "text")), lambda n: f"s{n + 1}")},
    "answer": lambda f: {"answer": f.answer.data == "true"} if f.answer.data else {},
}
