"""What every detector spec shares: validated patterns, metadata conditions, evidence search."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from coach.scoring.compliance.context import LEXICON_REF, CallContext, Hit, TurnView, Verdict
from coach.scoring.compliance.negation import is_denied, is_truthful_conditional
from coach.scoring.metadata import CallMetadata, MetadataField


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    return pattern


def _reference_or_regex(pattern: str) -> str:
    return pattern if pattern.startswith(LEXICON_REF) else _compiles(pattern)


Regex = Annotated[str, AfterValidator(_compiles)]
# In a detector, "@name" stands for every pattern of the pack's lexicon ``name``.
Pattern = Annotated[str, AfterValidator(_reference_or_regex)]
Patterns = tuple[Pattern, ...]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class MetadataCondition(BaseModel):
    """A metadata fact a finding depends on, and what to say when it is unknown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: MetadataField
    # One value, or a list of values any of which meets the condition.
    equals: bool | str | tuple[str, ...]
    when_missing: Literal["suspected", "not_assessable", "assume_met"] = "suspected"

    def state(self, metadata: CallMetadata) -> Literal["met", "unmet", "unknown"]:
        """Whether the call's metadata meets the condition (``assume_met`` fills a gap)."""
        value = getattr(metadata, self.field)
        if value is None:
            return "met" if self.when_missing == "assume_met" else "unknown"
        met = value in self.equals if isinstance(self.equals, tuple) else value == self.equals
        return "met" if met else "unmet"

    def unassessable_reason(self) -> str:
        """Why a rule waiting on this fact cannot be judged (``when_missing: not_assessable``)."""
        return f"needs call metadata {self.field}"

    def unknown_note(self) -> str:
        """What a finding downgraded to *suspected* for want of this fact says."""
        return f"Needs call metadata {self.field} to confirm."


class Detector(BaseModel):
    """Base of every detector spec."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    pattern_fields: ClassVar[tuple[str, ...]] = ()
    exemplar_fields: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def evaluate(self, ctx: CallContext, negatives: tuple[str, ...]) -> Verdict:
        """Judge one call; ``negatives`` are compliant texts semantic hits must not resemble."""

    def pattern_lists(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(field name, patterns) pairs, for checking lexicon references."""
        for name in self.pattern_fields:
            yield name, getattr(self, name)

    def embedding_texts(self) -> Iterator[str]:
        """Texts to embed up front when an encoder is available."""
        for name in self.exemplar_fields:
            yield from getattr(self, name)


def evidence(
    ctx: CallContext,
    turn: TurnView,
    patterns: tuple[str, ...],
    *,
    negation: bool = True,
    exceptions: tuple[str, ...] = (),
    conditional_allowed: bool = False,
    after: int = 0,
) -> Hit | None:
    """The first pattern match in ``turn`` (from offset ``after``) that is not denied, excepted
    or a truthful conditional, reported with its sentence (or nearby words) as the quote."""
    for m in ctx.matches(turn, patterns):
        if m.start() < after:
            continue
        sentence = turn.norm.sentence_at(m.start())
        text = turn.norm.text[slice(*sentence)]
        if exceptions and any(p.search(text) for p in ctx.patterns(exceptions)):
            continue
        if negation and is_denied(turn.norm, m.start(), m.end()):
            continue
        if conditional_allowed and is_truthful_conditional(text):
            continue
        return Hit("violation", turn.index, turn.norm.quote_span(m.start(), m.end()))
    return None
