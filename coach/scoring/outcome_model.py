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

import numpy as np

from coach.corpus import LabelledText, OutcomeCall, WriterCorpus
from coach.nlp.heads import ClassifierHead, join_fields
from coach.scoring.negotiation import NegotiationResult, Outcome
from coach.scoring.text_cues import TurnEvidence, quote
from coach.transcript import Transcript

OUTCOME_FIELDS = 2
OUTCOME_LEXICAL_WEIGHT = 1.0
# The closing turns the head reads with their speakers: where a call's state is settled.
CLOSING_TURNS = 4
# Below this probability for its best class the head is unsure and the negotiation cues
# decide; and split terms the cues found ("100 today and 250 on the 30th") make an agreed
# single payment a plan. Chosen by leaving one writer out (accuracy: head alone 0.944, this
# 0.953) with the dev calls as a second check (0.710 -> 0.903); see docs/decisions.md.
OUTCOME_FLOOR = 0.4
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

    def probabilities(self, transcript: Transcript) -> np.ndarray:
        """The head's probability for each of ``self.head.classes``."""
        turns = [(t.speaker, t.text) for t in transcript.turns if t.text.strip()]
        return np.asarray(self.head.predict_proba([join_fields(*outcome_fields(turns))])[0])

    @property
    def version(self) -> str:
        return self.head.version


def decide(classes: Sequence[str], row: np.ndarray, cue: Outcome) -> Outcome:
    """The head's outcome where it is sure, else the cues'; a single payment becomes a plan
    when the cues saw split terms agreed."""
    best = int(row.argmax())
    outcome: Outcome = classes[best] if row[best] >= OUTCOME_FLOOR else cue  # type: ignore[assignment]
    if outcome == "promise_to_pay" and cue == "payment_plan":
        return cue
    return outcome


def with_learned_outcome(
    negotiation: NegotiationResult, transcript: Transcript, head: OutcomeHead | None
) -> NegotiationResult:
    """``negotiation`` with the head's outcome; the cue evidence is kept when both agree,
    else the evidence is the debtor's last turn (where the state was settled)."""
    if head is None or not transcript.turns:
        return negotiation
    outcome = decide(head.head.classes, head.probabilities(transcript), negotiation.outcome)
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
