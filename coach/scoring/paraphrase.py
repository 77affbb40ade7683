"""Paraphrase detection: does an agent turn restate what the debtor just said?

A paraphrase means the same as the debtor's words without repeating them, so it needs
high semantic similarity (via the :class:`TextEncoder` port), or a reflection cue plus
moderate similarity, and a word overlap below that of a verbatim echo. Without an encoder
only explicit reflection cues ("so what you're saying") can be credited, and the result
says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coach.nlp.encoder import TextEncoder
from coach.scoring.payment_terms import AMOUNT, DATE, METHOD
from coach.scoring.text_cues import TurnEvidence, cue, cue_text, quote, search, sentences, words
from coach.transcript import Turn

SEMANTIC = "semantic similarity to the debtor's previous turn (sentence encoder)"
LEXICAL = "lexical fallback: no text encoder, so only explicit reflection cues are credited"

# Cosine similarity (MiniLM, L2-normalised) from which an agent sentence restates the debtor;
# calibrated on tests/data/scoring/calls (see the README there).
SIMILARITY_THRESHOLD = 0.58
# An explicit reflection ("so you feel…", "it sounds like…") needs only to be on topic.
REFLECTION_SIMILARITY = 0.3
# Content-word Jaccard overlap at or above which a restatement is an echo, not a paraphrase.
ECHO_OVERLAP = 0.8
# Sentences shorter than this ("I see.", "Okay.") carry too little meaning to compare.
MIN_SENTENCE_WORDS = 4
MIN_DEBTOR_WORDS = 3

REFLECTION = cue(
    r"so,? what you'?re saying",
    r"what i'?m hearing",
    r"if i(?: understand| understood| heard| have understood|'ve understood)"
    r"(?: you)?(?: correctly| right)?",
    r"(?:it )?sounds like",
    r"let me make sure i(?:'ve)? (?:got|understand)",
    r"so,? you(?:'re| are|'ve| have| feel| think| said| mean| were| lost| got| had| \w+ed)",
    r"you (?:mentioned|said) (?:that )?",
    r"(?:is that|have i got that|did i get that) right",
)

# The agent announcing its own next step ("I'll ring you Tuesday") or restating payment
# terms is a confirmation (credited as a summary), not a reflection of the debtor.
AGENT_ACTION = cue(r"(?:i'll|i will|we'll|we will|we could|we can|i can)")

_STOPWORDS = frozenset(
    words(
        "a an the and or but so to of in on at for with by from is are was were be been am i "
        "you we they he she it me my your our their this that these those do does did have has "
        "had will would can could just really very okay ok yeah yes no not don't i'm you're "
        "it's that's um uh like"
    )
)


@dataclass(frozen=True)
class Paraphrases:
    """Agent turns credited as paraphrases, and how they were judged."""

    evidence: tuple[TurnEvidence, ...]
    method: str


def find_paraphrases(turns: Sequence[Turn], encoder: TextEncoder | None) -> Paraphrases:
    """Agent turns that restate the debtor turn right before them."""
    pairs = [
        (i, turns[i - 1].text, turn.text)
        for i, turn in enumerate(turns)
        if i > 0
        and turn.speaker == "agent"
        and turns[i - 1].speaker == "debtor"
        and len(words(turns[i - 1].text)) >= MIN_DEBTOR_WORDS
    ]
    if encoder is None:
        found = [
            TurnEvidence(i, quote(_sentence_with(agent, match.group(0))))
            for i, _, agent in pairs
            if (match := search(REFLECTION, agent)) is not None
        ]
        return Paraphrases(tuple(found), LEXICAL)
    return Paraphrases(tuple(_semantic(pairs, encoder)), SEMANTIC)


def is_echo(agent_sentence: str, debtor_text: str) -> bool:
    """Whether the sentence repeats the debtor's words rather than rephrasing them."""
    if cue_text(agent_sentence).strip(".?! ") == cue_text(debtor_text).strip(".?! "):
        return True
    mine, theirs = _content(agent_sentence), _content(debtor_text)
    if not mine or not theirs:
        return False
    return len(mine & theirs) / len(mine | theirs) >= ECHO_OVERLAP


def _semantic(pairs: list[tuple[int, str, str]], encoder: TextEncoder) -> list[TurnEvidence]:
    candidates = [
        (i, debtor, sentence)
        for i, debtor, agent in pairs
        for sentence in sentences(agent)
        if len(words(sentence)) >= MIN_SENTENCE_WORDS and not _is_confirmation(sentence)
    ]
    if not candidates:
        return []
    debtor_texts = sorted({debtor for _, debtor, _ in candidates})
    agent_texts = [sentence for _, _, sentence in candidates]
    vectors = encoder.encode([*debtor_texts, *agent_texts])
    debtor_rows = dict(zip(debtor_texts, vectors[: len(debtor_texts)], strict=True))
    best: dict[int, tuple[float, str]] = {}
    for (i, debtor, sentence), row in zip(candidates, vectors[len(debtor_texts) :], strict=True):
        similarity = float(np.dot(debtor_rows[debtor], row))
        bar = REFLECTION_SIMILARITY if search(REFLECTION, sentence) else SIMILARITY_THRESHOLD
        if similarity < bar or is_echo(sentence, debtor):
            continue
        if i not in best or similarity > best[i][0]:
            best[i] = (similarity, sentence)
    return [TurnEvidence(i, quote(sentence)) for i, (_, sentence) in sorted(best.items())]


def _is_confirmation(sentence: str) -> bool:
    return any(search(p, sentence) for p in (AGENT_ACTION, AMOUNT, DATE, METHOD))


def _content(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOPWORDS}


def _sentence_with(text: str, fragment: str) -> str:
    return next((s for s in sentences(text) if fragment in cue_text(s)), text)
