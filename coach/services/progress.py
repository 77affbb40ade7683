"""The progress model's rows: written with each scored result, read back as skill profiles.

Each ``record_*`` runs inside the caller's transaction (it never commits), so a scorecard, a
run's debrief or a graded attempt and the evidence drawn from it land together or not at all.
The pure model lives in ``coach/progress/``; this module only moves rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, literal, select

from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    Call,
    CallScore,
    FlaggedMoment,
    QuizAttempt,
    RuleBreach,
    ScenarioRun,
    SkillObservationRow,
    SkillProfile,
    User,
)
from coach.models._columns import as_utc, seconds_between, utcnow
from coach.progress.estimate import (
    HALF_LIFE,
    SkillEstimate,
    Timeline,
    decay,
    mean_from_evidence,
)
from coach.progress.moments import Moment, call_moments, run_moments
from coach.progress.observations import Observation, from_quiz_attempt, from_scorecard
from coach.progress.scorecard_overrides import overridden_card
from coach.progress.targets import SkillTargets
from coach.progress.taxonomy import SkillTaxonomy
from coach.quizzes.assembly import Paper
from coach.scenarios.model import Scenario

# Findings that count as a broken rule; "suspected" ones wait for a person to confirm.
BREACH_STATUSES = frozenset({"violation", "missing"})


@dataclass(frozen=True)
class _Scored:
    """A skill score as ``from_scorecard`` reads it."""

    skill: str
    score: float


@dataclass(frozen=True)
class SkillStatus:
    """One skill of a person's profile, ready to show: estimate, target, gap and trend.

    ``gap`` and ``trend`` are ``None`` when the evidence is too thin to state them.
    """

    skill_id: str
    name: str
    estimate: SkillEstimate
    target: float | None
    gap: float | None
    trend: float | None


# --- writing ----------------------------------------------------------------------------------


def record_call_score(
    call: Call, score: CallScore, overrides: Mapping[str, int] | None = None
) -> Activity:
    """The call's activity from ``score``: its total, outcome, breaches and skill evidence,
    with a coach's dimension ``overrides`` (0..100) replacing the engine's scores."""
    card = overridden_card(score.data, overrides or {}, _skill_dimensions(score.data))
    activity = _activity(ActivityKind.CALL, call.id, call.organisation_id, call.owner_id)
    activity.title = call.title
    activity.at = as_utc(call.created_at)
    activity.score = card.total
    activity.overridden = bool(overrides)
    activity.outcome = score.data.get("outcome")
    observed = from_scorecard(
        [_Scored(skill, value) for skill, value in card.skills.items()],
        source="call",
        source_id=f"call:{call.id}",
        at=activity.at,
    )
    activity.flagged_moments = _flagged(call_moments(score.data))
    _replace_evidence(activity, observed, score.data.get("findings", []))
    return activity


def record_run(run: ScenarioRun, played: Scenario | None, title: str) -> Activity | None:
    """An ended run's activity; ``None`` for a run without a debrief (nothing to learn).
    ``played``: its scenario (its skills are the run's focus), None when the file is gone."""
    if run.scorecard is None:
        return None
    activity = _activity(ActivityKind.ROLEPLAY, run.id, run.organisation_id, run.owner_id)
    activity.title = title
    activity.at = as_utc(run.ended_at or run.updated_at)
    activity.score = run.total
    activity.overridden = False
    activity.outcome = run.ending_kind
    observed = from_scorecard(
        [_Scored(o["skill"], o["score"]) for o in run.scorecard.get("skill_observations", [])],
        source="roleplay",
        source_id=f"run:{run.id}",
        at=activity.at,
        focus=set(played.skills) if played is not None else None,
    )
    activity.flagged_moments = _flagged(run_moments(run.scorecard, run.ending_kind, run.turn))
    _replace_evidence(activity, observed, run.scorecard.get("findings", []))
    return activity


def record_attempt(attempt: QuizAttempt, paper: Paper, title: str) -> Activity:
    """A graded attempt's activity; each question of its ``paper`` counts for the skills
    it is tagged with."""
    credits = {answer.number: answer.credit or 0.0 for answer in attempt.answers}
    activity = _activity(ActivityKind.QUIZ, attempt.id, attempt.organisation_id, attempt.user_id)
    activity.title = title
    activity.at = as_utc(attempt.submitted_at or utcnow())
    activity.score = attempt.score
    activity.overridden = False
    activity.outcome = "passed" if attempt.passed else "failed"
    observed = from_quiz_attempt(
        [(item.question, credits.get(item.number, 0.0)) for item in paper.items],
        {},
        source_id=f"quiz:{attempt.id}",
        at=activity.at,
    )
    _replace_evidence(activity, observed, [])
    return activity


def _activity(kind: ActivityKind, source_id: int, organisation_id: int, person_id: int) -> Activity:
    found = db.session.scalar(
        select(Activity).where(Activity.kind == kind, Activity.source_id == source_id)
    )
    if found is None:
        found = Activity(
            kind=kind, source_id=source_id, organisation_id=organisation_id, person_id=person_id
        )
        db.session.add(found)
    return found


def _flagged(moments: Iterable[Moment]) -> list[FlaggedMoment]:
    return [
        FlaggedMoment(rule=m.rule, reason=m.reason, severity=m.severity, turn=m.turn)
        for m in moments
    ]


def _replace_evidence(
    activity: Activity, observed: Sequence[Observation], findings: Iterable[Mapping[str, Any]]
) -> None:
    breaches = [f for f in findings if f.get("status") in BREACH_STATUSES]
    activity.breaches = len(breaches)
    activity.critical_findings = sum(1 for f in breaches if f.get("severity") == "critical")
    activity.observations = [
        SkillObservationRow(
            person_id=activity.person_id,
            skill=o.skill,
            score=o.score,
            weight=o.weight,
            source=o.source,
            at=o.at,
        )
        for o in observed
    ]
    activity.rule_breaches = [
        RuleBreach(
            organisation_id=activity.organisation_id,
            person_id=activity.person_id,
            rule_id=f["rule_id"],
            severity=f.get("severity") or "",
            status=f["status"],
            turn=f.get("turn"),
            at=activity.at,
        )
        for f in breaches
    ]
    db.session.flush()
    refresh_profile(activity.person_id)


def refresh_profile(person_id: int, now: datetime | None = None) -> None:
    """Rebuilds ``person_id``'s cached evidence per skill from their observation rows.

    Two jobs scoring the same person's calls at once would each rebuild from a view without
    the other's rows (and the second insert would break the unique person+skill key), so the
    rebuild first locks the person's row: the second waits, then reads both sets of rows.
    The lock is FOR NO KEY UPDATE, not FOR UPDATE: each job's new rows already hold a key
    share on that row (their foreign keys), which FOR UPDATE would wait on: a deadlock.
    """
    db.session.execute(select(User.id).where(User.id == person_id).with_for_update(key_share=True))
    # Summed by the database: a person's whole history, read on every scored activity.
    of_person = SkillObservationRow.person_id == person_id
    newest = db.session.scalar(select(func.max(SkillObservationRow.at)).where(of_person))
    as_of = now or utcnow()
    if newest is not None:
        as_of = max(as_of, as_utc(newest))
    then = literal(as_of, SkillObservationRow.at.type)
    age = seconds_between(SkillObservationRow.at, then, db.session.get_bind().dialect.name)
    weight = SkillObservationRow.weight * func.power(0.5, age / HALF_LIFE.total_seconds())
    sums = db.session.execute(
        select(
            SkillObservationRow.skill,
            func.sum(weight),
            func.sum(weight * SkillObservationRow.score),
            func.max(SkillObservationRow.at),
        )
        .where(of_person)
        .group_by(SkillObservationRow.skill)
    ).all()
    db.session.execute(delete(SkillProfile).where(SkillProfile.person_id == person_id))
    db.session.add_all(
        SkillProfile(
            person_id=person_id,
            skill=skill,
            evidence=evidence,
            successes=successes,
            as_of=as_of,
            last_seen=as_utc(last_seen),
        )
        for skill, evidence, successes, last_seen in sums
    )
    db.session.flush()


def _observation_rows(person_id: int) -> list[Observation]:
    rows = db.session.execute(
        select(
            SkillObservationRow.skill,
            SkillObservationRow.score,
            SkillObservationRow.weight,
            SkillObservationRow.source,
            SkillObservationRow.activity_id,
            SkillObservationRow.at,
        ).where(SkillObservationRow.person_id == person_id)
    )
    return [
        Observation(skill, score, weight, source, str(activity_id), as_utc(at))
        for skill, score, weight, source, activity_id, at in rows
    ]


# --- reading ----------------------------------------------------------------------------------


def profile(person: User, now: datetime | None = None) -> list[SkillStatus]:
    """Every skill of the taxonomy for ``person``: estimate, target, gap and 30-day trend;
    the targeted skills first, largest gap first, then the others by name."""
    now = now or utcnow()
    return _profile(person, _timelines(_observation_rows(person.id), now), now)


def profile_with_history(
    person: User, weeks: int = 8, now: datetime | None = None
) -> tuple[list[SkillStatus], dict[str, list[tuple[date, float | None]]]]:
    """:func:`profile`, and each observed skill's estimate at the end of each of the last
    ``weeks`` weeks (oldest first; ``None`` where the evidence then was too thin) for trend
    sparklines, from one read of the person's evidence and one pass over it."""
    now = now or utcnow()
    timelines = _timelines(_observation_rows(person.id), now)
    moments = [now - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    history = {
        skill: [(moment.date(), timeline.mean_at(moment)) for moment in moments]
        for skill, timeline in timelines.items()
        if timeline.observed
    }
    return _profile(person, timelines, now), history


def _timelines(observed: Iterable[Observation], now: datetime) -> dict[str, Timeline]:
    """A timeline for every skill of the taxonomy and every other skill observed."""
    grouped: dict[str, list[Observation]] = {skill.id: [] for skill in _taxonomy().skills}
    for o in observed:
        grouped.setdefault(o.skill, []).append(o)
    return {skill: Timeline(rows, skill, now) for skill, rows in grouped.items()}


def _profile(person: User, timelines: Mapping[str, Timeline], now: datetime) -> list[SkillStatus]:
    targets = targets_for(person)
    result = []
    for skill in _taxonomy().skills:
        timeline = timelines[skill.id]
        found = timeline.estimate_at(now)
        target = targets.get(skill.id)
        gap = target - found.mean if target is not None and found.enough else None
        result.append(SkillStatus(skill.id, skill.name, found, target, gap, timeline.trend()))
    return sorted(result, key=_profile_order)


def _profile_order(status: SkillStatus) -> tuple[int, float, str]:
    if status.gap is not None:
        return (0, -status.gap, status.name)
    return (1 if status.target is not None else 2, 0.0, status.name)


def recent_activities(person: User, limit: int = 8) -> list[Activity]:
    """``person``'s latest scored practice of every kind, newest first."""
    return list(
        db.session.scalars(
            select(Activity)
            .where(Activity.person_id == person.id)
            .order_by(Activity.at.desc(), Activity.id.desc())
            .limit(limit)
        )
    )


def profile_means(
    person_ids: Collection[int], now: datetime | None = None
) -> dict[int, dict[str, float | None]]:
    """Every listed person's current mean per observed skill from the cached sums, in one
    query; None where the evidence is not enough yet. What a heat map of many people shows:
    means without their credible intervals (two incomplete-beta inversions per skill, which a
    cell never shows)."""
    now = now or utcnow()
    result: dict[int, dict[str, float | None]] = {person: {} for person in person_ids}
    if not person_ids:
        return result
    rows = db.session.execute(
        select(
            SkillProfile.person_id,
            SkillProfile.skill,
            SkillProfile.evidence,
            SkillProfile.successes,
            SkillProfile.as_of,
        ).where(SkillProfile.person_id.in_(list(person_ids)))
    )
    for person_id, skill, evidence, successes, as_of in rows:
        factor = decay(now - as_utc(as_of))
        result[person_id][skill] = mean_from_evidence(evidence * factor, successes * factor)
    return result


def targets_for(person: User) -> Mapping[str, float]:
    """The targets of ``person``'s experience level (empty when no targets are loaded)."""
    loaded: tuple[SkillTargets, ...] = current_app.extensions["coach.catalog"].get("skill_targets")
    if not loaded:
        return {}
    level = person.experience_level
    return loaded[0].for_level(level)


def skill_names() -> dict[str, str]:
    """Skill id -> its name, in the taxonomy's order."""
    return {skill.id: skill.name for skill in _taxonomy().skills}


def _taxonomy() -> SkillTaxonomy:
    taxonomy: SkillTaxonomy = current_app.extensions["coach.catalog"].get("skills")[0]
    return taxonomy


def _skill_dimensions(data: Mapping[str, Any]) -> Mapping[str, Sequence[str]] | None:
    """The skill -> dimensions mapping of the scorecard definition ``data`` was made with;
    ``None`` when that definition is no longer loaded (an override then moves the total only)."""
    card_id = (data.get("scorecard") or {}).get("id")
    for card in current_app.extensions["coach.catalog"].get("scorecards"):
        if card.id == card_id:
            mapping: Mapping[str, Sequence[str]] = card.skills
            return mapping
    return None
