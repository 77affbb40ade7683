"""Compliance rule packs: the schema, its cross-checks and the examples self-check.

A pack is data (``content/rules/<pack>.yaml``, read by the catalog); each rule's
``detection`` entries are detector specs from :data:`RULE_TYPES`. Every problem is reported
as ``dotted.path: message`` and raised together in one :class:`RulePackError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.nlp.encoder import TextEncoder
from coach.nlp.semantic import SemanticMatcher, matcher_for
from coach.scoring.compliance.context import LEXICON_REF, CallContext, Hit, Verdict
from coach.scoring.compliance.detector_base import Regex
from coach.scoring.compliance.detectors import RULE_TYPES, DetectorSpec
from coach.scoring.metadata import CallMetadata
from coach.transcript import Speaker, Transcript, Turn

__all__ = [
    "JURISDICTIONS",
    "RULE_TYPES",
    "Rule",
    "RulePack",
    "RulePackError",
    "check_rule_examples",
    "check_rule_pack",
]

JURISDICTIONS = ("US", "UK", "IN")
Jurisdiction = Literal["US", "UK", "IN"]
Kind = Literal["required-disclosure", "prohibited-statement", "prohibited-conduct", "process-check"]
_SPEAKER_PREFIXES: dict[str, Speaker] = {"agent:": "agent", "debtor:": "debtor"}


class RulePackError(ValueError):
    """Every problem found in a rule pack, as ``dotted.path: message``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("invalid rule pack:\n" + "\n".join(errors))
        self.errors = errors


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Example(_Frozen):
    """A worked example: one agent line, or a short call as ``agent:``/``debtor:`` lines."""

    call: tuple[str, ...] = Field(min_length=1)
    metadata: CallMetadata = CallMetadata()
    expect: Literal["violation", "missing", "suspected"] | None = None
    semantic: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"call": [value]} if isinstance(value, str) else value

    def transcript(self) -> Transcript:
        """The example as a transcript (unprefixed lines are agent speech)."""
        turns = []
        for line in self.call:
            speaker: Speaker = "agent"
            text = line
            for prefix, who in _SPEAKER_PREFIXES.items():
                if line.lower().startswith(prefix):
                    speaker, text = who, line[len(prefix) :].strip()
            turns.append(Turn(speaker=speaker, text=text))
        return Transcript(turns=tuple(turns))

    def agent_texts(self) -> Iterator[str]:
        """The agent lines, for use as semantic negatives or positives."""
        return (t.text for t in self.transcript().turns if t.speaker == "agent")


class Examples(_Frozen):
    """At least three compliant and three violating examples per rule."""

    compliant: tuple[Example, ...] = Field(min_length=3)
    violating: tuple[Example, ...] = Field(min_length=3)


class Rule(_Frozen):
    """One catalog rule with how to detect it and how to explain it to a trainee."""

    id: str = Field(pattern=r"^(US|UK|IN)-[A-Za-z0-9.\-]+$")
    jurisdiction: Jurisdiction
    kind: Kind
    severity: Literal["critical", "major", "minor"]
    title: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    suggestion: str = Field(min_length=1)
    detection: tuple[DetectorSpec, ...] = Field(min_length=1)
    examples: Examples

    @cached_property
    def negatives(self) -> tuple[str, ...]:
        """Compliant agent lines: a semantic hit must be closer to a violation than to these."""
        return tuple(t for ex in self.examples.compliant for t in ex.agent_texts())

    def evaluate(self, ctx: CallContext) -> Verdict:
        """Combine this rule's detectors into one verdict for the call."""
        verdicts = [d.evaluate(ctx, self.negatives) for d in self.detection]
        hits = _strongest_per_turn([h for v in verdicts for h in v.hits])
        satisfied = tuple(sorted({i for v in verdicts for i in v.satisfied_by}))
        reasons = [v.unassessable for v in verdicts if v.unassessable]
        unassessable = "; ".join(reasons) if reasons and not hits else None
        return Verdict(hits=hits, satisfied_by=satisfied, unassessable=unassessable)


_STRENGTH = {"violation": 0, "missing": 1, "suspected": 2}


def _strongest_per_turn(hits: list[Hit]) -> tuple[Hit, ...]:
    """One finding per turn (the most certain) when several detectors saw the same words."""
    best: dict[int, Hit] = {}
    for hit in hits:
        if hit.turn is None:
            continue
        held = best.get(hit.turn)
        if held is None or _STRENGTH[hit.status] < _STRENGTH[held.status]:
            best[hit.turn] = hit
    return tuple(h for h in hits if h.turn is None or best[h.turn] is h)


class RulePack(_Frozen):
    """A versioned set of rules for one jurisdiction, with shared pattern lexicons."""

    pack: str = Field(pattern=r"^[a-z0-9_]+$")
    version: str = Field(min_length=1)
    jurisdiction: Jurisdiction
    lexicons: dict[str, tuple[Regex, ...]] = {}
    rules: tuple[Rule, ...] = Field(min_length=1)

    @cached_property
    def digest(self) -> str:
        """Content hash, so caches and scorecards can pin this exact pack."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    def exemplar_texts(self) -> Iterator[str]:
        """Every text the semantic matcher should embed up front."""
        for rule in self.rules:
            yield from rule.negatives
            for detector in rule.detection:
                yield from detector.embedding_texts()

    def matcher(self, encoder: TextEncoder | None) -> SemanticMatcher | None:
        """The cached semantic matcher for this pack and encoder (``None`` without one)."""
        if encoder is None:
            return None
        return matcher_for(self.digest, encoder, self.exemplar_texts())

    def context(
        self, transcript: Transcript, metadata: CallMetadata, encoder: TextEncoder | None
    ) -> CallContext:
        """Prepare a call for this pack's detectors."""
        return CallContext(transcript, metadata, self.lexicons, self.matcher(encoder))


def _cross_check(pack: RulePack) -> list[str]:
    """Problems pydantic cannot see: duplicate ids, jurisdiction mismatch, unknown lexicons."""
    errors: list[str] = []
    seen: set[str] = set()
    for i, rule in enumerate(pack.rules):
        if rule.id in seen:
            errors.append(f"rules.{i}.id: duplicate rule id {rule.id}")
        seen.add(rule.id)
        if rule.jurisdiction != pack.jurisdiction:
            errors.append(
                f"rules.{i}.jurisdiction: {rule.jurisdiction} in a {pack.jurisdiction} pack"
            )
        for j, detector in enumerate(rule.detection):
            for field, patterns in detector.pattern_lists():
                for k, item in enumerate(patterns):
                    name = item[len(LEXICON_REF) :]
                    if item.startswith(LEXICON_REF) and name not in pack.lexicons:
                        errors.append(
                            f"rules.{i}.detection.{j}.{field}.{k}: unknown lexicon {item}"
                        )
    return errors


def check_rule_pack(pack: RulePack, *, check_examples: bool = True) -> list[str]:
    """What a valid schema cannot show: duplicate ids, jurisdiction mismatches, unknown
    lexicons, then (once those pass) each rule against its own examples."""
    errors = _cross_check(pack)
    if not errors and check_examples:
        errors = check_rule_examples(pack)
    return errors


def group_by_jurisdiction(packs: Iterable[RulePack]) -> dict[str, list[RulePack]]:
    """Packs keyed by jurisdiction, in the order given (what the detectors look up)."""
    grouped: dict[str, list[RulePack]] = {}
    for pack in packs:
        grouped.setdefault(pack.jurisdiction, []).append(pack)
    return grouped


def check_rule_examples(pack: RulePack, encoder: TextEncoder | None = None) -> list[str]:
    """One error per example a rule gets wrong (examples marked ``semantic`` need ``encoder``)."""
    cases = [
        (i, rule, label, j, example, pack.context(example.transcript(), example.metadata, encoder))
        for i, rule in enumerate(pack.rules)
        for label, examples in (
            ("compliant", rule.examples.compliant),
            ("violating", rule.examples.violating),
        )
        for j, example in enumerate(examples)
        if encoder is not None or not example.semantic
    ]
    matcher = pack.matcher(encoder)
    if matcher is not None:
        # One batch for every example instead of one encoder call per example.
        matcher.embed([text for case in cases for text in case[-1].chunk_texts()])
    errors: list[str] = []
    for i, rule, label, j, example, ctx in cases:
        statuses = {h.status for h in rule.evaluate(ctx).hits}
        problem = _example_problem(label, example, statuses)
        if problem:
            errors.append(f"rules.{i}.examples.{label}.{j}: {rule.id} {problem}")
    return errors


def _example_problem(label: str, example: Example, statuses: AbstractSet[str]) -> str | None:
    if label == "compliant":
        return (
            f"flags its own compliant example ({', '.join(sorted(statuses))})" if statuses else None
        )
    wanted = {example.expect} if example.expect else {"violation", "missing"}
    if statuses & wanted:
        return None
    found = ", ".join(sorted(statuses)) or "nothing"
    return f"misses its own violating example (wanted {'/'.join(sorted(wanted))}, got {found})"
