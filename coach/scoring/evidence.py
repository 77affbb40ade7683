"""Component results -> scorecard evidence, one function per dimension.

Each function turns what a component module detected into :class:`Evidence` items keyed by
the names a scorecard definition prices (see ``EVIDENCE_KEYS``), always with the turn, the
quoted words and, when the transcript is timed, the time span.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coach.scoring.compliance.assess import ComplianceResult
from coach.scoring.listening import ListeningResult
from coach.scoring.negotiation import NegotiationResult
from coach.scoring.questions import questions_in
from coach.scoring.scorecard import DimensionInput, Evidence
from coach.scoring.text_cues import TurnEvidence, quote
from coach.scoring.tone import ToneResult, ToneTrajectory
from coach.transcript import Transcript

# Roughly a minute of uninterrupted agent speech: the debtor has stopped being part of it.
LONG_MONOLOGUE_WORDS = 150
# Fillers per 100 agent words above which they distract (a few are natural speech).
FILLER_RATE_LIMIT = 3.0
_STRUCTURE_STAGES = {
    "greeting_identification": "no_greeting",
    "verification": "no_verification",
    "disclosure": "no_disclosure",
    "purpose": "no_purpose",
    "recap": "no_recap",
    "close": "no_close",
}
_STAGE_WORDS = {
    "greeting_identification": "no greeting with the agent's name and company at the start",
    "verification": "the debtor's identity was not verified",
    "disclosure": "no required disclosure (debt collector / recorded call) was given",
    "purpose": "the purpose of the call and the balance were not stated",
    "recap": "no recap of what was agreed before the close",
    "close": "no polite close",
}


def at_turn(transcript: Transcript, key: str, reason: str, turn: int, words: str) -> Evidence:
    """Evidence pinned to one turn, with that turn's times."""
    t = transcript.turns[turn]
    return Evidence(key, reason, turn, t.start, t.end, quote(words))


def compliance_evidence(result: ComplianceResult, transcript: Transcript) -> DimensionInput:
    """Every finding as a deduction; every disclosure given as (unpriced by default) credit."""
    found = [
        Evidence(
            key=f"{f.status}_{f.severity}",
            reason=f"{f.rule_id} ({f.severity} {f.status}): {f.explanation}",
            turn=f.turn,
            start=f.start,
            end=f.end,
            quote=f.quote,
            rule_id=f.rule_id,
            severity=f.severity,
            status=f.status,
        )
        for f in result.findings
    ]
    given = [
        at_turn(transcript, "disclosure_given", f"{rule_id} given", i, transcript.turns[i].text)
        for i, rules in enumerate(result.satisfies)
        for rule_id in rules
    ]
    return DimensionInput(tuple(found + given))


def tone_evidence(
    tones: Mapping[int, ToneResult], trajectory: ToneTrajectory, transcript: Transcript
) -> DimensionInput:
    """Each agent turn's tone label, plus whether the debtor calmed down or escalated."""
    items = [
        at_turn(
            transcript,
            tone.label,
            f"agent sounded {tone.label} (p={tone.tone_scores[tone.label]:.2f})",
            i,
            transcript.turns[i].text,
        )
        for i, tone in sorted(tones.items())
    ]
    if trajectory.label != "steady" and trajectory.evidence_turns:
        last = trajectory.evidence_turns[-1]
        reason = (
            f"the debtor {trajectory.label} during the call (agitation "
            f"{trajectory.first_third:.2f} -> {trajectory.last_third:.2f})"
        )
        key = f"debtor_{trajectory.label}"
        items.append(at_turn(transcript, key, reason, last, transcript.turns[last].text))
    return DimensionInput(tuple(items))


def listening_evidence(result: ListeningResult, transcript: Transcript) -> DimensionInput:
    """Credits for acknowledging, paraphrasing, empathy, open questions and a closing recap;
    deductions for interrupting, long monologues and a lot of fillers."""
    turns = transcript.turns

    def each(key: str, reason: str, found: Sequence[TurnEvidence]) -> list[Evidence]:
        return [at_turn(transcript, key, reason, e.turn, e.quote) for e in found]

    items = each("acknowledgement", "acknowledged what the debtor said", result.acknowledgements)
    items += each("paraphrase", "reflected the debtor's words back", result.paraphrases)
    items += each("empathy", "acknowledged the debtor's situation", result.empathy)
    items += [
        at_turn(transcript, "open_question", "asked an open question", i, opens[0].text)
        for i, t in enumerate(turns)
        if t.speaker == "agent" and (opens := [q for q in questions_in(t.text) if q.open])
    ]
    if result.summary_before_close is not None:
        items += each(
            "summary_before_close", "summed up before closing", [result.summary_before_close]
        )
    items += [
        at_turn(
            transcript, "agent_interruption", "talked over the debtor", e.turn, turns[e.turn].text
        )
        for e in result.interruptions
        if e.speaker == "agent"
    ]
    items += _monologue(result, transcript) + _fillers(result, transcript)
    return DimensionInput(tuple(items))


def _monologue(result: ListeningResult, transcript: Transcript) -> list[Evidence]:
    if result.longest_monologue_words <= LONG_MONOLOGUE_WORDS:
        return []
    agent = [i for i, t in enumerate(transcript.turns) if t.speaker == "agent"]
    longest = max(agent, key=lambda i: len(transcript.turns[i].text.split()))
    reason = f"spoke {result.longest_monologue_words} words without letting the debtor in"
    return [at_turn(transcript, "long_monologue", reason, longest, transcript.turns[longest].text)]


def _fillers(result: ListeningResult, transcript: Transcript) -> list[Evidence]:
    if result.filler_rate_per_100_words <= FILLER_RATE_LIMIT or not result.filler_words:
        return []
    first = result.filler_words[0]
    reason = f"{result.filler_rate_per_100_words} filler words per 100 words"
    words = ", ".join(sorted({e.quote for e in result.filler_words}))
    return [at_turn(transcript, "fillers", reason, first.turn, words)]


def negotiation_evidence(result: NegotiationResult, transcript: Transcript) -> DimensionInput:
    """Credits for exploring circumstances, each option offered, and a (complete) commitment."""
    items = []
    if "discovery" in result.stages:
        found = result.stages["discovery"]
        items.append(
            at_turn(transcript, "discovery", "asked about circumstances", found.turn, found.quote)
        )
    offers = sorted(result.options.items(), key=lambda kv: (kv[1].turn, kv[0]))
    for kind, found in offers:
        reason = f"offered {kind.replace('_', ' ')}"
        items.append(at_turn(transcript, "option_offered", reason, found.turn, found.quote))
    if len(offers) >= 2:
        kind, found = offers[1]
        reason = f"gave the debtor a choice ({len(offers)} kinds of option)"
        items.append(at_turn(transcript, "several_options", reason, found.turn, found.quote))
    if result.commitment is not None:
        c = result.commitment
        first = c.turns[0]
        text = transcript.turns[first].text
        items.append(at_turn(transcript, "commitment", "the debtor agreed to pay", first, text))
        if c.complete:
            reason = f"amount ({c.amount}), date ({c.date}) and method ({c.method}) settled"
            items.append(at_turn(transcript, "commitment_complete", reason, c.turns[-1], text))
    return DimensionInput(tuple(items))


def structure_evidence(result: NegotiationResult, compliance: ComplianceResult) -> DimensionInput:
    """A deduction for each part of a well-structured call that never happened."""
    disclosed = any(compliance.satisfies)
    items = [
        Evidence(key, _STAGE_WORDS[stage])
        for stage, key in _STRUCTURE_STAGES.items()
        if stage not in result.stages and not (stage == "disclosure" and disclosed)
    ]
    return DimensionInput(tuple(items))
