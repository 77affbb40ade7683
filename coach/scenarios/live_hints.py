"""Live hints for beginners: what a coach listening in would whisper after a reply.

Hints read only what the run already knows (the intents heard in every reply so far, the last
reply's findings and the debtor's meters), so they cost nothing and never give away the graph.
They name the next lawful step a new collector most often forgets, not the scenario's answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from coach.scenarios.engine import ReplyFinding
from coach.scenarios.model import Scenario

# At most this many hints at once: a beginner reads two, not six.
MAX_HINTS = 2
_LISTENING = frozenset({"empathise", "open_question", "paraphrase"})
_HOSTILE = frozenset({"threaten", "pressure", "insult"})
_IRRITATED_AT = 60


def hints_for(
    scenario: Scenario,
    intents_per_reply: Sequence[Iterable[str]],
    last_findings: Sequence[ReplyFinding],
    meters: Mapping[str, int],
) -> list[str]:
    """The hints worth showing after the latest reply, most urgent first."""
    heard = set().union(*map(set, intents_per_reply)) if intents_per_reply else set()
    last = set(intents_per_reply[-1]) if intents_per_reply else set()
    hints = [
        f"Your last reply may break {f.rule_id}. " + str(f.detail.get("suggestion") or "")
        for f in last_findings
        if f.status == "violation"
    ]
    if last & _HOSTILE:
        hints.append(
            "That sounded like pressure. It raises the debtor's irritation and can break the "
            "rules: offer options instead."
        )
    if meters.get("irritation", 0) >= _IRRITATED_AT:
        hints.append(
            "Irritation is high: slow down and acknowledge how they feel before you ask for "
            "anything."
        )
    if "verify_identity" not in heard:
        hints.append(
            "You have not verified who you are speaking to: confirm it is the customer before "
            "you say anything about the account."
        )
    elif _needs_disclosure(scenario) and "mini_miranda" not in heard:
        hints.append(
            "Give the debt-collector disclosure now that you know who you are speaking to: "
            "you are a debt collector and this is an attempt to collect a debt."
        )
    if len(intents_per_reply) >= 3 and not heard & _LISTENING:
        hints.append(
            "Ask what happened with an open question, and acknowledge how they feel, before "
            "you talk about payment."
        )
    return [hint.strip() for hint in hints[:MAX_HINTS]]


def _needs_disclosure(scenario: Scenario) -> bool:
    """US first contacts owe the mini-Miranda (FDCPA § 807(11)); other calls are not hinted."""
    return scenario.jurisdiction == "US" and scenario.metadata.get("call_type") == "initial"
