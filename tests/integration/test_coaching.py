"""The coaching loop's services on the real database: overrides (original kept, progress
follows the override), the dispute lifecycle, practice assignments, the review queue and
heat map, and every refusal (another team's trainee, no reason, out-of-range score, a
resolved dispute, a double submit) changing nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    AuditEntry,
    Call,
    CallScore,
    PracticeAssignment,
    ResponseState,
    RunStatus,
    ScenarioRun,
    ScoreOverride,
    SkillObservationRow,
    TranscriptVersion,
    User,
)
from coach.models._columns import utcnow
from coach.services import (
    disputes,
    overrides,
    practice_assignments,
    progress,
    review_queue,
    reviews,
    team_skills,
)
from coach.services.passwords import generate_password
from tests import records
from tests.helpers import Login

DATA = Path(__file__).parents[1] / "data/scorecard_contract"
CARD = "us_timed_with_metadata"  # ten timed turns, critical findings, missed disclosures
UNCAPPED = "uk_hardship"  # no findings, so no cap holds the total down


def scorecard(name: str = CARD) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.scorecard.json").read_text())


def scored_call(owner_id: int, card: dict[str, Any] | None = None, name: str = CARD) -> int:
    """A call of the user's with the contract transcript ``name`` as its latest version and
    ``card`` (default: that transcript's contract scorecard) as its score, recorded in the
    progress model as the scoring job records it; its id."""
    call = db.session.get(Call, records.transcribed_call(owner_id))
    assert call is not None
    transcript = json.loads((DATA / f"{name}.transcript.json").read_text())
    db.session.add(TranscriptVersion(call_id=call.id, version=2, origin="asr", data=transcript))
    data = card or scorecard(name)
    score = CallScore(call_id=call.id, transcript_version=2, total=data["total"], data=data)
    db.session.add(score)
    db.session.flush()
    progress.record_call_score(call, score)
    db.session.commit()
    return call.id


def user(people: dict[str, Login], key: str) -> User:
    found = db.session.get(User, people[key].user_id)
    assert found is not None
    return found


def activity(call_id: int) -> Activity:
    found = db.session.scalar(
        select(Activity).where(Activity.kind == ActivityKind.CALL, Activity.source_id == call_id)
    )
    assert found is not None
    return found


def observations(person_id: int) -> dict[str, float]:
    rows = db.session.execute(
        select(SkillObservationRow.skill, SkillObservationRow.score).where(
            SkillObservationRow.person_id == person_id
        )
    )
    return dict(rows.all())


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# --- overrides -----------------------------------------------------------------------------


def test_an_override_keeps_the_original_and_progress_uses_it(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        priya = people["priya"].user_id
        call_id = scored_call(priya, name=UNCAPPED)
        before_score = activity(call_id).score
        before_skills = observations(priya)
        db.session.expire_all()
        row = overrides.override(user(people, "coach"), call_id, "listening", 95, " Good. ")
        db.session.expire_all()
        assert (row.original_score, row.new_score, row.reason) == (75, 95, "Good.")
        stored = db.session.scalars(select(CallScore).where(CallScore.call_id == call_id)).one()
        assert stored.data["dimensions"]["listening"] == 75  # the engine's scorecard stays
        now = activity(call_id)
        assert now.overridden and now.score != before_score
        assert observations(priya) != before_skills
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "score.overridden")
        ).one()
        assert entry.detail["original"] == 75 and entry.detail["new"] == 95
        assert "Good" not in json.dumps(entry.detail)  # the reason is content, not audited


def test_the_latest_override_per_dimension_wins(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        call_id = scored_call(people["priya"].user_id, name=UNCAPPED)
        coach = user(people, "coach")
        overrides.override(coach, call_id, "tone", 95, "First look.")
        first = activity(call_id).score
        overrides.override(coach, call_id, "tone", 20, "Listened again: pushy at the close.")
        score = db.session.scalars(select(CallScore).where(CallScore.call_id == call_id)).one()
        shown = overrides.overridden(score)
        assert [(o.dimension, o.current.new_score, len(o.earlier)) for o in shown] == [
            ("tone", 20, 1)
        ]
        assert activity(call_id).score < first


@pytest.mark.parametrize(
    ("dimension", "new_score", "reason", "message"),
    [
        ("tone", 80, "   ", "Give the reason"),
        ("tone", 101, "Too high", "whole number from 0 to 100"),
        ("tone", -1, "Too low", "whole number from 0 to 100"),
        ("tone", None, "No score", "Give the new score"),
        ("charm", 50, "No such", "Unknown dimension"),
    ],
)
def test_a_refused_override_changes_nothing(
    app: Flask,
    people: dict[str, Login],
    dimension: str,
    new_score: int | None,
    reason: str,
    message: str,
) -> None:
    with app.app_context():
        call_id = scored_call(people["priya"].user_id)
        before = activity(call_id).score
        with pytest.raises(ServiceError, match=message):
            overrides.override(user(people, "coach"), call_id, dimension, new_score, reason)
        db.session.rollback()
        assert count(ScoreOverride) == 0 and activity(call_id).score == before
        assert not activity(call_id).overridden


def test_only_the_trainees_coach_or_an_admin_overrides(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        call_id = scored_call(people["priya"].user_id)
        outsider = records.other_organisation_trainee()
        with pytest.raises(Forbidden):
            overrides.override(user(people, "priya"), call_id, "tone", 90, "My own call")
        with pytest.raises(Forbidden):  # compliance reads every call, changes none
            overrides.override(user(people, "compliance"), call_id, "tone", 90, "Audit")
        with pytest.raises(NotFound):
            overrides.override(user(people, "sam"), call_id, "tone", 90, "A peer")
        with pytest.raises(NotFound):
            overrides.override(
                db.session.get(User, outsider.user_id), call_id, "tone", 90, "Elsewhere"
            )
        assert count(ScoreOverride) == 0
        overrides.override(user(people, "admin"), call_id, "tone", 90, "Admin's view")
        assert count(ScoreOverride) == 1


def test_a_coach_of_another_team_is_refused(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        from coach.models import Role
        from coach.services import accounts, teams

        admin = user(people, "admin")
        other = accounts.create_user(
            admin, organisation_id=admin.organisation_id, email="other@demo.coach",
            name="Other Coach", roles=[Role.COACH], password=generate_password(),
        ).user  # fmt: skip
        teams.create_team(admin, "Other team", other.id)
        call_id = scored_call(people["priya"].user_id)
        with pytest.raises(NotFound):
            overrides.override(other, call_id, "tone", 90, "Not my trainee")
        with pytest.raises(NotFound):
            team_skills.drilldown(other, people["priya"].user_id)
        assert team_skills.heat_map(other).teams[0].rows == ()  # an empty team, shown empty


# --- disputes ------------------------------------------------------------------------------


def test_the_dispute_lifecycle(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        priya, coach = user(people, "priya"), user(people, "coach")
        call_id = scored_call(priya.id, name=UNCAPPED)
        overrides.override(coach, call_id, "tone", 40, "Pushy at the close.")
        with pytest.raises(ServiceError, match="Say why"):
            disputes.dispute(priya, call_id, " ")
        opened = disputes.dispute(priya, call_id, "I was firm, not pushy.")
        assert opened.state == ResponseState.OPEN
        with pytest.raises(Conflict, match="still open"):
            disputes.dispute(priya, call_id, "Again")
        with pytest.raises(Conflict, match="still open"):
            disputes.acknowledge(priya, call_id)
        assert [d.dispute.id for d in disputes.open_disputes(coach)] == [opened.id]
        with pytest.raises(Forbidden):
            disputes.resolve(priya, opened.id, "I win")
        with pytest.raises(ServiceError, match="Write the resolution"):
            disputes.resolve(coach, opened.id, "")
        before = activity(call_id).score
        disputes.resolve(coach, opened.id, "Fair: firm, not pushy.", "tone", 70)
        db.session.expire_all()
        assert opened.state == ResponseState.RESOLVED and opened.resolved_by_id == coach.id
        assert activity(call_id).score > before  # the resolution's override counts
        assert disputes.open_disputes(coach) == []
        with pytest.raises(Conflict, match="already resolved"):
            disputes.resolve(coach, opened.id, "Twice")
        # The resolution's override asks for a new answer; one answer per state of the score.
        disputes.acknowledge(priya, call_id)
        with pytest.raises(Conflict, match="already answered"):
            disputes.acknowledge(priya, call_id)


def test_only_the_trainee_answers_their_score(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        call_id = scored_call(people["priya"].user_id)
        with pytest.raises(Forbidden):
            disputes.acknowledge(user(people, "coach"), call_id)
        with pytest.raises(NotFound):
            disputes.dispute(user(people, "sam"), call_id, "Not mine")
        with pytest.raises(NotFound):
            disputes.resolve(user(people, "coach"), 999_999, "None such")


# --- reviews and comments ------------------------------------------------------------------


def test_comments_and_reviews(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        priya, coach = user(people, "priya"), user(people, "coach")
        call_id = scored_call(priya.id)
        reviews.add_comment(coach, call_id, 3, "  Good <b>question</b> here. ")
        reviews.add_comment(priya, call_id, 3, "Thanks!")
        for turn, text, message in [
            (3, "", "empty"),
            (3, "x" * 2001, "under 2000"),
            (10, "No such line", "Choose a line"),
            (None, "No line", "Choose a line"),
        ]:
            with pytest.raises(ServiceError, match=message):
                reviews.add_comment(coach, call_id, turn, text)
        with pytest.raises(Forbidden):
            reviews.add_comment(user(people, "compliance"), call_id, 1, "Audit note")
        call = db.session.get(Call, call_id)
        assert call is not None
        shown = reviews.comments_for(call)
        assert [(c.comment.text, c.comment.transcript_version) for c in shown] == [
            ("Good <b>question</b> here.", 2),
            ("Thanks!", 2),
        ]
        assert shown[0].line == "March third, 1985."  # the words of line 3 as commented on
        with pytest.raises(Forbidden):
            reviews.mark_call_reviewed(priya, call_id)
        reviews.mark_call_reviewed(coach, call_id)
        with pytest.raises(Conflict, match="Already marked reviewed by Morgan Coach"):
            reviews.mark_call_reviewed(coach, call_id)


# --- the review queue ----------------------------------------------------------------------


def test_the_queue_lists_flagged_moments_by_severity_with_their_lines(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        coach = user(people, "coach")
        card = scorecard()
        card["metrics"]["longest_monologue_s"] = 75.0
        card["debtor_trajectory"] = {
            "label": "escalated", "first_third": 0.1, "last_third": 0.7, "evidence_turns": [1, 7]
        }  # fmt: skip
        call_id = scored_call(people["priya"].user_id, card)
        scored_call(people["sam"].user_id, scorecard("uk_hardship"), "uk_hardship")  # no flags
        records.scenario_run(people["jordan"].user_id)  # not ended: not in the queue
        page = review_queue.queue(coach)
        ranks = [["critical", "major", "minor"].index(f.severity) for f in page.items]
        assert ranks == sorted(ranks) and len(page.items) == 6
        assert {f.rule for f in page.items} == {
            "Critical finding", "Missed disclosure", "Escalation", "Long monologue"
        }  # fmt: skip
        threat = next(f for f in page.items if f.turn == 6)
        assert [line.index for line in threat.lines] == [5, 6, 7]
        assert [line.flagged for line in threat.lines] == [False, True, False]
        assert threat.clip is not None and threat.clip[0] < threat.clip[1]
        assert all(f.activity.source_id == call_id for f in page.items)
        reviews.mark_call_reviewed(coach, call_id)
        assert review_queue.queue(coach).items == []


def test_a_rescore_replaces_the_moments_flagged_in_the_scorecard(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        card = scorecard()
        card["metrics"]["longest_monologue_s"] = 75.4
        card["debtor_trajectory"] = {"label": "escalated", "first_third": 0.1, "last_third": 0.7}
        call_id = scored_call(people["priya"].user_id, card)
        stored = {(m.rule, m.reason, m.severity, m.turn) for m in activity(call_id).flagged_moments}
        assert stored == {
            ("Long monologue", "The agent spoke for 75 s without a break (over 60 s).", "minor", 8),
            ("Escalation", "The debtor grew more agitated over the call (agitation 0.10 → 0.70).",
             "major", None),
        }  # fmt: skip
        call = db.session.get(Call, call_id)
        assert call is not None
        calm = CallScore(call_id=call_id, transcript_version=2, total=70, data=scorecard())
        db.session.add(calm)
        db.session.flush()
        progress.record_call_score(call, calm)
        db.session.commit()
        assert activity(call_id).flagged_moments == []
        rules = {f.rule for f in review_queue.queue(user(people, "coach")).items}
        assert rules == {"Critical finding", "Missed disclosure"}


def test_a_run_ended_in_escalation_is_flagged_at_its_last_line(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        run = db.session.get(ScenarioRun, records.scenario_run(people["jordan"].user_id))
        assert run is not None
        run.status, run.ended_at, run.ending_kind, run.turn = (
            RunStatus.ENDED,
            utcnow(),
            "escalation",
            0,
        )
        run.scorecard = {"total": 40, "findings": [], "skill_observations": []}
        progress.record_run(run, None, "Cease request")
        db.session.commit()
        [flag] = review_queue.queue(user(people, "coach")).items
        assert (flag.rule, flag.severity, flag.turn, flag.is_call) == (
            "Escalation",
            "major",
            0,
            False,
        )
        assert [(line.speaker, line.text, line.flagged) for line in flag.lines] == [
            ("Debtor", run.opening, True)
        ]


def test_the_queue_pages_and_an_empty_team(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        coach = user(people, "coach")
        assert review_queue.queue(coach).total == 0
        for _ in range(6):  # four flagged moments each
            scored_call(people["priya"].user_id)
        first = review_queue.queue(coach)
        assert first.total > review_queue.PAGE_SIZE and first.pages >= 2
        last = review_queue.queue(coach, page=99)
        assert last.page == first.pages and last.items
        assert review_queue.queue(user(people, "priya")).has_team is False


# --- heat map ------------------------------------------------------------------------------


def test_the_heat_map_shows_gaps_and_no_evidence(app: Flask, people: dict[str, Login]) -> None:
    with app.app_context():
        for _ in range(4):  # enough evidence for the skills this scorecard observes
            scored_call(people["priya"].user_id)
        data = team_skills.heat_map(user(people, "coach"))
        [team] = data.teams
        rows = {row.person.name: row for row in team.rows}
        assert set(rows) == {"Priya Trainee", "Sam Trainee", "Jordan Trainee"}
        priya, sam = rows["Priya Trainee"], rows["Sam Trainee"]
        assert any(cell.gap is not None for cell in priya.cells)
        assert all(cell.gap is None for cell in sam.cells) and not sam.has_evidence
        assert [cell.skill_id for cell in priya.cells] == list(data.skills)
        down = team_skills.drilldown(user(people, "coach"), people["priya"].user_id)
        assert len(down.activities) == 4 and down.breaches
        # each gap is the one the full profile (every observation, no cache) states
        full = {status.skill_id: status.gap for status in progress.profile(user(people, "priya"))}
        for cell in priya.cells:
            assert cell.gap == pytest.approx(full[cell.skill_id], abs=1e-6)


# --- practice assignments ------------------------------------------------------------------


def test_practice_assignments_are_done_by_the_practice(
    app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        coach, priya = user(people, "coach"), user(people, "priya")
        today = utcnow().date()
        with pytest.raises(ServiceError, match="in the past"):
            practice_assignments.assign_scenario(
                coach, priya.id, "us-cease-request", today - timedelta(days=1)
            )
        with pytest.raises(ServiceError, match="Choose a scenario"):
            practice_assignments.assign_scenario(coach, priya.id, "nope", today)
        with pytest.raises(Forbidden):
            practice_assignments.assign_scenario(priya, priya.id, "us-cease-request", today)
        scenario = practice_assignments.assign_scenario(coach, priya.id, "us-cease-request", today)
        with pytest.raises(Conflict, match="already assigned"):
            practice_assignments.assign_scenario(coach, priya.id, "us-cease-request", today)
        call_id = records.transcribed_call(priya.id)
        rerecord = practice_assignments.assign_rerecord(coach, call_id, today)
        assert [d.assignment.id for d in practice_assignments.due_for(priya)] == [
            scenario.id,
            rerecord.id,
        ]
        run = db.session.get(
            ScenarioRun, records.scenario_run(priya.id, "us-cease-request", ended=True)
        )
        assert run is not None
        practice_assignments.complete_for_run(run)
        db.session.commit()
        assert scenario.completed_at is not None and rerecord.completed_at is None
        later = db.session.get(Call, records.transcribed_call(priya.id))
        assert later is not None
        practice_assignments.complete_for_call(later)
        db.session.commit()
        assert rerecord.completed_at is not None
        assert practice_assignments.due_for(priya) == []
        with pytest.raises(Conflict, match="already done"):
            practice_assignments.cancel(coach, rerecord.id)
        again = practice_assignments.assign_rerecord(coach, call_id, today)
        practice_assignments.cancel(coach, again.id)
        with pytest.raises(Conflict, match="already cancelled"):
            practice_assignments.cancel(coach, again.id)
        assert count(PracticeAssignment) == 3
