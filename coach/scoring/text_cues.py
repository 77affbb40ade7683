"""Cue-phrase matching over turn text, shared by the listening and negotiation metrics.

Cues are small regex alternations matched on word boundaries, so "pay" never fires inside
"payment" and ASR text (lowercase, no punctuation) matches the same way as typed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_QUOTE_LIMIT = 160


@dataclass(frozen=True)
class TurnEvidence:
    """Why a metric gave credit: the turn index and the words that showed it."""

    turn: int
    quote: str


def cue(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern from regex alternatives, bounded so words match whole."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w'])", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lowercase with straight apostrophes and single spaces (what the cues are written for)."""
    return " ".join(text.translate(_APOSTROPHES).lower().split())


def words(text: str) -> list[str]:
    """Lowercase word tokens, keeping contractions such as "you're" whole."""
    return _WORD.findall(normalise(text))


def sentences(text: str) -> list[str]:
    """Sentences split at terminal punctuation; unpunctuated ASR text stays one sentence."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def quote(text: str) -> str:
    """The evidence snippet shown to a trainee: the text, cut at a readable length."""
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1].rstrip() + "…"


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """First match of ``pattern`` in the normalised ``text``."""
    return pattern.search(normalise(text))


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
