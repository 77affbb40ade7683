"""Labelled text corpora (``content/**/*.jsonl``): what the catalog loads and heads train on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args


@dataclass(frozen=True)
class LabelledText:
    """One training example (a jsonl line's other keys, e.g. locale, are not kept)."""

    text: str
    label: str


@dataclass(frozen=True)
class Corpus:
    """The examples of one corpus file, in file order."""

    examples: tuple[LabelledText, ...]

    @property
    def labels(self) -> frozenset[str]:
        """Every label used in the file."""
        return frozenset(e.label for e in self.examples)


def examples_of(corpora: tuple[Corpus, ...]) -> list[LabelledText]:
    """All examples of several corpus files (one head trains on a folder of them)."""
    return [example for corpus in corpora for example in corpus.examples]


RuleLineLabel = Literal["positive", "negative"]
# What sort of line it is: detectors are measured per kind, and a corpus must mix them.
PositiveKind = Literal[
    "direct",
    "implied",
    "euphemism",
    "sarcastic_denial",
    "conditional_false",
    "run_on",
    "partial",
    "asr_garbled",
    "code_mixed",
    "other",
]
NegativeKind = Literal[
    "negation",
    "truthful_conditional",
    "firm_lawful",
    "lawful_version",
    "same_words_other_meaning",
    "other_rule_ok",
    "asr_garbled",
    "other",
]
POSITIVE_KINDS: tuple[str, ...] = get_args(PositiveKind)
NEGATIVE_KINDS: tuple[str, ...] = get_args(NegativeKind)


@dataclass(frozen=True)
class RuleLine:
    """One agent turn labelled for one rule.

    ``positive``: the line is what the rule looks for (it breaks a prohibition, or it makes a
    required disclosure); ``negative``: a near-miss that does not. ``debtor_before`` is the
    debtor's turn the line answers, for rules about responding (a dispute, a cease request).
    """

    rule: str
    label: RuleLineLabel
    text: str
    kind: str
    debtor_before: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class RuleLines:
    """One writer's lines for one jurisdiction (``rule_lines/<writer>/<jurisdiction>.jsonl``);
    the writer is kept so that figures can leave one writer out."""

    writer: str
    jurisdiction: str
    lines: tuple[RuleLine, ...]


@dataclass(frozen=True)
class ListeningPair:
    """A debtor turn and the agent's next reply, flagged for active listening and empathy
    (see ``content/listening/README.md`` for what each flag means)."""

    debtor: str
    agent: str
    active_listening: bool
    empathy: bool


@dataclass(frozen=True)
class OutcomeCall:
    """A short call as (speaker, text) turns and the state it ends in."""

    turns: tuple[tuple[str, str], ...]
    outcome: str


@dataclass(frozen=True)
class WriterCorpus:
    """One writer's file of pairs or calls (``listening/<writer>.jsonl``,
    ``outcomes/<writer>.jsonl``); the writer is kept so figures can leave one writer out."""

    writer: str
    items: tuple[ListeningPair, ...] | tuple[OutcomeCall, ...]


IntentPositiveKind = Literal[
    "direct", "indirect", "run_on", "partial", "asr_garbled", "code_mixed", "other"
]
IntentNegativeKind = Literal["near_miss", "other_intent", "asr_garbled", "other"]
INTENT_POSITIVE_KINDS: tuple[str, ...] = get_args(IntentPositiveKind)
INTENT_NEGATIVE_KINDS: tuple[str, ...] = get_args(IntentNegativeKind)


@dataclass(frozen=True)
class IntentLine:
    """One trainee (collector) reply labelled for one intent: ``positive`` when the reply
    carries it (it may carry others), ``negative`` for a near-miss that does not.
    ``debtor_before`` is the debtor turn the reply answers, where the intent answers one."""

    intent: str
    label: RuleLineLabel
    kind: str
    text: str
    debtor_before: str | None = None
    jurisdiction: str | None = None


@dataclass(frozen=True)
class IntentLines:
    """One writer's intent lines (``intents/<writer>.jsonl``)."""

    writer: str
    lines: tuple[IntentLine, ...]
