"""The role-play engine: pure and deterministic, so a run can be replayed from its seed and
replies, resumed from a stored state, and tested without models.

What a reply *does* (its intents and compliance findings) comes from an :class:`Analyse` port
the app implements with the intent heads and the scoring engine; the engine only walks the
scenario's graph. States are immutable values: a refused reply leaves the caller's state as
it was.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from coach.scenarios.model import CRITICAL, Condition, Effect, Scenario, Transition

Speaker = Literal["trainee", "debtor"]
Line = tuple[Speaker, str]
# Findings with these statuses are something the debtor heard; a "missing" disclosure is not,
# so it shows up in the debrief but never moves the debtor.
HEARD = frozenset({"violation", "suspected"})


class RolePlayError(Exception):
    """A reply the engine refuses; the run's state is unchanged."""


class RunEnded(RolePlayError):
    """The call is over: there is no one left to reply to."""


class EmptyReply(RolePlayError):
    """The reply has no words in it."""


class ScenarioChanged(RolePlayError):
    """The run belongs to another scenario, or to another version of this one."""


@dataclass(frozen=True)
class ReplyFinding:
    """One compliance finding on a reply (the scoring engine's, reduced to what steers a run)."""

    rule_id: str
    status: Literal["violation", "missing", "suspected"]
    severity: Literal["critical", "major", "minor"]
    message: str = ""
    # The finding in the scorecard's public JSON shape, for whoever shows the run (the CLI,
    # the debrief); the engine never reads it.
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def critical_violation(self) -> bool:
        """Ends the call at the scenario's ``on_critical`` ending."""
        return self.status == "violation" and self.severity == "critical"


@dataclass(frozen=True)
class ReplyAnalysis:
    """What a reply does: the trainee intents it carries, the findings it produced and the
    required disclosures it made (rule ids). ``scores`` holds each intent's probability, when
    the analysis has them, for conditions that set their own ``confidence``."""

    intents: frozenset[str]
    findings: tuple[ReplyFinding, ...] = ()
    disclosed: frozenset[str] = frozenset()
    scores: Mapping[str, float] = field(default_factory=dict)

    def intents_at(self, confidence: float | None) -> frozenset[str]:
        """The intents heard from ``confidence`` on (the analysis's own set when unset or
        when it has no probabilities)."""
        if confidence is None or not self.scores:
            return self.intents
        return frozenset(i for i, p in self.scores.items() if p >= confidence)


class Analyse(Protocol):
    """The port: judge ``reply`` given the call so far (``transcript``, oldest first)."""

    def __call__(self, transcript: Sequence[Line], reply: str) -> ReplyAnalysis: ...


@dataclass(frozen=True)
class RunState:
    """Everything a run is, as one immutable value a store can keep and a caller can resume."""

    scenario_id: str
    scenario_version: str
    seed: int
    turn: int
    node: str
    meters: tuple[tuple[str, int], ...]
    history: tuple[Line, ...]
    ended: str | None = None
    # What the graph remembers (sorted): the flags set by the transitions fired so far.
    flags: tuple[str, ...] = ()

    @property
    def meter_values(self) -> dict[str, int]:
        """The meters by id."""
        return dict(self.meters)


@dataclass(frozen=True)
class MeterChange:
    """A meter moved by ``after - before`` (``delta`` asked, clamped to the range) and why."""

    meter: str
    delta: int
    before: int
    after: int
    reason: str


@dataclass(frozen=True)
class EndingReached:
    """The ending a run reached."""

    id: str
    kind: str


@dataclass(frozen=True)
class Step:
    """One reply's consequences: the new state, what the debtor says, and why."""

    state: RunState
    debtor_line: str
    changes: tuple[MeterChange, ...]
    intents: frozenset[str]
    findings: tuple[ReplyFinding, ...]
    ending: EndingReached | None


@dataclass(frozen=True)
class Outcome:
    """How a run ended against the scenario's objective (``ending`` is None while it runs)."""

    ending: EndingReached | None
    meets_objective: bool
    objective: str
    summary: str


def start(scenario: Scenario, seed: int) -> RunState:
    """A new run: the debtor picks up and says one of the start state's lines."""
    opening = _pick(_lines_of(scenario, scenario.start), seed, 0, previous=None)
    return RunState(
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        seed=seed,
        turn=0,
        node=scenario.start,
        meters=tuple((m.id, m.initial) for m in scenario.meters),
        history=(("debtor", opening),),
    )


def reply(scenario: Scenario, state: RunState, text: str, analyse: Analyse) -> Step:
    """The trainee says ``text``; returns where the call goes, or raises a
    :class:`RolePlayError` (and the caller keeps ``state``)."""
    if (state.scenario_id, state.scenario_version) != (scenario.id, scenario.version):
        raise ScenarioChanged(
            f"this run is of {state.scenario_id} {state.scenario_version}, "
            f"not {scenario.id} {scenario.version}: restart the scenario"
        )
    if state.ended is not None:
        raise RunEnded(f"the call has ended ({state.ended}): restart to practise again")
    said = text.strip()
    if not said:
        raise EmptyReply("say something to the debtor first")
    analysis = analyse(state.history, said)
    turn = state.turn + 1
    target, effects, sets = _next(scenario, state, analysis)
    meters, changes = _apply(scenario, state.meter_values, effects)
    if scenario.state(target) is not None and turn >= scenario.max_turns:
        target = scenario.timeout
    previous = state.history[-1][1] if state.history else None
    line = _pick(_lines_of(scenario, target), state.seed, turn, previous)
    ending = scenario.ending(target)
    new_state = RunState(
        scenario_id=state.scenario_id,
        scenario_version=state.scenario_version,
        seed=state.seed,
        turn=turn,
        node=target,
        meters=tuple(meters.items()),
        history=(*state.history, ("trainee", said), ("debtor", line)),
        ended=ending.id if ending else None,
        flags=tuple(sorted({*state.flags, *sets})),
    )
    return Step(
        state=new_state,
        debtor_line=line,
        changes=changes,
        intents=analysis.intents,
        findings=analysis.findings,
        ending=EndingReached(ending.id, ending.kind) if ending else None,
    )


def outcome(scenario: Scenario, state: RunState) -> Outcome:
    """The run against the objective: which ending, and whether it meets the objective."""
    ending = scenario.ending(state.ended) if state.ended else None
    if ending is None:
        return Outcome(None, False, scenario.objective.description, "The call is still going.")
    return Outcome(
        EndingReached(ending.id, ending.kind),
        ending.meets_objective,
        scenario.objective.description,
        ending.outcome,
    )


def flags_along(scenario: Scenario, nodes: Sequence[str]) -> tuple[str, ...]:
    """The flags a run holds after going through ``nodes`` (the start first, then where each
    reply led), so a stored run is resumed without its analyses: the validator makes every
    transition from one state to the same node set the same flags."""
    flags: set[str] = set()
    for before, after in itertools.pairwise(nodes):
        current = scenario.state(before)
        for transition in current.transitions if current else ():
            if transition.to == after:
                flags.update(transition.sets)
    return tuple(sorted(flags))


def holds(
    condition: Condition,
    analysis: ReplyAnalysis,
    meters: Mapping[str, int],
    flags: Collection[str] = (),
) -> bool:
    """Whether every part of ``condition`` holds for this reply, the meters before it and
    the flags set so far."""
    intents = analysis.intents_at(condition.confidence)
    statuses = {"violation"} if condition.violations_only else HEARD
    heard = [f for f in analysis.findings if f.status in statuses]
    return (
        (not condition.intents_any or bool(intents & set(condition.intents_any)))
        and intents.issuperset(condition.intents_all)
        and intents.isdisjoint(condition.intents_none)
        and (
            not condition.findings_any
            or any(_names(condition.findings_any, finding) for finding in heard)
        )
        and not any(_names(condition.findings_none, finding) for finding in heard)
        and (
            not condition.disclosed_any
            or not analysis.disclosed.isdisjoint(condition.disclosed_any)
        )
        and set(flags).issuperset(condition.flags_all)
        and set(flags).isdisjoint(condition.flags_none)
        and all(
            (t.at_least is None or meters[t.meter] >= t.at_least)
            and (t.at_most is None or meters[t.meter] <= t.at_most)
            for t in condition.meters
        )
    )


def _names(refs: Sequence[str], finding: ReplyFinding) -> bool:
    return finding.rule_id in refs or (CRITICAL in refs and finding.severity == "critical")


def _next(
    scenario: Scenario, state: RunState, analysis: ReplyAnalysis
) -> tuple[str, tuple[Effect, ...], tuple[str, ...]]:
    """A critical violation ends the call; otherwise the first transition that holds fires
    (its target, effects and the flags it sets)."""
    if any(f.critical_violation for f in analysis.findings):
        return scenario.on_critical, (), ()
    current = scenario.state(state.node)
    if current is None:
        raise ScenarioChanged(f"the run is at {state.node!r}, which the scenario does not have")
    meters = state.meter_values
    fired: Transition | None = next(
        (
            t
            for t in current.transitions
            if t.otherwise or (t.when and holds(t.when, analysis, meters, state.flags))
        ),
        None,
    )
    if fired is None:  # a validated scenario ends every state with a fallback
        raise ValueError(f"state {current.id!r} has no fallback transition")
    return fired.to, fired.effects, fired.sets


def _apply(
    scenario: Scenario, meters: dict[str, int], effects: Sequence[Effect]
) -> tuple[dict[str, int], tuple[MeterChange, ...]]:
    """The meters after ``effects``, each kept within its range, and what changed why."""
    changes = []
    for effect in effects:
        meter = scenario.meter(effect.meter)
        if meter is None:
            raise ValueError(f"effect on unknown meter {effect.meter!r}")
        before = meters[effect.meter]
        after = min(meter.max, max(meter.min, before + effect.delta))
        meters[effect.meter] = after
        changes.append(MeterChange(effect.meter, effect.delta, before, after, effect.reason))
    return meters, tuple(changes)


def _lines_of(scenario: Scenario, node: str) -> tuple[str, ...]:
    found = scenario.state(node) or scenario.ending(node)
    if found is None:
        raise ValueError(f"unknown state or ending {node!r}")
    return found.lines


def _pick(lines: Sequence[str], seed: int, turn: int, previous: str | None) -> str:
    """A line chosen by seed and turn alone, never the debtor's last line word for word when
    the state offers another (a debtor repeating themselves exactly sounds like a machine)."""
    choices = [line for line in lines if line != previous] or list(lines)
    digest = hashlib.sha256(f"{seed}:{turn}".encode()).digest()
    return choices[int.from_bytes(digest[:8], "big") % len(choices)]
