"""Finding the agent's questions and telling open ones from closed ones.

Typed text marks questions with "?"; ASR text often has no punctuation, so there a question
is found by its opening words ("can you", "what would").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.nlp.normalise import normalize
from coach.scoring.text_cues import cue, cue_text, sentences

_LEAD_IN = r"(?:(?:so|and|okay|ok|alright|right|um|uh|now|well|then|great|perfect),?\s+)*"
_ASR_STARTER = cue(
    r"(?:can|could|would|will|do|does|did|is|are|have|has|shall|may)"
    r" (?:you|i|we|it|this|that|there|he|she|they)",
    r"(?:what|when|how|why|where|which|who)(?:'s)? (?:is|are|do|does|did|would|could|can|will"
    r"|time|day|date|kind|sort|happened|made|works)",
    r"tell me",
)
# Matched against the normalised text ("what's" reads "whats"): "what's your name" asks for a
# fact, "what's happening" invites an answer.
_OPEN = re.compile(
    _LEAD_IN + r"(?:(?:whats(?! (?:your|her|his)\b)|hows|whys|what|how|why)"
    r"(?!\s+(?:about|time|date|day|number|is your))"
    r"|tell me|walk me through|talk me through|describe|explain"
    r"|(?:can|could|would) you (?:tell|walk|talk) me)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """One question the speaker asked; ``open`` when it invites more than a yes/no or a fact."""

    text: str
    open: bool


def questions_in(text: str) -> list[Question]:
    """Questions in one turn's text, in order."""
    parts = sentences(text)
    if "?" in text:
        found = [s for s in parts if s.endswith("?")]
    elif any(s[-1] in ".!" for s in parts):
        found = []
    else:
        found = _asr_questions(text)
    return [Question(q, bool(_OPEN.match(cue_text(q)))) for q in found]


def _asr_questions(text: str) -> list[str]:
    """Unpunctuated text cut before each question opener (found in the normalised text)."""
    norm = normalize(text)
    starts = [norm.original_span(m.start(), m.end())[0] for m in _ASR_STARTER.finditer(norm.text)]
    if not starts:
        return []
    ends = [*starts[1:], len(text)]
    return [text[a:b].strip() for a, b in zip(starts, ends, strict=True)]
