"""Detector types, keyed by a rule's ``detection[].type`` in :data:`RULE_TYPES`.

Each detector is its own frozen spec model (what the YAML says) with an ``evaluate`` method
(what it means for one call). Adding a detector type is one class plus one registry entry.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from coach.scoring.compliance.context import (
    CallContext,
    DetectorKind,
    Hit,
    Status,
    TurnView,
    Verdict,
)
from coach.scoring.compliance.detector_base import (
    ClockTime,
    Detector,
    MetadataCondition,
    Patterns,
    evidence,
)
from coach.scoring.compliance.negation import is_truthful_conditional
from coach.scoring.metadata import CallMetadata, MetadataField, clock_minutes

DEFAULT_PROHIBITED_THRESHOLD = 0.8
DEFAULT_DISCLOSURE_THRESHOLD = 0.72


class Phrase(Detector):
    """A prohibited statement in an agent turn: patterns first, then semantic exemplars."""

    pattern_fields: ClassVar[tuple[str, ...]] = ("patterns", "exceptions")
    exemplar_fields: ClassVar[tuple[str, ...]] = ("exemplars",)

    type: Literal["phrase"]
    patterns: Patterns = ()
    exceptions: Patterns = ()
    negation: bool = True
    conditional: Literal["allow", "deny"] = "deny"
    exemplars: tuple[str, ...] = ()
    threshold: float = Field(default=DEFAULT_PROHIBITED_THRESHOLD, gt=0, le=1)
    status: Literal["violation", "suspected"] = "violation"
    confirm: MetadataCondition | None = None

    def evaluate(self, ctx: CallContext, negatives: tuple[str, ...]) -> Verdict:
        state = self.confirm.state(ctx.metadata) if self.confirm else "met"
        if state == "unknown" and self.confirm and self.confirm.when_missing == "not_assessable":
            return Verdict(unassessable=self.confirm.unassessable_reason())
        if state == "unmet":
            return Verdict()
        status: Status = self.status
        note = ""
        kind: DetectorKind = "pattern"
        if state == "unknown" and self.confirm:
            status, note, kind = "suspected", self.confirm.unknown_note(), "metadata"
        hits = [
            Hit(status, hit.turn, hit.span, " ".join(filter(None, (hit.note, note))), kind)
            for turn in ctx.agent_turns()
            if (hit := self._turn_hit(ctx, turn, negatives))
        ]
        return Verdict(hits=tuple(hits))

    def _turn_hit(self, ctx: CallContext, turn: TurnView, negatives: tuple[str, ...]) -> Hit | None:
        hit = evidence(
            ctx,
            turn,
            self.patterns,
            negation=self.negation,
            exceptions=self.exceptions,
            conditional_allowed=self.conditional == "allow",
        )
        if hit or not self.exemplars:
            return hit
        span = ctx.semantic_hit(turn, self.exemplars, negatives, self.threshold, skip_denials=True)
        if span is None:
            return None
        text = turn.norm.text[slice(*span)]
        if any(p.search(text) for p in ctx.patterns(self.exceptions)):
            return None
        if self.conditional == "allow" and is_truthful_conditional(text):
            return None
        return Hit("violation", turn.index, span, "Matched by meaning (paraphrase).")


class Concept(BaseModel):
    """One part of a required disclosure, e.g. "debt collector" or "information used"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patterns: Patterns = Field(min_length=1)
    initial_only: bool = False


class RequiredDisclosure(Detector):
    """Something the agent must say, by a deadline: the opening, before account details, or
    at any point in the call."""

    exemplar_fields: ClassVar[tuple[str, ...]] = ("exemplars",)

    type: Literal["required_disclosure"]
    not_if_debtor_says: Patterns = ()
    concepts: tuple[Concept, ...] = Field(min_length=1)
    exemplars: tuple[str, ...] = ()
    threshold: float = Field(default=DEFAULT_DISCLOSURE_THRESHOLD, gt=0, le=1)
    deadline: Literal["opening", "before_account", "call"] = "call"
    opening_turns: int = Field(default=2, ge=1)
    account_details: Patterns = ()
    call_types: tuple[Literal["initial", "follow_up"], ...] = ("initial", "follow_up")
    needs_call_type: bool = False
    # Owed only where metadata says so (e.g. an all-party-consent state); when that fact is
    # unknown, an absent disclosure is "suspected", not "missing".
    confirm: MetadataCondition | None = None
    # Why silence in the call proves nothing (e.g. the notice may still be mailed within five
    # days): then a disclosure never said is "suspected" with this reason, not "missing".
    may_be_given_elsewhere: str | None = None

    def pattern_lists(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        yield "account_details", self.account_details
        yield "not_if_debtor_says", self.not_if_debtor_says
        for i, concept in enumerate(self.concepts):
            yield f"concepts.{i}.patterns", concept.patterns

    def evaluate(self, ctx: CallContext, negatives: tuple[str, ...]) -> Verdict:
        if self.needs_call_type and ctx.metadata.call_type is None:
            return Verdict(unassessable="needs call metadata call_type")
        call_type = ctx.metadata.call_type or "initial"
        agent = list(ctx.agent_turns())
        if call_type not in self.call_types or not agent or self._not_owed(ctx):
            return Verdict()
        concepts = [c for c in self.concepts if call_type == "initial" or not c.initial_only]
        verdict = self._judge(ctx, agent, concepts)
        owed = self.confirm.state(ctx.metadata) if self.confirm else "met"
        if self.confirm is None or owed == "met" or not verdict.hits:
            return verdict
        if owed == "unmet":
            return Verdict(satisfied_by=verdict.satisfied_by)
        if self.confirm.when_missing == "not_assessable":
            return Verdict(unassessable=self.confirm.unassessable_reason())
        note = f"Owed only in some cases. {self.confirm.unknown_note()}"
        hits = tuple(
            Hit("suspected", h.turn, h.span, f"{h.note} {note}", "metadata") for h in verdict.hits
        )
        return Verdict(hits=hits, satisfied_by=verdict.satisfied_by)

    def _judge(self, ctx: CallContext, agent: list[TurnView], concepts: list[Concept]) -> Verdict:
        """Whether every concept was said, and in time."""
        met = self._concepts_met(ctx, agent, concepts)
        if len(met) < len(concepts):
            return self._incomplete(ctx, concepts, met)
        done_at = max(met.values())
        satisfied = tuple(sorted(set(met.values())))
        deadline = self._deadline(ctx, agent)
        if deadline is not None and done_at > deadline:
            note = f"It came only at turn {done_at}, after the deadline (turn {deadline})."
            return Verdict(
                hits=(Hit("missing", note=note, detector="sequence"),), satisfied_by=satisfied
            )
        return Verdict(satisfied_by=satisfied)

    def _concepts_met(
        self, ctx: CallContext, agent: list[TurnView], concepts: list[Concept]
    ) -> dict[int, int]:
        """Concept index -> the first agent turn that says it (by pattern or by meaning)."""
        met: dict[int, int] = {}
        for turn in agent:
            for i, concept in enumerate(concepts):
                if i not in met and ctx.search(turn, concept.patterns):
                    met[i] = turn.index
            if len(met) < len(concepts) and ctx.semantic_hit(
                turn, self.exemplars, (), self.threshold, skip_denials=False
            ):
                met = dict.fromkeys(range(len(concepts)), turn.index)
            if len(met) == len(concepts):
                break
        return met

    def _incomplete(
        self, ctx: CallContext, concepts: list[Concept], met: dict[int, int]
    ) -> Verdict:
        """Not everything was said. When the call type is unknown and only the first-call
        parts are absent, the words meet the follow-up form: credit the turn, suspect the rest."""
        core = [i for i, c in enumerate(concepts) if not c.initial_only]
        partial = (
            ctx.metadata.call_type is None
            and "follow_up" in self.call_types
            and len(core) < len(concepts)
            and all(i in met for i in core)
        )
        if not partial:
            if self.may_be_given_elsewhere:
                note = f"It was never said in this call. {self.may_be_given_elsewhere}"
                return Verdict(hits=(Hit("suspected", note=note, detector="sequence"),))
            never = "It was never said in this call."
            return Verdict(hits=(Hit("missing", note=never, detector="sequence"),))
        note = (
            "The follow-up form was said; if this was the first call, the rest was not. "
            "Needs call metadata call_type to confirm."
        )
        satisfied = tuple(sorted({met[i] for i in core}))
        return Verdict(
            hits=(Hit("suspected", note=note, detector="sequence"),), satisfied_by=satisfied
        )

    def _not_owed(self, ctx: CallContext) -> bool:
        """True when the answerer is not the consumer (a third party is owed no disclosure)."""
        if not self.not_if_debtor_says:
            return False
        if ctx.metadata.right_party_confirmed is False:
            return True
        debtor = (t for t in ctx.turns if t.speaker == "debtor")
        return any(ctx.search(t, self.not_if_debtor_says) for t in debtor)

    def _deadline(self, ctx: CallContext, agent: list[TurnView]) -> int | None:
        if self.deadline == "opening":
            return agent[min(self.opening_turns, len(agent)) - 1].index
        if self.deadline == "before_account":
            return next((t.index for t in agent if ctx.search(t, self.account_details)), None)
        return None


class VerificationSequence(Detector):
    """Right-party verification must come before anything that reveals the debt."""

    pattern_fields: ClassVar[tuple[str, ...]] = ("request", "confirm", "deny", "disclosure")

    type: Literal["sequence"]
    request: Patterns = Field(min_length=1)
    confirm: Patterns = Field(min_length=1)
    deny: Patterns = ()
    disclosure: Patterns = Field(min_length=1)

    def evaluate(self, ctx: CallContext, negatives: tuple[str, ...]) -> Verdict:
        if ctx.metadata.right_party_confirmed:
            return Verdict()
        can_verify = ctx.metadata.right_party_confirmed is None
        asked = False
        for turn in ctx.turns:
            if turn.speaker == "agent":
                hit = evidence(ctx, turn, self.disclosure)
                if hit:
                    note = "The debt was revealed before the person confirmed their identity."
                    return Verdict(hits=(Hit("violation", hit.turn, hit.span, note, "sequence"),))
                asked = asked or ctx.search(turn, self.request) is not None
            elif (
                asked
                and can_verify
                and ctx.search(turn, self.confirm)
                and not ctx.search(turn, self.deny)
            ):
                return Verdict()
        return Verdict()


class TriggerResponse(Detector):
    """Debtor words (or a metadata fact) that oblige a response in later agent turns.

    ``echoes`` are the agent restating the trigger ("I know you said you're at work, but..."):
    the agent's own words then show the trigger, and what follows them in that turn counts.
    """

    pattern_fields: ClassVar[tuple[str, ...]] = (
        "triggers",
        "echoes",
        "forbidden",
        "excuse",
        "required",
        "released_by",
    )
    exemplar_fields: ClassVar[tuple[str, ...]] = ("required_exemplars",)

    type: Literal["trigger_response"]
    triggers: Patterns = Field(min_length=1)
    echoes: Patterns = ()
    metadata_trigger: MetadataCondition | None = None
    forbidden: Patterns = ()
    excuse: Patterns = ()
    window: int | None = Field(default=None, ge=1)
    required: Patterns = ()
    required_exemplars: tuple[str, ...] = ()
    threshold: float = Field(default=DEFAULT_DISCLOSURE_THRESHOLD, gt=0, le=1)
    status: Literal["violation", "suspected"] = "violation"
    # Debtor words after the trigger that end the restriction: a bereaved borrower who offers
    # "I can pay half now" may be sent the payment link they asked for.
    released_by: Patterns = ()

    def evaluate(self, ctx: CallContext, negatives: tuple[str, ...]) -> Verdict:
        start, echo_end = self._trigger_turn(ctx)
        if start is None:
            return Verdict()
        after = list(ctx.agent_turns(after=start if echo_end is None else start - 1))
        if not after:
            return Verdict()
        where = "from the start (metadata)" if start < 0 else f"at turn {start}"
        if echo_end is not None:
            where += " (as the agent restated them)"
        hits: list[Hit] = []
        watched = after[: self.window] if self.window else after
        released = self._released_at(ctx, start)
        watched = [t for t in watched if released is None or t.index < released]
        for turn in watched:
            if self.excuse and ctx.search(turn, self.excuse):
                continue
            skip = echo_end if echo_end is not None and turn.index == start else 0
            hit = evidence(ctx, turn, self.forbidden, after=skip)
            if hit:
                note = f"The debtor's words {where} called for a different response."
                hits.append(Hit(self.status, hit.turn, hit.span, note, "sequence"))
        satisfied: tuple[int, ...] = ()
        if self.required or self.required_exemplars:
            answer = next((t.index for t in after if self._answers(ctx, t)), None)
            if answer is None:
                note = f"No appropriate response followed the debtor's words {where}."
                hits.append(Hit("missing", note=note, detector="sequence"))
            else:
                satisfied = (answer,)
        return Verdict(hits=tuple(hits), satisfied_by=satisfied)

    def _trigger_turn(self, ctx: CallContext) -> tuple[int | None, int | None]:
        """The trigger's turn, and where an agent echo of it ends (``None`` if not an echo)."""
        if self.metadata_trigger and self.metadata_trigger.state(ctx.metadata) == "met":
            return -1, None
        # Triggers are read without negation handling: "no, wrong number" and "I can't
        # afford it" (or "you asked us not to text") carry their meaning in the negation.
        for turn in ctx.turns:
            if turn.speaker == "debtor" and ctx.search(turn, self.triggers):
                return turn.index, None
            echo = ctx.search(turn, self.echoes) if turn.speaker == "agent" else None
            if echo:
                return turn.index, echo.end()
        return None, None

    def _released_at(self, ctx: CallContext, start: int) -> int | None:
        """The first debtor turn after the trigger that lifts the restriction, if any."""
        if not self.released_by:
            return None
        debtor = (t for t in ctx.turns if t.speaker == "debtor" and t.index > start)
        return next((t.index for t in debtor if ctx.search(t, self.released_by)), None)

    def _answers(self, ctx: CallContext, turn: TurnView) -> bool:
        if evidence(ctx, turn, self.required):
            return True
        return bool(
            ctx.semantic_hit(turn, self.required_exemplars, (), self.threshold, skip_denials=True)
        )


class _MetadataCheck(Detector):
    """Shared handling for rules decided by metadata, with transcript hints as suspicion."""

    pattern_fields: ClassVar[tuple[str, ...]] = ("evidence",)
    needs: ClassVar[MetadataField]

    evidence: Patterns = ()

    def evaluate(self, ctx: CallContext, negatives: tuple[str, ...]) -> Verdict:
        if getattr(ctx.metadata, self.needs) is None:
            turns = ctx.agent_turns()
            hint = next(filter(None, (evidence(ctx, t, self.evidence) for t in turns)), None)
            if hint is None:
                return Verdict(unassessable=f"needs call metadata {self.needs}")
            note = f"Suspected from the agent's words; call metadata {self.needs} would confirm."
            return Verdict(hits=(Hit("suspected", hint.turn, hint.span, note, "metadata"),))
        problem = self.breach(ctx.metadata)
        if not problem:
            return Verdict()
        return Verdict(hits=(Hit("violation", note=problem, detector="metadata"),))

    @abstractmethod
    def breach(self, metadata: CallMetadata) -> str | None:
        """Why the metadata shows a breach, or ``None``."""


class CallHours(_MetadataCheck):
    """The call must fall inside the permitted local-time window."""

    needs: ClassVar[MetadataField] = "local_time"

    type: Literal["call_hours"]
    earliest: ClockTime
    latest: ClockTime

    def breach(self, metadata: CallMetadata) -> str | None:
        minutes = metadata.minutes()
        assert minutes is not None
        if clock_minutes(self.earliest) <= minutes <= clock_minutes(self.latest):
            return None
        window = f"{self.earliest}-{self.latest}"
        return f"The call was at {metadata.local_time} local time, outside {window}."


class AttemptLimit(_MetadataCheck):
    """No more call attempts in seven days than the limit."""

    needs: ClassVar[MetadataField] = "attempts_last_7_days"

    type: Literal["attempt_limit"]
    max_attempts: int = Field(ge=1)

    def breach(self, metadata: CallMetadata) -> str | None:
        attempts = metadata.attempts_last_7_days
        assert attempts is not None
        if attempts <= self.max_attempts:
            return None
        return f"{attempts} call attempts in the last 7 days (limit {self.max_attempts})."


# The YAML ``type`` picks the spec class; errors then name the offending field's path.
DetectorSpec = Annotated[
    Phrase | RequiredDisclosure | VerificationSequence | TriggerResponse | CallHours | AttemptLimit,
    Field(discriminator="type"),
]

# Each spec class by its ``type`` literal, derived from the union so the two cannot disagree.
RULE_TYPES: dict[str, type[Detector]] = {
    get_args(spec.model_fields["type"].annotation)[0]: spec
    for spec in get_args(get_args(DetectorSpec)[0])
}
