"""Redaction applied to what Coach stores: transcripts (turn text and word timings) and JSON."""

from __future__ import annotations

from typing import Any

from coach.privacy.kinds import marker
from coach.privacy.redact import find_redactions, redact_text
from coach.transcript import Transcript, Turn, Word


def redact_transcript(transcript: Transcript) -> Transcript:
    """The transcript with numbers redacted in every turn's text and in its timed words.

    The words of a redacted number become one word, the marker, spanning their times, so
    word timings (pace, pauses) still cover the turn and no digit survives in a word.
    """
    return transcript.model_copy(update={"turns": tuple(_turn(t) for t in transcript.turns)})


def redact_strings(value: Any) -> Any:
    """A copy of a JSON-like value with every string redacted (e.g. a stored scorecard)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_strings(item) for item in value]
    return value


def _turn(turn: Turn) -> Turn:
    text = redact_text(turn.text)
    words = _words(turn.words)
    if text == turn.text and words == turn.words:
        return turn
    return turn.model_copy(update={"text": text, "words": words})


def _words(words: tuple[Word, ...]) -> tuple[Word, ...]:
    redactions = find_redactions(" ".join(word.w for word in words))
    if not redactions:
        return words
    covering: list[int | None] = []
    position = 0
    for word in words:
        end = position + len(word.w)
        hits = [i for i, r in enumerate(redactions) if position < r.end and end > r.start]
        covering.append(hits[0] if hits else None)
        position = end + 1
    result: list[Word] = []
    for index, word in enumerate(words):
        which = covering[index]
        if which is None:
            result.append(word)
        elif index == 0 or covering[index - 1] != which:
            last = max(i for i, c in enumerate(covering) if c == which)
            text = marker(redactions[which].kind)
            result.append(Word(w=text, start=word.start, end=words[last].end))
    return tuple(result)
