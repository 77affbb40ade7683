"""Cue-phrase matching over turn text, shared by the listening and negotiation metrics.

Cues are small regex alternations matched on word boundaries, so "pay" never fires inside
"payment". They match the one normaliser's form of a text (:mod:`coach.nlp.normalise`:
lowercase, no apostrophes, dashes as spaces), the form rule patterns match too, so typed
text, ASR text and "dont"/"don't" all read the same. Cues are written as people spell
("don't", "what's"); :func:`cue` drops the apostrophes the normaliser drops from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.nlp.normalise import normalize

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_QUOTE_LIMIT = 160


@dataclass(frozen=True)
class TurnEvidence:
    """Why a metric gave credit: the turn index and the words that showed it."""

    turn: int
    quote: str


def cue(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern from regex alternatives, bounded so words match whole."""
    source = "|".join(_without_apostrophes(a) for a in alternatives)
    return re.compile(r"(?<!\w)(?:" + source + r")(?!\w)", re.IGNORECASE)


def _without_apostrophes(pattern: str) -> str:
    """A pattern written with apostrophes ("you'?re", "i'm"), for apostrophe-free text."""
    return pattern.replace("'?", "").replace("'", "")


def cue_text(text: str) -> str:
    """The normalised text cues are matched against."""
    return normalize(text).text


def words(text: str) -> list[str]:
    """Lowercase word tokens; contractions stay one word ("you're" is "youre")."""
    return _WORD.findall(cue_text(text))


def sentences(text: str) -> list[str]:
    """Sentences split at terminal punctuation; unpunctuated ASR text stays one sentence."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def quote(text: str) -> str:
    """The evidence snippet shown to a trainee: the text, cut at a readable length."""
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1].rstrip() + "…"


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """First match of ``pattern`` in the normalised ``text``."""
    return pattern.search(cue_text(text))


RECAP = cue(
    r"to recap",
    r"recap",
    r"(?:just )?to confirm",
    r"let me confirm",
    r"to summari[sz]e",
    r"in summary",
    r"let me read (?:that|it) back",
    r"so,? (?:that's|just to|the account(?:'s)?|[$£₹]?\d[\d,.]*|tomorrow"
    r"|(?:on )?(?:mon|tues|wednes|thurs|fri|satur|sun)day)",
)
"""An agent summing up what was agreed or what happens next."""

CLOSE = cue(
    r"bye",
    r"goodbye",
    r"have a (?:good|great|nice|lovely) (?:one|day|evening|night|afternoon|weekend)",
    r"take care(?: of yourself)?",
    r"thank(?:s| you) for (?:your time|talking|working|calling|speaking)",
    r"good luck",
    r"cheers",
    r"speak (?:to you )?soon",
    r"all the best",
)
"""An agent ending the call politely."""
