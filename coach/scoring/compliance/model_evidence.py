"""What the learned rule heads add to a rule's pattern verdict for one call.

Patterns stay first: a turn a pattern already judged is left alone. On the other agent turns
of a prohibition, a probability at or above :data:`VIOLATION_THRESHOLD` is a violation and one
between :data:`SUSPECTED_THRESHOLD` and it is *suspected* (a person should listen); on a
process check that words can break (persistent calling, contact times, vulnerability) a head
finding is at most *suspected*. The head does not read metadata or the call's order, so the
rule's metadata conditions still apply, and a rule that answers the debtor (cease, dispute,
attorney, workplace, ...) is at most *suspected* unless an earlier debtor turn plausibly asked
for it. A required disclosure is met by a turn at or above :data:`DISCLOSURE_THRESHOLD`.
Thresholds come from the leave-one-writer-out figures (docs/benchmarks.md, docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from coach.scoring.compliance.context import CallContext, Hit, Status, Verdict
from coach.scoring.compliance.detectors import Phrase, TriggerResponse
from coach.scoring.compliance.learned import JurisdictionRuleModel
from coach.scoring.compliance.rules import Rule
from coach.transcript import Transcript

VIOLATION_THRESHOLD = 0.65
SUSPECTED_THRESHOLD = 0.4
DISCLOSURE_THRESHOLD = 0.5
# An earlier debtor turn this close (cosine) to the rule's training debtor turns is a trigger.
TRIGGER_SIMILARITY = 0.5
PROHIBITIONS = ("prohibited-statement", "prohibited-conduct")
_NEVER_SAID = "missing", "suspected"


@dataclass
class CallProbabilities:
    """The heads' probabilities for one call's agent turns, and what its debtor said."""

    model: JurisdictionRuleModel
    texts: tuple[str, ...]  # every turn's original text
    by_rule: Mapping[str, np.ndarray]
    agent: tuple[int, ...]

    @classmethod
    def of(cls, model: JurisdictionRuleModel, transcript: Transcript) -> CallProbabilities:
        """Run every head once over the call's agent turns that have words."""
        texts = tuple(t.text for t in transcript.turns)
        agent = tuple(
            i
            for i, t in enumerate(transcript.turns)
            if t.speaker == "agent" and any(c.isalnum() for c in t.text)
        )
        return cls(model, texts, model.rule_probabilities([texts[i] for i in agent]), agent)

    def triggered_before(self, rule: Rule, turn: int, ctx: CallContext) -> bool:
        """Whether a debtor turn before ``turn`` (or a metadata fact) plausibly asked for the
        rule's response: the rule's own trigger patterns, or words like its training turns."""
        debtor = [t for t in ctx.turns if t.speaker == "debtor" and t.index < turn]
        for spec in rule.detection:
            if not isinstance(spec, TriggerResponse):
                continue
            fact = spec.metadata_trigger
            if fact is not None and fact.state(ctx.metadata) == "met":
                return True
            if any(ctx.search(t, spec.triggers) for t in debtor):
                return True
        if not debtor:
            return False
        similarity = self.model.trigger_similarity(rule.id, [self.texts[t.index] for t in debtor])
        return bool((similarity >= TRIGGER_SIMILARITY).any())


def with_model(rule: Rule, verdict: Verdict, call: CallProbabilities, ctx: CallContext) -> Verdict:
    """The pattern verdict plus the head's evidence for this rule (unchanged without a head)."""
    probabilities = call.by_rule.get(rule.id)
    if probabilities is None:
        return verdict
    if rule.kind == "required-disclosure":
        return _disclosure(verdict, call.agent, probabilities)
    if not judged_on_words(rule):
        return verdict
    cap = _metadata_cap(rule, ctx)
    if cap is None:
        return verdict
    if rule.kind not in PROHIBITIONS:
        # A process check is about conduct across the call (what was done after a disclosure),
        # which one turn's words can suggest but not settle: a person should check.
        cap = "suspected"
    judged = {h.turn for h in verdict.hits}
    head = call.model.heads[rule.id]
    added = []
    for turn, p in zip(call.agent, probabilities, strict=True):
        if turn in judged or p < SUSPECTED_THRESHOLD:
            continue
        status: Status = (
            "violation" if p >= VIOLATION_THRESHOLD and cap == "violation" else "suspected"
        )
        note = f"The learned model judged this turn a breach (probability {p:.2f})."
        if (
            status == "violation"
            and head.answers_debtor
            and not call.triggered_before(rule, turn, ctx)
        ):
            status = "suspected"
            note += " No earlier debtor turn clearly called for it, so a person should check."
        span = (0, len(ctx.turns[turn].norm.text))
        added.append(Hit(status, turn, span, note, "model", float(p)))
    if not added:
        return verdict
    return replace(verdict, hits=(*verdict.hits, *added), unassessable=None)


def judged_on_words(rule: Rule) -> bool:
    """Prohibitions, and process checks that words can break (a phrase, or a response owed to
    the debtor: calling again after "not at this hour", pressing a vulnerable debtor), these at
    most *suspected*. The call-order and call-log checks (verification first, call hours,
    attempt counts) are not."""
    if rule.kind in PROHIBITIONS:
        return True
    return any(isinstance(spec, Phrase | TriggerResponse) for spec in rule.detection)


def _disclosure(verdict: Verdict, agent: tuple[int, ...], probabilities: np.ndarray) -> Verdict:
    """Turns the head hears the disclosure in satisfy it; then "never said" findings go."""
    heard = {t for t, p in zip(agent, probabilities, strict=True) if p >= DISCLOSURE_THRESHOLD}
    if not heard:
        return verdict
    if verdict.satisfied_by:  # the patterns heard it too: their timing findings stand
        return replace(verdict, satisfied_by=tuple(sorted(heard | set(verdict.satisfied_by))))
    hits = tuple(h for h in verdict.hits if h.turn is not None or h.status not in _NEVER_SAID)
    return replace(verdict, hits=hits, satisfied_by=tuple(sorted(heard)))


def _metadata_cap(rule: Rule, ctx: CallContext) -> Literal["violation", "suspected"] | None:
    """The strongest status the rule's metadata conditions allow (None: the rule is off)."""
    cap: Literal["violation", "suspected"] = "violation"
    for spec in rule.detection:
        if not isinstance(spec, Phrase):
            continue
        if spec.status == "suspected":
            cap = "suspected"
        condition = spec.confirm
        if condition is None:
            continue
        state = condition.state(ctx.metadata)
        if state == "unmet" or (state == "unknown" and condition.when_missing == "not_assessable"):
            return None
        if state == "unknown":
            cap = "suspected"
    return cap
