"""The coach's review queue: flagged moments across the team's scored calls and ended
role-play runs that nobody has marked reviewed yet.

A moment is flagged for a critical finding, a missed required disclosure, a long monologue
(an agent turn over ``LONG_MONOLOGUE_S``) or an escalation (the debtor grew more agitated
over the call, or a role-play ended in escalation). Items are sorted by severity, then
newest first, and each carries the transcript lines around it (the flagged turn and one
either side). The page costs a fixed number of queries whatever the team's size: the
candidates (the newest ``CANDIDATE_LIMIT`` unreviewed activities), their breaches, their
scorecards, and the transcript lines of the page shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    Call,
    CallReview,
    CallScore,
    Role,
    RuleBreach,
    RunTurn,
    ScenarioRun,
    TranscriptVersion,
    User,
)
from coach.services import access

# An agent turn this long (seconds) without the debtor getting a word in is a monologue worth
# a listen: a minute is several times a normal turn, and long enough to lose a debtor.
LONG_MONOLOGUE_S = 60.0
CANDIDATE_LIMIT = 500
PAGE_SIZE = 20
_SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}


@dataclass(frozen=True)
class Line:
    """One transcript line beside a flagged moment."""

    index: int
    speaker: str  # "Agent"/"Debtor" for calls, "Trainee"/"Debtor" for runs
    text: str
    start: float | None = None
    end: float | None = None
    flagged: bool = False


@dataclass(frozen=True)
class Flag:
    """One flagged moment of one call or run."""

    activity: Activity
    rule: str  # what flagged it, in words
    reason: str
    severity: str  # critical, major or minor
    turn: int | None
    lines: tuple[Line, ...] = ()
    clip: tuple[float, float] | None = None  # seconds of the recording to play, for calls

    @property
    def is_call(self) -> bool:
        return self.activity.kind == ActivityKind.CALL


@dataclass(frozen=True)
class QueuePage:
    items: list[Flag]
    page: int
    pages: int
    total: int
    has_team: bool


def queue(viewer: User, page: int = 1) -> QueuePage:
    """Page ``page`` (from 1) of the flagged moments ``viewer`` may review."""
    people = _team(viewer)
    if people is not None and not people:
        return QueuePage([], 1, 1, 0, has_team=False)
    activities = _candidates(viewer, people)
    scores = _latest_scores([a.source_id for a in activities if a.kind == ActivityKind.CALL])
    runs = _runs([a.source_id for a in activities if a.kind == ActivityKind.ROLEPLAY])
    flags = list(_breach_flags(activities))
    for activity in activities:
        if activity.kind == ActivityKind.CALL and activity.source_id in scores:
            flags += _call_flags(activity, scores[activity.source_id].data)
        elif activity.kind == ActivityKind.ROLEPLAY and activity.source_id in runs:
            flags += _run_flags(activity, runs[activity.source_id])
    flags.sort(
        key=lambda f: (
            _SEVERITY_RANK.get(f.severity, 3),
            -f.activity.at.timestamp(),
            f.activity.id,
            f.turn if f.turn is not None else -1,
        )
    )
    pages = max(1, math.ceil(len(flags) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = flags[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return QueuePage(_with_lines(shown, runs), page, pages, len(flags), has_team=True)


def _team(viewer: User) -> set[int] | None:
    """The ids of the people whose moments ``viewer`` reviews; None: everyone (an admin)."""
    if viewer.has_role(Role.ADMIN):
        return None
    return access.coached_user_ids(viewer) - {viewer.id}


def _candidates(viewer: User, people: set[int] | None) -> list[Activity]:
    reviewed = exists().where(
        or_(
            and_(Activity.kind == ActivityKind.CALL, CallReview.call_id == Activity.source_id),
            and_(Activity.kind == ActivityKind.ROLEPLAY, CallReview.run_id == Activity.source_id),
        )
    )
    query = (
        select(Activity)
        .options(joinedload(Activity.person))
        .where(Activity.organisation_id == viewer.organisation_id)
        .where(Activity.kind.in_([ActivityKind.CALL, ActivityKind.ROLEPLAY]))
        .where(~reviewed)
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(CANDIDATE_LIMIT)
    )
    if people is not None:
        query = query.where(Activity.person_id.in_(people))
    return list(db.session.scalars(query))


def _breach_flags(activities: Sequence[Activity]) -> Iterable[Flag]:
    by_id = {a.id: a for a in activities}
    if not by_id:
        return
    rows = db.session.scalars(
        select(RuleBreach)
        .where(RuleBreach.activity_id.in_(by_id))
        .where(or_(RuleBreach.severity == "critical", RuleBreach.status == "missing"))
    )
    for row in rows:
        if row.status == "missing":
            rule, reason = "Missed disclosure", f"{row.rule_id}: a required disclosure was not made"
        else:
            rule, reason = "Critical finding", f"{row.rule_id}: a critical rule was broken"
        yield Flag(by_id[row.activity_id], rule, reason, row.severity or "major", row.turn)


def _call_flags(activity: Activity, card: Mapping[str, Any]) -> list[Flag]:
    flags = []
    longest = (card.get("metrics") or {}).get("longest_monologue_s")
    if longest is not None and longest > LONG_MONOLOGUE_S:
        reason = (
            f"The agent spoke for {round(longest)} s without a break"
            f" (over {LONG_MONOLOGUE_S:.0f} s)."
        )
        flags.append(Flag(activity, "Long monologue", reason, "minor", _longest_agent_turn(card)))
    trajectory = card.get("debtor_trajectory") or {}
    if trajectory.get("label") == "escalated":
        flags.append(_escalation(activity, trajectory))
    return flags


def _run_flags(activity: Activity, run: ScenarioRun) -> list[Flag]:
    trajectory = (run.scorecard or {}).get("debtor_trajectory") or {}
    if run.ending_kind == "escalation":
        reason = "The debtor escalated: the role-play ended in an escalation."
        return [Flag(activity, "Escalation", reason, "major", 2 * run.turn)]
    if trajectory.get("label") == "escalated":
        return [_escalation(activity, trajectory)]
    return []


def _escalation(activity: Activity, trajectory: Mapping[str, Any]) -> Flag:
    first, last = trajectory.get("first_third"), trajectory.get("last_third")
    reason = "The debtor grew more agitated over the call"
    if first is not None and last is not None:
        reason += f" (agitation {first:.2f} → {last:.2f})"
    turns = trajectory.get("evidence_turns") or []
    return Flag(activity, "Escalation", reason + ".", "major", turns[-1] if turns else None)


def _longest_agent_turn(card: Mapping[str, Any]) -> int | None:
    timed = [
        (t["end"] - t["start"], t["index"])
        for t in card.get("turns", [])
        if t.get("speaker") == "agent" and t.get("start") is not None and t.get("end") is not None
    ]
    return max(timed)[1] if timed else None


def _latest_scores(call_ids: Sequence[int]) -> dict[int, CallScore]:
    if not call_ids:
        return {}
    newest = (
        select(func.max(CallScore.id))
        .where(CallScore.call_id.in_(call_ids))
        .group_by(CallScore.call_id)
    )
    rows = db.session.scalars(select(CallScore).where(CallScore.id.in_(newest)))
    return {row.call_id: row for row in rows}


def _runs(run_ids: Sequence[int]) -> dict[int, ScenarioRun]:
    if not run_ids:
        return {}
    return {
        r.id: r for r in db.session.scalars(select(ScenarioRun).where(ScenarioRun.id.in_(run_ids)))
    }


def _with_lines(flags: list[Flag], runs: Mapping[int, ScenarioRun]) -> list[Flag]:
    """The page's flags with the lines around each (two queries for the whole page)."""
    call_ids = {f.activity.source_id for f in flags if f.is_call}
    run_ids = {f.activity.source_id for f in flags if not f.is_call}
    call_lines = _call_lines(call_ids)
    run_lines = _run_lines(run_ids, runs)
    done = []
    for flag in flags:
        source = flag.activity.source_id
        lines = call_lines.get(source, []) if flag.is_call else run_lines.get(source, [])
        near = _near(lines, flag.turn)
        done.append(replace(flag, lines=near, clip=_clip(near) if flag.is_call else None))
    return done


def _call_lines(call_ids: set[int]) -> dict[int, list[Line]]:
    if not call_ids:
        return {}
    newest = (
        select(func.max(TranscriptVersion.id))
        .where(TranscriptVersion.call_id.in_(call_ids))
        .group_by(TranscriptVersion.call_id)
    )
    rows = db.session.execute(
        select(TranscriptVersion, Call.recording_deleted_at)
        .join(Call, TranscriptVersion.call_id == Call.id)
        .where(TranscriptVersion.id.in_(newest))
    )
    found = {}
    for version, deleted in rows:
        found[version.call_id] = [
            Line(
                i,
                "Agent" if t.get("speaker") == "agent" else "Debtor",
                t.get("text", ""),
                None if deleted else t.get("start"),
                None if deleted else t.get("end"),
            )
            for i, t in enumerate(version.data.get("turns", []))
        ]
    return found


def _run_lines(run_ids: set[int], runs: Mapping[int, ScenarioRun]) -> dict[int, list[Line]]:
    if not run_ids:
        return {}
    found = {i: [Line(0, "Debtor", runs[i].opening)] for i in run_ids}
    turns = db.session.scalars(
        select(RunTurn).where(RunTurn.run_id.in_(run_ids)).order_by(RunTurn.run_id, RunTurn.number)
    )
    for turn in turns:
        lines = found[turn.run_id]
        lines.append(Line(len(lines), "Trainee", turn.trainee))
        lines.append(Line(len(lines), "Debtor", turn.debtor))
    return found


def _near(lines: Sequence[Line], turn: int | None) -> tuple[Line, ...]:
    if turn is None:
        return ()
    return tuple(
        replace(line, flagged=line.index == turn) for line in lines[max(turn - 1, 0) : turn + 2]
    )


def _clip(lines: Sequence[Line]) -> tuple[float, float] | None:
    """The seconds the shown lines span, when they are timed and the recording is kept."""
    starts = [line.start for line in lines if line.start is not None]
    ends = [line.end for line in lines if line.end is not None]
    if not starts or not ends:
        return None
    return (min(starts), max(ends))
