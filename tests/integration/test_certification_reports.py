"""The compliance officer's side of certification through the services, on both databases:
assignments (by person and by team, duplicates skipped, cancellation), report figures for a
constructed set of attempts and certificates, the CSV export, item analysis and the audit."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from coach.csv_export import BOM, csv_chunks
from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import (
    AttemptStatus,
    AuditEntry,
    CertificationAssignment,
    QuizAttempt,
    User,
)
from coach.models._columns import utcnow
from coach.quizzes.item_analysis import item_statistics
from coach.services import (
    assignments,
    certificates,
    certification,
    certification_reports,
    question_statistics,
)
from coach.services.certification_reports import NO_TEAM, State
from tests import records
from tests.helpers import Login

UK = "uk-conc7-foundation"
IN = "in-rbi-recovery-agent"


def user(people: dict[str, Login], key: str) -> User:
    found = db.session.get(User, people[key].user_id)
    assert found is not None
    return found


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def actions(name: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == name)))


# --- assignments ------------------------------------------------------------------------------


def test_assigning_a_team_gives_each_member_an_assignment_through_the_team(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = user(people, "compliance")
        team_id = records.team_of(people["priya"].user_id)
        due = utcnow().date() + timedelta(days=14)
        outcome = assignments.assign(officer, UK, due, [], [team_id])
        assert outcome.skipped == []
        rows = db.session.scalars(select(CertificationAssignment)).all()
        assert sorted(r.user_id for r in rows) == sorted(
            people[k].user_id for k in ("priya", "sam", "jordan")
        )
        assert {(r.team_id, r.assigned_by_id, r.due_on, r.program_id) for r in rows} == {
            (team_id, officer.id, due, UK)
        }
        logged = actions("certification.assigned")
        assert sorted(e.target_id for e in logged) == sorted(r.id for r in rows)
        assert all(e.actor_id == officer.id and e.detail["program"] == UK for e in logged)


def test_people_with_the_program_open_or_a_valid_certificate_are_skipped(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = user(people, "compliance")
        team_id = records.team_of(people["priya"].user_id)
        due = utcnow().date() + timedelta(days=7)
        first = assignments.assign(officer, UK, due, [people["priya"].user_id], [])
        assert [a.user_id for a in first.created] == [people["priya"].user_id]
        assert first.created[0].team_id is None
        records.issued_certificate(people["sam"].user_id, UK)
        # Priya is picked both one by one and through her team: once, and skipped.
        again = assignments.assign(officer, UK, due, [people["priya"].user_id], [team_id])
        assert [a.user_id for a in again.created] == [people["jordan"].user_id]
        reasons = {s.user.id: s.reason for s in again.skipped}
        assert reasons[people["priya"].user_id].startswith("already assigned, due")
        assert reasons[people["sam"].user_id].startswith("already certified until")
        assert count(CertificationAssignment) == 2
        # Another program is another matter.
        assert len(assignments.assign(officer, IN, due, [], [team_id]).created) == 3


def test_an_inactive_team_member_is_skipped_with_the_reason(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        user(people, "jordan").active = False
        db.session.commit()
        team_id = records.team_of(people["priya"].user_id)
        due = utcnow().date() + timedelta(days=7)
        outcome = assignments.assign(user(people, "compliance"), UK, due, [], [team_id])
        assert len(outcome.created) == 2
        assert [(s.user.id, s.reason) for s in outcome.skipped] == [
            (people["jordan"].user_id, "their account is inactive")
        ]


@pytest.mark.parametrize(
    ("program_id", "days", "users", "message"),
    [
        (UK, -1, True, "The due date is in the past"),
        ("no-such-program", 7, True, "There is no certification program called 'no-such-program'"),
        (UK, 7, False, "Choose at least one person or team"),
    ],
)
def test_bad_assignments_are_refused_and_change_nothing(
    app: Flask, people: dict[str, Login], program_id: str, days: int, users: bool, message: str
) -> None:
    with app.app_context():
        officer = user(people, "compliance")
        chosen = [people["priya"].user_id] if users else []
        due = utcnow().date() + timedelta(days=days)
        with pytest.raises(ServiceError, match=message):
            assignments.assign(officer, program_id, due, chosen, [])
        assert count(CertificationAssignment) == 0
        assert actions("certification.assigned") == []


def test_only_trainees_of_the_organisation_can_be_assigned_and_only_by_officers(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = user(people, "compliance")
        outsider = records.other_organisation_trainee()
        due = utcnow().date() + timedelta(days=7)
        with pytest.raises(ServiceError, match="One of the chosen people does not exist"):
            assignments.assign(officer, UK, due, [outsider.user_id], [])
        with pytest.raises(ServiceError, match="is not an active collector"):
            assignments.assign(officer, UK, due, [people["compliance"].user_id], [])
        with pytest.raises(ServiceError, match="One of the chosen teams does not exist"):
            assignments.assign(officer, UK, due, [], [records.team_of(outsider.user_id)])
        with pytest.raises(Forbidden):
            assignments.assign(user(people, "coach"), UK, due, [people["priya"].user_id], [])
        assert count(CertificationAssignment) == 0


def test_an_open_assignment_can_be_cancelled_a_completed_one_cannot(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = user(people, "compliance")
        open_id = records.open_assignment(people["priya"].user_id)
        done_id = records.open_assignment(people["sam"].user_id)
        done = db.session.get(CertificationAssignment, done_id)
        assert done is not None
        done.completed_at = utcnow()
        db.session.commit()
        assignments.cancel(officer, open_id)
        cancelled = db.session.get(CertificationAssignment, open_id)
        assert cancelled is not None and cancelled.cancelled_at is not None  # kept, as history
        assert certificates.open_assignments(people["priya"].user_id, UK) == []
        [entry] = actions("certification.assignment_cancelled")
        assert (entry.actor_id, entry.target_id) == (officer.id, open_id)
        assert entry.detail["user_id"] == people["priya"].user_id
        with pytest.raises(Conflict, match="completed"):
            assignments.cancel(officer, done_id)
        with pytest.raises(Conflict, match="already cancelled"):
            assignments.cancel(officer, open_id)
        outsider = records.other_organisation_trainee()
        with pytest.raises(NotFound):
            assignments.cancel(officer, records.open_assignment(outsider.user_id))
        with pytest.raises(Forbidden):
            assignments.cancel(user(people, "priya"), done_id)


def test_a_trainee_sees_open_assignments_soonest_first_with_overdue_marked(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = people["priya"].user_id
        records.open_assignment(priya, IN, due_in_days=20)
        records.open_assignment(priya, UK, due_in_days=-2)
        due = assignments.due_for(user(people, "priya"))
        assert [(d.program_id, d.overdue) for d in due] == [(UK, True), (IN, False)]
        assert due[0].title == certification.program(UK).title


# --- reports ----------------------------------------------------------------------------------


def build_organisation_state(people: dict[str, Login]) -> None:
    """priya: assigned, overdue, in progress; sam: certified, expiring in 10 days; jordan:
    assigned, failed; coach (no team): revoked certificate; an outsider: certified."""
    priya, sam, jordan = (people[k].user_id for k in ("priya", "sam", "jordan"))
    records.open_assignment(priya, due_in_days=-3)
    records.graded_attempt(priya, {"q1": None}, submitted=False)
    records.issued_certificate(sam, expires_in_days=10)
    records.open_assignment(jordan, due_in_days=5)
    records.graded_attempt(jordan, {"q1": 0.0, "q2": 1.0}, passed=False)
    records.graded_attempt(people["coach"].user_id, {"q1": 1.0}, passed=True, days_ago=3)
    records.issued_certificate(people["coach"].user_id, revoked=True)
    records.issued_certificate(records.other_organisation_trainee().user_id)


def test_report_counts_each_status_as_defined(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        build_organisation_state(people)
        found = certification_reports.report(user(people, "compliance"), UK)
        rows = {r.name.split()[0]: r for r in found.people}
        assert sorted(rows) == ["Jordan", "Morgan", "Priya", "Sam"]
        assert rows["Priya"].state == State.IN_PROGRESS
        assert (rows["Priya"].assigned, rows["Priya"].overdue, rows["Priya"].failed) == (
            True,
            True,
            False,
        )
        assert rows["Sam"].state == State.PASSED and rows["Sam"].expiring
        assert not rows["Sam"].assigned
        assert rows["Jordan"].state == State.FAILED and not rows["Jordan"].overdue
        assert rows["Jordan"].attempts == 1 and rows["Jordan"].latest_score == 50.0
        # Revoked, and the latest attempt passed: neither passed nor failed.
        assert rows["Morgan"].state == State.NOT_CERTIFIED
        assert rows["Morgan"].certificate_status == "revoked"
        [north, no_team] = found.by_team
        assert north.team == "Team North" and no_team.team == NO_TEAM
        counts = north.counts
        assert (counts.people, counts.assigned, counts.in_progress, counts.passed) == (3, 2, 1, 1)
        assert (counts.failed, counts.overdue, counts.expiring) == (1, 1, 1)
        assert no_team.counts.people == 1 and no_team.counts.passed == 0
        [overall] = found.by_program
        assert overall.counts.people == 4
        # The other program has nobody yet; the team filter narrows to members.
        assert certification_reports.report(user(people, "compliance"), IN).people == []
        team_id = records.team_of(people["priya"].user_id)
        narrowed = certification_reports.report(user(people, "admin"), UK, team_id)
        assert len(narrowed.people) == 3


def test_the_latest_submitted_attempt_gives_the_score_and_decides_failed(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya, sam = (people[k].user_id for k in ("priya", "sam"))
        records.graded_attempt(priya, {"q1": 1.0, "q2": 1.0}, passed=True, days_ago=5)
        records.graded_attempt(priya, {"q1": 0.0, "q2": 1.0}, days_ago=2)
        records.graded_attempt(sam, {"q1": 0.0, "q2": 0.0}, days_ago=5)
        records.graded_attempt(sam, {"q1": 1.0, "q2": 1.0}, passed=True, days_ago=2)
        found = certification_reports.report(user(people, "compliance"), UK).people
        rows = {row.user_id: (row.attempts, row.latest_score, row.failed) for row in found}
        assert rows == {priya: (2, 50.0, True), sam: (2, 100.0, False)}


def test_an_attempt_whose_time_ran_out_is_graded_before_it_is_counted(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = user(people, "priya")
        attempt = certification.start_attempt(priya, UK)
        attempt.deadline_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        [row] = certification_reports.report(user(people, "compliance"), UK).people
        assert (row.in_progress, row.failed, row.attempts) == (False, True, 1)
        graded = db.session.get(QuizAttempt, attempt.id)
        assert graded is not None and graded.status == AttemptStatus.SUBMITTED


def test_reports_are_for_officers_and_unknown_filters_are_not_found(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        with pytest.raises(Forbidden):
            certification_reports.report(user(people, "coach"))
        with pytest.raises(NotFound):
            certification_reports.report(user(people, "compliance"), "no-such-program")
        outsider_team = records.team_of(records.other_organisation_trainee().user_id)
        with pytest.raises(NotFound):
            certification_reports.report(user(people, "compliance"), UK, outsider_team)


def test_csv_has_a_header_one_row_per_person_and_no_formulas(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        build_organisation_state(people)
        jordan = user(people, "jordan")
        jordan.name = '=HYPERLINK("http://evil.example","Jordan")'
        db.session.commit()
        rows = certification_reports.csv_export(user(people, "compliance"), UK)
        [exported] = actions("certification.report_exported")  # audited before any row is read
        text = "".join(csv_chunks(certification_reports.CSV_HEADER, rows))
        table = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
        assert table[0] == list(certification_reports.CSV_HEADER)
        assert len(table) == 5
        by_email = {row[1]: row for row in table[1:]}
        evil = by_email["jordan@demo.coach"]
        assert evil[0] == "'" + jordan.name
        assert (evil[4], evil[5], evil[11], evil[12]) == ("failed", "yes", "1", "50")
        priya = by_email["priya@demo.coach"]
        assert (priya[2], priya[4], priya[7]) == ("Team North", "in progress", "yes")
        assert exported.actor_id == people["compliance"].user_id
        assert exported.detail == {"program": UK, "team_id": None, "rows": 4}


# --- item analysis ----------------------------------------------------------------------------


def test_item_analysis_counts_unanswered_items_as_wrong_and_lists_weak_questions_first(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        trainees = [people[k].user_id for k in ("priya", "sam", "jordan")]
        papers: list[dict[str, float | None]] = [
            {"q-easy": 1.0, "q-good": 1.0, "q-peer": 1.0, "q-odd": 0.0},
            {"q-easy": 1.0, "q-good": 1.0, "q-peer": 1.0, "q-odd": 1.0},
            {"q-easy": 1.0, "q-good": 1.0, "q-peer": 1.0, "q-odd": None},  # left unanswered
            {"q-easy": 1.0, "q-good": 0.0, "q-peer": 0.0, "q-odd": 1.0},
            {"q-easy": 1.0, "q-good": 0.0, "q-peer": 0.0, "q-odd": 1.0},
            {"q-easy": 1.0, "q-good": 0.5, "q-peer": 0.0, "q-odd": 1.0},
        ]
        for index, credits in enumerate(papers):
            records.graded_attempt(
                trainees[index % 3],
                credits,
                days_ago=10 - index,
                prompt="Old {id}" if index == 0 else "New {id}",
            )
        records.graded_attempt(trainees[0], {"q-easy": 0.0, "q-new": 0.0}, submitted=False)
        analysis = question_statistics.item_analysis(user(people, "compliance"), UK)
        assert analysis.attempts == 6
        expected = {
            s.question: s
            for s in item_statistics(
                [{k: v or 0.0 for k, v in credits.items()} for credits in papers]
            )
        }
        assert_statistics(analysis, expected)
        odd = expected["q-odd"]
        assert odd.answers == 6 and odd.difficulty == pytest.approx(4 / 6)
        assert odd.discrimination is not None and odd.discrimination < 0
        assert expected["q-easy"].flags == ("almost everyone gets it right",)
        order = [row.question_id for row in analysis.items]
        assert order[:2] == ["q-odd", "q-easy"] and set(order[2:]) == {"q-good", "q-peer"}
        assert [row.weak for row in analysis.items] == [True, True, False, False]
        assert all(row.prompt == f"New {row.question_id}" for row in analysis.items)


def test_item_analysis_of_sittings_of_the_program_as_it_is_reads_their_papers_figures(
    app: Flask, people: dict[str, Login]
) -> None:
    """Attempts of the current program are sized without reading their papers: one answered
    in full, one in half (the rest unanswered), one not at all."""
    with app.app_context():
        for key, share in (("priya", 1.0), ("sam", 0.5), ("jordan", 0.0)):
            owner = user(people, key)
            attempt = certification.start_attempt(owner, UK)
            items = certification.paper_of(attempt).items
            answers = {i.number: list(i.question.key()) for i in items[: int(len(items) * share)]}
            certification.submit(owner, attempt.id, answers)
        analysis = question_statistics.item_analysis(user(people, "compliance"), UK)
        sittings = db.session.scalars(
            select(QuizAttempt).order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        ).all()
        credits = [
            {item["question"]["id"]: 0.0 for item in attempt.paper["items"]}
            | {answer.question_id: answer.credit or 0.0 for answer in attempt.answers}
            for attempt in sittings
        ]
        assert analysis.attempts == 3
        assert_statistics(analysis, {s.question: s for s in item_statistics(credits)})
        assert {row.question_id for row in analysis.items if row.statistics.answers == 3}


def assert_statistics(analysis: question_statistics.ItemAnalysis, expected: dict) -> None:
    """The analysis has ``expected``'s figures, equal up to the rounding of sums."""
    found = {row.question_id: row.statistics for row in analysis.items}
    assert found.keys() == expected.keys()
    for question, stats in found.items():
        want = expected[question]
        assert (stats.answers, stats.flags) == (want.answers, want.flags)
        assert stats.difficulty == pytest.approx(want.difficulty)
        if want.discrimination is None:
            assert stats.discrimination is None
        else:
            assert stats.discrimination == pytest.approx(want.discrimination)


def test_item_analysis_of_an_unknown_program_is_not_found(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context(), pytest.raises(NotFound):
        question_statistics.item_analysis(user(people, "compliance"), "no-such-program")


def test_assigning_again_after_every_attempt_failed_gives_a_fresh_round(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer, priya = user(people, "compliance"), user(people, "priya")
        program = certification.program(UK)
        first = records.open_assignment(priya.id)
        gap = timedelta(hours=program.cooldown_hours + 1)
        moment = utcnow()
        for _ in range(program.attempts_allowed):
            moment += gap
            attempt = certification.start_attempt(priya, UK, moment)
            certification.submit(priya, attempt.id, now=moment + timedelta(minutes=1))
        later = moment + gap
        assert certification.eligibility(priya, program, later).attempts_left == 0
        due = later.date() + timedelta(days=7)
        outcome = assignments.assign(officer, UK, due, [priya.id], [], now=later)
        assert [a.user_id for a in outcome.created] == [priya.id] and outcome.skipped == []
        assert db.session.get(CertificationAssignment, first).cancelled_at is not None
        assert [a.id for a in certificates.open_assignments(priya.id, UK)] == [
            outcome.created[0].id
        ]
        assert certification.eligibility(priya, program, later + timedelta(minutes=1)).may_start
        assert len(actions("certification.assignment_superseded")) == 1
