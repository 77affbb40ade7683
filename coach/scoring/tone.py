"""Tone of agent turns (seven classes) and the debtor's tone trajectory over a call.

The agent head reads the sentence embedding (paraphrases) beside word uni/bigram features (the
small words an embedding blurs, such as negation); two cues are layered on top because they are
precise where the head is not: profanity from an agent is hostile whatever the sentence
around it says (a polite sentence with a swear word in it can embed close to "professional"),
and a turn that only names harms to deny them ("nobody will take your car") is not a threat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from coach.nlp.heads import ClassifierHead
from coach.nlp.normalise import normalize
from coach.scoring.compliance.negation import is_denied
from coach.transcript import Turn

TONE_CLASSES: tuple[str, ...] = (
    "empathetic",
    "professional",
    "neutral",
    "pushy",
    "hostile",
    "threatening",
    "condescending",
)
# The classes a scorecard deducts for.
NEGATIVE_TONES: frozenset[str] = frozenset({"pushy", "hostile", "threatening", "condescending"})
DEBTOR_AFFECT_CLASSES: tuple[str, ...] = ("agitated", "calm")

# Swear words only: insults such as "stupid" also occur in kind sentences ("no question is
# stupid"), so they are left to the encoder.
_PROFANITY = re.compile(
    r"\b(fuck\w*|shit\w*|bullshit|bastards?|bitch\w*|a(ss|rse)holes?|piss(ed)? off|bollocks"
    r"|wankers?|crap|(god)?damn(ed)?|bloody)\b",
    re.IGNORECASE,
)
# With profanity, hostile gets at least this probability (so it wins over any rival).
_PROFANITY_FLOOR = 0.6
# Harms a collector threatens or, just as often, denies ("nobody will arrest you"). An embedding
# reads both alike, so when every mention in a turn is denied (negation.is_denied: rhetorical
# frames such as "I'm not saying you'll be arrested, but" do not count) the turn is not a threat.
_THREAT_MENTION = re.compile(
    r"\b(?:arrest\w*|jail|prison|police|warrant|crime|criminal|court|courts|sue|suing|sued"
    r"|lawsuit|legal action|garnish\w*|seize|seizure|repossess\w*|bailiffs?|enforcement agents?"
    r"|fir|take (?:your|the|away your) (?:car|house|home|belongings|things|stuff|property)"
    r"|(?:come|coming|turn up|show up|visit\w*) (?:\w+ ){0,2}(?:your|the) (?:house|home|door"
    r"|office|work|workplace|shop)"
    r"|(?:tell|telling|contact|contacting|call|calling) your (?:boss|employer|family|neighbou?rs"
    r"|relatives|office))\b"
)
# A denied threat keeps this probability of "threatening" (the rest goes to reassurance).
_DENIED_THREAT_CAP = 0.1
# Scale of the word TF-IDF block beside the embedding in the agent head (see heads.py): the
# embedding alone misses negation ("nobody will arrest you" reads as a threat) and the words
# that mark a bare statement versus a courteous one. Chosen by training on one writer's lines and
# testing on another's (both directions), by 5-fold cross-validation and on fresh hold-outs, never
# on the dev set: 2.0 beat 1.0 on all of them (0.5 and 3.0 or more did worse).
TONE_LEXICAL_WEIGHT = 2.0

Trend = Literal["calmed", "escalated", "steady"]


@dataclass(frozen=True)
class ToneResult:
    """The tone of one text: ``label`` is the most probable class after lexical cues."""

    label: str
    tone_scores: dict[str, float]
    cues: tuple[str, ...] = ()

    @property
    def negative_mass(self) -> float:
        """Probability mass on :data:`NEGATIVE_TONES` (0 = fine, 1 = clearly negative)."""
        return sum(p for c, p in self.tone_scores.items() if c in NEGATIVE_TONES)


@dataclass(frozen=True)
class ToneTrajectory:
    """Whether the debtor calmed or escalated: first-third vs last-third mean agitation.

    ``evidence_turns`` are indices into the turns given: the debtor turn of each third that
    shows the change most (empty when steady).
    """

    label: Trend
    first_third: float | None
    last_third: float | None
    evidence_turns: tuple[int, ...] = ()


class ToneClassifier:
    """Classifies texts into :data:`TONE_CLASSES` with a trained head plus lexical cues."""

    def __init__(self, head: ClassifierHead) -> None:
        if set(head.classes) != set(TONE_CLASSES):
            raise ValueError(f"tone head has classes {head.classes}, expected {TONE_CLASSES}")
        self.head = head

    @property
    def version(self) -> str:
        """The head's version (training-data hash); store it with every tone score."""
        return self.head.version

    def classify(self, texts: Sequence[str]) -> list[ToneResult]:
        """One :class:`ToneResult` per text, in order."""
        probabilities = self.head.predict_proba(texts)
        return [self._result(t, row) for t, row in zip(texts, probabilities, strict=True)]

    def _result(self, text: str, row: np.ndarray) -> ToneResult:
        scores = {c: float(p) for c, p in zip(self.head.classes, row, strict=True)}
        top = max(scores, key=scores.__getitem__)
        cues: tuple[str, ...] = ()
        if top == "threatening" and _only_denied_threats(text):
            scores = _threat_read_as_reassurance(scores)
            top, cues = max(scores, key=scores.__getitem__), ("denied threat",)
        if top != "threatening" and _PROFANITY.search(normalize(text).text):
            # A threat is the graver finding, so profanity does not relabel one.
            scores = _with_floor(scores, "hostile", _PROFANITY_FLOOR)
            cues += ("profanity",)
        ordered = {c: scores[c] for c in TONE_CLASSES}
        return ToneResult(
            label=max(ordered, key=ordered.__getitem__), tone_scores=ordered, cues=cues
        )


def _only_denied_threats(text: str) -> bool:
    """True when ``text`` names a threatened harm and denies every mention of it."""
    norm = normalize(text)
    mentions = list(_THREAT_MENTION.finditer(norm.text))
    return bool(mentions) and all(is_denied(norm, m.start(), m.end()) for m in mentions)


def _threat_read_as_reassurance(scores: dict[str, float]) -> dict[str, float]:
    """Move all but :data:`_DENIED_THREAT_CAP` of "threatening" to the two classes a denial
    belongs to (README: professional stated as fact, empathetic when it comforts)."""
    moved = scores["threatening"] - _DENIED_THREAT_CAP
    kind = scores["professional"] + scores["empathetic"]
    shifted = dict(scores, threatening=_DENIED_THREAT_CAP)
    for cls in ("professional", "empathetic"):
        shifted[cls] += moved * (scores[cls] / kind if kind > 0 else 0.5)
    return shifted


def _with_floor(scores: dict[str, float], cls: str, floor: float) -> dict[str, float]:
    """Raise ``cls`` to at least ``floor``, scaling the others so the total stays 1."""
    if scores[cls] >= floor:
        return scores
    rest = sum(p for c, p in scores.items() if c != cls)
    scale = (1.0 - floor) / rest if rest > 0 else 0.0
    return {c: floor if c == cls else p * scale for c, p in scores.items()}


class DebtorAffect:
    """How agitated a debtor sounds (0 calm … 1 agitated), from a head on debtor utterances.

    The agent tone head does not transfer: a debtor's "I lost my job" embeds near an agent's
    "you'll lose your job" (a threat), so debtors get their own two-class head.
    """

    def __init__(self, head: ClassifierHead) -> None:
        if set(head.classes) != set(DEBTOR_AFFECT_CLASSES):
            raise ValueError(f"debtor head has classes {head.classes}")
        self.head = head

    def agitation(self, texts: Sequence[str]) -> list[float]:
        """P(agitated) per text; profanity counts as agitation (same floor as for agents)."""
        column = self.head.classes.index("agitated")
        rows = self.head.predict_proba(texts)
        return [
            max(float(row[column]), _PROFANITY_FLOOR)
            if _PROFANITY.search(normalize(text).text)
            else float(row[column])
            for text, row in zip(texts, rows, strict=True)
        ]


def debtor_trajectory(
    turns: Sequence[Turn], affect: DebtorAffect, threshold: float = 0.25
) -> ToneTrajectory:
    """Compare the debtor's mean agitation in the first and last third of their turns.

    A change larger than ``threshold`` counts; with fewer than two debtor turns there is
    nothing to compare and the call is "steady".
    """
    indices = [i for i, turn in enumerate(turns) if turn.speaker == "debtor" and turn.text.strip()]
    if len(indices) < 2:
        return ToneTrajectory(label="steady", first_third=None, last_third=None)
    scores = dict(zip(indices, affect.agitation([turns[i].text for i in indices]), strict=True))
    size = max(1, len(indices) // 3)
    first, last = indices[:size], indices[-size:]
    start = float(np.mean([scores[i] for i in first]))
    end = float(np.mean([scores[i] for i in last]))
    if end - start > threshold:
        evidence = (min(first, key=scores.__getitem__), max(last, key=scores.__getitem__))
        return ToneTrajectory("escalated", start, end, evidence)
    if start - end > threshold:
        evidence = (max(first, key=scores.__getitem__), min(last, key=scores.__getitem__))
        return ToneTrajectory("calmed", start, end, evidence)
    return ToneTrajectory("steady", start, end)
