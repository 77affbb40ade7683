"""Role-play runs: start a scenario, take the trainee's replies, keep every turn, debrief.

The pure engine (:mod:`coach.scenarios.engine`) decides what the debtor does; this service
pins each run to its scenario file, rebuilds the engine's state from the stored turns (so a
dropped connection resumes where it was), and refuses a reply that would corrupt the run: one
answered already in another tab, one after the call ended, one on a scenario edited since.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload
from sqlalchemy.orm.exc import StaleDataError

from coach.catalog.kinds import SCENARIOS
from coach.engines import engines_of
from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import RunStatus, RunTurn, ScenarioRun, User
from coach.models._columns import utcnow
from coach.scenarios import engine
from coach.scenarios.engine import Line, ReplyFinding, RolePlayError, RunState, Step
from coach.scenarios.live_hints import hints_for
from coach.scenarios.model import Difficulty, Scenario
from coach.scenarios.reply_text import UnusableReply, checked_reply
from coach.services import access, audit, practice_assignments, progress, user_limits

log = logging.getLogger(__name__)


# A skill scored under this on a run is one to practise next.
WEAK_SKILL = 0.7


class UnusableTurn(ServiceError):
    """A reply that cannot be a turn (empty, too long, not English); the run is unchanged."""


@dataclass(frozen=True)
class TurnResult:
    """A stored turn and what the page shows beside it."""

    run: ScenarioRun
    turn: RunTurn
    hints: list[str]


# --- the library ---------------------------------------------------------------------------


def all_scenarios() -> list[Scenario]:
    """Every scenario, easiest first (the order ``Difficulty`` lists them in), then by id."""
    order = get_args(Difficulty)
    loaded = current_app.extensions["coach.catalog"].get(SCENARIOS)
    return sorted(loaded, key=lambda s: (order.index(s.difficulty), s.id))


def library(
    skill: str | None = None, difficulty: str | None = None, jurisdiction: str | None = None
) -> list[Scenario]:
    """The scenarios matching every filter given (an empty filter matches all)."""
    return [
        s
        for s in all_scenarios()
        if (not skill or skill in s.skills)
        and (not difficulty or s.difficulty == difficulty)
        and (not jurisdiction or s.jurisdiction == jurisdiction)
    ]


def scenario(scenario_id: str) -> Scenario:
    """The scenario with this id, else NotFound."""
    found = next((s for s in all_scenarios() if s.id == scenario_id), None)
    if found is None:
        raise NotFound("No such scenario.")
    return found


def _pin(scenario_id: str) -> dict[str, str] | None:
    """The loaded file's identity (id, version, sha256), None when it is gone."""
    pins = current_app.extensions["coach.catalog"].pins(SCENARIOS, [scenario_id])
    return pins[0] if pins else None


# --- runs ----------------------------------------------------------------------------------


def start_run(owner: User, scenario_id: str, seed: int | None = None) -> ScenarioRun:
    """A new run of ``scenario_id``; an unfinished run of it by ``owner`` is abandoned (a
    restart), so the library offers exactly one run to continue. ``seed`` (which of the
    debtor's lines are said) is drawn at random unless given: a scripted run (the demo) fixes
    it, since what the debtor said is part of the call its replies are judged in."""
    chosen = scenario(scenario_id)
    pin = _pin(chosen.id)
    assert pin is not None  # scenario() found it in the same catalog
    for old in _active_runs(owner, chosen.id):
        old.status = RunStatus.ABANDONED
    seed = secrets.randbelow(2**31) if seed is None else seed
    state = engine.start(chosen, seed)
    run = ScenarioRun(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        scenario_id=chosen.id,
        scenario_version=chosen.version,
        scenario_sha256=pin["sha256"],
        seed=seed,
        status=RunStatus.ACTIVE,
        turn=0,
        node=state.node,
        meters=state.meter_values,
        opening=state.history[0][1],
    )
    db.session.add(run)
    db.session.commit()
    return run


def restart(owner: User, run_id: int) -> ScenarioRun:
    """A fresh run of the same scenario as ``run_id`` (which is kept, abandoned if unfinished)."""
    return start_run(owner, own_run(owner, run_id).scenario_id)


def visible_run(viewer: User, run_id: int) -> ScenarioRun:
    """The run if ``viewer`` may see it (its trainee, their coach, compliance, an admin)."""
    run = db.session.get(ScenarioRun, run_id)
    if run is None or not access.may_view_practice_record(viewer, run.owner, run.organisation_id):
        raise NotFound("No such role-play run.")
    return run


def own_run(owner: User, run_id: int) -> ScenarioRun:
    """The run if ``owner`` played it; others who may see it get Forbidden (read only)."""
    run = visible_run(owner, run_id)
    if run.owner_id != owner.id:
        raise Forbidden("Only the trainee who plays a run can reply in it.")
    return run


def runs_for(viewer: User, limit: int = 50) -> list[ScenarioRun]:
    """Runs ``viewer`` may see, newest first."""
    query = select(ScenarioRun).where(ScenarioRun.organisation_id == viewer.organisation_id)
    visible = access.visible_user_ids(viewer)
    if visible is not None and not access.may_view_compliance_data(viewer):
        query = query.where(ScenarioRun.owner_id.in_(visible))
    query = query.order_by(ScenarioRun.created_at.desc(), ScenarioRun.id.desc()).limit(limit)
    # The library names each run's trainee: loaded with the runs, not one query per person.
    return list(db.session.scalars(query.options(joinedload(ScenarioRun.owner))))


def runs_of(viewer: User, subject: User) -> list[ScenarioRun]:
    """``subject``'s runs, when ``viewer`` may see their records (else none)."""
    if not access.may_view_user_records(viewer, subject):
        return []
    query = select(ScenarioRun).where(ScenarioRun.owner_id == subject.id)
    # A list of runs names them; each debrief's scorecard (kilobytes) is read when opened.
    query = query.options(defer(ScenarioRun.scorecard))
    return list(db.session.scalars(query.order_by(ScenarioRun.id.desc())))


def active_run_ids(owner: User) -> dict[str, int]:
    """The run to continue per scenario id, for the library."""
    query = select(ScenarioRun).where(
        ScenarioRun.owner_id == owner.id, ScenarioRun.status == RunStatus.ACTIVE
    )
    return {run.scenario_id: run.id for run in db.session.scalars(query)}


def _active_runs(owner: User, scenario_id: str) -> Sequence[ScenarioRun]:
    return db.session.scalars(
        select(ScenarioRun).where(
            ScenarioRun.owner_id == owner.id,
            ScenarioRun.scenario_id == scenario_id,
            ScenarioRun.status == RunStatus.ACTIVE,
        )
    ).all()


# --- turns ---------------------------------------------------------------------------------


def history(run: ScenarioRun) -> tuple[Line, ...]:
    """The call so far, oldest first, as the engine keeps it."""
    lines: list[Line] = [("debtor", run.opening)]
    for turn in run.turns:
        lines += [("trainee", turn.trainee), ("debtor", turn.debtor)]
    return tuple(lines)


def run_state(run: ScenarioRun, played: Scenario) -> RunState:
    """The engine's state of ``run`` on ``played`` (its pinned scenario), rebuilt from its
    columns and turns; the flags follow from the states the turns went through."""
    nodes = [played.start, *(turn.node for turn in run.turns)]
    return RunState(
        scenario_id=run.scenario_id,
        scenario_version=run.scenario_version,
        seed=run.seed,
        turn=run.turn,
        node=run.node,
        meters=tuple(run.meters.items()),
        history=history(run),
        ended=run.ending_id,
        flags=engine.flags_along(played, nodes),
    )


def current_scenario(run: ScenarioRun) -> Scenario:
    """The scenario ``run`` was played on, or Conflict when its file changed since (the run is
    then abandoned, its turns kept for reading)."""
    pin = _pin(run.scenario_id)
    if pin is None or pin["sha256"] != run.scenario_sha256:
        if run.status == RunStatus.ACTIVE:
            run.status = RunStatus.ABANDONED
            db.session.commit()
        now = "was removed" if pin is None else f"is now version {pin['version']}"
        raise Conflict(
            f"This scenario changed after the run started (it was version "
            f"{run.scenario_version} and {now}). Your turns so far are kept; restart the "
            "scenario to practise the new version."
        )
    return scenario(run.scenario_id)


def take_turn(
    owner: User, run_id: int, text: str, seen_turn: int | None, spoken: bool = False
) -> TurnResult:
    """The trainee says ``text`` in reply to turn ``seen_turn`` (the last one their page
    showed). Refusals (Conflict, UnusableTurn, EngineUnavailable) leave the run as it was."""
    run, played = _open_for_reply(owner, run_id, seen_turn)
    try:
        said = checked_reply(text)
    except UnusableReply as error:
        raise UnusableTurn(str(error)) from None
    step = _step(played, run, said)
    turn = _record(run, step, said, spoken)
    if step.ending is not None:
        _finish(run, played)
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise Conflict(
            "This turn was answered at the same moment in another tab or window. Reload to see "
            "the call as it stands; nothing was changed twice."
        ) from None
    return TurnResult(run, turn, _hints(played, run, step.findings))


def _open_for_reply(
    owner: User, run_id: int, seen_turn: int | None
) -> tuple[ScenarioRun, Scenario]:
    """The run and its scenario, when ``owner`` may reply in it now; else the refusal that
    says why (ended, left unfinished, scenario changed, answered in another tab)."""
    run = own_run(owner, run_id)
    if run.status == RunStatus.ENDED:
        raise Conflict("This call has ended: open the debrief, or restart to practise again.")
    played = current_scenario(run)
    if run.status != RunStatus.ACTIVE:
        raise Conflict("This run was left unfinished: restart the scenario to practise again.")
    if seen_turn is not None and seen_turn != run.turn:
        raise Conflict(
            "This run moved on in another tab or window. Reload to see the latest turn; your "
            "reply here was not sent."
        )
    return run, played


def take_spoken_turn(owner: User, run_id: int, audio: bytes, seen_turn: int | None) -> TurnResult:
    """A spoken reply: transcribed (Whisper, the reply model), then taken as typed. The
    checks that need no audio come first, so a stale tab never waits for Whisper."""
    from coach.speech.spoken_reply import ReplyAudioError, transcribe_reply

    run, _ = _open_for_reply(owner, run_id, seen_turn)
    user_limits.check(owner, user_limits.SPOKEN_REPLY)
    audit.record(owner, "roleplay_spoken_reply", "scenario_run", run.id)
    db.session.commit()
    try:
        heard = transcribe_reply(audio, engines_of().reply_transcriber())
    except ReplyAudioError as error:
        raise UnusableTurn(str(error)) from None
    return take_turn(owner, run_id, heard, seen_turn, spoken=True)


def _step(played: Scenario, run: ScenarioRun, said: str) -> Step:
    from coach.scenarios.analyse import ModelAnalyse

    engines = engines_of()
    analyse = ModelAnalyse(played, engines.intent_heads(), engines.scoring_models())
    try:
        return engine.reply(played, run_state(run, played), said, analyse)
    except RolePlayError as error:  # checked above; kept as a clear refusal all the same
        raise Conflict(str(error)) from None


def _record(run: ScenarioRun, step: Step, said: str, spoken: bool) -> RunTurn:
    state = step.state
    turn = RunTurn(
        number=state.turn,
        trainee=said,
        spoken=spoken,
        intents=sorted(step.intents),
        findings=[dict(f.detail) for f in step.findings],
        changes=[vars(change) for change in step.changes],
        meters=state.meter_values,
        debtor=step.debtor_line,
        node=state.node,
    )
    run.turns.append(turn)
    run.turn, run.node, run.meters = state.turn, state.node, state.meter_values
    if step.ending is not None:
        run.ending_id, run.ending_kind = step.ending.id, step.ending.kind
    return turn


def _finish(run: ScenarioRun, played: Scenario) -> None:
    """The debrief's facts, stored with the last turn: outcome and the full scorecard (whose
    skill observations are the run's evidence for the progress model)."""
    from coach.scenarios.analyse import score_run

    result = engine.outcome(played, run_state(run, played))
    card = score_run(played, history(run), engines_of().scoring_models())
    run.status = RunStatus.ENDED
    run.meets_objective = result.meets_objective
    run.scorecard = card.to_json_dict()
    run.total = card.total
    run.ended_at = utcnow()
    progress.record_run(run, played, scenario_title(run))
    practice_assignments.complete_for_run(run)


def _hints(played: Scenario, run: ScenarioRun, findings: Sequence[ReplyFinding]) -> list[str]:
    if run.status == RunStatus.ENDED:
        return []
    return hints_for(played, [t.intents for t in run.turns], findings, run.meters)


def hints_now(run: ScenarioRun) -> list[str]:
    """The hints for the run as it stands (a reloaded page shows what the last reply earned)."""
    if run.status != RunStatus.ACTIVE or not run.turns:
        return []
    last = run.turns[-1]
    findings = [
        ReplyFinding(f["rule_id"], f["status"], f["severity"], "", f) for f in last.findings
    ]
    return hints_for(
        scenario(run.scenario_id), [t.intents for t in run.turns], findings, run.meters
    )


# --- the debrief ---------------------------------------------------------------------------


def meter_history(run: ScenarioRun, played: Scenario) -> dict[str, list[int]]:
    """Each meter's value at the start and after every turn (the debrief's chart)."""
    start = {m.id: m.initial for m in played.meters}
    return {
        meter: [start[meter], *(turn.meters.get(meter, start[meter]) for turn in run.turns)]
        for meter in start
    }


def practise_next(run: ScenarioRun, limit: int = 3) -> list[tuple[Scenario, str]]:
    """Scenarios to try next, each with why: this one again when the objective was missed,
    then one per skill the run scored lowest on (under 70 %), then harder calls that train
    the same skills."""
    played = scenario(run.scenario_id)
    card: dict[str, Any] = run.scorecard or {}
    weak = sorted(
        (o for o in card.get("skill_observations", []) if o.get("score", 1.0) < WEAK_SKILL),
        key=lambda o: o["score"],
    )
    order = get_args(Difficulty)
    others = [s for s in all_scenarios() if s.id != played.id]
    candidates: list[tuple[Scenario, str]] = []
    if run.meets_objective is False:
        candidates.append((played, "Try this call again: the objective was missed."))
    for observation in weak:
        skill, percent = observation["skill"], round(observation["score"] * 100)
        why = f"It trains {skill.replace('_', ' ')}: {percent} % on this run."
        taken = {c.id for c, _ in candidates}
        candidates += [(s, why) for s in others if skill in s.skills and s.id not in taken][:1]
    candidates += [
        (s, "A harder call that trains the same skills.")
        for s in others
        if order.index(s.difficulty) > order.index(played.difficulty)
        and set(s.skills) & set(played.skills)
    ]
    picks: dict[str, tuple[Scenario, str]] = {}
    for chosen, why in candidates:  # the first reason found for a scenario is its reason
        picks.setdefault(chosen.id, (chosen, why))
    return list(picks.values())[:limit]


def played_scenario(run: ScenarioRun) -> Scenario | None:
    """The scenario ``run`` was played on, None when its file is gone (the run stays
    readable: its turns are stored)."""
    try:
        return scenario(run.scenario_id)
    except NotFound:
        return None


def scenario_title(run: ScenarioRun) -> str:
    """The scenario's title, or its id when the file is gone."""
    played = played_scenario(run)
    return played.title if played else run.scenario_id


def log_refusal(run_id: int, error: ServiceError) -> None:
    """Refusals are logged by kind and run, never with the reply's words."""
    log.info("role-play run %s refused a reply: %s", run_id, type(error).__name__)
