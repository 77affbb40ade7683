"""Officers editing question banks through the service, on both databases: every edit is a new
revision and a new question version, attempts keep the version they were given, retired
questions are not drawn, and bad edits are refused with every problem listed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from coach.errors import Conflict, Forbidden
from coach.extensions import db
from coach.models import AuditEntry, QuestionEdit, QuizAttempt, User
from coach.quizzes.assembly import assemble
from coach.services import certification, question_edits
from coach.services.question_edits import InvalidQuestion
from tests import records
from tests.helpers import Login

UK = "uk-conc7-foundation"
BANK = "uk-vulnerability-and-contact"
QUESTION = "ukv-01"


def person(people: dict[str, Login], key: str) -> User:
    found = db.session.get(User, people[key].user_id)
    assert found is not None
    return found


def shipped(question_id: str = QUESTION) -> dict[str, Any]:
    """The question as its bank file has it (JSON-shaped, as the editor sends it)."""
    bank = next(b for b in certification.banks() if b.question(question_id) is not None)
    question = bank.question(question_id)
    assert question is not None
    return question.model_dump(mode="json")


def drawn_text(attempt: QuizAttempt, question_id: str) -> str:
    paper = certification.paper_of(attempt)
    return next(i.question.prompt for i in paper.items if i.question.id == question_id)


def draw_with(monkeypatch: pytest.MonkeyPatch, user: User, question_id: str) -> None:
    """The next attempt ``user`` starts draws ``question_id`` (the first seed whose paper has
    it, from the banks as the user's organisation has them)."""
    banks = certification.banks(user.organisation_id)
    program = certification.program(UK)
    seed = next(
        s
        for s in range(500)
        if any(i.question.id == question_id for i in assemble(program, banks, s).items)
    )
    monkeypatch.setattr(certification.secrets, "randbelow", lambda _n: seed)


def revisions() -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionEdit)) or 0


def test_an_edit_is_a_new_revision_drawn_next_while_an_earlier_paper_keeps_the_old(
    app: Flask, people: dict[str, Login], monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        officer, priya, sam = (person(people, k) for k in ("compliance", "priya", "sam"))
        old = shipped()
        draw_with(monkeypatch, priya, QUESTION)
        earlier = certification.start_attempt(priya, UK)
        before = question_edits.entry(officer, BANK, QUESTION).question.version()

        edited = {**old, "prompt": "Margaret has just told you her husband died. What now?"}
        row = question_edits.edit_question(officer, BANK, QUESTION, edited, "Shorter prompt")

        assert (row.revision, row.retired, row.edited_by_id) == (1, False, officer.id)
        now = question_edits.entry(officer, BANK, QUESTION)
        assert (now.revision, now.question.prompt) == (1, edited["prompt"])
        assert now.question.version() == row.version != before
        db.session.expire_all()
        assert drawn_text(db.session.get(QuizAttempt, earlier.id), QUESTION) == old["prompt"]
        draw_with(monkeypatch, sam, QUESTION)
        later = certification.start_attempt(sam, UK)
        assert drawn_text(later, QUESTION) == edited["prompt"]

        again = {**edited, "explanation": old["explanation"] + " Note it with consent."}
        assert question_edits.edit_question(officer, BANK, QUESTION, again, "More").revision == 2
        history = question_edits.history(officer, BANK, QUESTION)
        assert [h.revision for h in history] == [2, 1]


def test_other_organisations_keep_the_shipped_question(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        outsider = db.session.get(User, records.other_organisation_trainee().user_id)
        assert outsider is not None
        edited = {**shipped(), "prompt": "Edited for the demo organisation only."}
        question_edits.edit_question(officer, BANK, QUESTION, edited, "Ours")

        def prompt(organisation_id: int) -> str:
            bank = next(b for b in certification.banks(organisation_id) if b.bank == BANK)
            found = bank.question(QUESTION)
            assert found is not None
            return found.prompt

        assert prompt(officer.organisation_id) == edited["prompt"]
        assert prompt(outsider.organisation_id) == shipped()["prompt"]


def test_a_retired_question_is_not_drawn_and_can_be_restored(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        question_edits.retire(officer, BANK, QUESTION, "Outdated after the 2026 guidance")
        bank = next(b for b in certification.banks(officer.organisation_id) if b.bank == BANK)
        assert bank.question(QUESTION) is None
        assert question_edits.entry(officer, BANK, QUESTION).retired
        with pytest.raises(Conflict, match="already retired"):
            question_edits.retire(officer, BANK, QUESTION, "twice")
        row = question_edits.restore(officer, BANK, QUESTION, "Guidance confirmed")
        assert (row.revision, row.retired) == (2, False)
        bank = next(b for b in certification.banks(officer.organisation_id) if b.bank == BANK)
        assert bank.question(QUESTION) is not None


def test_a_retirement_that_would_starve_a_pool_is_refused(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        bank, entries = question_edits.bank_entries(officer, "us-disputes-validation-time-barred")
        draw = 5  # the US program's pool draws 5 from this bank
        spare, last = entries[: len(entries) - draw], entries[len(entries) - draw]
        for e in spare:
            question_edits.retire(officer, bank.bank, e.question.id, "Trim the bank")
        stored = revisions()
        with pytest.raises(InvalidQuestion) as refused:
            question_edits.retire(officer, bank.bank, last.question.id, "One too many")
        assert refused.value.errors == [
            "US collector foundation (FDCPA and Regulation F) could no longer fill its paper: "
            "pools.3: draws 5 question(s) but its banks and filters hold 4"
        ]
        assert revisions() == stored


def test_an_invalid_edit_lists_every_problem_and_stores_nothing(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        bad = shipped()
        bad["rules"] = ["UK-NO-SUCH-RULE"]
        bad["skills"] = ["telepathy"]
        bad["options"][1]["correct"] = True  # two correct options on a single choice
        with pytest.raises(InvalidQuestion) as refused:
            question_edits.edit_question(officer, BANK, QUESTION, bad, "")
        errors = refused.value.errors
        assert len(errors) == 4, errors
        assert errors[0] == "note: say what changed and why (auditors read it)"
        assert errors[1] == "needs exactly one correct option, has 2"
        assert errors[2].startswith("rules.0: unknown rule 'UK-NO-SUCH-RULE'")
        assert errors[3].startswith("skills.0: unknown skill 'telepathy'")

        bad["options"][1]["correct"] = False
        bad["options"][2]["text"] = "  "
        with pytest.raises(InvalidQuestion) as refused:
            question_edits.edit_question(officer, BANK, QUESTION, bad, "typo")
        assert refused.value.errors[0].startswith("options.2.text: ")

        bad["options"][2]["text"] = "Fine text"
        with pytest.raises(InvalidQuestion) as refused:
            question_edits.edit_question(officer, BANK, QUESTION, bad, "typo")
        assert refused.value.errors[0].startswith(
            "rules.0: unknown rule 'UK-NO-SUCH-RULE': no UK rule pack defines it"
        )
        assert refused.value.errors[1].startswith(
            "skills.0: unknown skill 'telepathy': not defined in skills.yaml"
        )
        assert revisions() == 0


def test_a_no_op_edit_or_a_new_type_is_refused(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        with pytest.raises(InvalidQuestion, match="nothing changed"):
            question_edits.edit_question(officer, BANK, QUESTION, shipped(), "Same")
        other = {**shipped(), "type": "multiple_choice"}
        with pytest.raises(InvalidQuestion, match="type: a question's type cannot change"):
            question_edits.edit_question(officer, BANK, QUESTION, other, "New type")
        assert revisions() == 0


def test_adding_a_question_with_a_taken_id_is_refused_and_a_new_one_is_added(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        taken = {**shipped("ukf-01"), "prompt": "A new prompt"}  # an id of another bank
        with pytest.raises(InvalidQuestion) as refused:
            question_edits.add_question(officer, BANK, taken, "New")
        assert refused.value.errors == [
            "id: 'ukf-01' is already a question of uk-arrears-and-forbearance"
        ]
        fresh = {**shipped(), "id": "ukv-officer-01", "prompt": "A new scenario"}
        row = question_edits.add_question(officer, BANK, fresh, "New scenario")
        assert row.revision == 1
        entry = question_edits.entry(officer, BANK, "ukv-officer-01")
        assert entry.added and entry.question.prompt == "A new scenario"


def test_a_trainee_or_a_coach_may_not_edit(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        for key in ("priya", "coach"):
            with pytest.raises(Forbidden):
                question_edits.edit_question(person(people, key), BANK, QUESTION, shipped(), "mine")
        assert revisions() == 0


def test_every_change_is_audited_with_ids_only(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        edited = {**shipped(), "prompt": "Secret new wording"}
        question_edits.edit_question(officer, BANK, QUESTION, edited, "Why")
        question_edits.retire(officer, BANK, QUESTION, "Retire")
        question_edits.restore(officer, BANK, QUESTION, "Back")
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.like("certification.question_%"))
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == [
            "certification.question_edited",
            "certification.question_retired",
            "certification.question_restored",
        ]
        assert entries[0].detail["question"] == QUESTION
        assert entries[0].detail["revision"] == 1
        assert all("Secret" not in str(e.detail) for e in entries)


def test_a_save_over_a_newer_revision_is_refused(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        officer = person(people, "compliance")
        first = {**shipped(), "prompt": "First officer's wording"}
        question_edits.edit_question(officer, BANK, QUESTION, first, "One", expected_revision=0)
        second = {**shipped(), "prompt": "Second officer's wording, from the old form"}
        with pytest.raises(Conflict, match="Someone saved this question since you opened it"):
            question_edits.edit_question(officer, BANK, QUESTION, second, "Two", 0)
        assert revisions() == 1
