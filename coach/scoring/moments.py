"""Active-listening and empathy moments: an agent reply judged *given* the debtor turn it
answers, by two heads trained on writers' labelled pairs (``content/listening/``).

Cue phrases find "I'm sorry to hear that" but not the many other ways people acknowledge a
hard month, and they cannot tell a reflection of what the debtor said from a stock phrase; a
head that sees both turns (:func:`coach.nlp.heads.join_fields`) can.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coach.corpus import LabelledText, ListeningPair, WriterCorpus
from coach.nlp.heads import ClassifierHead, join_fields

YES, NO = "yes", "no"
FLAGS = ("active_listening", "empathy")
# Fields a moment head reads: the debtor turn answered, then the agent reply.
MOMENT_FIELDS = 2
MOMENT_LEXICAL_WEIGHT = 1.0
# A moment is credited from this probability on.
MOMENT_THRESHOLD = 0.5


def moment_examples(corpora: Iterable[WriterCorpus], flag: str) -> list[LabelledText]:
    """Every pair as one example of ``flag`` (yes/no)."""
    pairs: list[ListeningPair] = [
        p for c in corpora for p in c.items if isinstance(p, ListeningPair)
    ]
    return [
        LabelledText(join_fields(p.debtor, p.agent), YES if getattr(p, flag) else NO) for p in pairs
    ]


@dataclass(frozen=True)
class Moment:
    """How likely one agent reply is an active-listening and an empathy moment."""

    active_listening: float
    empathy: float


@dataclass(frozen=True)
class MomentHeads:
    """The two heads; ``judge`` takes (debtor turn, agent reply) pairs."""

    active_listening: ClassifierHead
    empathy: ClassifierHead

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[Moment]:
        if not pairs:
            return []
        texts = [join_fields(debtor, agent) for debtor, agent in pairs]
        listening = _yes(self.active_listening, texts)
        empathy = _yes(self.empathy, texts)
        return [Moment(a, e) for a, e in zip(listening, empathy, strict=True)]

    @property
    def versions(self) -> str:
        return f"{self.active_listening.version[:12]}+{self.empathy.version[:12]}"


def _yes(head: ClassifierHead, texts: list[str]) -> list[float]:
    column = head.classes.index(YES)
    return [float(p) for p in head.predict_proba(texts)[:, column]]
