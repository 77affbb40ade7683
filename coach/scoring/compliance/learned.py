"""Learned rule detectors: one binary head per rule, trained on the labelled rule lines.

Patterns are precise but blind to new wording; a head over the sentence embedding plus word
TF-IDF (:mod:`coach.nlp.heads`) generalises across writers. Each head sees its rule's positive
lines against every other line of the jurisdiction (near-misses and other rules' lines), so it
learns the rule, not "sounds like a collector". Heads are cached and versioned like the tone
head; the same data and encoder give the same probabilities.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from coach.corpus import LabelledText, RuleLines
from coach.nlp.encoder import TextEncoder
from coach.nlp.heads import ClassifierHead, class_probabilities, unit_rows
from coach.nlp.memo import BatchMemo

POSITIVE, NEGATIVE = "positive", "negative"
# The probe's setting: the word block at full weight beside the embedding.
RULE_LEXICAL_WEIGHT = 1.0
# A rule whose positives mostly answer a debtor turn (cease, dispute, attorney, ...) only
# fires when an earlier debtor turn plausibly asked for it.
ANSWERS_DEBTOR_SHARE = 0.5
# Texts whose rule probabilities are kept (about 2 KB each; a long call has ~150 turns).
RULE_MEMO_SIZE = 4096


# Rules whose labelled lines are written in another sense than the rule pack judges, so a head
# trained on them would fire the wrong way: the writers (and the catalog's first kind) read the
# electronic opt-out as a disclosure ("Reply STOP to opt out" = positive), while Coach scores
# calls, where the rule is the prohibition of ignoring a "don't text me" (the pack's
# trigger-response). A head here made giving an opt-out a violation.
LINES_IN_ANOTHER_SENSE = frozenset({"US-REGF-1006.6e-ELECTRONIC-OPT-OUT"})


_NUMBER_WORD = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|hundred|thousand|million|lakh|lakhs|crore|crores|zero|half|quarter"
    r"|third(?![\s-]+part)|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\w+teenth|twentieth"
    r"|thirtieth)"
)
_NUMBER = re.compile(
    r"[$£€₹]?\d+(?:[,.:]\d+)*(?:st|nd|rd|th|k)?(?:\s?(?:am|pm)\b)?"
    rf"|\b(?:one[\s-]+)?{_NUMBER_WORD}(?:[\s-]+(?:and[\s-]+)?(?:{_NUMBER_WORD}|one|first|second))*\b",
    re.IGNORECASE,
)


# Every head reads every line of its jurisdiction, and the regex is slow (~40 µs a line): one
# pass per distinct text keeps loading cached heads at about 2 s instead of 10 s.
@functools.lru_cache(maxsize=32768)
def head_text(text: str) -> str:
    """What a rule head reads: the turn with every number, in digits or in words, as the word
    "number". Speech recognition writes "5.30" and "$1,100" where a typed line says "five
    thirty" and "eleven hundred dollars"; a head trained on one form must not judge the other
    differently (an amount or a time is rarely what makes a line lawful or not, while "six
    times today" keeps its "times today")."""
    return _NUMBER.sub("number", text)


def rule_examples(lines: Iterable[RuleLines], rule: str) -> list[LabelledText]:
    """The rule's positives against every other line of the same files, as a head reads them
    (:func:`head_text`)."""
    return [
        LabelledText(
            head_text(line.text),
            POSITIVE if line.rule == rule and line.label == POSITIVE else NEGATIVE,
        )
        for group in lines
        for line in group.lines
    ]


def rules_with_positives(lines: Iterable[RuleLines]) -> list[str]:
    """Rules that have at least one positive line, sorted (one head each), less
    :data:`LINES_IN_ANOTHER_SENSE`."""
    rules = {ln.rule for group in lines for ln in group.lines if ln.label == POSITIVE}
    return sorted(rules - LINES_IN_ANOTHER_SENSE)


def debtor_triggers(lines: Iterable[RuleLines], rule: str) -> tuple[str, ...]:
    """The debtor turns the rule's positives answer, when most of them answer one, else ()."""
    positives = [ln for g in lines for ln in g.lines if ln.rule == rule and ln.label == POSITIVE]
    answered = sorted({ln.debtor_before for ln in positives if ln.debtor_before})
    if not positives or len(answered) / len(positives) < ANSWERS_DEBTOR_SHARE:
        return ()
    return tuple(answered)


@dataclass(frozen=True)
class RuleHead:
    """One rule's head and, for a rule that answers the debtor, its debtor triggers."""

    rule: str
    head: ClassifierHead
    triggers: tuple[str, ...] = ()

    @property
    def answers_debtor(self) -> bool:
        return bool(self.triggers)


class JurisdictionRuleModel:
    """The heads of one jurisdiction: texts in, each rule's probability out."""

    def __init__(self, encoder: TextEncoder, heads: Sequence[RuleHead]) -> None:
        self.encoder = encoder
        self.heads = {h.rule: h for h in heads}
        self._trigger_rows: dict[str, np.ndarray] = {}
        # A text's probabilities depend on that text alone, and a role-play reply re-judges
        # every earlier turn of the call: each text is judged once.
        self._judged: BatchMemo[str, dict[str, float]] = BatchMemo(RULE_MEMO_SIZE)

    @property
    def version(self) -> str:
        """One digest over every head's version: any retrained head changes it."""
        joined = "\n".join(f"{rule}:{h.head.version}" for rule, h in sorted(self.heads.items()))
        return hashlib.sha256(joined.encode()).hexdigest()

    def rule_probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Per rule, the probability that each text is a positive line for it."""
        if not texts:
            return {rule: np.zeros(0) for rule in self.heads}
        rows = self._judged.get_many([head_text(t) for t in texts], self._judge)
        return {rule: np.array([row[rule] for row in rows]) for rule in self.heads}

    def _judge(self, texts: list[str]) -> list[dict[str, float]]:
        """Each head text's probability per rule."""
        heads = {rule: h.head for rule, h in self.heads.items()}
        columns = class_probabilities(heads, POSITIVE, self.encoder.encode(texts), texts)
        return [{rule: p[row] for rule, p in columns.items()} for row in range(len(texts))]

    def trigger_similarity(self, rule: str, texts: Sequence[str]) -> np.ndarray:
        """Per text, the highest cosine to the rule's training debtor turns (0 without any)."""
        head = self.heads.get(rule)
        if head is None or not head.triggers or not texts:
            return np.zeros(len(texts))
        if rule not in self._trigger_rows:
            self._trigger_rows[rule] = unit_rows(self.encoder.encode(head.triggers))
        return np.asarray(
            (unit_rows(self.encoder.encode(texts)) @ self._trigger_rows[rule].T).max(1)
        )


@dataclass(frozen=True)
class RuleModels:
    """The learned rule heads of every jurisdiction that has rule lines."""

    by_jurisdiction: Mapping[str, JurisdictionRuleModel]

    def get(self, jurisdiction: str) -> JurisdictionRuleModel | None:
        return self.by_jurisdiction.get(jurisdiction)
