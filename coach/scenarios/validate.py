"""Checks a scenario's dialogue graph needs beyond its schema, every problem at once.

:func:`check_scenario` looks at one scenario alone (targets, reachability, fallbacks, meter
ranges); :func:`check_scenario_content` is the catalog's cross-file check, which adds the file
name, the skill tags, the intent ids and the rule ids of the scenario's jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coach.hints import did_you_mean
from coach.scenarios.model import CRITICAL, Condition, Scenario, State

# Kinds of content this check reads (names from coach.catalog.kinds, which imports this).
_INTENT_SET, _RULES = "intent_set", "rules"


def check_scenario(scenario: Scenario) -> list[str]:
    """Every problem of one scenario's graph, as ``dotted.path: message``."""
    return [
        *_unique_ids(scenario),
        *_named_nodes(scenario),
        *_transitions(scenario),
        *_meters(scenario),
        *_flags(scenario),
        *_reachability(scenario),
    ]


def check_scenario_content(scenario: Scenario, source: str, context: Any) -> list[str]:
    """The catalog check: the graph, the file name, and skills, intents and rule ids against
    what else loaded (each silent while the file it needs is itself broken).

    ``context`` is the catalog's ``CheckContext`` (typed loosely: the catalog imports this).
    """
    errors = [f"{source}:{error}" for error in check_scenario(scenario)]
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if scenario.id != stem:
        errors.append(f"{source}:id: {scenario.id!r} must match the file name, {stem!r}")
    errors += context.unknown_skills(
        source, {f"skills.{i}": s for i, s in enumerate(scenario.skills)}
    )
    errors += [f"{source}:{error}" for error in _unknown_intents(scenario, context)]
    errors += [f"{source}:{error}" for error in _unknown_rules(scenario, context)]
    return errors


def conditions(scenario: Scenario) -> Iterator[tuple[str, Condition]]:
    """Each transition's condition with its dotted path (``states.2.transitions.0.when``)."""
    for i, state in enumerate(scenario.states):
        for j, transition in enumerate(state.transitions):
            if transition.when is not None:
                yield f"states.{i}.transitions.{j}.when", transition.when


def _unique_ids(scenario: Scenario) -> list[str]:
    """States and endings share one namespace (``to`` names either); meters have their own."""
    nodes = [(f"states.{i}", s.id) for i, s in enumerate(scenario.states)]
    nodes += [(f"endings.{i}", e.id) for i, e in enumerate(scenario.endings)]
    meters = [(f"meters.{i}", m.id) for i, m in enumerate(scenario.meters)]
    errors = []
    for group in (nodes, meters):
        first: dict[str, str] = {}
        for path, node_id in group:
            if node_id in first:
                errors.append(f"{path}.id: duplicate id {node_id!r} (also {first[node_id]})")
            first.setdefault(node_id, path)
    return errors


def _named_nodes(scenario: Scenario) -> list[str]:
    errors = []
    if scenario.state(scenario.start) is None:
        errors.append(f"start: {scenario.start!r} is not a state")
    for field in ("on_critical", "timeout"):
        name = getattr(scenario, field)
        if scenario.ending(name) is None:
            errors.append(f"{field}: {name!r} is not an ending")
    if not any(e.meets_objective for e in scenario.endings):
        errors.append("endings: no ending meets the objective (set meets_objective: true)")
    return errors


def _transitions(scenario: Scenario) -> list[str]:
    """Targets exist, and each state ends with its one fallback so every reply goes somewhere."""
    nodes = {s.id for s in scenario.states} | {e.id for e in scenario.endings}
    errors = []
    for i, state in enumerate(scenario.states):
        fallbacks = [j for j, t in enumerate(state.transitions) if t.otherwise]
        last = len(state.transitions) - 1
        if not fallbacks:
            errors.append(
                f"states.{i}.transitions: needs a last transition with 'otherwise: true', "
                "so every reply leads somewhere"
            )
        errors += [
            f"states.{i}.transitions.{j}: the fallback must be the last transition "
            "(the ones after it could never fire)"
            for j in fallbacks[:1]
            if j != last
        ]
        errors += [
            f"states.{i}.transitions.{j}: only one 'otherwise: true' per state"
            for j in fallbacks[1:]
        ]
        for j, transition in enumerate(state.transitions):
            if transition.to not in nodes:
                hint = did_you_mean(transition.to, nodes)
                errors.append(
                    f"states.{i}.transitions.{j}.to: unknown state or ending "
                    f"{transition.to!r}{hint}"
                )
    return errors


def _meters(scenario: Scenario) -> list[str]:
    """Ranges are sound, thresholds can be met, and effects name declared meters."""
    errors = []
    for i, meter in enumerate(scenario.meters):
        if meter.min >= meter.max:
            errors.append(f"meters.{i}.max: must be above min ({meter.min})")
        elif not meter.min <= meter.initial <= meter.max:
            errors.append(
                f"meters.{i}.initial: {meter.initial} is outside [{meter.min}, {meter.max}]"
            )
    for path, condition in conditions(scenario):
        for k, threshold in enumerate(condition.meters):
            at = f"{path}.meters.{k}"
            declared = scenario.meter(threshold.meter)
            if declared is None:
                errors.append(f"{at}.meter: unknown meter {threshold.meter!r}")
                continue
            low, high = declared.min, declared.max
            for bound in ("at_least", "at_most"):
                value = getattr(threshold, bound)
                if value is not None and not low <= value <= high:
                    errors.append(f"{at}.{bound}: {value} is outside {declared.id} [{low}, {high}]")
            least, most = threshold.at_least, threshold.at_most
            if least is not None and most is not None and least > most:
                errors.append(f"{at}: at_least {least} is above at_most {most}, so it never holds")
    for i, state in enumerate(scenario.states):
        for j, transition in enumerate(state.transitions):
            errors += [
                f"states.{i}.transitions.{j}.effects.{k}.meter: unknown meter {effect.meter!r}"
                for k, effect in enumerate(transition.effects)
                if scenario.meter(effect.meter) is None
            ]
    return errors


def _flags(scenario: Scenario) -> list[str]:
    """Every flag a condition tests is set somewhere and every flag set is tested, and the
    transitions from one state to the same node set the same flags (a stored run is resumed
    from the states it went through, so the flags must follow from them)."""
    setters: dict[str, str] = {}
    errors = []
    for i, state in enumerate(scenario.states):
        by_target: dict[str, tuple[int, frozenset[str]]] = {}
        for j, transition in enumerate(state.transitions):
            for flag in transition.sets:
                setters.setdefault(flag, f"states.{i}.transitions.{j}.sets")
            sets = frozenset(transition.sets)
            first = by_target.setdefault(transition.to, (j, sets))
            if first[1] != sets:
                errors.append(
                    f"states.{i}.transitions.{j}.sets: transitions to {transition.to!r} must "
                    f"set the same flags (transition {first[0]} sets {sorted(first[1])})"
                )
    tested: set[str] = set()
    for path, condition in conditions(scenario):
        for field in ("flags_all", "flags_none"):
            for k, flag in enumerate(getattr(condition, field)):
                tested.add(flag)
                if flag not in setters:
                    errors.append(
                        f"{path}.{field}.{k}: no transition sets flag {flag!r}"
                        + did_you_mean(flag, setters)
                    )
    errors += [
        f"{path}: flag {flag!r} is set but no condition tests it"
        for flag, path in setters.items()
        if flag not in tested
    ]
    return errors


def _reachability(scenario: Scenario) -> list[str]:
    """Every state and ending can occur, and no state traps the call in a loop only the
    turn limit ends (``on_critical`` and ``timeout`` are not a way out an author plans)."""
    if scenario.state(scenario.start) is None:
        return []  # reported by _named_nodes; nothing is reachable without a start
    reached = _reachable(scenario, scenario.start)
    reached |= {scenario.on_critical, scenario.timeout}
    ids = [(f"states.{i}", s.id) for i, s in enumerate(scenario.states)]
    ids += [(f"endings.{i}", e.id) for i, e in enumerate(scenario.endings)]
    errors = [
        f"{path}: {node!r} can never be reached from the start, {scenario.start!r}"
        for path, node in ids
        if node not in reached
    ]
    endings = {e.id for e in scenario.endings}
    for i, state in enumerate(scenario.states):
        if state.id in reached and not _reachable(scenario, state.id) & endings:
            errors.append(
                f"states.{i}: no ending can be reached from {state.id!r}; "
                "only the turn limit would end the call"
            )
    return errors


def _reachable(scenario: Scenario, node: str) -> set[str]:
    """Nodes reachable from ``node`` through transitions (``node`` included)."""
    seen, stack = {node}, [node]
    while stack:
        state: State | None = scenario.state(stack.pop())
        for transition in state.transitions if state else ():
            if transition.to not in seen:
                seen.add(transition.to)
                stack.append(transition.to)
    return seen


def _unknown_intents(scenario: Scenario, context: Any) -> list[str]:
    if _INTENT_SET in context.failed:
        return []
    sets = list(context.loaded.get(_INTENT_SET, {}).values())
    if not sets:
        return ["states: scenarios need intents/intents.yaml to define the intents they use"]
    known = sets[0].ids
    return [
        f"{path}.{field}.{k}: unknown intent {intent!r}: not defined in intents.yaml"
        + did_you_mean(intent, known)
        for path, condition in conditions(scenario)
        for field in ("intents_any", "intents_all", "intents_none")
        for k, intent in enumerate(getattr(condition, field))
        if intent not in known
    ]


def _unknown_rules(scenario: Scenario, context: Any) -> list[str]:
    if _RULES in context.failed:
        return []
    packs = [
        pack
        for pack in context.loaded.get(_RULES, {}).values()
        if pack.jurisdiction == scenario.jurisdiction
    ]
    known = {rule.id for pack in packs for rule in pack.rules}
    disclosures = {r.id for pack in packs for r in pack.rules if r.kind == "required-disclosure"}
    errors = [
        f"{path}.{field}.{k}: unknown rule {rule_id!r}: no {scenario.jurisdiction} rule "
        f"pack defines it (or write {CRITICAL!r} for any critical finding)"
        + did_you_mean(rule_id, known)
        for path, condition in conditions(scenario)
        for field in ("findings_any", "findings_none")
        for k, rule_id in enumerate(getattr(condition, field))
        if rule_id != CRITICAL and rule_id not in known
    ]
    return errors + [
        f"{path}.disclosed_any.{k}: {rule_id!r} is not a required disclosure of a "
        f"{scenario.jurisdiction} rule pack" + did_you_mean(rule_id, disclosures)
        for path, condition in conditions(scenario)
        for k, rule_id in enumerate(condition.disclosed_any)
        if rule_id not in disclosures
    ]
