"""What the learned rule heads add to a rule's pattern verdict for one call.

Patterns stay first: a turn a pattern already judged is left alone. On the other agent turns
of a prohibition, a probability at or above :data:`VIOLATION_THRESHOLD` is a violation and one
between :data:`SUSPECTED_THRESHOLD` and it is *suspected* (a person should listen). The head
does not read metadata or the call's order, so the rule's metadata conditions still apply;
where the verdict turns on a fact the call does not give (no judgment, an expired debt) or on
conduct across the call (a process check), a violation needs the higher
:data:`WORDS_CARRY_FACT_THRESHOLD`: the words themselves must carry the fact. A rule that
answers the debtor (cease, dispute, attorney, workplace, ...) or a process check without a
phrase list (contact times, vulnerability) is at most *suspected* unless an earlier debtor
turn plausibly asked for it.
A required disclosure is met by a turn at or above :data:`DISCLOSURE_THRESHOLD`.
Thresholds come from the leave-one-writer-out figures (docs/benchmarks.md, docs/decisions.md);
a rule whose lawful lines by unseen writers drew too many model violations at those needs
its own, higher one (:data:`~coach.scoring.compliance.violation_thresholds.VIOLATION_THRESHOLDS`).
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
from coach.scoring.compliance.violation_thresholds import VIOLATION_THRESHOLDS
from coach.transcript import Transcript

VIOLATION_THRESHOLD = 0.65
# A model violation on a rule whose verdict turns on a fact the words must carry (no judgment,
# an expired debt, a process check): see _caps and docs/decisions.md.
WORDS_CARRY_FACT_THRESHOLD = 0.75
SUSPECTED_THRESHOLD = 0.4
DISCLOSURE_THRESHOLD = 0.5
# An earlier debtor turn this close (cosine) to the rule's training debtor turns is a trigger.
TRIGGER_SIMILARITY = 0.5
PROHIBITIONS = ("prohibited-statement", "prohibited-conduct")
Cap = Literal["violation", "suspected"] | None
_CAP_ORDER: tuple[Cap, ...] = (None, "suspected", "violation")
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
    plain, carried = _caps(rule, ctx)
    if carried is None:
        return verdict
    # The probability a violation needs: the usual one where the words alone can settle the
    # rule, a higher one where they must also carry its fact (None: never more than suspected).
    bar = (
        VIOLATION_THRESHOLD
        if plain == "violation"
        else WORDS_CARRY_FACT_THRESHOLD
        if carried == "violation"
        else None
    )
    if bar is not None:
        bar = max(bar, VIOLATION_THRESHOLDS.get(rule.id, bar))
    judged = {h.turn for h in verdict.hits}
    needs_trigger = call.model.heads[rule.id].answers_debtor or _owes_trigger(rule)
    added = []
    for turn, p in zip(call.agent, probabilities, strict=True):
        if turn in judged or p < SUSPECTED_THRESHOLD:
            continue
        status: Status = "violation" if bar is not None and p >= bar else "suspected"
        note = f"The learned model judged this turn a breach (probability {p:.2f})."
        if status == "violation" and needs_trigger and not call.triggered_before(rule, turn, ctx):
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


def _caps(rule: Rule, ctx: CallContext) -> tuple[Cap, Cap]:
    """The strongest status a model finding may have on the words alone, and once the words
    themselves carry the fact the rule turns on (None: the rule is off for this call).

    On the words alone a finding is held to what every one of the rule's phrase lists allows
    and a process check is at most suspected. The head learned from lines that state the fact
    ("this is from 2009 and we can still take you to court", "I've rung you six times today"),
    so a very confident head has heard it: then the finding gets the most any phrase list
    allows, and a process check may be a violation. With the fact given and unmet (a judgment
    exists, the debt is in time) every list is off."""
    caps = [_phrase_cap(spec, ctx) for spec in rule.detection if isinstance(spec, Phrase)]
    if not caps:
        caps = ["violation"]
    carried = max(caps, key=_CAP_ORDER.index)
    plain = min(caps, key=_CAP_ORDER.index)
    if rule.kind not in PROHIBITIONS and plain is not None:
        plain = "suspected"
    return plain, carried


def _owes_trigger(rule: Rule) -> bool:
    """A process check without a phrase list answers the debtor (a time or place asked for, a
    vulnerability disclosed): it is settled only where an earlier debtor turn raised it."""
    return rule.kind not in PROHIBITIONS and not any(
        isinstance(spec, Phrase) for spec in rule.detection
    )


def _phrase_cap(spec: Phrase, ctx: CallContext) -> Cap:
    """What one phrase list allows a finding on its words to be, given the call's metadata."""
    condition = spec.confirm
    state = "met" if condition is None else condition.state(ctx.metadata)
    if state == "unmet":
        return None
    if state == "unknown":
        assert condition is not None
        return None if condition.when_missing == "not_assessable" else "suspected"
    return spec.status
