"""A fake of the engine's ``Analyse`` port: what each scripted reply does is written down,
the way the intent heads and the scoring engine would report it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from coach.scenarios.engine import Line, ReplyAnalysis, ReplyFinding, RunState, Step, reply
from coach.scenarios.model import Scenario


def violation(
    rule_id: str, severity: Literal["critical", "major", "minor"] = "critical"
) -> ReplyFinding:
    """A finding of what the reply said, as the scoring engine would report it."""
    return ReplyFinding(rule_id, "violation", severity, f"{rule_id} breached")


@dataclass
class Scripted:
    """Replies mapped to their analysis; records the transcript each call was given."""

    script: dict[str, ReplyAnalysis]
    seen: list[tuple[Line, ...]] = field(default_factory=list)

    def __call__(self, transcript: Sequence[Line], reply: str) -> ReplyAnalysis:
        self.seen.append(tuple(transcript))
        return self.script[reply]

    @classmethod
    def of(cls, *turns: tuple[str, Iterable[str], Iterable[ReplyFinding]]) -> Scripted:
        return cls(
            {text: ReplyAnalysis(frozenset(intents), tuple(f)) for text, intents, f in turns}
        )


def play(
    scenario: Scenario, state: RunState, analyse: Scripted, replies: Iterable[str]
) -> list[Step]:
    """Every step of the replies, in order, each from the state the one before left."""
    steps = []
    for text in replies:
        step = reply(scenario, state, text, analyse)
        steps.append(step)
        state = step.state
    return steps
