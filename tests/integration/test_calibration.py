"""Calibration rounds on the real database: the draw, Coach's answers from the stored rows,
blind labels, verdicts against the bar, and uncalibrated criteria kept out of prerequisites."""

from __future__ import annotations

import pytest
from flask import Flask

from coach.calibration.criteria import Verdict
from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import Call, Role, RunStatus, ScenarioRun, User
from coach.services import accounts, calibration, certification
from coach.services.passwords import generate_password
from tests import records
from tests.compliance_records import MINI_MIRANDA, NOT_ASSESSABLE_RULE, THREAT, scored_call
from tests.helpers import Login

TONE = "dimension:tone"
RULE = f"rule:{THREAT}"


def _user(people: dict[str, Login], key: str) -> User:
    found = db.session.get(User, people[key].user_id)
    assert found is not None
    return found


def _calls(people: dict[str, Login], count: int, breached_every: int = 2) -> list[int]:
    """``count`` scored calls; every ``breached_every``-th breaks THREAT; tone 10, 50 or 90."""
    return [
        scored_call(
            people["priya" if i % 3 else "sam"].user_id,
            breached=[THREAT] if i % breached_every == 0 else [],
            dimensions={"tone": (10, 50, 90)[i % 3]},
        )
        for i in range(count)
    ]


def _label_all(officer: User, round_id: int, answer) -> None:
    found = calibration.round_of(officer, round_id)
    for sample in found.samples:
        truth = calibration.coach_answers(sample.call, found.criteria)
        calibration.save_labels(officer, round_id, sample.call_id, answer(sample.call_id, truth))


def test_the_draw_is_seeded_organisation_scoped_and_recorded(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = _user(people, "compliance")
        with pytest.raises(ServiceError, match="no scored"):
            calibration.start_round(officer, "US", 5, [TONE])
        ours = set(_calls(people, 8))
        outsider = records.other_organisation_trainee()
        theirs = scored_call(outsider.user_id)
        unscored = records.transcribed_call(people["priya"].user_id)
        first = calibration.start_round(officer, "US", 5, [TONE, RULE], seed=7)
        again = calibration.start_round(officer, "US", 5, [TONE, RULE], seed=7)
        drawn = [s.call_id for s in first.samples]
        assert drawn == [s.call_id for s in again.samples]
        assert len(drawn) == 5 and set(drawn) <= ours
        assert theirs not in drawn and unscored not in drawn
        assert first.seed == 7 and first.criteria == [TONE, RULE]
        everything = calibration.start_round(officer, "US", 50, [TONE])
        assert {s.call_id for s in everything.samples} == ours


def test_only_officers_start_rounds_and_criteria_are_checked(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        _calls(people, 2)
        with pytest.raises(Forbidden):
            calibration.start_round(_user(people, "coach"), "US", 2, [TONE])
        officer = _user(people, "compliance")
        with pytest.raises(ServiceError, match="criteria"):
            calibration.start_round(officer, "US", 2, ["rule:UK-CONC-7.3-FORBEARANCE"])
        with pytest.raises(ServiceError, match="criteria"):
            calibration.start_round(officer, "US", 2, [])
        with pytest.raises(ServiceError, match="Sample between"):
            calibration.start_round(officer, "US", 0, [TONE])


def test_coach_answers_come_from_the_breach_rows_and_the_engine_scores(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        call_id = scored_call(people["priya"].user_id, [THREAT], {"tone": 59, "listening": 80})
        call = db.session.get(Call, call_id)
        keys = [
            RULE,
            f"rule:{MINI_MIRANDA}",
            f"rule:{NOT_ASSESSABLE_RULE}",
            TONE,
            "dimension:listening",
        ]
        answers = calibration.coach_answers(call, keys)
        assert answers == {
            RULE: 1,
            f"rule:{MINI_MIRANDA}": 0,
            f"rule:{NOT_ASSESSABLE_RULE}": None,  # Coach could not judge it on this call
            TONE: 3,
            "dimension:listening": 5,
        }


def test_labels_are_blind_final_and_complete(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        officer = _user(people, "compliance")
        _calls(people, 3)
        found = calibration.start_round(officer, "US", 3, [TONE, RULE], seed=1)
        call_id = found.samples[0].call_id
        with pytest.raises(ServiceError, match="every criterion"):
            calibration.save_labels(officer, found.id, call_id, {TONE: 3})
        with pytest.raises(ServiceError, match="not an answer"):
            calibration.save_labels(officer, found.id, call_id, {TONE: 9, RULE: 0})
        assert calibration.labels_for(found, call_id) == {}  # nothing was saved
        calibration.save_labels(officer, found.id, call_id, {TONE: 3, RULE: 0})
        with pytest.raises(Conflict):
            calibration.save_labels(officer, found.id, call_id, {TONE: 4, RULE: 1})
        assert calibration.progress_counts(found) == (1, 3)
        assert calibration.next_unlabelled(found) == found.samples[1].call_id


def test_a_round_reports_agreement_and_verdicts_against_the_bar(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer = _user(people, "compliance")
        _calls(people, 12)
        found = calibration.start_round(officer, "US", 12, [TONE, RULE, f"rule:{MINI_MIRANDA}"])

        def answer(call_id: int, coach: dict) -> dict:
            # Agree on tone; on THREAT say "breached" exactly where Coach says not; on the
            # mini-Miranda agree with Coach's constant "not breached".
            return {TONE: coach[TONE], RULE: 1 - coach[RULE], f"rule:{MINI_MIRANDA}": 0}

        _label_all(officer, found.id, answer)
        rows = {row.key: row for row in calibration.report(found)}
        assert rows[TONE].n == 12 and rows[TONE].exact == 1.0 and rows[TONE].within_one == 1.0
        assert rows[TONE].weighted_kappa == pytest.approx(1.0)
        assert rows[TONE].verdict is Verdict.CALIBRATED
        assert rows[RULE].kappa == pytest.approx(-1.0) and rows[RULE].within_one is None
        assert rows[RULE].verdict is Verdict.UNCALIBRATED
        assert rows[f"rule:{MINI_MIRANDA}"].kappa is None
        assert rows[f"rule:{MINI_MIRANDA}"].verdict is Verdict.UNDEFINED
        assert calibration.uncalibrated(officer.organisation_id) == {}  # not closed yet
        calibration.close_round(officer, found.id)
        assert found.min_kappa == 0.6
        waiting = calibration.uncalibrated(officer.organisation_id)
        assert list(waiting) == [RULE] and THREAT in waiting[RULE]
        with pytest.raises(Conflict):
            calibration.close_round(officer, found.id)


def test_the_bar_is_the_organisations_and_checked(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        officer = _user(people, "compliance")
        assert calibration.bar(officer.organisation_id) == 0.6
        with pytest.raises(ServiceError, match="above 0"):
            calibration.set_bar(officer, 1.5)
        with pytest.raises(Forbidden):
            calibration.set_bar(_user(people, "coach"), 0.7)
        calibration.set_bar(officer, 0.8)
        assert calibration.bar(officer.organisation_id) == 0.8
        outsider = db.session.get(User, records.other_organisation_trainee().user_id)
        assert calibration.bar(outsider.organisation_id) == 0.6


def _passing_run(owner: User, scenario_id: str, scorecard: dict) -> int:
    run = db.session.get(ScenarioRun, records.scenario_run(owner.id, scenario_id, ended=True))
    assert run is not None
    run.status, run.meets_objective, run.scorecard = RunStatus.ENDED, True, scorecard
    db.session.commit()
    return run.id


def test_a_run_failing_an_uncalibrated_rule_waits_for_calibration(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer, priya = _user(people, "compliance"), _user(people, "priya")
        needing = next(p for p in certification.programs() if p.prerequisites.scenarios)
        scenario_id = needing.prerequisites.scenarios[0]
        breach = {"findings": [{"rule_id": THREAT, "status": "violation"}], "dimensions": {}}
        _passing_run(priya, scenario_id, breach)
        assert certification.eligibility(priya, needing).may_start  # nothing uncalibrated yet

        _calls(people, 12)
        failing = calibration.start_round(officer, "US", 12, [RULE])
        _label_all(officer, failing.id, lambda _c, coach: {RULE: 1 - coach[RULE]})
        calibration.close_round(officer, failing.id)
        held = certification.eligibility(priya, needing)
        assert not held.may_start
        assert f"{scenario_id} (waiting for calibration of {THREAT}" in held.reason

        # A round with too few labels settles nothing: the rule stays uncalibrated.
        few = calibration.start_round(officer, "US", 3, [RULE])
        _label_all(officer, few.id, lambda _c, coach: {RULE: coach[RULE]})
        calibration.close_round(officer, few.id)
        assert calibration.report(few)[0].verdict is Verdict.TOO_FEW
        assert not certification.eligibility(priya, needing).may_start

        # A clean run of the scenario is evidence already; the breached one still waits.
        _passing_run(priya, scenario_id, {"findings": [], "dimensions": {"tone": 90}})
        assert certification.eligibility(priya, needing).may_start


def test_a_rule_that_passes_a_later_round_counts_again(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        officer, priya = _user(people, "compliance"), _user(people, "priya")
        needing = next(p for p in certification.programs() if p.prerequisites.scenarios)
        scenario_id = needing.prerequisites.scenarios[0]
        _passing_run(priya, scenario_id, {"findings": [{"rule_id": THREAT, "status": "violation"}]})
        _calls(people, 12)
        failing = calibration.start_round(officer, "US", 12, [RULE])
        _label_all(officer, failing.id, lambda _c, coach: {RULE: 1 - coach[RULE]})
        calibration.close_round(officer, failing.id)
        assert not certification.eligibility(priya, needing).may_start
        passing = calibration.start_round(officer, "US", 12, [RULE])
        _label_all(officer, passing.id, lambda _c, coach: {RULE: coach[RULE]})
        calibration.close_round(officer, passing.id)
        assert calibration.uncalibrated(officer.organisation_id) == {}
        assert certification.eligibility(priya, needing).may_start


def test_rounds_of_another_organisation_are_not_found(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        officer = _user(people, "compliance")
        _calls(people, 2)
        found = calibration.start_round(officer, "US", 2, [TONE])
        outsider = db.session.get(User, records.other_organisation_trainee().user_id)
        elsewhere = accounts.create_user(
            None,
            organisation_id=outsider.organisation_id,
            email="oscar@other.example",
            name="Oscar Officer",
            roles=[Role.COMPLIANCE],
            password=generate_password(),
        ).user
        db.session.commit()
        with pytest.raises(NotFound):
            calibration.round_of(elsewhere, found.id)
        assert calibration.rounds(elsewhere) == []
