"""Per-turn intents, derived from what the component modules already detected.

No model of its own: a turn's intents are the union of the cues, stages and findings that
point at it, so they can never disagree with the scorecard's evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coach.scoring.compliance.assess import ComplianceResult
from coach.scoring.listening import DEMAND, ListeningResult
from coach.scoring.negotiation import CALLBACK, DISPUTE, REFUSAL, NegotiationResult
from coach.scoring.questions import questions_in
from coach.scoring.text_cues import RECAP, search
from coach.scoring.tone import ToneResult
from coach.transcript import Transcript

_STAGE_INTENTS = {
    "greeting_identification": "greeting",
    "verification": "verification",
    "disclosure": "disclosure",
    "recap": "recap",
    "close": "close",
}
_DEBTOR_CUES = (("dispute", DISPUTE), ("refusal", REFUSAL), ("callback", CALLBACK))
# Rule ids naming a threat (arrest, suit, garnishment, violence, intimidation).
_THREAT_WORDS = ("THREAT", "INTIMIDATION")


def turn_intents(
    transcript: Transcript,
    compliance: ComplianceResult,
    listening: ListeningResult,
    negotiation: NegotiationResult,
    tones: Mapping[int, ToneResult],
) -> list[list[str]]:
    """A sorted list of intents for every turn, in turn order."""
    found: list[set[str]] = [set() for _ in transcript.turns]
    for stage, evidence in negotiation.stages.items():
        if stage in _STAGE_INTENTS:
            found[evidence.turn].add(_STAGE_INTENTS[stage])
    for evidence in negotiation.options.values():
        found[evidence.turn].add("offer_plan")
    for i in negotiation.commitment.turns if negotiation.commitment else ():
        found[i].add("commitment")
    _add(found, "acknowledgement", [e.turn for e in listening.acknowledgements])
    _add(found, "paraphrase", [e.turn for e in listening.paraphrases])
    _add(found, "empathy", [e.turn for e in listening.empathy])
    _add(found, "threat", [i for i, t in tones.items() if t.label == "threatening"])
    _add(found, "disclosure", [i for i, s in enumerate(compliance.satisfies) if s])
    threats = [
        f.turn
        for f in compliance.findings
        if f.turn is not None and f.status == "violation" and _is_threat(f.rule_id)
    ]
    _add(found, "threat", threats)
    for i, turn in enumerate(transcript.turns):
        _text_intents(found[i], turn.speaker, turn.text)
    return [sorted(s) for s in found]


def _add(found: list[set[str]], intent: str, turns: Sequence[int]) -> None:
    for i in turns:
        found[i].add(intent)


def _is_threat(rule_id: str) -> bool:
    return any(word in rule_id for word in _THREAT_WORDS)


def _text_intents(into: set[str], speaker: str, text: str) -> None:
    """Intents read straight off one turn's words."""
    if questions_in(text):
        into.add("question")
    if speaker == "agent":
        if search(DEMAND, text):
            into.add("payment_request")
        if search(RECAP, text):
            into.add("recap")
        return
    into.update(name for name, pattern in _DEBTOR_CUES if search(pattern, text))
