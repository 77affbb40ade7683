"""The coach's review queue: flagged moments across the team's scored calls and ended
role-play runs that nobody has marked reviewed yet.

A moment is flagged for a critical finding, a missed required disclosure, a long monologue
(an agent turn over ``LONG_MONOLOGUE_S``) or an escalation (the debtor grew more agitated
over the call, or a role-play ended in escalation). Items are sorted by severity, then
newest first, and each carries the transcript lines around it (the flagged turn and one
either side). Broken rules come from ``rule_breaches``; monologues and escalations are found
in the scorecard once, when the activity is recorded (:mod:`coach.progress.moments`,
stored as ``FlaggedMoment`` rows), so no request parses scorecards. The
database sorts the flags of the candidates (the newest ``CANDIDATE_LIMIT``
unreviewed activities); the page costs a fixed number of queries whatever the team's size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    CTE,
    Row,
    String,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    Call,
    CallReview,
    FlaggedMoment,
    Role,
    RuleBreach,
    RunTurn,
    ScenarioRun,
    TranscriptVersion,
    User,
)
from coach.services import access

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
    flags = _flags(viewer, people)
    rank = case(_SEVERITY_RANK, value=flags.c.severity, else_=len(_SEVERITY_RANK))
    rows = db.session.execute(
        select(flags).order_by(
            rank,
            flags.c.at.desc(),
            flags.c.activity_id,
            func.coalesce(flags.c.turn, -1),
            flags.c.source,  # ties: breaches before scorecard moments, each in row order
            flags.c.row_id,
        )
    ).all()  # a few columns of at most a few flags per candidate: paged here, in one query
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return QueuePage(_with_lines(_shown(shown)), page, pages, len(rows), has_team=True)


def _team(viewer: User) -> set[int] | None:
    """The ids of the people whose moments ``viewer`` reviews; None: everyone (an admin)."""
    if viewer.has_role(Role.ADMIN):
        return None
    return access.coached_user_ids(viewer) - {viewer.id}


def _candidates(viewer: User, people: set[int] | None) -> CTE:
    """The newest ``CANDIDATE_LIMIT`` unreviewed calls and runs of ``people``."""
    reviewed = exists().where(
        or_(
            and_(Activity.kind == ActivityKind.CALL, CallReview.call_id == Activity.source_id),
            and_(Activity.kind == ActivityKind.ROLEPLAY, CallReview.run_id == Activity.source_id),
        )
    )
    query = (
        select(Activity.id, Activity.at)
        .where(
            access.owned_by(
                Activity.organisation_id, Activity.person_id, viewer.organisation_id, people
            )
        )
        .where(Activity.kind.in_([ActivityKind.CALL, ActivityKind.ROLEPLAY]))
        .where(~reviewed)
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(CANDIDATE_LIMIT)
    )
    return query.cte("candidates")


def _flags(viewer: User, people: set[int] | None) -> Subquery:
    """Every flagged moment of the candidates, one row each: their broken rules (critical
    findings and missed disclosures) and the moments stored from their scorecards."""
    candidates = _candidates(viewer, people)
    breaches = (
        select(
            candidates.c.id.label("activity_id"),
            candidates.c.at,
            literal(0).label("source"),
            RuleBreach.id.label("row_id"),
            func.coalesce(func.nullif(RuleBreach.severity, ""), "major").label("severity"),
            RuleBreach.turn,
            RuleBreach.rule_id,
            RuleBreach.status,
            cast(null(), String).label("rule"),
            cast(null(), String).label("reason"),
        )
        .join(RuleBreach, RuleBreach.activity_id == candidates.c.id)
        .where(or_(RuleBreach.severity == "critical", RuleBreach.status == "missing"))
    )
    stored = select(
        candidates.c.id,
        candidates.c.at,
        literal(1),
        FlaggedMoment.id,
        FlaggedMoment.severity,
        FlaggedMoment.turn,
        cast(null(), String),
        cast(null(), String),
        FlaggedMoment.rule,
        FlaggedMoment.reason,
    ).join(FlaggedMoment, FlaggedMoment.activity_id == candidates.c.id)
    return union_all(breaches, stored).subquery()


def _shown(rows: Sequence[Row[Any]]) -> list[Flag]:
    """The page's rows as flags, with their activities (one query for the page)."""
    ids = {row.activity_id for row in rows}
    activities = {
        a.id: a
        for a in db.session.scalars(
            select(Activity).options(joinedload(Activity.person)).where(Activity.id.in_(ids))
        )
    }
    flags = []
    for row in rows:
        if row.rule is not None:
            rule, reason = row.rule, row.reason
        elif row.status == "missing":
            rule = "Missed disclosure"
            reason = f"{row.rule_id}: a required disclosure was not made"
        else:
            rule, reason = "Critical finding", f"{row.rule_id}: a critical rule was broken"
        flags.append(Flag(activities[row.activity_id], rule, reason, row.severity, row.turn))
    return flags


def _with_lines(flags: list[Flag]) -> list[Flag]:
    """The page's flags with the lines around each (three queries for the whole page)."""
    call_ids = {f.activity.source_id for f in flags if f.is_call}
    run_ids = {f.activity.source_id for f in flags if not f.is_call}
    call_lines = _call_lines(call_ids)
    run_lines = _run_lines(run_ids)
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


def _run_lines(run_ids: set[int]) -> dict[int, list[Line]]:
    if not run_ids:
        return {}
    openings = db.session.execute(
        select(ScenarioRun.id, ScenarioRun.opening).where(ScenarioRun.id.in_(run_ids))
    )
    found = {run_id: [Line(0, "Debtor", opening)] for run_id, opening in openings}
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
