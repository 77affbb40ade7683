"""Scorecard definitions (``content/scorecards/*.yaml``) and the arithmetic that applies them.

A definition says how much each dimension weighs, how many points each kind of evidence is
worth and which findings cap the total. :func:`build_scorecard` is pure arithmetic over
evidence the engine gathered, so every point in a score traces back to one explained item.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.scoring.result import (
    DIMENSIONS,
    CapResult,
    Dimension,
    DimensionResult,
    ScoreItem,
    SkillEvidence,
    SkillObservation,
)

STATUSES = ("violation", "missing", "suspected")
SEVERITIES = ("critical", "major", "minor")

# The evidence keys each dimension can produce; a definition may price only these.
EVIDENCE_KEYS: dict[Dimension, frozenset[str]] = {
    "compliance": frozenset(
        {f"{s}_{v}" for s in STATUSES for v in SEVERITIES} | {"disclosure_given"}
    ),
    "tone": frozenset(
        {"empathetic", "pushy", "hostile", "threatening", "condescending"}
        | {"debtor_calmed", "debtor_escalated"}
    ),
    "listening": frozenset(
        {"acknowledgement", "paraphrase", "empathy", "open_question", "summary_before_close"}
        | {"agent_interruption", "long_monologue", "fillers"}
    ),
    "negotiation": frozenset(
        {"discovery", "option_offered", "several_options", "commitment", "commitment_complete"}
    ),
    "structure": frozenset(
        {f"no_{stage}" for stage in ("greeting", "verification", "disclosure", "purpose")}
        | {"no_recap", "no_close"}
    ),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DimensionPoints(_Frozen):
    """Start from ``base``; each evidence item adds its credit or takes off its deduction."""

    base: int = Field(ge=0, le=100)
    credits: dict[str, int] = {}
    deductions: dict[str, int] = {}

    @model_validator(mode="after")
    def _non_negative_and_disjoint(self) -> DimensionPoints:
        points = {**self.credits, **self.deductions}
        negative = sorted(k for k, v in points.items() if v < 0)
        if negative:
            raise ValueError(f"points must not be negative: {', '.join(negative)}")
        both = sorted(set(self.credits) & set(self.deductions))
        if both:
            raise ValueError(f"keys both credited and deducted: {', '.join(both)}")
        return self


class Cap(_Frozen):
    """The total may not exceed ``total`` when any finding matching this cap is present."""

    total: int = Field(ge=0, le=100)
    severities: tuple[Literal["critical", "major", "minor"], ...] = ("critical",)
    statuses: tuple[Literal["violation", "missing", "suspected"], ...] = ("violation", "missing")
    rules: tuple[str, ...] = ()


class ScorecardDefinition(_Frozen):
    """One organisation's way of turning evidence into a 0-100 score."""

    # Lengths fit the CallScore columns that record which definition made a score.
    id: str = Field(pattern=r"^[a-z0-9_\-]+$", max_length=64)
    name: str = Field(min_length=1)
    version: str = Field(min_length=1, max_length=32)
    weights: dict[Dimension, float]
    cap: Cap
    points: dict[Dimension, DimensionPoints]
    skills: dict[str, tuple[Dimension, ...]] = {}

    @model_validator(mode="after")
    def _complete(self) -> ScorecardDefinition:
        problems = []
        if set(self.weights) != set(DIMENSIONS) or set(self.points) != set(DIMENSIONS):
            problems.append(f"weights and points must name every dimension: {DIMENSIONS}")
        if any(w < 0 for w in self.weights.values()):
            problems.append("weights must not be negative")
        if not math.isclose(sum(self.weights.values()), 1.0, abs_tol=1e-6):
            problems.append(f"weights must sum to 1, not {sum(self.weights.values()):g}")
        for dim, spec in self.points.items():
            unknown = set(spec.credits) | set(spec.deductions)
            unknown -= EVIDENCE_KEYS[dim]
            if unknown:
                allowed = ", ".join(sorted(EVIDENCE_KEYS[dim]))
                problems.append(f"{dim}: unknown keys {sorted(unknown)}; allowed: {allowed}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True)
class Evidence:
    """Something the engine observed, with the words and times that show it."""

    key: str
    reason: str
    turn: int | None = None
    start: float | None = None
    end: float | None = None
    quote: str = ""
    rule_id: str | None = None
    severity: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class DimensionInput:
    """The evidence for one dimension, or why it cannot be judged on this call."""

    evidence: tuple[Evidence, ...] = ()
    not_assessable: str | None = None


@dataclass(frozen=True)
class ScorecardResult:
    """The arithmetic's part of a scorecard: total, dimensions, any cap and the skills."""

    total: int | None
    dimensions: dict[Dimension, DimensionResult]
    cap: CapResult | None = None
    skill_observations: tuple[SkillObservation, ...] = ()


def build_scorecard(
    definition: ScorecardDefinition, inputs: Mapping[Dimension, DimensionInput]
) -> ScorecardResult:
    """Score each dimension, weight the assessable ones (renormalised) and apply the cap."""
    results = {
        dim: _score_dimension(definition.points[dim], inputs.get(dim, _MISSING))
        for dim in DIMENSIONS
    }
    assessable = {d: r.score for d, r in results.items() if r.score is not None}
    weight_sum = sum(definition.weights[d] for d in assessable)
    if not assessable or weight_sum <= 0:
        return ScorecardResult(None, results)
    for d in assessable:
        results[d] = replace(results[d], weight=round(definition.weights[d] / weight_sum, 4))
    total = round(sum(results[d].weight * score for d, score in assessable.items()))
    cap = _cap(definition.cap, results["compliance"].items)
    if cap is not None and total > cap.max_total:
        total = cap.max_total
        cap = replace(cap, applied=True)
    return ScorecardResult(total, results, cap, skill_observations(definition, results))


_MISSING = DimensionInput(not_assessable="no evidence was gathered for this dimension")


def _score_dimension(spec: DimensionPoints, given: DimensionInput) -> DimensionResult:
    if given.not_assessable is not None:
        return DimensionResult(None, spec.base, not_assessable=given.not_assessable)
    items = tuple(item for ev in given.evidence if (item := _item(spec, ev)) is not None)
    change = sum(i.change for i in items)
    return DimensionResult(max(0, min(100, spec.base + change)), spec.base, items=items)


def _item(spec: DimensionPoints, ev: Evidence) -> ScoreItem | None:
    """The explained score item for one piece of evidence (``None`` if the key is unpriced)."""
    credit = ev.key in spec.credits
    if not credit and ev.key not in spec.deductions:
        return None
    return ScoreItem(
        kind="credit" if credit else "deduction",
        points=spec.credits[ev.key] if credit else spec.deductions[ev.key],
        key=ev.key,
        reason=ev.reason,
        turn=ev.turn,
        start=ev.start,
        end=ev.end,
        quote=ev.quote,
        rule_id=ev.rule_id,
        severity=ev.severity,
        status=ev.status,
    )


def _cap(cap: Cap, items: Sequence[ScoreItem]) -> CapResult | None:
    """The cap when a finding triggers it, listing the rule ids that did."""
    triggers = sorted(
        {
            i.rule_id
            for i in items
            if i.rule_id is not None
            and i.status in cap.statuses
            and (i.severity in cap.severities or i.rule_id in cap.rules)
        }
    )
    return CapResult(cap.total, tuple(triggers)) if triggers else None


def skill_observations(
    definition: ScorecardDefinition, results: Mapping[Dimension, DimensionResult]
) -> tuple[SkillObservation, ...]:
    """One observation per mapped skill from its assessable dimensions (0..1, with evidence).

    A skill whose dimensions are all not assessable gets no observation rather than a zero.
    """
    observations = []
    for skill, dims in sorted(definition.skills.items()):
        scored = [d for d in dims if results[d].score is not None]
        if not scored:
            continue
        score = sum(results[d].score or 0 for d in scored) / (100 * len(scored))
        evidence = tuple(
            SkillEvidence(item.kind, item.key, item.turn, item.quote, d)
            for d in scored
            for item in results[d].items
        )
        observations.append(SkillObservation(skill, round(score, 3), evidence))
    return tuple(observations)


def check_scorecard(card: ScorecardDefinition, source: str, context: Any) -> list[str]:
    """Catalog cross-check: capped rule ids exist in a rule pack, skill ids in skills.yaml.

    ``context`` is the catalog's ``CheckContext`` (typed loosely: scoring must not import it).
    """
    packs = context.loaded.get("rules", {}).values()
    known_rules = {rule.id for pack in packs for rule in pack.rules}
    errors = [
        f"{source}:cap.rules.{i}: unknown rule id {rule_id!r}: no rule pack defines it"
        for i, rule_id in enumerate(card.cap.rules)
        if rule_id not in known_rules
    ]
    errors += context.unknown_skills(source, {f"skills.{s}": s for s in card.skills})
    return errors
