"""Compliance officers' question editor: the banks, a bank's questions, one question as a
trainee sees it (with its key and history), and the forms that edit, add, retire and restore.

Bank and question ids are slugs from the content files (``bank``, ``question``), not database
ids. A refused form is shown again with what the officer typed and every problem (400).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from coach.errors import Conflict, NotFound, ServiceError
from coach.models import Role
from coach.quizzes.assembly import Paper, PaperItem
from coach.quizzes.model import QUESTION_TYPES, QuestionBank
from coach.quizzes.sheet import SheetQuestion, sheet
from coach.services import question_edits
from coach.services.question_edits import Entry, Filters, InvalidQuestion
from coach.web.access import allow, roles
from coach.web.question_forms import (
    SECTIONS,
    BankFilterForm,
    QuestionForm,
    RetireForm,
    initial_data,
)

bp = Blueprint("question_editor", __name__, url_prefix="/certification/questions")
OFFICERS = roles(Role.COMPLIANCE, Role.ADMIN)
TYPE_TITLES = {kind: model.title for kind, model in QUESTION_TYPES.items()}


@bp.route("/")
@allow(OFFICERS)
def bank_list() -> str:
    return render_template(
        "question_editor/banks.html", summaries=question_edits.bank_summaries(current_user)
    )


@bp.route("/banks/<bank>")
@allow(OFFICERS)
def bank_page(bank: str) -> str:
    found, entries = _bank(bank)
    filters = BankFilterForm(request.args)
    topics = sorted({e.question.topic for e in entries})
    filters.topic.choices = [SelectChoice("", "Any")] + [SelectChoice(t, t) for t in topics]
    filters.type.choices = [SelectChoice("", "Any")] + [
        SelectChoice(kind, title) for kind, title in TYPE_TITLES.items()
    ]
    shown = question_edits.matching(
        entries,
        Filters(
            filters.topic.data or "",
            filters.difficulty.data or "",
            filters.type.data or "",
            filters.q.data or "",
        ),
    )
    return render_template(
        "question_editor/bank.html",
        bank=found,
        active=[e for e in shown if not e.retired],
        retired=[e for e in shown if e.retired],
        total=len(entries),
        filters=filters,
        types=TYPE_TITLES,
    )


@bp.route("/banks/<bank>/questions/<question>")
@allow(OFFICERS)
def question_page(bank: str, question: str) -> str:
    return _question_page(bank, question, RetireForm(formdata=None))


@bp.route("/banks/<bank>/questions/<question>/edit", methods=["GET", "POST"])
@allow(OFFICERS)
def edit(bank: str, question: str) -> str | Response | tuple[str, int]:
    found, _entries = _bank(bank)
    current = _entry(bank, question)
    kind = current.question.type
    if request.method == "GET":
        form = QuestionForm(formdata=None, data=initial_data(current.question))
        form.base_revision.data = str(current.revision or 0)
    else:
        form = QuestionForm()
        if form.validate():
            try:
                question_edits.edit_question(
                    current_user,
                    bank,
                    question,
                    form.question_data(kind, question),
                    form.note.data or "",
                    _base_revision(form),
                )
            except ServiceError as error:
                return _refused_form(form, error, found, kind, current)
            flash(
                "Saved as a new revision: new attempts draw it; earlier ones keep theirs.",
                "success",
            )
            return redirect(url_for(".question_page", bank=bank, question=question))
        return _form_page(form, found, kind, current), 400
    return _form_page(form, found, kind, current)


@bp.route("/banks/<bank>/new", methods=["GET", "POST"])
@allow(OFFICERS)
def new(bank: str) -> str | Response | tuple[str, int]:
    found, _entries = _bank(bank)
    kind = request.values.get("type", "")
    if kind not in QUESTION_TYPES:
        status = 400 if request.method == "POST" else 200
        return render_template(
            "question_editor/choose_type.html", bank=found, types=TYPE_TITLES
        ), status
    form = QuestionForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate():
            try:
                row = question_edits.add_question(
                    current_user, bank, form.question_data(kind), form.note.data or ""
                )
            except ServiceError as error:
                return _refused_form(form, error, found, kind, None)
            flash("Question added: new attempts may draw it.", "success")
            return redirect(url_for(".question_page", bank=bank, question=row.question_id))
        return _form_page(form, found, kind, None), 400
    return _form_page(form, found, kind, None)


@bp.route("/banks/<bank>/questions/<question>/retire", methods=["POST"])
@allow(OFFICERS)
def retire(bank: str, question: str) -> str | Response | tuple[str, int]:
    return _set_retired(
        bank, question, question_edits.retire, "Question retired: it is no longer drawn."
    )


@bp.route("/banks/<bank>/questions/<question>/restore", methods=["POST"])
@allow(OFFICERS)
def restore(bank: str, question: str) -> str | Response | tuple[str, int]:
    return _set_retired(
        bank, question, question_edits.restore, "Question restored: new attempts may draw it."
    )


# --- helpers -------------------------------------------------------------------------------


def _set_retired(
    bank: str, question: str, change: question_edits.RetireChange, done: str
) -> str | Response | tuple[str, int]:
    _entry(bank, question)
    form = RetireForm()
    if form.validate():
        try:
            change(current_user, bank, question, form.note.data or "")
        except Conflict as error:
            flash(str(error), "error")
            return redirect(url_for(".question_page", bank=bank, question=question))
        except InvalidQuestion as error:
            form.note.errors = [*form.note.errors, *error.errors]
        else:
            flash(done, "success")
            return redirect(url_for(".question_page", bank=bank, question=question))
    return _question_page(bank, question, form), 400


def _question_page(bank: str, question: str, form: RetireForm) -> str:
    found, _entries = _bank(bank)
    current = _entry(bank, question)
    texts = {choice.id: choice.text for choice in current.question.choices()}
    return render_template(
        "question_editor/question.html",
        bank=found,
        entry=current,
        preview=_preview(current),
        key=[texts[k] for k in current.question.key()],
        rule_titles=dict(question_edits.rule_choices(found.jurisdiction)),
        history=question_edits.history(current_user, bank, question),
        form=form,
    )


def _form_page(form: QuestionForm, bank: QuestionBank, kind: str, current: Entry | None) -> str:
    form.rules.choices = [
        SelectChoice(rule_id, f"{rule_id}: {title}")
        for rule_id, title in question_edits.rule_choices(bank.jurisdiction)
    ]
    form.skills.choices = [SelectChoice(i, name) for i, name in question_edits.skill_choices()]
    form.add_blank_rows(kind)
    return render_template(
        "question_editor/edit.html",
        form=form,
        bank=bank,
        kind=kind,
        kind_title=TYPE_TITLES[kind],
        sections=SECTIONS[kind],
        entry=current,
    )


def _refused_form(
    form: QuestionForm, error: ServiceError, bank: QuestionBank, kind: str, current: Entry | None
) -> tuple[str, int]:
    """The form again, as typed, with every problem the service found."""
    form.form_errors.extend(error.errors if isinstance(error, InvalidQuestion) else [str(error)])
    return _form_page(form, bank, kind, current), 409 if isinstance(error, Conflict) else 400


def _base_revision(form: QuestionForm) -> int | None:
    value = form.base_revision.data or ""
    return int(value) if value.isdigit() else None


def _preview(entry: Entry) -> SheetQuestion:
    """The question exactly as an attempt's page shows it (choices in authored order)."""
    order = tuple(choice.id for choice in entry.question.choices())
    paper = Paper("preview", "", 0, (PaperItem(1, entry.bank, entry.question, order),))
    return sheet(paper, {})[0]


def _bank(bank: str) -> tuple[QuestionBank, list[Entry]]:
    try:
        return question_edits.bank_entries(current_user, bank)
    except NotFound:
        abort(404)


def _entry(bank: str, question: str) -> Entry:
    try:
        return question_edits.entry(current_user, bank, question)
    except NotFound:
        abort(404)
