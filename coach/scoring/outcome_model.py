"""The call's outcome read by a head trained on writers' labelled calls (``content/outcomes/``).

The cue rules in :mod:`coach.scoring.negotiation` take the first dispute, refusal or callback
phrase and any agreement they recognise, so "I can't pay" after "can you promise me fifty?"
can come out as a promise. The head reads the call's closing turns with their speakers, beside
everything the debtor said, and was chosen by leaving one writer out (docs/decisions.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coach.corpus import LabelledText, OutcomeCall, WriterCorpus
from coach.nlp.heads import ClassifierHead, join_fields
from coach.scoring.negotiation import NegotiationResult, Outcome
from coach.scoring.text_cues import TurnEvidence, quote
from coach.transcript import Transcript

OUTCOME_FIELDS = 2
OUTCOME_LEXICAL_WEIGHT = 1.0
# The closing turns the head reads with their speakers: where a call's state is settled.
CLOSING_TURNS = 4
_TAGS = {"agent": "agent", "debtor": "debtor"}


def outcome_fields(turns: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The closing turns tagged by speaker, and everything the debtor said."""
    closing = " ".join(f"{_TAGS[speaker]}: {text}" for speaker, text in turns[-CLOSING_TURNS:])
    debtor = " ".join(text for speaker, text in turns if speaker == "debtor")
    return closing, debtor


def outcome_examples(corpora: Iterable[WriterCorpus]) -> list[LabelledText]:
    """Every labelled call as one example."""
    calls = [c for corpus in corpora for c in corpus.items if isinstance(c, OutcomeCall)]
    return [LabelledText(join_fields(*outcome_fields(c.turns)), c.outcome) for c in calls]


@dataclass(frozen=True)
class OutcomeHead:
    """The trained head: a call in, its most probable outcome and that probability out."""

    head: ClassifierHead

    def predict(self, transcript: Transcript) -> tuple[Outcome, float]:
        turns = [(t.speaker, t.text) for t in transcript.turns if t.text.strip()]
        row = self.head.predict_proba([join_fields(*outcome_fields(turns))])[0]
        best = int(row.argmax())
        outcome: Outcome = self.head.classes[best]  # type: ignore[assignment]
        return outcome, float(row[best])

    @property
    def version(self) -> str:
        return self.head.version


def with_learned_outcome(
    negotiation: NegotiationResult, transcript: Transcript, head: OutcomeHead | None
) -> NegotiationResult:
    """``negotiation`` with the head's outcome; the cue evidence is kept when both agree,
    else the evidence is the debtor's last turn (where the state was settled)."""
    if head is None or not transcript.turns:
        return negotiation
    outcome, _confidence = head.predict(transcript)
    if outcome == negotiation.outcome:
        return negotiation
    return dataclasses.replace(
        negotiation, outcome=outcome, outcome_evidence=_last_debtor(transcript, outcome)
    )


def _last_debtor(transcript: Transcript, outcome: Outcome) -> TurnEvidence | None:
    if outcome == "none":
        return None
    for i in range(len(transcript.turns) - 1, -1, -1):
        turn = transcript.turns[i]
        if turn.speaker == "debtor" and turn.text.strip():
            return TurnEvidence(i, quote(turn.text))
    return None
