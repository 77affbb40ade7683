"""What a trainee's reply does: one binary head per intent over (debtor turn, reply), trained on
the writers' intent lines (``content/intents/``).

A reply often carries several intents at once (a greeting, a name and a purpose), so each
intent gets its own yes/no head rather than one head choosing among them. A head learns its
intent's positives against its own near-misses and against the lines written for intents
that rarely share a reply with it: another intent's positive may well also greet or state
the purpose, so using it as a "no" would teach the head to miss them (see
:data:`OFTEN_TOGETHER`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from coach.corpus import IntentLine, IntentLines, LabelledText
from coach.nlp.heads import ClassifierHead, class_probabilities, embed_fields, join_fields

YES, NO = "yes", "no"
# Fields a head reads: the debtor turn the reply answers ("" when none), then the reply.
INTENT_FIELDS = 2
INTENT_LEXICAL_WEIGHT = 1.0
# An intent is heard from this probability on.
INTENT_THRESHOLD = 0.5
# Intents that often share one reply: the call opening, and the steps of an arrangement.
OFTEN_TOGETHER: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "greet",
            "identify_self",
            "verify_identity",
            "mini_miranda",
            "recording_notice",
            "state_purpose",
        }
    ),
    frozenset(
        {
            "explore_finances",
            "offer_options",
            "propose_plan",
            "request_payment",
            "confirm_commitment",
            "schedule_callback",
            "close_call",
            "pressure",
        }
    ),
    frozenset({"empathise", "paraphrase", "open_question", "signpost_help", "explore_finances"}),
    frozenset({"threaten", "pressure", "insult", "disclose_third_party"}),
    frozenset({"handle_dispute", "respect_cease", "empathise", "paraphrase", "schedule_callback"}),
)


def intent_text(line: IntentLine) -> str:
    """The two fields a head reads for one line."""
    return join_fields(line.debtor_before or "", line.text)


def related(intent: str) -> frozenset[str]:
    """Intents that often share a reply with ``intent`` (itself included)."""
    return frozenset({intent}).union(*(group for group in OFTEN_TOGETHER if intent in group))


def intent_examples(
    corpora: Iterable[IntentLines], intent: str, skip_related: bool = True
) -> list[LabelledText]:
    """``intent``'s positives (yes) against its near-misses and every line of the intents
    that seldom share a reply with it (no); ``skip_related=False`` takes every other line as
    a no (the alternative the intent bench measures beside it)."""
    near = related(intent) if skip_related else frozenset({intent})
    examples = []
    for corpus in corpora:
        for line in corpus.lines:
            if line.intent == intent:
                label = YES if line.label == "positive" else NO
            elif line.intent not in near:
                label = NO
            else:
                continue
            examples.append(LabelledText(intent_text(line), label))
    return examples


def intents_with_lines(corpora: Iterable[IntentLines]) -> list[str]:
    """Every intent with at least one positive line, sorted (one head each)."""
    return sorted({ln.intent for c in corpora for ln in c.lines if ln.label == "positive"})


@dataclass(frozen=True)
class IntentHeads:
    """One head per intent; ``judge`` takes (debtor turn, reply) pairs."""

    heads: Mapping[str, ClassifierHead]

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        """Per pair, each intent's probability (the texts are embedded once for all heads)."""
        if not pairs:
            return []
        texts = [join_fields(debtor, reply) for debtor, reply in pairs]
        any_head = next(iter(self.heads.values()))
        embeddings = embed_fields(any_head.encoder, texts, INTENT_FIELDS)
        columns = class_probabilities(self.heads, YES, embeddings, texts)
        return [{i: float(p[row]) for i, p in columns.items()} for row in range(len(pairs))]

    def heard(self, debtor: str, reply: str) -> list[str]:
        """The intents a reply carries, at or above :data:`INTENT_THRESHOLD`, sorted."""
        [probabilities] = self.judge([(debtor, reply)])
        return sorted(i for i, p in probabilities.items() if p >= INTENT_THRESHOLD)

    @property
    def version(self) -> str:
        return "+".join(f"{i}:{h.version[:8]}" for i, h in sorted(self.heads.items()))
