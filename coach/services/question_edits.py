"""Question banks as an organisation has edited them: compliance officers edit, add, retire
and restore questions in the UI, each action appended as a new revision (never an update).

The shipped bank files stay every organisation's base; an organisation's latest revision of a
question replaces the file's question for that organisation only. An edit is checked exactly
as the catalog checks a file (the pydantic schema through the whole bank, rule ids of the
bank's jurisdiction, skills, question ids across banks) and may not leave any certification
program unable to fill its pools. Attempts keep their whole paper, so no edit reaches them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coach.catalog import CheckContext
from coach.catalog.errors import validation_messages
from coach.catalog.kinds import CERTIFICATIONS, QUIZZES, SKILLS
from coach.errors import Conflict, NotFound, ServiceError
from coach.extensions import db
from coach.models import QuestionEdit, User
from coach.quizzes.assembly import shortfalls
from coach.quizzes.model import QUESTION_TYPES, Question, QuestionBank, QuestionModel
from coach.quizzes.program import CertificationProgram
from coach.quizzes.validate import RULES, unknown_rules
from coach.services import access, audit

MAX_NOTE = 500
# retire and restore: (officer, bank id, question id, note) -> the revision appended.
RetireChange = Callable[[User, str, str, str], QuestionEdit]
_QUESTION: TypeAdapter[QuestionModel] = TypeAdapter(Question)  # type: ignore[arg-type]


class InvalidQuestion(ServiceError):
    """The question was not saved; ``errors`` lists every problem as ``field.path: message``."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("The question was not saved: " + "; ".join(self.errors))


@dataclass(frozen=True)
class Entry:
    """A question of a bank as an organisation has it: ``revision`` is None while it is the
    shipped question; ``added`` when the organisation wrote it; ``retired`` ones are not drawn."""

    bank: str
    question: QuestionModel
    revision: int | None = None
    retired: bool = False
    added: bool = False


@dataclass(frozen=True)
class BankSummary:
    """A bank and how its organisation's copy differs from the file."""

    bank: QuestionBank
    active: int
    edited: int
    added: int
    retired: int


@dataclass(frozen=True)
class Filters:
    """What a bank's question list is narrowed to ('' = any)."""

    topic: str = ""
    difficulty: str = ""
    type: str = ""
    text: str = ""


# --- reading -------------------------------------------------------------------------------


def effective_banks(organisation_id: int, file_banks: Sequence[QuestionBank]) -> list[QuestionBank]:
    """``file_banks`` with the organisation's latest revision of each question applied: edited
    questions replaced, added ones appended, retired ones left out."""
    latest = _latest(organisation_id)
    if not latest:
        return list(file_banks)
    return [
        bank.model_copy(
            update={"questions": tuple(e.question for e in _entries(bank, latest) if not e.retired)}
        )
        for bank in file_banks
    ]


def bank_summaries(viewer: User) -> list[BankSummary]:
    """Every bank, by jurisdiction then title, with counts of the organisation's changes."""
    access.require_compliance(viewer, "edit question banks")
    latest = _latest(viewer.organisation_id)
    summaries = []
    for bank in sorted(_shipped(), key=lambda b: (b.jurisdiction, b.title)):
        entries = _entries(bank, latest)
        summaries.append(
            BankSummary(
                bank=bank,
                active=sum(not e.retired for e in entries),
                edited=sum(e.revision is not None and not e.added for e in entries),
                added=sum(e.added for e in entries),
                retired=sum(e.retired for e in entries),
            )
        )
    return summaries


def bank_entries(viewer: User, bank_id: str) -> tuple[QuestionBank, list[Entry]]:
    """The bank (as shipped) and its questions as the viewer's organisation has them."""
    access.require_compliance(viewer, "edit question banks")
    bank = _shipped_bank(bank_id)
    return bank, _entries(bank, _latest(viewer.organisation_id))


def matching(entries: Iterable[Entry], filters: Filters) -> list[Entry]:
    """The entries that pass every filter; the text is searched case-insensitively in the id,
    prompt, explanation and the choices."""
    needle = filters.text.strip().casefold()
    return [
        e
        for e in entries
        if (not filters.topic or e.question.topic == filters.topic)
        and (not filters.difficulty or e.question.difficulty == filters.difficulty)
        and (not filters.type or e.question.type == filters.type)
        and (not needle or needle in _searchable(e.question))
    ]


def entry(viewer: User, bank_id: str, question_id: str) -> Entry:
    """One question as the viewer's organisation has it, else NotFound."""
    _bank, entries = bank_entries(viewer, bank_id)
    found = next((e for e in entries if e.question.id == question_id), None)
    if found is None:
        raise NotFound("No such question in this bank.")
    return found


def history(viewer: User, bank_id: str, question_id: str) -> list[QuestionEdit]:
    """The organisation's revisions of the question, newest first (empty: never changed)."""
    entry(viewer, bank_id, question_id)
    return list(
        db.session.scalars(
            select(QuestionEdit)
            .where(
                QuestionEdit.organisation_id == viewer.organisation_id,
                QuestionEdit.bank == bank_id,
                QuestionEdit.question_id == question_id,
            )
            .order_by(QuestionEdit.revision.desc())
        )
    )


def rule_choices(jurisdiction: str) -> list[tuple[str, str]]:
    """(rule id, title) of every rule a question of ``jurisdiction`` may test."""
    return sorted(
        (rule.id, rule.title)
        for pack in _catalog().get(RULES)
        if pack.jurisdiction == jurisdiction
        for rule in pack.rules
    )


def skill_choices() -> list[tuple[str, str]]:
    """(skill id, name) of every skill in skills.yaml."""
    return [(skill.id, skill.name) for skill in _catalog().skills.skills]


# --- changing ------------------------------------------------------------------------------


def edit_question(
    officer: User,
    bank_id: str,
    question_id: str,
    data: Mapping[str, Any],
    note: str,
    expected_revision: int | None = None,
) -> QuestionEdit:
    """Saves ``data`` (a question shaped as in a bank file) as the question's next revision.
    Its id and type stay: answers and item analysis are keyed by the id, and a new type would
    make the same id mean a differently shaped answer."""
    access.require_compliance(officer, "edit question banks")
    current = entry(officer, bank_id, question_id)
    _check_fresh(current, expected_revision)
    errors = _note_errors(note)
    if data.get("id", question_id) != question_id:
        errors.append("id: a question's id cannot change; add a new question instead")
    if data.get("type", current.question.type) != current.question.type:
        errors.append(
            f"type: a question's type cannot change (it is {current.question.type}); "
            "retire it and add a new question instead"
        )
    fields = {**data, "id": question_id, "type": current.question.type}
    for tags in ("rules", "skills"):
        if tags in data:
            fields[tags] = _in_order_of(getattr(current.question, tags), data[tags])
    question, problems = _validated(officer, bank_id, fields, current.retired)
    errors += problems
    if not errors and question is not None and question.version() == current.question.version():
        errors.append("nothing changed: the question is the same as the version in use")
    _refuse(errors)
    assert question is not None  # _refuse raised otherwise
    return _append(officer, current, question, current.retired, note, "edited")


def add_question(officer: User, bank_id: str, data: Mapping[str, Any], note: str) -> QuestionEdit:
    """Adds a new question to the organisation's copy of the bank (revision 1)."""
    access.require_compliance(officer, "edit question banks")
    bank = _shipped_bank(bank_id)
    errors = _note_errors(note)
    wanted = str(data.get("id", ""))
    owner = next(
        (e.bank for e in _all_entries(officer.organisation_id) if e.question.id == wanted), None
    )
    if owner is not None:
        errors.append(f"id: {wanted!r} is already a question of {owner}")
    question, problems = _validated(officer, bank.bank, data, retired=False)
    _refuse(errors + problems)
    assert question is not None  # _refuse raised otherwise
    return _append(officer, Entry(bank.bank, question, added=True), question, False, note, "added")


def retire(officer: User, bank_id: str, question_id: str, note: str) -> QuestionEdit:
    """Stops the question being drawn; refused when a program could no longer fill a pool."""
    return _set_retired(officer, bank_id, question_id, note, retired=True)


def restore(officer: User, bank_id: str, question_id: str, note: str) -> QuestionEdit:
    """Draws a retired question again, checked as an edit is (rule packs may have moved on)."""
    return _set_retired(officer, bank_id, question_id, note, retired=False)


def _set_retired(
    officer: User, bank_id: str, question_id: str, note: str, retired: bool
) -> QuestionEdit:
    access.require_compliance(officer, "edit question banks")
    current = entry(officer, bank_id, question_id)
    if current.retired == retired:
        raise Conflict(f"This question is {'already' if retired else 'not'} retired.")
    errors = _note_errors(note)
    if retired:
        errors += _starved_programs(officer.organisation_id, bank_id, question_id, None)
    else:
        data = current.question.model_dump(mode="json")
        errors += _validated(officer, bank_id, data, retired=False)[1]
    _refuse(errors)
    action = "retired" if retired else "restored"
    return _append(officer, current, current.question, retired, note, action)


# --- checks --------------------------------------------------------------------------------


def _validated(
    officer: User, bank_id: str, data: Mapping[str, Any], retired: bool
) -> tuple[QuestionModel | None, list[str]]:
    """The question parsed through its bank (as the catalog parses a file) and every problem
    at once: the schema's, unknown rule ids and skills (checked even when the schema fails),
    then, once it parses, the programs' pools."""
    bank = _shipped_bank(bank_id)
    source = f"quizzes/{bank.bank}.yaml"
    question_id = str(data.get("id", ""))
    others = [
        e.question.model_dump(mode="json")
        for e in _entries(bank, _latest(officer.organisation_id))
        if not e.retired and e.question.id != question_id
    ]
    candidate = {**bank.model_dump(mode="json"), "questions": [*others, dict(data)]}
    index = len(others)
    question, errors = None, []
    try:
        question = QuestionBank.model_validate(candidate).questions[index]
    except ValidationError as error:
        errors += validation_messages(source, error, union_tags=QUESTION_TYPES)
    errors += _unknown_references(bank, source, index, data)
    errors = _relative(errors, source, index)
    if question is not None and not retired:
        errors += _starved_programs(officer.organisation_id, bank.bank, question_id, question)
    return question, errors


def _unknown_references(
    bank: QuestionBank, source: str, index: int, data: Mapping[str, Any]
) -> list[str]:
    """The catalog's checks of rule ids (against the bank's jurisdiction) and skills."""
    at = f"questions.{index}"
    rules = {f"{at}.rules.{k}": r for k, r in _strings(data.get("rules"))}
    skills = {f"{at}.skills.{k}": s for k, s in _strings(data.get("skills"))}
    catalog = _catalog()
    errors = [
        f"{source}:{message}"
        for message in unknown_rules(rules, bank.jurisdiction, catalog.get(RULES))
    ]
    context = CheckContext(loaded={SKILLS: {"skills.yaml": catalog.skills}})
    return errors + context.unknown_skills(source, skills)


def _strings(value: Any) -> list[tuple[int, str]]:
    """(position, text) of the strings in a list (anything else is the schema's to report)."""
    if not isinstance(value, list | tuple):
        return []
    return [(k, item) for k, item in enumerate(value) if isinstance(item, str)]


def _relative(messages: Iterable[str], source: str, index: int) -> list[str]:
    """Catalog messages about question ``index`` of ``source``, worded for the one question:
    ``options.2.text: …`` (and a bare message for the question as a whole)."""
    prefix = f"{source}:questions.{index}"
    relative = []
    for message in messages:
        if message.startswith(prefix + "."):
            relative.append(message.removeprefix(prefix + "."))
        elif message.startswith(prefix + ":"):
            relative.append(message.removeprefix(prefix + ":").strip())
        else:
            relative.append(message.removeprefix(source).lstrip(": "))
    return relative


def _starved_programs(
    organisation_id: int, bank_id: str, question_id: str, replacement: QuestionModel | None
) -> list[str]:
    """Why a program could no longer fill its pools once ``question_id`` of ``bank_id`` is
    replaced (a changed topic or difficulty can leave a filtered pool) or, when
    ``replacement`` is None, retired."""
    after = []
    for bank in effective_banks(organisation_id, _shipped()):
        if bank.bank == bank_id:
            kept = [q for q in bank.questions if q.id != question_id]
            bank = bank.model_copy(
                update={"questions": tuple(kept + ([replacement] if replacement else []))}
            )
        after.append(bank)
    return [
        f"{program.title} could no longer fill its paper: {problem}"
        for program in _programs()
        if any(bank_id in pool.banks for pool in program.pools)
        for problem in shortfalls(program, after)
    ]


def _in_order_of(kept: Sequence[str], chosen: Any) -> Any:
    """Rules and skills are picked as a set (checkboxes): the ones the question had keep their
    order and new ones follow, so ticking the same boxes is not a change."""
    if not isinstance(chosen, list | tuple):
        return chosen
    return [t for t in kept if t in chosen] + [t for t in chosen if t not in kept]


def _note_errors(note: str) -> list[str]:
    if not note.strip():
        return ["note: say what changed and why (auditors read it)"]
    if len(note) > MAX_NOTE:
        return [f"note: keep it under {MAX_NOTE} characters"]
    return []


def _check_fresh(current: Entry, expected_revision: int | None) -> None:
    if expected_revision is not None and (current.revision or 0) != expected_revision:
        raise Conflict(
            "Someone saved this question since you opened it: reload to see their revision, "
            "then make your change again."
        )


def _refuse(errors: list[str]) -> None:
    if errors:
        raise InvalidQuestion(errors)


# --- storage -------------------------------------------------------------------------------


def _append(
    officer: User,
    current: Entry,
    question: QuestionModel,
    retired: bool,
    note: str,
    action: str,
) -> QuestionEdit:
    """Appends the next revision and its audit entry, in one commit."""
    row = QuestionEdit(
        organisation_id=officer.organisation_id,
        bank=current.bank,
        question_id=question.id,
        revision=(current.revision or 0) + 1,
        question=question.model_dump(mode="json"),
        version=question.version(),
        retired=retired,
        edited_by_id=officer.id,
        note=note.strip(),
    )
    db.session.add(row)
    try:
        db.session.flush()
        audit.record(
            officer,
            f"certification.question_{action}",
            "question_edit",
            row.id,
            bank=row.bank,
            question=row.question_id,
            revision=row.revision,
            version=row.version,
        )
        db.session.commit()
    except IntegrityError:  # another officer saved the same revision number first
        db.session.rollback()
        raise Conflict(
            "Someone saved this question at the same moment: reload to see their revision, "
            "then make your change again."
        ) from None
    return row


def _latest(organisation_id: int) -> dict[tuple[str, str], QuestionEdit]:
    """The newest revision of each (bank, question) the organisation changed; a question is
    keyed where it was first added, so added questions keep the order they were written in."""
    rows = db.session.scalars(
        select(QuestionEdit)
        .where(QuestionEdit.organisation_id == organisation_id)
        .order_by(QuestionEdit.id)
    )
    latest: dict[tuple[str, str], QuestionEdit] = {}
    for row in rows:
        latest[(row.bank, row.question_id)] = row
    return latest


def _entries(bank: QuestionBank, latest: Mapping[tuple[str, str], QuestionEdit]) -> list[Entry]:
    """The bank's questions in file order, then the organisation's added ones."""
    edits = {qid: row for (b, qid), row in latest.items() if b == bank.bank}
    entries = [_entry(bank.bank, q, edits.pop(q.id, None)) for q in bank.questions]
    return entries + [_entry(bank.bank, None, row) for row in edits.values()]


def _entry(bank_id: str, shipped: QuestionModel | None, row: QuestionEdit | None) -> Entry:
    if row is None:
        assert shipped is not None
        return Entry(bank_id, shipped)
    return Entry(
        bank_id,
        _QUESTION.validate_python(row.question),
        revision=row.revision,
        retired=row.retired,
        added=shipped is None,
    )


def _all_entries(organisation_id: int) -> list[Entry]:
    latest = _latest(organisation_id)
    return [e for bank in _shipped() for e in _entries(bank, latest)]


def _searchable(question: QuestionModel) -> str:
    texts = [question.id, question.prompt, question.explanation, question.citation]
    texts += [choice.text for choice in question.choices()]
    return " ".join(texts).casefold()


def _catalog() -> Any:
    return current_app.extensions["coach.catalog"]


def _shipped() -> list[QuestionBank]:
    return list(_catalog().get(QUIZZES))


def _shipped_bank(bank_id: str) -> QuestionBank:
    found = next((b for b in _shipped() if b.bank == bank_id), None)
    if found is None:
        raise NotFound("No such question bank.")
    return found


def _programs() -> list[CertificationProgram]:
    return list(_catalog().get(CERTIFICATIONS))
